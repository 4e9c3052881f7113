package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// helpOverlay is the full help (?): the keys of the component underneath,
// from its key map, and the legend of the status symbols.
type helpOverlay struct {
	*shared
	box
	under help.KeyMap // the key map of the component under the overlay
}

func (o *helpOverlay) Update(msg tea.Msg) (component, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok && key.Matches(msg, o.keys.CloseHelp) {
		return nil, nil
	}
	return o, nil
}

func (o *helpOverlay) ShortHelp() []key.Binding {
	return []key.Binding{o.keys.CloseHelp, o.keys.ForceQuit}
}
func (o *helpOverlay) FullHelp() [][]key.Binding {
	return [][]key.Binding{o.ShortHelp()}
}

func (o *helpOverlay) View() string {
	t := o.t
	groups := o.under.FullHelp()
	if n := len(groups); n > 0 {
		last := append([]key.Binding(nil), groups[n-1]...)
		groups = append(groups[:n-1:n-1], append(last, o.keys.CloseHelp))
	}
	out := []string{o.st.title.Render(t.HelpTitle), ""}
	out = append(out, splitLines(o.help.FullHelpView(groups))...)
	out = append(out, "", o.st.title.Render(t.LegendTitle))
	_, onWorklist := o.under.(*worklistScreen)
	for _, e := range t.Legend {
		meaning := e.Meaning
		if e.Symbol == SymSeveral && onWorklist {
			meaning = t.SeveralOpen // there + counts open readings, not a day's
		}
		out = append(out, "  "+fit(e.Symbol, 9, false)+" "+meaning)
	}
	if len(out) > o.h {
		out = out[:max(0, o.h)]
	}
	return strings.Join(out, "\n")
}
