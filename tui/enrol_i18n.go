package tui

import "github.com/telehjerte/telehjerte-tui/domain"

// courseTexts are the strings of the patient's course: the enrolment form
// ("opret borger") and its problems.
type courseTexts struct {
	KeyEnrol, Title, Template, TemplateLine       string
	Daily, NoLimitsBP, StartUpIn, ReevalIn        string
	CPR, Name, Contact, Team, Physician, RefW     string
	Inclusion, EF, Titration, Able, Consent, CDay string
	CPRHint, RefWHint, AbleHint                   string
	Mod11Warn                                     string
	Enrolled, NoTeams                             string
	ProbEnrolled, ProbConsent                     string

	// Course reminders on the worklist and the patient header.
	FlagNew, FlagStartUp, FlagReevalToday, FlagReevalDue string
	FlagReevalOverdue, FlagNotSeen, FlagFailing          string
	Reminders                                            string

	// Re-evaluation, end and the ended courses.
	KeyReeval, KeyEnd, KeyEnded string
	// The access report (U on the worklist).
	KeyAccessReport, ReportTitle, ReportHead, ReportUnused, ReportNone, ReportLoading string
	ReportOutside                                                                     string // %d look-ups outside her teams
	// ReportOpened and ReportFetched are a line's figures (%d/%d: times,
	// patients); ReportExplain says what they count.
	ReportOpened, ReportFetched, ReportExplain      string
	ReportRole                                      map[domain.Role]string // a user's role on a line
	ReevalTitle, Outcome, Next, Note                string
	OutcomeName                                     map[domain.ReevalOutcome]string
	ReevalDone, ReevalChangeDone                    string
	EndTitle, Reason, EndDate, After, EndNote       string
	ReasonName                                      map[domain.EndReason]string
	AfterGP, AfterClinic, CloseOpen, ProbOpen       string
	Ended, ClosedNote, EndedTitle, NoEnded, EndedOn string
	PhaseEnded                                      string
	WhatEnrol                                       string // sync problems: "Oprettelse af borger '%s'"
}

var courseDa = courseTexts{
	KeyEnrol: "opret borger", Title: "Opret borger", Template: "Opstartsregime",
	TemplateLine: "%s: %s; opstart slutter om %d dage, revurdering om %d dage",
	Daily:        "dagligt", NoLimitsBP: "BT uden grænser (uklassificeret)",
	StartUpIn: "opstart %d dage", ReevalIn: "revurdering %d dage",
	CPR: "CPR-nummer", Name: "Navn", Contact: "Kontakt (telefon)", Team: "Monitoreringsteam",
	Physician: "Ansvarlig læge", RefW: "Referencevægt (kg)",
	Inclusion: "Inklusion:", EF: "Hjertesvigt, EF ≤ 40 %", Titration: "I titrering på klinik",
	Able: "Kan bruge app/udstyr", AbleHint: "eller hjælp er aftalt", Consent: "Informeret samtykke", CDay: "Samtykke givet dato",
	CPRHint: "DDMMÅÅ-XXXX", RefWHint: "vægtgrænser regnes fra den",
	Mod11Warn: "Advarsel: CPR-nummeret består ikke modulus 11-kontrollen (numre fra efter 2007 behøver ikke). Tjek nummeret; ctrl+s igen opretter.",
	Enrolled:  "Borger oprettet: sendes til den centrale server", NoTeams: "Ingen teams kendt endnu: synkronisér først.",
	ProbEnrolled: "allerede tilmeldt: følges af %s",
	ProbConsent:  "informeret samtykke skal være givet og registreret før oprettelse",
	FlagNew:      "ny borger", FlagStartUp: "opstart slut: sæt individuelle grænser",
	FlagReevalToday: "revurdering i dag", FlagReevalDue: "revurdering om %d d",
	FlagReevalOverdue: "revurdering %d d over tid", FlagNotSeen: "ikke set i %d dage",
	FlagFailing: "mangler målinger %d af %d dage", Reminders: "Forløb",
	KeyReeval: "revurdering", KeyEnd: "afslut forløb", KeyEnded: "afsluttede forløb",
	KeyAccessReport: "adgangsrapport", ReportTitle: "Adgangsrapport · seneste halve år (fra centralen)",
	ReportHead:   "Bruger · rolle · åbnet: gange/borgere · hentet: svar/borgere · senest åbnet · se-adgang",
	ReportOpened: "åbnet %d/%d", ReportFetched: "hentet %d/%d",
	ReportRole: map[domain.Role]string{domain.RoleNurse: "sygeplejerske", domain.RoleReadOnly: "se-adgang",
		domain.RoleAdmin: "administrator"},
	ReportExplain: "Åbnet: de gange brugeren selv har åbnet en borger (eller måleregimets historik) i konsollen, og hvor mange forskellige borgere (konsollens log, sendt til centralen). " +
		"Hentet: centralens svar med borgerdata til brugerens login (ét pr. side) og borgerne i dem. Konsollens automatiske synkronisering henter alle borgere, brugeren må se, " +
		"først det hele og siden det nye, så hentet er ikke opslag, brugeren selv har gjort. " +
		"Kun borgere med hjemmeteam i dine teams tælles (en administrator får alle teams). UBRUGT: adgang, men intet hentet fra centralen i perioden (åbninger, som konsollerne selv melder, tæller ikke med).",
	ReportUnused: "UBRUGT", ReportNone: "Ingen brugere i rapporten.", ReportLoading: "Henter adgangsrapporten …",
	ReportOutside: "%d uden for egne teams",
	ReevalTitle:   "Revurdering af %s", Outcome: "Udfald", Next: "Næste revurdering", Note: "Notat",
	OutcomeName: map[domain.ReevalOutcome]string{domain.ReevalContinue: "fortsæt", domain.ReevalChange: "ændr måleregime",
		domain.ReevalEnd: "afslut forløb"},
	ReevalDone: "Revurdering registreret", ReevalChangeDone: "Revurdering registreret: ret måleregimet",
	EndTitle: "Afslut forløb for %s", Reason: "Årsag", EndDate: "Sidste dag", After: "Ansvar herefter",
	EndNote: "Afslutningsnotat",
	ReasonName: map[domain.EndReason]string{domain.EndStable: "stabil", domain.EndNotNeeded: "behøver ikke monitorering",
		domain.EndFailed: "måler ikke", domain.EndMoved: "fraflyttet", domain.EndDied: "død", domain.EndOwnWish: "eget ønske",
		domain.EndOtherReason: "andet"},
	AfterGP: "egen læge", AfterClinic: "hjertesvigtsklinikken (forlænget)",
	CloseOpen: "Luk åbne opgaver (%d)", ProbOpen: "%d åbne opgaver skal kvitteres eller lukkes med afslutningen",
	Ended: "Forløb afsluttet", ClosedNote: "Lukket ved afslutning af forløb", EndedTitle: "Afsluttede forløb",
	NoEnded: "Ingen afsluttede forløb.", EndedOn: "afsluttet %s", PhaseEnded: "afsluttet",
	WhatEnrol: "Oprettelse af borger '%s'",
}

