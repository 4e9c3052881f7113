package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// The real console synced with the real central names the demo clinic's
// cardiologist, not her id: in the regime history and after the regime
// form's physician field, which keeps her reference and says she is a
// known physician, unchanged; a version saved with the field untouched
// still refers to her Practitioner on the central (a reference stays a
// reference, never becomes her name as text).
func TestE2ERegimeNamesThePhysician(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	const pid = "pat-0003"
	name := patientName(c, pid)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.openPatient(name)

	con.send("v")
	scr := con.waitFor("the regime history", func(s string) bool { return strings.Contains(s, "Versioner af måleregimet for "+name) })
	if !strings.Contains(scr, "Ansvarlig læge: "+demo.PhysicianName) {
		t.Errorf("the history does not name the physician:\n%s", scr)
	}
	if strings.Contains(scr, demo.Physician) {
		t.Errorf("the history shows the physician's id:\n%s", scr)
	}
	con.send("Escape")
	con.waitFor("the patient view again", func(s string) bool { return strings.Contains(s, "Vægtkurve") })

	con.send("e")
	scr = con.waitFor("the regime form", func(s string) bool { return strings.Contains(s, "Måleregime for "+name) })
	if row := lineWith(scr, "Ansvarlig læge"); !strings.Contains(row, "Practitioner/"+demo.Physician) {
		t.Errorf("physician row: %q", row)
	}
	if got, want := physicianSays(scr), "kendt læge: "+demo.PhysicianName+" · uændret"; got != want {
		t.Errorf("the form says %q after the physician, want %q", got, want)
	}
	const reason = "Navne e2e"
	con.send("-l", reason)
	con.send("C-s")
	con.waitFor("the version saved", func(s string) bool { return strings.Contains(s, "Ny version af måleregimet gemt.") })
	if got := savedPhysician(t, c, pid, reason).Reference; got != "Practitioner/"+demo.Physician {
		t.Fatalf("the physician is %q, want the reference Practitioner/%s", got, demo.Physician)
	}
	con.quit()
}

// A one-word name typed in the physician field ("Hansen") is a name as
// text, not the id of a practitioner the console knows: the form says it
// will be saved as free text, and the version on the central names the
// physician by display only, with no reference to a Practitioner/Hansen
// that does not exist (the defect: any word that was a valid FHIR id was
// saved as a reference, and the central took it).
func TestE2ERegimeOneWordPhysicianIsText(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	const pid = "pat-0003"
	name := patientName(c, pid)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.openPatient(name)

	con.send("e")
	con.waitFor("the regime form", func(s string) bool { return strings.Contains(s, "Måleregime for "+name) })
	const reason = "Ny ansvarlig læge"
	con.send("-l", reason)
	con.send("Tab", "End", "C-u")
	con.send("-l", "Hansen")
	scr := con.waitFor("the typed name", func(s string) bool {
		row := lineWith(s, "Ansvarlig læge")
		return strings.Contains(row, "Hansen") && !strings.Contains(row, demo.Physician)
	})
	if got := physicianSays(scr); got != "gemmes som fritekst" {
		t.Errorf("the form says %q after the physician, want that it is saved as free text", got)
	}
	con.send("C-s")
	con.waitFor("the version saved", func(s string) bool { return strings.Contains(s, "Ny version af måleregimet gemt.") })
	if ref := savedPhysician(t, c, pid, reason); ref.Reference != "" || ref.Display != "Hansen" {
		t.Fatalf("the physician is reference %q display %q, want the text Hansen and no reference", ref.Reference, ref.Display)
	}
	// The patient view names her as the text she is.
	con.send("v")
	scr = con.waitFor("the regime history", func(s string) bool { return strings.Contains(s, "Versioner af måleregimet for "+name) })
	if !strings.Contains(scr, "Ansvarlig læge: Hansen") {
		t.Errorf("the history does not show the physician as typed:\n%s", scr)
	}
	con.quit()
}

// physicianSays is what the regime form says after its physician field:
// after the field on its row, or on the line under it when the row has no
// room for it.
func physicianSays(scr string) string {
	lines := strings.Split(scr, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "Ansvarlig læge") {
			continue
		}
		_, after, _ := strings.Cut(l, "]")
		if after = strings.TrimSpace(after); after != "" || i+1 == len(lines) {
			return after
		}
		return strings.TrimSpace(lines[i+1])
	}
	return ""
}

// savedPhysician waits for the patient's CarePlan on the central to be the
// version saved with reason, and returns the physician it names.
func savedPhysician(t *testing.T, c *actCentral, pid, reason string) fhir.Reference {
	t.Helper()
	var ref fhir.Reference
	eventually(t, "the new version on the central", func() (bool, string) {
		cps := c.search(actNurse, "CarePlan", url.Values{"patient": {pid}})
		if len(cps) != 1 {
			return false, fmt.Sprint(len(cps), " care plans")
		}
		cp, err := fhir.Decode[*fhir.CarePlan](cps[0].Raw)
		if err != nil {
			return false, err.Error()
		}
		if r := fhir.FindExtension(cp.Extension, fhir.ExtReason); r == nil || r.ValueString == nil || *r.ValueString != reason {
			return false, "not yet: " + string(cps[0].Raw)
		}
		e := fhir.FindExtension(cp.Extension, fhir.ExtPhysician)
		if e == nil || e.ValueReference == nil {
			t.Fatalf("the new version names no physician: %s", cps[0].Raw)
		}
		ref = *e.ValueReference
		return true, ""
	})
	return ref
}
