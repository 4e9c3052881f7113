package demo

import "github.com/telehjerte/telehjerte-tui/domain"

// ClinicName is the name of the demo clinic's monitoring team, shown in the
// console so nobody mistakes the demo for a real clinic.
const ClinicName = "Hjertesvigtsklinik Demo"

// Team ids of the demo clinic and of the partner clinic that provides
// holiday cover.
const (
	TeamDemoID  = "team-hf-demo"
	TeamCoverID = "team-hf-demo-nord"
)

// Synthetic practitioners that appear as authors, acknowledgers and senders.
const (
	NurseA      = "prac-demo-nurse-1"
	NurseB      = "prac-demo-nurse-2"
	Physician   = "prac-demo-cardiologist"
	LateArrival = "late-arrival" // DoneBy of a missing task resolved by a late reading
	// NurseName is the name the clinic's nurses write under in the demo:
	// the sender of its messages, and the name of NurseA, whom the DEMO
	// console acts as (the header names her).
	NurseName = "Sygeplejerske, " + ClinicName
	// PhysicianName is the demo clinic's cardiologist, the responsible
	// physician of its patients' regimes.
	PhysicianName = "Overlæge Mette Kjærgaard"
)

// PractitionerNames are the names of the demo clinic's practitioners by
// id, as their Practitioner resources carry them: the console shows these
// where the data name a practitioner by id.
func PractitionerNames() map[string]string {
	return map[string]string{
		NurseA:    NurseName,
		NurseB:    "Sygeplejerske Lise Holm, " + ClinicName,
		Physician: PhysicianName,
	}
}

// Teams returns the demo clinic's teams: the demo heart-failure clinic first,
// then the partner clinic that covers during holidays.
func Teams() []domain.Team {
	return []domain.Team{teamDemo(), teamCover()}
}

func teamDemo() domain.Team {
	return domain.Team{ID: TeamDemoID, Name: ClinicName, OrgID: "org-demo-hospital", OrgName: "Demo Hospital"}
}

func teamCover() domain.Team {
	return domain.Team{ID: TeamCoverID, Name: "Hjertesvigtsklinik Demo Nord", OrgID: "org-demo-hospital-nord", OrgName: "Demo Hospital Nord"}
}
