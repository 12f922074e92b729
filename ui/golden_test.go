package ui

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestGoldenScreen runs the whole console as a bubbletea program (teatest)
// on the Huajie demo with a fixed clock and seed, waits until every answer
// it asked for is in (settling), quits, and compares the final View with
// testdata/<name>.golden. The store answers the duty and the figures late
// (late), as on a loaded machine: the header shows both, and the test must
// wait for them, not for a moment. Regenerate with: go test ./ui -run
// TestGoldenScreen -update (then read the diff).
func TestGoldenScreen(t *testing.T) {
	for _, c := range []struct {
		name, lang string
		keys       []string
		ready      string // drawn once what the keys asked for has loaded
		w, h       int    // 120x40 when zero
	}{
		{"zh", "zh", nil, "", 0, 0},
		{"en", "en", nil, "", 0, 0},
		{"en_detail", "en", []string{"j", "enter"}, "11-29 03:07:46  escalated", 0, 0}, // the timeline's last line
		{"zh_tower", "zh", []string{"tab", "tab", "tab", "j", "enter"}, "", 0, 0},
		{"zh_80x24", "zh", nil, "", 80, 24},
		{"en_80x24", "en", nil, "", 80, 24},
		{"zh_80x24_resolve", "zh", []string{"j", "j", "j", "r"}, "", 80, 24}, // a question on two lines
		{"en_80x24_detail", "en", []string{"j", "enter"}, "", 80, 24},
	} {
		if c.w == 0 {
			c.w, c.h = 120, 40
		}
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			sub := f.db.Subscribe()
			defer sub.Close()
			m := newSettling(New(late{f.db}, sub, f.options(t, c.lang)))
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(c.w, c.h))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				return bytes.Contains(b, []byte("在办 22")) || bytes.Contains(b, []byte("open 22")) // the snapshot is drawn
			}, teatest.WithDuration(5*time.Second))
			m.settle(t)
			for _, k := range c.keys {
				m.send(tm, keyMsg(k))
			}
			m.settle(t)
			if c.ready != "" {
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
					return bytes.Contains(b, []byte(c.ready))
				}, teatest.WithDuration(5*time.Second))
			}
			require.NoError(t, tm.Quit())
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(settling).Model
			golden.RequireEqual(t, []byte(fm.View()))
		})
	}
}

// late is a store that answers the reads the header shows after the
// snapshot (who is on duty, the figures) late, as a loaded machine may.
type late struct{ model.Service }

const lateBy = 100 * time.Millisecond

func (l late) Duty(ctx context.Context, room model.NodeCode, at time.Time) ([]model.RoomDuty, error) {
	time.Sleep(lateBy)
	return l.Service.Duty(ctx, room, at)
}

func (l late) Figures(ctx context.Context, scope model.NodeCode) (model.Figures, error) {
	time.Sleep(lateBy)
	return l.Service.Figures(ctx, scope)
}

// settling is a console under teatest that counts what it waits for: Init,
// each command it gives the program (but the timers and the feed, which
// never settle) and each message the test sends, each until what it brings
// back has been through Update. At zero every answer asked for so far (the
// snapshot, the figures, the duty, a timeline) is in the model.
type settling struct {
	Model
	waiting *atomic.Int64
}

// settled is what a counted command or message brings to Update.
type settled struct{ msg tea.Msg }

func newSettling(m Model) settling {
	s := settling{Model: m, waiting: new(atomic.Int64)}
	s.waiting.Add(1) // Init, until the program has called it
	return s
}

func (s settling) Init() tea.Cmd {
	defer s.waiting.Add(-1)
	return s.count(s.Model.Init())
}

// Update hands the message to the console and counts the commands it gives
// back before it counts the message done, so the count is never zero while
// an answer is still to come.
func (s settling) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if c, ok := msg.(settled); ok {
		defer s.waiting.Add(-1)
		msg = c.msg
	}
	switch msg := msg.(type) {
	case nil:
		return s, nil
	case tea.BatchMsg: // the program runs each command of a batch: count each
		cmds := make([]tea.Cmd, len(msg))
		for i, c := range msg {
			cmds[i] = s.count(c)
		}
		return s, tea.Batch(cmds...)
	case tea.QuitMsg:
		return s, tea.Quit
	}
	next, cmd := s.Model.Update(msg)
	s.Model = next.(Model)
	return s, s.count(cmd)
}

func (s settling) count(cmd tea.Cmd) tea.Cmd {
	if cmd == nil || waits(cmd) {
		return cmd
	}
	s.waiting.Add(1)
	return func() tea.Msg { return settled{cmd()} }
}

// send sends msg to the program, counted.
func (s settling) send(tm *teatest.TestModel, msg tea.Msg) {
	s.waiting.Add(1)
	tm.Send(settled{msg})
}

// settle waits until nothing is waited for; an answer that never comes
// fails the test.
func (s settling) settle(t *testing.T) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); s.waiting.Load() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the console still waits for %d answers after 10 s", s.waiting.Load())
		}
	}
}
