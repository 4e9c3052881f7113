package tui

import (
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// texts is the UI string catalogue of one language. Every word the console
// shows comes from here; views hold no string literals of their own.
type texts struct {
	Decimal byte // decimal separator

	Title      string
	DemoBanner string
	Loading    string
	ErrPrefix  string
	NotAcute   string

	// Worklist header.
	Patients  func(n int) string // "1 borger", "2 borgere"
	ScopeOpen string
	ScopeAll  string
	NoRows    string
	NoMatch   string
	FilterPr  string
	FilterPh  string
	Filtered  string // "%d of %d shown"

	// Group names in the header and the legend.
	Group map[domain.Group]string
	// ReminderOnly names the rows with nothing open but a course reminder
	// (↻) in the header's counts.
	ReminderOnly string

	// Column headings.
	ColStatus, ColName, ColCPR, ColOpen, ColWaiting, ColTeam string
	KindShort                                                map[domain.Kind]string
	KindLong                                                 map[domain.Kind]string

	// Open-item summary, long and abbreviated.
	New, Missing, Messages        func(n int) string
	NewAbbr, MissingAbbr, MsgAbbr string // suffixes: "3n"
	// ByConsole counts open readings the console classified itself (the
	// central sent no triage); ByConsoleNote marks such an item,
	// ByConsoleNoteAnswers such a questionnaire answer.
	ByConsole                       func(n int) string
	ByConsoleAbbr, ByConsoleNote    string
	ByConsoleNoteAnswers            string
	Minutes, Hours, Days            string // unit suffixes: "2 t"
	Covering                        string // "covering for %s"
	CoverShort                      string // "cover", in the worklist's team column
	Weekdays                        [7]string
	Years                           string // "%d years"
	Responsible, Phase, RefWeight   string
	Reevaluation, Clinic, Team      string
	PhaseName                       map[domain.Phase]string
	Tabs, TabsShort                 [paneCount]string
	Thresholds                      string // "Thresholds in force (%s)"
	LimitHead                       [4]string
	Relative, Absolute, NoneSet     string
	Date                            string
	NoReadings, NoWeight, NoAnswers string
	NoMessages, NoTasks, NoNotes    string
	FromPatient, FromClinic, Unread string
	TaskCat                         map[domain.TaskCategory]string
	Due, Arisen                     string
	Implausible                     string
	ChartLegend                     string
	PaneScroll                      string // "lines %d–%d of %d"
	RowsAbove, RowsBelow            string // "↑ %d", "↓ %d flere"

	// Help.
	HelpTitle, LegendTitle, HelpClose string
	Legend                            []legendEntry
	// SeveralOpen is what + means on the worklist, where a cell shows
	// the most severe open reading of its kind (Legend's + is the
	// patient's readings, a day per row).
	SeveralOpen string

	// Key help descriptions.
	KeyUp, KeyDown, KeyHome, KeyEnd, KeyOpen, KeyFilter, KeyClear string
	KeyApply, KeyAll, KeyHelp, KeyQuit, KeyBack, KeyNextPane      string
	KeyPrevPane, KeyPane, KeyPageUp, KeyPageDown, KeyCloseHelp    string
	KeyForceQuit, KeyMove                                         string
	KeySync                                                       string

	// Act holds the texts of the nurse actions.
	Act actionTexts
	// Course holds the texts of the patient's course (enrolment,
	// reminders).
	Course courseTexts

	// loc is the clinic's time zone for dates inside texts (problems);
	// set by New, UTC when unset.
	loc *time.Location
}

// actionTexts are the strings of the action screens: confirm lines, forms,
// the composer, the regime history, the status bar.
type actionTexts struct {
	// Acknowledge.
	AckQ          string // "Kvitter %s for %s?"
	AckQFiltered  string // "Kvitter %s for %s – kun dem søgningen »%s« viser?"
	Readings      func(n int) string
	GreenReadings func(n int) string
	Patients      func(n int) string
	// Counts per colour in a bulk confirm line: "2 røde".
	RedN, YellowN, GreenN, UnclassifiedN, ImplausibleN func(n int) string
	Questionnaire, QuestionnaireShort                  string
	Acked, AckSkipped                                  string // "%d kvitteret", "(%d allerede kvitteret)"
	NothingToAck                                       string
	Saving                                             string
	Note, Receipt                                      string
	Optional                                           string
	DiscardQ, DiscardMsgQ                              string

	// Missing and pause.
	ResolveTitle, Resolved string
	Reason, ReasonText     string
	MissingReason          map[domain.MissingReason]string
	PauseTitle, PauseIntro string
	PauseReason            map[domain.PauseReason]string
	Paused                 string
	From, To, DateHint     string
	ToHint, EndHint        string

	// Messages.
	ComposeTitle, TitleLabel, TitlePh, BodyLabel, BodyPh string
	CannedLabel, MessageQueued                           string
	MarkedRead, MarkedUnread                             string
	MarkReadFailed                                       string // "(could not mark it read: %v)"
	SyncMark                                             map[domain.SyncState]string

	// Regime.
	RegimeTitle, RegimeSaved, Physician, EffectiveFrom string
	StartEnd, Measured, Trend, TrendHint               string

	// What a physician field saves, said after it: a practitioner the
	// console knows ("kendt læge: %s"), a reference to one it does not
	// know, a name as text (typed, or kept as it was), "unchanged"; and
	// what follows an id whose name could not be looked up.
	PhysicianKnown, PhysicianUnknownRef         string
	PhysicianText, PhysicianTextKept, Unchanged string
	NameNotFetched                              string

	// The questionnaire's severities in the regime form: the section's
	// label and hint, and the choices (the questionnaire's own, green,
	// yellow, red).
	ProHead, ProHint                          string
	ProNoDefinition, ProNoQuestionnaire       string
	ProSeverity                               []string
	FreqName                                  []string
	ConflictTitle, Mine, Theirs, ConflictHint string
	// AlsoChanged notes a field both nurses changed (who, their value);
	// Rebased says the form now builds on who's version; NotCarried lists
	// changes that have no field in it.
	AlsoChanged, Rebased, NotCarried string
	// TheirChanges (who) and YourChanges head the conflict view's lists
	// of what each changed; NoChanges is an empty list.
	TheirChanges, YourChanges, NoChanges               string
	HistoryTitle, NoHistory, VersionLine, FirstVersion string
	// PendingVersion names a regime version saved here that the central
	// has not answered yet (it has no version id of the central's).
	PendingVersion string
	FieldName      map[string]string

	// Responsibility and notes.
	RespTitle, Mode, ModeCover, ModeTransfer, ToTeam  string
	CoverScope, ScopePatient, ScopeTeam, Handover     string
	NoTeams, Transferred, CoverPlanned                string
	Planned, CoversPeriod                             string
	NoteTitle, NoteText, Important, Remind, NoteAdded string
	NoteLabel, NoteImportant, NoteDue, MoreNotes      string
	NotesPane                                         string // "6: alle noter"

	// Status bar.
	NeverSynced, Connecting, JustNow    string
	DataFrom, AgeOld                    string // "data fra %s, %s", "%s gamle"
	ConnState                           map[console.ConnState]string
	FirstSyncProgress, FirstSyncRunning string // "%d resources, %d patients"
	FirstSyncShort, NoDataShort         string
	NoDataYet                           string // "… (%s)": the connection state
	PendingN, FailedN                   string
	ConflictsN                          func(n int) string

	// Problems.
	ProbRequired, ProbTooLong, ProbRange, ProbOrder, ProbAfter string
	ProbOverlap, ProbSame, ProbInvalid                         string
	ProbOverlapWith, ProbOverlapFor                            string // "overlaps the cover by %s %s", "for %s"
	ProbDate, ProbTime, ProbNumber                             string

	// Keys.
	KeyAck, KeyAckAll, KeyReply, KeyNewMsg, KeyRead, KeyRegime, KeyHistory string
	KeyTransfer, KeyNote, KeyPause, KeyYes, KeyNo, KeySave, KeyCancel      string
	KeyNextField, KeyPrevField, KeyCycle, KeyCanned, KeyInsert             string
	KeyConfirm, KeyBackToForm                                              string

	// ProbPeriodTooLong takes the most weeks a period (a cover) may last.
	ProbPeriodTooLong string
}

// legendEntry explains one status symbol.
type legendEntry struct{ Symbol, Meaning string }

func plural(one, many string) func(int) string {
	return func(n int) string {
		if n == 1 {
			return itoa(n) + " " + one
		}
		return itoa(n) + " " + many
	}
}

// danishTexts is the Danish catalogue (the default).
func danishTexts() *texts {
	return &texts{
		Decimal:    ',',
		Title:      "TeleHjerte",
		DemoBanner: "DEMO · syntetiske data – ikke rigtige borgere",
		Loading:    "Henter …",
		ErrPrefix:  "Fejl: ",
		NotAcute:   "Beskeder er ikke akutte: uden for åbningstid ringer borgeren til egen læge, lægevagt eller 112.",
		Patients:   plural("borger", "borgere"),
		ScopeOpen:  "kun åbne",
		ScopeAll:   "alle",
		NoRows:     "Ingen borgere med åbne opgaver.",
		NoMatch:    "Ingen borgere passer til søgningen.",
		FilterPr:   "Søg: ",
		FilterPh:   "navn eller CPR",
		Filtered:   "%d af %d vist",
		Group: map[domain.Group]string{
			domain.GroupRed: "rød", domain.GroupYellow: "gul", domain.GroupMissing: "mangler",
			domain.GroupMessages: "beskeder", domain.GroupGreen: "grøn",
			domain.GroupUnclassified: "uklassificeret", domain.GroupNone: "intet åbent",
		},
		ReminderOnly: "påmindelse",
		ColStatus:    "St", ColName: "Navn", ColCPR: "CPR", ColOpen: "Åbent", ColWaiting: "Venter", ColTeam: "Ansvar",
		KindShort: map[domain.Kind]string{
			domain.KindWeight: "Vægt", domain.KindPulse: "Puls", domain.KindBloodPressure: "BT",
			domain.KindSteps: "Skridt", domain.KindSpO2: "SpO2",
		},
		KindLong: map[domain.Kind]string{
			domain.KindWeight: "Vægt (kg)", domain.KindPulse: "Puls (/min)", domain.KindBloodPressure: "Blodtryk (mmHg)",
			domain.KindSteps: "Skridt (/døgn)", domain.KindSpO2: "SpO2 (%)",
		},
		New: plural("ny", "nye"), Missing: plural("mangler", "mangler"), Messages: plural("besked", "beskeder"),
		NewAbbr: "n", MissingAbbr: "m", MsgAbbr: "✉",
		ByConsole:     plural("klassificeret af konsollen", "klassificeret af konsollen"),
		ByConsoleAbbr: "k", ByConsoleNote: "klassificeret af konsollen – centralen har ikke triageret målingen",
		ByConsoleNoteAnswers: "klassificeret af konsollen – centralen har ikke triageret besvarelsen",
		Minutes:              "min", Hours: "t", Days: "d",
		Covering:     "dækker for %s",
		CoverShort:   "afløsning",
		Weekdays:     [7]string{"søn", "man", "tir", "ons", "tor", "fre", "lør"},
		Years:        "%d år",
		Responsible:  "Ansvar",
		Phase:        "Fase",
		RefWeight:    "Referencevægt",
		Reevaluation: "Revurdering",
		Clinic:       "Klinik",
		Team:         "Team",
		PhaseName:    map[domain.Phase]string{domain.PhaseStartUp: "opstart", domain.PhaseOngoing: "løbende"},
		Tabs:         [paneCount]string{"Målinger", "Vægtkurve", "Spørgeskema", "Beskeder", "Åbne opgaver", "Noter"},
		TabsShort:    [paneCount]string{"Mål", "Kurve", "Skema", "Beskeder", "Opgaver", "Noter"},
		Thresholds:   "Grænseværdier i kraft (%s)",
		LimitHead:    [4]string{"rød lav", "gul lav", "gul høj", "rød høj"},
		Relative:     "relativ",
		Absolute:     "absolut",
		NoneSet:      "ingen grænseværdier",
		Date:         "Dato",
		NoReadings:   "Ingen målinger i perioden.",
		NoWeight:     "Ingen vægtmålinger i perioden.",
		NoAnswers:    "Ingen besvarelser i perioden.",
		NoMessages:   "Ingen beskeder.",
		NoTasks:      "Ingen åbne opgaver.",
		NoNotes:      "Ingen noter.",
		FromPatient:  "fra borger",
		FromClinic:   "fra klinik",
		Unread:       "ulæst",
		TaskCat: map[domain.TaskCategory]string{
			domain.TaskMeasurement: "Måling til vurdering", domain.TaskMissing: "Manglende måling",
		},
		Due:         "frist",
		Arisen:      "opstået",
		Implausible: "usandsynlig",
		ChartLegend: "⣀ vægt (kg)   ╌ gul grænse   ═ rød grænse",
		PaneScroll:  "linje %d–%d af %d",
		RowsAbove:   "↑ %d over",
		RowsBelow:   "↓ %d flere",
		HelpTitle:   "Hjælp – taster",
		LegendTitle: "Statussymboler (farve vises aldrig alene)",
		SeveralOpen: "flere åbne målinger af samme slags, også fra andre dage (den alvorligste vises)",
		HelpClose:   "? eller esc lukker hjælpen",
		Legend: []legendEntry{
			{"!!", "rød – unormal, handl hurtigt"},
			{"!", "gul – vær opmærksom (også usandsynlig måling)"},
			{"?", "mangler – forventet måling er ikke kommet"},
			{"✉", "beskeder – ulæste beskeder fra borgeren"},
			{"✓", "grøn – inden for grænseværdierne"},
			{"·", "uklassificeret – ingen grænseværdier"},
			{"✗", "usandsynlig måling (målefejl?)"},
			{"+", "flere målinger samme dag (den alvorligste vises)"},
			{"↻", "kun påmindelse om forløbet (fx ny borger, revurdering)"},
			{"3n 1m 2✉", "forkortet: 3 nye · 1 mangler · 2 beskeder"},
		},
		KeyUp: "op", KeyDown: "ned", KeyHome: "først", KeyEnd: "sidst", KeyOpen: "åbn borger",
		KeyFilter: "søg", KeyClear: "ryd søgning", KeyApply: "brug søgning", KeyAll: "alle/kun åbne",
		KeyHelp: "hjælp", KeyQuit: "afslut", KeyBack: "tilbage", KeyNextPane: "næste fane",
		KeyPrevPane: "forrige fane", KeyPane: "vælg fane", KeyPageUp: "side op", KeyPageDown: "side ned",
		KeyCloseHelp: "luk hjælp", KeyForceQuit: "afslut altid", KeyMove: "flyt",
		KeySync: "synkronisér nu",
		Act:     danishActionTexts(),
	}
}

func danishActionTexts() actionTexts {
	return actionTexts{
		AckQ:               "Kvitter %s for %s?",
		AckQFiltered:       "Kvitter %s for %s – kun dem søgningen »%s« viser?",
		Readings:           plural("måling", "målinger"),
		GreenReadings:      plural("grøn måling", "grønne målinger"),
		Patients:           plural("borger", "borgere"),
		RedN:               plural("rød", "røde"),
		YellowN:            plural("gul", "gule"),
		GreenN:             plural("grøn", "grønne"),
		UnclassifiedN:      plural("uklassificeret", "uklassificerede"),
		ImplausibleN:       plural("usandsynlig", "usandsynlige"),
		Questionnaire:      "Spørgeskema",
		QuestionnaireShort: "Skema",
		Acked:              "%d kvitteret.",
		AckSkipped:         "(%d var allerede kvitteret)",
		NothingToAck:       "Intet at kvittere (manglende målinger kræver en årsag).",
		Saving:             "Gemmer …",
		Note:               "Note",
		Receipt:            "Kvittering til borger",
		Optional:           "valgfri",
		DiscardQ:           "Kassér det indtastede?",
		DiscardMsgQ:        "Kassér beskeden?",
		ResolveTitle:       "Manglende måling: %s, frist %s",
		Resolved:           "Manglende måling afsluttet.",
		Reason:             "Årsag",
		ReasonText:         "Uddybning",
		MissingReason: map[domain.MissingReason]string{
			domain.MissingContacted: "borger kontaktet", domain.MissingAdmitted: "indlagt",
			domain.MissingHoliday: "ferie", domain.MissingDevice: "udstyrsproblem", domain.MissingOther: "andet",
		},
		PauseTitle: "Pause i målingerne for %s",
		PauseIntro: "Ingen alarmer for manglende målinger i perioden.",
		PauseReason: map[domain.PauseReason]string{
			domain.PauseHospital: "indlæggelse", domain.PauseHoliday: "ferie", domain.PauseOther: "andet",
		},
		Paused:         "Pause gemt.",
		From:           "Fra",
		To:             "Til og med",
		DateHint:       "dd.mm.åååå",
		ToHint:         "dd.mm.åååå (sidste dag)",
		EndHint:        "start · slut (tom = åben)",
		ComposeTitle:   "Besked til %s",
		TitleLabel:     "Titel",
		TitlePh:        "emne",
		BodyLabel:      "Tekst",
		BodyPh:         "Skriv beskeden …",
		CannedLabel:    "Standardsvar (ctrl+t, enter indsætter)",
		MessageQueued:  "Beskeden er lagt i kø til afsendelse.",
		MarkedRead:     "Markeret som læst.",
		MarkedUnread:   "Markeret som ulæst.",
		MarkReadFailed: "(den besvarede besked kunne ikke markeres som læst: %v)",
		SyncMark: map[domain.SyncState]string{
			domain.SyncPending: "⧗ afventer", domain.SyncSent: "✓ sendt", domain.SyncFailed: "✗ fejlet", domain.SyncConflict: "✗ konflikt",
		},
		RegimeTitle:        "Måleregime for %s (ny version efter %s)",
		RegimeSaved:        "Ny version af måleregimet gemt.",
		Physician:          "Ansvarlig læge",
		EffectiveFrom:      "Gælder fra",
		StartEnd:           "Start · slut",
		Measured:           "måles",
		Trend:              "Vægtstigning",
		TrendHint:          "kg · dage · farve (tom = ingen)",
		ProHead:            "Spørgeskema",
		ProHint:            "alvor pr. svar for denne borger",
		ProNoDefinition:    "centralen kender ikke spørgeskemaet: kun svar, borgeren har givet",
		ProNoQuestionnaire: "intet kendt spørgeskema i regimet: kun svar, borgeren har givet",
		ProSeverity:        []string{"som spørgeskemaet", "grøn", "gul", "rød"},
		FreqName:           []string{"nej", "dagligt", "N pr. uge", "ugedage", "ugentligt"},
		ConflictTitle:      "%s har ændret måleregimet imens (%s). Intet er overskrevet.",
		Mine:               "Din ændring",
		Theirs:             "Gemt af %s",
		ConflictHint:       "esc: tilbage til formularen, nu bygget på den anden version: dine ændringer bevares, resten viser deres værdier.",
		AlsoChanged:        "også ændret af %s, til: %s",
		TheirChanges:       "%s ændrede, siden du åbnede formularen:",
		YourChanges:        "Du ændrede:",
		NoChanges:          "intet",
		Rebased:            "Bygger nu på versionen gemt af %s. Dine ændringer er bevaret; felter du ikke havde ændret viser den version.",
		NotCarried:         "Kunne ikke overføres (findes ikke i den version): %s",
		HistoryTitle:       "Versioner af måleregimet for %s",
		NoHistory:          "Ingen versioner.",
		VersionLine:        "%s · fra %s · %s",
		PendingVersion:     "ny, ikke sendt endnu",
		FirstVersion:       "første version",
		FieldName: map[string]string{
			"reason": "Årsag", "physician": "Ansvarlig læge", "effective-from": "Gælder fra", "start": "start",
			"end": "slut", "reevaluation": "Revurdering", "reference-weight": "Referencevægt", "phase": "Fase",
			"trend": "Vægtstigning", "pro": "Spørgeskema", "from": "fra-datoen", "now": "i dag", "home": "hjemmeteamet",
			"weight": "Vægt", "pulse": "Puls", "bp": "BT sys", "bp-dia": "BT dia", "spo2": "SpO2", "steps": "Skridt",
			"schedule.weight": "Vægt måles", "schedule.pulse": "Puls måles", "schedule.bp": "BT måles",
			"schedule.steps": "Skridt måles", "schedule.spo2": "SpO2 måles", "pauses": "Pauser", "text": "Tekst",
		},
		PhysicianKnown:      "kendt læge: %s",
		PhysicianUnknownRef: "henvisning til ukendt læge",
		PhysicianText:       "gemmes som fritekst",
		PhysicianTextKept:   "fritekst",
		Unchanged:           "uændret",
		NameNotFetched:      "(navn ikke hentet)",

		RespTitle:     "Monitoreringsansvar for %s",
		Mode:          "Hvad",
		ModeCover:     "ferieafløsning",
		ModeTransfer:  "skift permanent",
		ToTeam:        "Team",
		CoverScope:    "Gælder",
		ScopePatient:  "denne borger",
		ScopeTeam:     "alle borgere hos %s",
		Handover:      "Overdragelsesnote",
		NoTeams:       "Ingen andre teams at vælge.",
		Transferred:   "Ansvaret er overdraget til %s.",
		CoverPlanned:  "%s dækker %s.",
		Planned:       "planlagt",
		CoversPeriod:  "%s dækker %s",
		NoteTitle:     "Note om %s",
		NoteText:      "Tekst",
		Important:     "Vigtig",
		Remind:        "Påmind den",
		NoteAdded:     "Noten er gemt.",
		NoteLabel:     "Note",
		NoteImportant: "Vigtig note",
		NoteDue:       "Påmindelse",
		MoreNotes:     "(+%d)",
		NotesPane:     "6: hele noten",
		NeverSynced:   "aldrig synkroniseret",
		Connecting:    "forbinder: venter på centralen",
		JustNow:       "helt nye",
		DataFrom:      "data fra %s, %s",
		AgeOld:        "%s gamle",
		ConnState: map[console.ConnState]string{
			console.ConnOnline:       "online",
			console.ConnOffline:      "offline: centralen kan ikke nås",
			console.ConnAuthRefused:  "adgang afvist: log ind igen",
			console.ConnLoginExpired: "login udløbet: kør telehjerte-tui login",
			console.ConnServerError:  "fejl hos centralen",
			console.ConnCertProblem:  "certifikatfejl: forbindelsen er ikke sikker",
			console.ConnBusy:         "synkroniseres af et andet program på denne computer",
		},
		FirstSyncProgress: "første synk.: %d ressourcer, %d borgere",
		FirstSyncRunning:  "Første synkronisering med centralen er i gang: %d ressourcer og %d borgere hentet indtil nu …",
		FirstSyncShort:    "første synk. i gang",
		NoDataShort:       "ingen data endnu",
		NoDataYet:         "Ingen data endnu: cachen er aldrig blevet synkroniseret med centralen (%s).",
		PendingN:          "%d afventer",
		FailedN:           "%d fejlet",
		ConflictsN:        plural("konflikt", "konflikter"),
		ProbRequired:      "skal udfyldes",
		ProbTooLong:       "højst %d tegn",
		ProbRange:         "skal ligge mellem %s og %s",
		ProbOrder:         "skal passe i rækkefølgen med %s",
		ProbAfter:         "skal ligge efter %s",
		ProbOverlap:       "overlapper en anden afløsning",
		ProbOverlapWith:   "overlapper afløsningen ved %s %s",
		ProbOverlapFor:    "for %s",
		ProbSame:          "vælg et andet team",
		ProbInvalid:       "ugyldig værdi",
		ProbDate:          "ugyldig dato (dd.mm.åååå)",
		ProbTime:          "ugyldigt klokkeslæt (tt:mm)",
		ProbNumber:        "ugyldigt tal",
		KeyAck:            "kvitter", KeyAckAll: "kvitter alle", KeyReply: "svar", KeyNewMsg: "ny besked",
		KeyRead: "læst/ulæst", KeyRegime: "måleregime", KeyHistory: "versioner", KeyTransfer: "ansvar",
		KeyNote: "note", KeyPause: "pause", KeyYes: "ja", KeyNo: "nej", KeySave: "gem/send",
		KeyCancel: "annullér", KeyNextField: "næste felt", KeyPrevField: "forrige felt", KeyCycle: "skift værdi",
		KeyCanned: "standardsvar", KeyInsert: "indsæt", KeyConfirm: "bekræft", KeyBackToForm: "tilbage til formularen",

		ProbPeriodTooLong: "højst %d uger",
	}
}

// englishTexts is the English catalogue.
func englishTexts() *texts {
	return &texts{
		Decimal:    '.',
		Title:      "TeleHjerte",
		DemoBanner: "DEMO · synthetic data – not real patients",
		Loading:    "Loading …",
		ErrPrefix:  "Error: ",
		NotAcute:   "Messages are not acute: out of hours the patient calls their GP, the out-of-hours doctor or 112.",
		Patients:   plural("patient", "patients"),
		ScopeOpen:  "open only",
		ScopeAll:   "all",
		NoRows:     "No patients with open items.",
		NoMatch:    "No patients match the search.",
		FilterPr:   "Search: ",
		FilterPh:   "name or CPR",
		Filtered:   "%d of %d shown",
		Group: map[domain.Group]string{
			domain.GroupRed: "red", domain.GroupYellow: "yellow", domain.GroupMissing: "missing",
			domain.GroupMessages: "messages", domain.GroupGreen: "green",
			domain.GroupUnclassified: "unclassified", domain.GroupNone: "nothing open",
		},
		ReminderOnly: "reminder",
		ColStatus:    "St", ColName: "Name", ColCPR: "CPR", ColOpen: "Open", ColWaiting: "Waiting", ColTeam: "Responsible",
		KindShort: map[domain.Kind]string{
			domain.KindWeight: "Weight", domain.KindPulse: "Pulse", domain.KindBloodPressure: "BP",
			domain.KindSteps: "Steps", domain.KindSpO2: "SpO2",
		},
		KindLong: map[domain.Kind]string{
			domain.KindWeight: "Weight (kg)", domain.KindPulse: "Pulse (/min)", domain.KindBloodPressure: "Blood pressure (mmHg)",
			domain.KindSteps: "Steps (/day)", domain.KindSpO2: "SpO2 (%)",
		},
		New: plural("new", "new"), Missing: plural("missing", "missing"), Messages: plural("message", "messages"),
		NewAbbr: "n", MissingAbbr: "m", MsgAbbr: "✉",
		ByConsole:     plural("classified by the console", "classified by the console"),
		ByConsoleAbbr: "c", ByConsoleNote: "classified by the console – the central did not triage the reading",
		ByConsoleNoteAnswers: "classified by the console – the central did not triage the answers",
		Minutes:              "min", Hours: "h", Days: "d",
		Covering:     "covering for %s",
		CoverShort:   "cover",
		Weekdays:     [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		Years:        "%d yrs",
		Responsible:  "Responsible",
		Phase:        "Phase",
		RefWeight:    "Reference weight",
		Reevaluation: "Re-evaluation",
		Clinic:       "Clinic",
		Team:         "Team",
		PhaseName:    map[domain.Phase]string{domain.PhaseStartUp: "start-up", domain.PhaseOngoing: "ongoing"},
		Tabs:         [paneCount]string{"Measurements", "Weight trend", "Questionnaire", "Messages", "Open items", "Notes"},
		TabsShort:    [paneCount]string{"Meas.", "Trend", "PRO", "Messages", "Items", "Notes"},
		Thresholds:   "Thresholds in force (%s)",
		LimitHead:    [4]string{"red low", "yel low", "yel high", "red high"},
		Relative:     "relative",
		Absolute:     "absolute",
		NoneSet:      "no thresholds",
		Date:         "Date",
		NoReadings:   "No measurements in the period.",
		NoWeight:     "No weight measurements in the period.",
		NoAnswers:    "No questionnaire answers in the period.",
		NoMessages:   "No messages.",
		NoTasks:      "No open items.",
		NoNotes:      "No notes.",
		FromPatient:  "from patient",
		FromClinic:   "from clinic",
		Unread:       "unread",
		TaskCat: map[domain.TaskCategory]string{
			domain.TaskMeasurement: "Measurement to assess", domain.TaskMissing: "Missing measurement",
		},
		Due:         "due",
		Arisen:      "arisen",
		Implausible: "implausible",
		ChartLegend: "⣀ weight (kg)   ╌ yellow limit   ═ red limit",
		PaneScroll:  "lines %d–%d of %d",
		RowsAbove:   "↑ %d above",
		RowsBelow:   "↓ %d more",
		HelpTitle:   "Help – keys",
		LegendTitle: "Status symbols (colour is never shown alone)",
		SeveralOpen: "several open readings of that kind, also from other days (the most severe is shown)",
		HelpClose:   "? or esc closes help",
		Legend: []legendEntry{
			{"!!", "red – abnormal, act quickly"},
			{"!", "yellow – pay attention (also an implausible reading)"},
			{"?", "missing – an expected measurement did not arrive"},
			{"✉", "messages – unread messages from the patient"},
			{"✓", "green – within the thresholds"},
			{"·", "unclassified – no thresholds"},
			{"✗", "implausible reading (device error?)"},
			{"+", "several readings that day (the most severe is shown)"},
			{"↻", "a course reminder only (e.g. new patient, re-evaluation)"},
			{"3n 1m 2✉", "abbreviated: 3 new · 1 missing · 2 messages"},
		},
		KeyUp: "up", KeyDown: "down", KeyHome: "first", KeyEnd: "last", KeyOpen: "open patient",
		KeyFilter: "search", KeyClear: "clear search", KeyApply: "use search", KeyAll: "all/open only",
		KeyHelp: "help", KeyQuit: "quit", KeyBack: "back", KeyNextPane: "next pane",
		KeyPrevPane: "previous pane", KeyPane: "choose pane", KeyPageUp: "page up", KeyPageDown: "page down",
		KeyCloseHelp: "close help", KeyForceQuit: "always quit", KeyMove: "move",
		KeySync: "sync now",
		Act:     englishActionTexts(),
	}
}

func englishActionTexts() actionTexts {
	return actionTexts{
		AckQ:               "Acknowledge %s for %s?",
		AckQFiltered:       "Acknowledge %s for %s – only those the search “%s” shows?",
		Readings:           plural("measurement", "measurements"),
		GreenReadings:      plural("green measurement", "green measurements"),
		Patients:           plural("patient", "patients"),
		RedN:               func(n int) string { return itoa(n) + " red" },
		YellowN:            func(n int) string { return itoa(n) + " yellow" },
		GreenN:             func(n int) string { return itoa(n) + " green" },
		UnclassifiedN:      func(n int) string { return itoa(n) + " unclassified" },
		ImplausibleN:       func(n int) string { return itoa(n) + " implausible" },
		Questionnaire:      "Questionnaire",
		QuestionnaireShort: "PRO",
		Acked:              "%d acknowledged.",
		AckSkipped:         "(%d were already acknowledged)",
		NothingToAck:       "Nothing to acknowledge (missing measurements need a reason).",
		Saving:             "Saving …",
		Note:               "Note",
		Receipt:            "Receipt to patient",
		Optional:           "optional",
		DiscardQ:           "Discard what you typed?",
		DiscardMsgQ:        "Discard the message?",
		ResolveTitle:       "Missing measurement: %s, due %s",
		Resolved:           "Missing measurement resolved.",
		Reason:             "Reason",
		ReasonText:         "Details",
		MissingReason: map[domain.MissingReason]string{
			domain.MissingContacted: "contacted patient", domain.MissingAdmitted: "admitted to hospital",
			domain.MissingHoliday: "holiday", domain.MissingDevice: "device problem", domain.MissingOther: "other",
		},
		PauseTitle: "Pause measurements for %s",
		PauseIntro: "No missing-measurement alarms during the period.",
		PauseReason: map[domain.PauseReason]string{
			domain.PauseHospital: "hospital stay", domain.PauseHoliday: "holiday", domain.PauseOther: "other",
		},
		Paused:         "Pause saved.",
		From:           "From",
		To:             "To (inclusive)",
		DateHint:       "dd.mm.yyyy",
		ToHint:         "dd.mm.yyyy (last day)",
		EndHint:        "start · end (empty = open)",
		ComposeTitle:   "Message to %s",
		TitleLabel:     "Title",
		TitlePh:        "subject",
		BodyLabel:      "Text",
		BodyPh:         "Write the message …",
		CannedLabel:    "Canned replies (ctrl+t, enter inserts)",
		MessageQueued:  "The message is queued for sending.",
		MarkedRead:     "Marked read.",
		MarkedUnread:   "Marked unread.",
		MarkReadFailed: "(the message answered could not be marked read: %v)",
		SyncMark: map[domain.SyncState]string{
			domain.SyncPending: "⧗ pending", domain.SyncSent: "✓ sent", domain.SyncFailed: "✗ failed", domain.SyncConflict: "✗ conflict",
		},
		RegimeTitle:        "Measurement regime for %s (new version after %s)",
		RegimeSaved:        "New version of the regime saved.",
		Physician:          "Responsible physician",
		EffectiveFrom:      "Applies from",
		StartEnd:           "Start · end",
		Measured:           "measured",
		Trend:              "Weight gain",
		TrendHint:          "kg · days · colour (empty = none)",
		ProHead:            "Questionnaire",
		ProHint:            "severity per answer for this patient",
		ProNoDefinition:    "the central lacks the questionnaire: only answers already given",
		ProNoQuestionnaire: "no known questionnaire in the regime: only answers already given",
		ProSeverity:        []string{"as the questionnaire", "green", "yellow", "red"},
		FreqName:           []string{"no", "daily", "N per week", "weekdays", "weekly"},
		ConflictTitle:      "%s changed the regime meanwhile (%s). Nothing was overwritten.",
		Mine:               "Your change",
		Theirs:             "Saved by %s",
		ConflictHint:       "esc: back to the form, now built on the other version: your changes are kept, the rest shows theirs.",
		AlsoChanged:        "also changed by %s, to: %s",
		TheirChanges:       "%s changed, since you opened the form:",
		YourChanges:        "You changed:",
		NoChanges:          "nothing",
		Rebased:            "Now built on the version saved by %s. Your changes are kept; fields you had not changed show that version.",
		NotCarried:         "Could not be carried over (not in that version): %s",
		HistoryTitle:       "Versions of the regime for %s",
		NoHistory:          "No versions.",
		VersionLine:        "%s · from %s · %s",
		PendingVersion:     "new, not sent yet",
		FirstVersion:       "first version",
		FieldName: map[string]string{
			"reason": "Reason", "physician": "Responsible physician", "effective-from": "Applies from", "start": "start",
			"end": "end", "reevaluation": "Re-evaluation", "reference-weight": "Reference weight", "phase": "Phase",
			"trend": "Weight gain", "pro": "Questionnaire", "from": "the start date", "now": "today", "home": "the home team",
			"weight": "Weight", "pulse": "Pulse", "bp": "BP sys", "bp-dia": "BP dia", "spo2": "SpO2", "steps": "Steps",
			"schedule.weight": "Weight measured", "schedule.pulse": "Pulse measured", "schedule.bp": "BP measured",
			"schedule.steps": "Steps measured", "schedule.spo2": "SpO2 measured", "pauses": "Pauses", "text": "Text",
		},
		PhysicianKnown:      "known physician: %s",
		PhysicianUnknownRef: "reference to an unknown physician",
		PhysicianText:       "saved as free text",
		PhysicianTextKept:   "free text",
		Unchanged:           "unchanged",
		NameNotFetched:      "(name not fetched)",

		RespTitle:     "Monitoring responsibility for %s",
		Mode:          "What",
		ModeCover:     "holiday cover",
		ModeTransfer:  "transfer permanently",
		ToTeam:        "Team",
		CoverScope:    "For",
		ScopePatient:  "this patient",
		ScopeTeam:     "all patients of %s",
		Handover:      "Handover note",
		NoTeams:       "No other teams to choose.",
		Transferred:   "Responsibility transferred to %s.",
		CoverPlanned:  "%s covers %s.",
		Planned:       "planned",
		CoversPeriod:  "%s covers %s",
		NoteTitle:     "Note about %s",
		NoteText:      "Text",
		Important:     "Important",
		Remind:        "Remind on",
		NoteAdded:     "The note is saved.",
		NoteLabel:     "Note",
		NoteImportant: "Important note",
		NoteDue:       "Reminder",
		MoreNotes:     "(+%d)",
		NotesPane:     "6: the whole note",
		NeverSynced:   "never synced",
		Connecting:    "connecting: waiting for the central",
		JustNow:       "just now",
		DataFrom:      "data from %s, %s",
		AgeOld:        "%s old",
		ConnState: map[console.ConnState]string{
			console.ConnOnline:       "online",
			console.ConnOffline:      "offline: the central cannot be reached",
			console.ConnAuthRefused:  "access refused: log in again",
			console.ConnLoginExpired: "login expired: run telehjerte-tui login",
			console.ConnServerError:  "error at the central",
			console.ConnCertProblem:  "certificate problem: the connection is not secure",
			console.ConnBusy:         "being synced by another program on this computer",
		},
		FirstSyncProgress: "first sync: %d resources, %d patients",
		FirstSyncRunning:  "The first sync with the central is running: %d resources and %d patients so far …",
		FirstSyncShort:    "first sync running",
		NoDataShort:       "no data yet",
		NoDataYet:         "No data yet: the cache has never been synced with the central (%s).",
		PendingN:          "%d pending",
		FailedN:           "%d failed",
		ConflictsN:        plural("conflict", "conflicts"),
		ProbRequired:      "is required",
		ProbTooLong:       "at most %d characters",
		ProbRange:         "must be between %s and %s",
		ProbOrder:         "must be in order with %s",
		ProbAfter:         "must be after %s",
		ProbOverlap:       "overlaps another cover",
		ProbOverlapWith:   "overlaps the cover by %s %s",
		ProbOverlapFor:    "for %s",
		ProbSame:          "choose another team",
		ProbInvalid:       "invalid value",
		ProbDate:          "invalid date (dd.mm.yyyy)",
		ProbTime:          "invalid time (hh:mm)",
		ProbNumber:        "invalid number",
		KeyAck:            "acknowledge", KeyAckAll: "acknowledge all", KeyReply: "reply", KeyNewMsg: "new message",
		KeyRead: "read/unread", KeyRegime: "regime", KeyHistory: "versions", KeyTransfer: "responsibility",
		KeyNote: "note", KeyPause: "pause", KeyYes: "yes", KeyNo: "no", KeySave: "save/send",
		KeyCancel: "cancel", KeyNextField: "next field", KeyPrevField: "previous field", KeyCycle: "change value",
		KeyCanned: "canned replies", KeyInsert: "insert", KeyConfirm: "confirm", KeyBackToForm: "back to the form",

		ProbPeriodTooLong: "at most %d weeks",
	}
}

// catalog returns the texts for lang ("en" or anything else for Danish).
func catalog(lang string) *texts {
	if lang == "en" {
		t := englishTexts()
		t.Course = courseEn
		t.PhaseName[domain.PhaseEnded] = t.Course.PhaseEnded
		return t
	}
	t := danishTexts()
	t.Course = courseDa
	t.PhaseName[domain.PhaseEnded] = t.Course.PhaseEnded
	return t
}

// weekday returns the short weekday name.
func (t *texts) weekday(d time.Weekday) string { return t.Weekdays[d] }

// location is the clinic's time zone (UTC when unset).
func (t *texts) location() *time.Location {
	if t.loc == nil {
		return time.UTC
	}
	return t.loc
}
