package ui

import (
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// The bell (Options.Bell, config ui.bell) rings once when a severity I
// report arrives or an incident turns red: what a duty officer looking
// away must hear. Nothing else makes a sound.

// ringing is the bell's command, or nil when nothing rings: a report of
// severity I among evs (its incident in changed), or an incident red now
// that was not (world.turnedRed, cleared by the caller before the count).
func (m Model) ringing(evs []model.Event, changed []model.Incident) tea.Cmd {
	if !m.opt.Bell {
		return nil
	}
	ring := false
	grave := map[string]bool{}
	for _, inc := range changed {
		if inc.Severity == model.SeverityI {
			grave[inc.ID] = true
		}
	}
	for _, e := range evs {
		if e.Action == model.ActReport && grave[e.Incident] {
			ring = true
		}
	}
	if m.w.turnedRed {
		ring = true
	}
	if !ring {
		return nil
	}
	out := m.opt.BellTo
	if out == nil {
		out = os.Stdout
	}
	return ringBell(out)
}

// ringBell writes the terminal's bell.
func ringBell(w io.Writer) tea.Cmd {
	return func() tea.Msg {
		_, _ = w.Write([]byte("\a"))
		return nil
	}
}
