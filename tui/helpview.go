package tui

import (
	"charm.land/bubbles/v2/key"
)

// helpLines is the full help overlay: the keys of the screen underneath and
// the legend of the status symbols.
func (m *Model) helpLines(h int) []string {
	t := m.t
	m.showHelp = false
	keys := m.activeKeys() // the keys of the screen under the overlay
	m.showHelp = true
	groups := append(keys.full, []key.Binding{m.keys.CloseHelp})
	out := []string{m.st.title.Render(t.HelpTitle), ""}
	out = append(out, splitLines(m.help.FullHelpView(groups))...)
	out = append(out, "", m.st.title.Render(t.LegendTitle))
	for _, e := range t.Legend {
		sym := fit(e.Symbol, 3, false)
		out = append(out, "  "+sym+" "+e.Meaning)
	}
	if len(out) > h {
		out = out[:max(0, h)]
	}
	return out
}
