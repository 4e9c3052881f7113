package tui

// syncTexts are the strings of the sync problems screen.
type syncTexts struct {
	Key, Title, None                              string
	WhatAck, WhatResolve, WhatRegime, WhatMessage string
	WhatRead, WhatEpisode, WhatNote, WhatOther    string
	StateConflict, StateFailed, AlreadyDoneFlash  string
	Mine, Theirs                                  string
	KeepMine, KeepTheirs, Retry, Discard          string
	ConfirmMine, ConfirmTheirs                    string
}

var syncDa = syncTexts{
	Key: "synk-problemer", Title: "Synk-problemer", None: "Ingen synk-problemer.",
	WhatAck: "Kvittering af %s", WhatResolve: "Manglende %s afsluttet", WhatRegime: "Ændring af måleregime",
	WhatMessage: "Besked '%s'", WhatRead: "Læst-markering af besked", WhatEpisode: "Skift af monitoreringsansvar",
	WhatNote: "Overleveringsnotat", WhatOther: "Ændring af %s",
	StateConflict: "Konflikt: en anden har ændret det samme", StateFailed: "Afvist af den centrale server",
	AlreadyDoneFlash: "Allerede kvitteret af %s kl. %s",
	Mine:             "Min version (på v%s)", Theirs: "Serverens (%s, v%s)",
	KeepMine: "behold min", KeepTheirs: "behold serverens", Retry: "prøv igen", Discard: "kassér min",
	ConfirmMine:   "Send min ændring oven på serverens version?",
	ConfirmTheirs: "Kassér min ændring og behold serverens?",
}

var syncEn = syncTexts{
	Key: "sync problems", Title: "Sync problems", None: "No sync problems.",
	WhatAck: "Acknowledgement of %s", WhatResolve: "Missing %s resolved", WhatRegime: "Change of measurement regime",
	WhatMessage: "Message '%s'", WhatRead: "Message read state", WhatEpisode: "Change of monitoring responsibility",
	WhatNote: "Handover note", WhatOther: "Change of %s",
	StateConflict: "Conflict: someone else changed the same", StateFailed: "Refused by the central server",
	AlreadyDoneFlash: "Already acknowledged by %s at %s",
	Mine:             "My version (on v%s)", Theirs: "Server (%s, v%s)",
	KeepMine: "keep mine", KeepTheirs: "keep server's", Retry: "retry", Discard: "discard mine",
	ConfirmMine:   "Send my change on top of the server's version?",
	ConfirmTheirs: "Discard my change and keep the server's?",
}

// syncCatalog returns the sync screen's texts for lang ("en", else Danish).
func syncCatalog(lang string) *syncTexts {
	t := syncDa
	if lang == "en" {
		t = syncEn
	}
	return &t
}
