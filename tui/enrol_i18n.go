package tui

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
}
