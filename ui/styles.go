package ui

import (
	"github.com/charmbracelet/lipgloss"

	"gridcmd/model"
)

// Glyphs are the characters the console draws with. The ASCII set is used
// when the config asks for it, and whenever ambiguous-width characters are
// wide (box drawing, ● and … are all East Asian ambiguous).
type Glyphs struct {
	TL, TR, BL, BR, H, V string
	Light                string // the SLA light
	Open, Closed, Leaf   string // tower markers
	More                 string // truncation tail
	Arrow                string
	LeftRight            string // the left and right keys, as a key line names them
	Up                   string // before a count of what came in above the view
	Full, Empty          string // progress bars
	Cursor               string
	Focus                string // before the title of the pane with the focus
	Crumb                string // between the places of the way back
	Dot                  string // between a room and whose seat it is
	Unknown              string // a figure the console cannot know (never 0 for it)
	None                 string // nothing yet (a micro-grid that has not signed)
}

var unicodeGlyphs = Glyphs{
	TL: "╭", TR: "╮", BL: "╰", BR: "╯", H: "─", V: "│",
	Light: "●", Open: "▾", Closed: "▸", Leaf: " ", More: "…", Arrow: "→", Up: "↑", LeftRight: "←/→",
	Full: "█", Empty: "░", Cursor: "▌", Focus: "▶", Crumb: "›", Dot: "·",
	Unknown: "—", None: "—",
}

var asciiGlyphs = Glyphs{
	TL: "+", TR: "+", BL: "+", BR: "+", H: "-", V: "|",
	Light: "*", Open: "-", Closed: "+", Leaf: " ", More: "~", Arrow: ">", Up: "^", LeftRight: "left/right",
	Full: "#", Empty: ".", Cursor: ">", Focus: ">", Crumb: ">", Dot: "-",
	Unknown: "?", None: "-",
}

// Theme is the palette; Styles are built from it once.
type Theme struct {
	Border, BorderFocused, Title, Dim, Text lipgloss.TerminalColor
	Green, Yellow, Red, Sev1, Sev2          lipgloss.TerminalColor
	HeaderBg, WartimeBg, SelectedBg         lipgloss.TerminalColor
}

// DefaultTheme suits dark and light terminals alike.
func DefaultTheme() Theme {
	return Theme{
		Border:        lipgloss.AdaptiveColor{Light: "250", Dark: "240"},
		BorderFocused: lipgloss.AdaptiveColor{Light: "25", Dark: "39"},
		Title:         lipgloss.AdaptiveColor{Light: "236", Dark: "252"},
		Dim:           lipgloss.AdaptiveColor{Light: "244", Dark: "244"},
		Text:          lipgloss.AdaptiveColor{Light: "235", Dark: "252"},
		Green:         lipgloss.AdaptiveColor{Light: "28", Dark: "42"},
		Yellow:        lipgloss.AdaptiveColor{Light: "136", Dark: "220"},
		Red:           lipgloss.AdaptiveColor{Light: "160", Dark: "203"},
		Sev1:          lipgloss.AdaptiveColor{Light: "160", Dark: "203"},
		Sev2:          lipgloss.AdaptiveColor{Light: "166", Dark: "214"},
		HeaderBg:      lipgloss.AdaptiveColor{Light: "254", Dark: "236"},
		WartimeBg:     lipgloss.AdaptiveColor{Light: "160", Dark: "124"},
		SelectedBg:    lipgloss.AdaptiveColor{Light: "153", Dark: "24"},
	}
}

// Styles holds every style the console uses, named for what it means.
type Styles struct {
	Pane, PaneFocused, PaneTitle, PaneTitleFocused lipgloss.Style
	Header, HeaderMode, HeaderWartime, HeaderDim   lipgloss.Style
	ColumnHead, Dim, Text, Selected, CursorIdle    lipgloss.Style
	Light                                          map[model.Light]lipgloss.Style
	Severity                                       map[model.Severity]lipgloss.Style
	Overdue, Supervised, Fresh                     lipgloss.Style
	StatusInfo, StatusError, Key, KeyDesc, Prompt  lipgloss.Style
}

// NewStyles builds the styles of a theme on a renderer: a seat's own (its
// terminal's colours), or lipgloss.DefaultRenderer() for the local console.
func NewStyles(r *lipgloss.Renderer, t Theme) Styles {
	s := r.NewStyle
	return Styles{
		Pane:             s().Foreground(t.Border),
		PaneFocused:      s().Foreground(t.BorderFocused),
		PaneTitle:        s().Foreground(t.Title).Bold(true),
		PaneTitleFocused: s().Foreground(t.BorderFocused).Bold(true),
		Header:           s().Foreground(t.Text).Background(t.HeaderBg),
		HeaderMode:       s().Foreground(t.Green).Background(t.HeaderBg).Bold(true),
		HeaderWartime:    s().Foreground(lipgloss.Color("231")).Background(t.WartimeBg).Bold(true),
		HeaderDim:        s().Foreground(t.Dim).Background(t.HeaderBg),
		ColumnHead:       s().Foreground(t.Dim).Bold(true),
		Dim:              s().Foreground(t.Dim),
		Text:             s().Foreground(t.Text),
		Selected:         s().Background(t.SelectedBg).Bold(true),
		CursorIdle:       s().Background(t.HeaderBg),
		Light: map[model.Light]lipgloss.Style{
			model.LightNone:   s().Foreground(t.Dim),
			model.LightGreen:  s().Foreground(t.Green),
			model.LightYellow: s().Foreground(t.Yellow),
			model.LightRed:    s().Foreground(t.Red).Bold(true),
		},
		Severity: map[model.Severity]lipgloss.Style{
			model.SeverityI:   s().Foreground(t.Sev1).Bold(true),
			model.SeverityII:  s().Foreground(t.Sev2),
			model.SeverityIII: s().Foreground(t.Text),
			model.SeverityIV:  s().Foreground(t.Dim),
		},
		Overdue:     s().Foreground(t.Red).Bold(true),
		Supervised:  s().Foreground(t.Red),
		Fresh:       s().Foreground(t.Text).Bold(true),
		StatusInfo:  s().Foreground(t.Green),
		StatusError: s().Foreground(t.Red).Bold(true),
		Key:         s().Foreground(t.BorderFocused).Bold(true),
		KeyDesc:     s().Foreground(t.Dim),
		Prompt:      s().Foreground(t.BorderFocused).Bold(true),
	}
}
