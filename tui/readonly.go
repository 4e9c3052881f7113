package tui

// Read-only access ("se-adgang", issue 11): a user whose role on the
// central is read-only sees the patients granted to her and acts on
// nothing. The console has no actions for her (Options.Actions nil); with
// Options.ReadOnly set it also says why when she presses an action key,
// instead of ignoring the key.

// ReadOnlyLabel is the label a read-only console shows on every screen.
func ReadOnlyLabel(lang string) string {
	if lang == "en" {
		return "SE-ADGANG · read-only access: you can look, not acknowledge or change"
	}
	return "SE-ADGANG · kun læseadgang: du kan se, men ikke kvittere eller ændre"
}

// readOnlyExplanation is shown when a read-only user presses an action key.
func readOnlyExplanation(lang string) string {
	if lang == "en" {
		return "SE-ADGANG: you have read-only access to this patient. Acknowledging, messages, notes and changes are made by the monitoring nurses of the patient's team."
	}
	return "SE-ADGANG: du har kun læseadgang til borgeren. Kvittering, beskeder, notater og ændringer foretages af borgerens monitoreringsansvarlige sygeplejersker."
}

// explainReadOnly answers an action key of a read-only user.
func (m *Model) explainReadOnly() {
	m.openDialog(&notice{text: readOnlyExplanation(m.opts.Lang)})
}
