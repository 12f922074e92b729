package ui

import (
	"context"
	"os"
	"reflect"
	"runtime"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/internal/demodb"
	"gridcmd/internal/testclock"
	"gridcmd/internal/testkit"
	"gridcmd/model"
	"gridcmd/store"
)

func TestMain(m *testing.M) {
	// Golden screens and width checks read plain text.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// shanghai is the town's clock (testkit.CST).
var shanghai = testkit.CST

// base is the fixed "now" of every console test: 03:10 on the night of the
// sketch (testkit.Night).
var base = testkit.Night

// fixture is a real store on a temp file holding the Huajie demo at base.
type fixture struct {
	db    *store.DB
	clock *testclock.Clock
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	db, clock := demodb.Open(t, "ui.db", base, demo.Load)
	return fixture{db: db, clock: clock}
}

// operator is the demo's first duty officer on duty.
func (f fixture) operator(t testing.TB) model.PersonID { return f.seat(t).Person.ID }

// seat is the seat of the demo's first duty officer on duty: the town room
// of 花街镇.
func (f fixture) seat(t testing.TB) model.Seat {
	people, err := f.db.People(context.Background(), model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	for _, p := range people {
		if p.OnDuty {
			return model.SeatOf(p)
		}
	}
	t.Fatal("no duty officer on duty")
	return model.Seat{}
}

// seatOf is the seat of person id.
func (f fixture) seatOf(t testing.TB, id model.PersonID) model.Seat {
	p, err := f.db.Person(context.Background(), id)
	require.NoError(t, err)
	return model.SeatOf(p)
}

func (f fixture) options(t testing.TB, lang string) Options {
	return Options{Lang: lang, Seat: f.seat(t), Location: shanghai, Now: f.clock.Now, NoSweep: true}
}

// model builds a console of the given size with its snapshot loaded, as
// Init would, but without the feed or the timers: tests drive those.
func (f fixture) model(t testing.TB, lang string, w, h int) Model {
	t.Helper()
	return loaded(t, f.db, f.options(t, lang), w, h)
}

// demoConsole is a console of the given size on a fresh store holding the
// demo, for a test that needs nothing else of the fixture.
func demoConsole(t testing.TB, lang string, w, h int) Model {
	t.Helper()
	return newFixture(t).model(t, lang, w, h)
}

// loaded is a console on svc with opt, of the given size, with its
// snapshot loaded, as Init would, but without the feed or the timers.
func loaded(t testing.TB, svc model.Service, opt Options, w, h int) Model {
	t.Helper()
	m := New(svc, nil, opt)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return update(t, m, loadSnapshot(svc, m.scope, m.reach)())
}

// update feeds one message and runs the commands it returns (those that
// answer within a moment: timers are left alone), feeding their messages
// back, as the bubbletea runtime would.
func update(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	next, cmd := m.Update(msg)
	m = next.(Model)
	if m.width > 0 && !m.tooSmall() && m.loadErr == nil {
		// layout's count of the status lines is theirs (statusHeight).
		require.Equal(t, len(m.statusLines()), m.statusH, "statusHeight disagrees with statusLines")
	}
	for _, out := range run(t, cmd, 3) {
		m = update(t, m, out)
	}
	return m
}

// The code of the commands that wait: every timer (after: the clock's
// tick, flash expiry, the wait before subscribing again), and the
// feed's wait for the next batch. Tests drive those (pump, tickMsg).
var (
	timerCode = reflect.ValueOf(after(time.Hour, nil)).Pointer()
	feedCode  = reflect.ValueOf(waitEvents(&deadSub{}, nil, "", nil)).Pointer()
)

// waits reports whether cmd is one of the commands that wait (a timer, the
// feed): no test waits for what they bring.
func waits(cmd tea.Cmd) bool {
	code := reflect.ValueOf(cmd).Pointer()
	return code == timerCode || code == feedCode
}

// run executes cmd (expanding batches) and returns the messages that came
// back. Timers and the feed are left alone; everything else, a store call
// on a loaded machine included, is waited for, up to 10 s: a command that
// never answers fails its test.
func run(t testing.TB, cmd tea.Cmd, depth int) []tea.Msg {
	if cmd == nil || depth == 0 {
		return nil
	}
	if waits(cmd) {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("a command did not answer within 10 s: %s", runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name())
	}
	switch msg := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(t, c, depth-1)...)
		}
		return out
	case tickMsg, flashExpiredMsg:
		return nil
	}
	return []tea.Msg{msg}
}

// keys sends key presses: single runes, or names such as "enter", "tab",
// "esc", "ctrl+c", "shift+tab", "up", "down".
func keys(t testing.TB, m Model, ks ...string) Model {
	t.Helper()
	for _, k := range ks {
		m = update(t, m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "tab": tea.KeyTab, "esc": tea.KeyEsc, "ctrl+c": tea.KeyCtrlC,
		"shift+tab": tea.KeyShiftTab, "up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft,
		"right": tea.KeyRight, "backspace": tea.KeyBackspace, "space": tea.KeySpace,
	}
	if kt, ok := named[k]; ok {
		return tea.KeyMsg{Type: kt}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// runLine types line on the ':' command line and runs it (enter).
func runLine(t testing.TB, m Model, line string) Model {
	t.Helper()
	return keys(t, typeText(t, keys(t, m, ":"), line), "enter")
}

// submitForm tabs to the form's last field and presses enter there.
func submitForm(t testing.TB, m Model) Model {
	t.Helper()
	for m.form.focus != len(m.form.fields)-1 {
		m = keys(t, m, "tab")
	}
	return keys(t, m, "enter")
}

// typeText types a string rune by rune (Chinese too).
func typeText(t testing.TB, m Model, s string) Model {
	for _, r := range s {
		m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// pump waits for the store's next committed events and feeds them in, as
// the live feed does.
func pump(t testing.TB, m Model, sub model.Subscription, svc model.Service) Model {
	t.Helper()
	got := make(chan tea.Msg, 1)
	go func() { got <- waitEvents(sub, svc, m.scope, m.reach)() }()
	select {
	case msg := <-got:
		return update(t, m, msg)
	case <-time.After(10 * time.Second):
		t.Fatal("no events within 10 s")
		return m
	}
}

func keyMsgSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// at is the live incident seq, for assertions.
func (w *world) at(seq uint64) model.Incident {
	inc, _ := w.get(seq)
	return inc
}

// The harness knows every waiting command the console makes; a new timer
// not made by after would make the tests wait for it.
func TestHarnessKnowsTheWaits(t *testing.T) {
	code := func(c tea.Cmd) uintptr { return reflect.ValueOf(c).Pointer() }
	for name, c := range map[string]tea.Cmd{
		"tick": tick(base, 0, 0), "flash": expireFlash(1, time.Hour), "resubscribe": resubscribeAfter(time.Hour),
	} {
		assert.Equal(t, timerCode, code(c), name)
	}
	assert.Equal(t, feedCode, code(waitEvents(&deadSub{}, nil, "", nil)))
	assert.NotEqual(t, timerCode, code(sweep(nil)))
}