var courseEn = courseTexts{
	KeyEnrol: "enrol patient", Title: "Enrol patient", Template: "Start-up regime",
	TemplateLine: "%s: %s; start-up ends in %d days, re-evaluation in %d days",
	Daily:        "daily", NoLimitsBP: "BP without limits (unclassified)",
	StartUpIn: "start-up %d days", ReevalIn: "re-evaluation %d days",
	CPR: "CPR number", Name: "Name", Contact: "Contact (phone)", Team: "Monitoring team",
	Physician: "Responsible physician", RefW: "Reference weight (kg)",
	Inclusion: "Inclusion:", EF: "Heart failure, EF ≤ 40 %", Titration: "On titration at clinic",
	Able: "Can use app/devices", AbleHint: "or help is arranged", Consent: "Informed consent given", CDay: "Consent given on",
	CPRHint: "DDMMYY-XXXX", RefWHint: "weight limits are relative to it",
	Mod11Warn: "Warning: the CPR number fails the modulus-11 check (numbers issued after 2007 need not pass). Check it; ctrl+s again enrols.",
	Enrolled:  "Patient enrolled: on its way to the central server", NoTeams: "No teams known yet: sync first.",
	ProbEnrolled: "already enrolled: held by %s",
	ProbConsent:  "informed consent must be given and recorded before enrolment",
	FlagNew:      "new patient", FlagStartUp: "start-up over: set individual limits",
	FlagReevalToday: "re-evaluation today", FlagReevalDue: "re-evaluation in %d d",
	FlagReevalOverdue: "re-evaluation %d d overdue", FlagNotSeen: "not seen for %d days",
	FlagFailing: "missing measurements %d of %d days", Reminders: "Course",
	KeyReeval: "re-evaluation", KeyEnd: "end course", KeyEnded: "ended courses",
	KeyAccessReport: "access report", ReportTitle: "Access report · last half year (from the central)",
	ReportHead:   "User · role · opened: times/patients · fetched: answers/patients · last opened · se-adgang",
	ReportOpened: "opened %d/%d", ReportFetched: "fetched %d/%d",
	ReportRole: map[domain.Role]string{domain.RoleNurse: "nurse", domain.RoleReadOnly: "read-only",
		domain.RoleAdmin: "administrator"},
	ReportExplain: "Opened: the times the user opened a patient (or the regime's history) in the console, and how many different patients (the console's log, sent to the central). " +
		"Fetched: the central's answers carrying patient data to the user's login (one per page) and the patients in them. The console's automatic sync fetches every patient the user may see, " +
		"all at first and then what is new, so fetched are not look-ups the user made. " +
		"Only patients whose home team is one of yours are counted (an administrator gets every team). UNUSED: access, but nothing fetched from the central in the period (openings, which the consoles report themselves, do not count).",
	ReportUnused: "UNUSED", ReportNone: "No users in the report.", ReportLoading: "Fetching the access report …",
	ReportOutside: "%d outside own teams",
	ReevalTitle:   "Re-evaluation of %s", Outcome: "Outcome", Next: "Next re-evaluation", Note: "Note",
	OutcomeName: map[domain.ReevalOutcome]string{domain.ReevalContinue: "continue", domain.ReevalChange: "change the regime",
		domain.ReevalEnd: "end the course"},
	ReevalDone: "Re-evaluation recorded", ReevalChangeDone: "Re-evaluation recorded: change the regime",
	EndTitle: "End the course of %s", Reason: "Reason", EndDate: "Last day", After: "Responsible after",
	EndNote: "Closing note",
	ReasonName: map[domain.EndReason]string{domain.EndStable: "stable", domain.EndNotNeeded: "no longer needs monitoring",
		domain.EndFailed: "failed to measure", domain.EndMoved: "moved", domain.EndDied: "died", domain.EndOwnWish: "own wish",
		domain.EndOtherReason: "other"},
	AfterGP: "own GP", AfterClinic: "the heart-failure clinic (prolonged)",
	CloseOpen: "Close open items (%d)", ProbOpen: "%d open items must be acknowledged or closed with the end",
	Ended: "Course ended", ClosedNote: "Closed with the end of the course", EndedTitle: "Ended courses",
	NoEnded: "No ended courses.", EndedOn: "ended %s", PhaseEnded: "ended",
	WhatEnrol: "Enrolment of '%s'",
}
