package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Status symbols. Colour is never the only carrier of meaning: every coloured
// status also has one of these, explained in the help overlay.
const (
	SymRed          = "!!"
	SymYellow       = "!"
	SymMissing      = "?"
	SymMessages     = "✉"
	SymGreen        = "✓"
	SymUnclassified = "·"
	SymNone         = " "
	SymImplausible  = "✗"
	SymSeveral      = "+"
	SymNote         = "✎" // an important handover note or a due reminder
	// SymReminder leads a row with nothing open but a course reminder
	// (ny borger, opstart slut, revurdering, ikke set, mangler målinger).
	SymReminder = "↻"
)

// GroupSymbol is the worklist status symbol of a group.
func GroupSymbol(g domain.Group) string {
	switch g {
	case domain.GroupRed:
		return SymRed
	case domain.GroupYellow:
		return SymYellow
	case domain.GroupMissing:
		return SymMissing
	case domain.GroupMessages:
		return SymMessages
	case domain.GroupGreen:
		return SymGreen
	case domain.GroupUnclassified:
		return SymUnclassified
	}
	return SymNone
}

// ColorSymbol is the symbol of a reading's colour.
func ColorSymbol(c domain.Color) string {
	switch c {
	case domain.Red:
		return SymRed
	case domain.Yellow:
		return SymYellow
	case domain.Green:
		return SymGreen
	}
	return SymUnclassified
}

// styles holds the lipgloss styles of the console. Colours are ANSI 16 so
// every profile downsamples them predictably; the program strips them under
// NO_COLOR or a dumb terminal.
type styles struct {
	red, yellow, green, missing, messages, unclassified          lipgloss.Style
	demo, title, header, selected, dim, err, tabOn, tabOff, bold lipgloss.Style
}

func newStyles() styles {
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return styles{
		red:          fg(lipgloss.Red).Bold(true),
		yellow:       fg(lipgloss.Yellow),
		green:        fg(lipgloss.Green),
		missing:      fg(lipgloss.Magenta),
		messages:     fg(lipgloss.Cyan),
		unclassified: fg(lipgloss.BrightBlack),
		demo:         lipgloss.NewStyle().Reverse(true).Bold(true),
		title:        lipgloss.NewStyle().Bold(true),
		header:       lipgloss.NewStyle().Bold(true),
		selected:     lipgloss.NewStyle().Reverse(true),
		dim:          fg(lipgloss.BrightBlack),
		err:          fg(lipgloss.Red).Bold(true),
		tabOn:        lipgloss.NewStyle().Reverse(true).Bold(true),
		tabOff:       lipgloss.NewStyle(),
		bold:         lipgloss.NewStyle().Bold(true),
	}
}

func (s styles) color(c domain.Color) lipgloss.Style {
	switch c {
	case domain.Red:
		return s.red
	case domain.Yellow:
		return s.yellow
	case domain.Green:
		return s.green
	}
	return s.unclassified
}

func (s styles) group(g domain.Group) lipgloss.Style {
	switch g {
	case domain.GroupRed:
		return s.red
	case domain.GroupYellow:
		return s.yellow
	case domain.GroupMissing:
		return s.missing
	case domain.GroupMessages:
		return s.messages
	case domain.GroupGreen:
		return s.green
	}
	return s.unclassified
}
