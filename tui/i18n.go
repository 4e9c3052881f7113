package tui

import (
	"time"

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
	Patients  string // "%d patients"
	ScopeOpen string
	ScopeAll  string
	NoRows    string
	NoMatch   string
	FilterPr  string
	FilterPh  string
	Filtered  string // "%d of %d shown"

	// Group names in the header and the legend.
	Group map[domain.Group]string

	// Column headings.
	ColStatus, ColName, ColCPR, ColOpen, ColWaiting, ColTeam string
	KindShort                                                map[domain.Kind]string
	KindLong                                                 map[domain.Kind]string

	// Open-item summary, long and abbreviated.
	New, Missing, Messages          func(n int) string
	NewAbbr, MissingAbbr, MsgAbbr   string // suffixes: "3n"
	Minutes, Hours, Days            string // unit suffixes: "2 t"
	Covering                        string // "covering for %s"
	Weekdays                        [7]string
	Years                           string // "%d years"
	Responsible, Phase, RefWeight   string
	Reevaluation, Clinic, Team      string
	PhaseName                       map[domain.Phase]string
	Tabs                            [5]string
	Thresholds                      string // "Thresholds in force (%s)"
	LimitHead                       [4]string
	Relative, Absolute, NoneSet     string
	Date                            string
	NoReadings, NoWeight, NoAnswers string
	NoMessages, NoTasks             string
	FromPatient, FromClinic, Unread string
	TaskCat                         map[domain.TaskCategory]string
	Due, Arisen                     string
	Implausible                     string
	ChartLegend                     string
	PaneScroll                      string // "lines %d–%d of %d"

	// Help.
	HelpTitle, LegendTitle, HelpClose string
	Legend                            []legendEntry

	// Key help descriptions.
	KeyUp, KeyDown, KeyHome, KeyEnd, KeyOpen, KeyFilter, KeyClear string
	KeyApply, KeyAll, KeyHelp, KeyQuit, KeyBack, KeyNextPane      string
	KeyPrevPane, KeyPane, KeyPageUp, KeyPageDown, KeyCloseHelp    string
	KeyForceQuit, KeyMove                                         string
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
		Patients:   "%d borgere",
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
		ColStatus: "St", ColName: "Navn", ColCPR: "CPR", ColOpen: "Åbent", ColWaiting: "Venter", ColTeam: "Ansvar",
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
		Minutes: "min", Hours: "t", Days: "d",
		Covering:     "dækker for %s",
		Weekdays:     [7]string{"søn", "man", "tir", "ons", "tor", "fre", "lør"},
		Years:        "%d år",
		Responsible:  "Ansvar",
		Phase:        "Fase",
		RefWeight:    "Referencevægt",
		Reevaluation: "Reevaluering",
		Clinic:       "Klinik",
		Team:         "Team",
		PhaseName:    map[domain.Phase]string{domain.PhaseStartUp: "opstart", domain.PhaseOngoing: "løbende"},
		Tabs:         [5]string{"Målinger", "Vægtkurve", "Spørgeskema", "Beskeder", "Åbne opgaver"},
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
		HelpTitle:   "Hjælp – taster",
		LegendTitle: "Statussymboler (farve vises aldrig alene)",
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
			{"3n 1m 2✉", "forkortet: 3 nye · 1 mangler · 2 beskeder"},
		},
		KeyUp: "op", KeyDown: "ned", KeyHome: "først", KeyEnd: "sidst", KeyOpen: "åbn borger",
		KeyFilter: "søg", KeyClear: "ryd søgning", KeyApply: "brug søgning", KeyAll: "alle/kun åbne",
		KeyHelp: "hjælp", KeyQuit: "afslut", KeyBack: "tilbage", KeyNextPane: "næste fane",
		KeyPrevPane: "forrige fane", KeyPane: "vælg fane", KeyPageUp: "side op", KeyPageDown: "side ned",
		KeyCloseHelp: "luk hjælp", KeyForceQuit: "afslut altid", KeyMove: "flyt",
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
		Patients:   "%d patients",
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
		ColStatus: "St", ColName: "Name", ColCPR: "CPR", ColOpen: "Open", ColWaiting: "Waiting", ColTeam: "Responsible",
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
		Minutes: "min", Hours: "h", Days: "d",
		Covering:     "covering for %s",
		Weekdays:     [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		Years:        "%d yrs",
		Responsible:  "Responsible",
		Phase:        "Phase",
		RefWeight:    "Reference weight",
		Reevaluation: "Re-evaluation",
		Clinic:       "Clinic",
		Team:         "Team",
		PhaseName:    map[domain.Phase]string{domain.PhaseStartUp: "start-up", domain.PhaseOngoing: "ongoing"},
		Tabs:         [5]string{"Measurements", "Weight trend", "Questionnaire", "Messages", "Open items"},
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
		HelpTitle:   "Help – keys",
		LegendTitle: "Status symbols (colour is never shown alone)",
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
			{"3n 1m 2✉", "abbreviated: 3 new · 1 missing · 2 messages"},
		},
		KeyUp: "up", KeyDown: "down", KeyHome: "first", KeyEnd: "last", KeyOpen: "open patient",
		KeyFilter: "search", KeyClear: "clear search", KeyApply: "use search", KeyAll: "all/open only",
		KeyHelp: "help", KeyQuit: "quit", KeyBack: "back", KeyNextPane: "next pane",
		KeyPrevPane: "previous pane", KeyPane: "choose pane", KeyPageUp: "page up", KeyPageDown: "page down",
		KeyCloseHelp: "close help", KeyForceQuit: "always quit", KeyMove: "move",
	}
}

// catalog returns the texts for lang ("en" or anything else for Danish).
func catalog(lang string) *texts {
	if lang == "en" {
		return englishTexts()
	}
	return danishTexts()
}

// weekday returns the short weekday name.
func (t *texts) weekday(d time.Weekday) string { return t.Weekdays[d] }
