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
	groups := keys.full
	if n := len(groups); n > 0 {
		last := append([]key.Binding(nil), groups[n-1]...)
		groups = append(groups[:n-1:n-1], append(last, m.keys.CloseHelp))
	}
	out := []string{m.st.title.Render(t.HelpTitle), ""}
	out = append(out, splitLines(m.help.FullHelpView(groups))...)
	out = append(out, "", m.st.title.Render(t.LegendTitle))
	for _, e := range t.Legend {
		out = append(out, "  "+fit(e.Symbol, 9, false)+" "+e.Meaning)
	}
	if len(out) > h {
		out = out[:max(0, h)]
	}
	return out
}
