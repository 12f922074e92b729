package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// The night replayed (:replay, gridcmd replay): the event log played back
// into the console as it happened, at a chosen speed, with the replay's
// clock in the header and a scrub line for the footer that says it is a
// replay. The header is otherwise what the live console showed then. The panes are the
// live console's own, fed from the log (model.History) instead of the
// store's feed, through the same world.apply; nothing is written, and
// every key that would act is refused.

// ReplayOptions start the console replaying (gridcmd replay).
type ReplayOptions struct {
	From, To time.Time // zero From: the log's first event; zero To: its last
	Speed    float64   // replayed seconds per second; 0 for 60
}

// Replay limits.
const (
	defaultReplaySpeed = 60
	maxReplaySpeed     = 3600
	replayPage         = 5000 // events read per call while loading the log
)

// replayState is a replay in progress. The console holds it by pointer:
// the history is large and read only, and the replayed state moves only
// in the root's Update.
type replayState struct {
	hist             *model.History
	r                model.Replayed
	from, to, at     time.Time
	speed            float64
	paused           bool
	standalone       bool // gridcmd replay: leaving it quits
	nodes            []model.Node
	people           []model.Person
	acts             []model.Activation // every activation the log began, as it stood at its end
	live             model.WartimeStatus
	dirs             []wtDirective // the latest activation's directives, as they stand now
	progress         map[string][]progressAt
	keys             replayKeys
	wasFocus         paneID
	wasOverlay       overlayID
	liveMissedEvents bool
	dutyMoved        bool // a step applied an event of the duty (a swap, a handover): read it again
	pointsMoved      bool // a step applied an event that can earn points, the points pane open
	pointsStale      bool // the points pane's read under way is of a moment the replay has left
}

// progressAt is one progress report of a unit, read from its event.
type progressAt struct {
	at       time.Time
	done, of int
}

type replayKeys struct {
	pause, back, fwd, back10, fwd10, faster, slower, leave key.Binding
}

func newReplayKeys(lang string) replayKeys {
	zh := chinese(lang)
	b := func(help, en, cn string, keys ...string) key.Binding {
		d := en
		if zh {
			d = cn
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, d))
	}
	return replayKeys{
		pause:  b("space", "pause", "暂停", " "),
		back:   b("←", "-1m", "-1分", "left"),
		fwd:    b("→", "+1m", "+1分", "right"),
		back10: b("[", "-10m", "-10分", "["),
		fwd10:  b("]", "+10m", "+10分", "]"),
		faster: b("+", "faster", "加速", "+", "="),
		slower: b("-", "slower", "减速", "-"),
		leave:  b("esc", "leave", "退出回放", "esc"),
	}
}

// historyMsg is the log and what the replay shows it over.
type historyMsg struct {
	rp  *replayState
	err error
}

// loadHistory reads everything a replay needs (readHistory).
func loadHistory(svc model.Service, scope model.NodeCode, lang string) tea.Cmd {
	return func() tea.Msg {
		rp, err := readHistory(context.Background(), svc, scope, lang)
		if err != nil {
			return historyMsg{err: err}
		}
		return historyMsg{rp: rp}
	}
}

// readHistory reads the tower and the roster of the scope, every incident
// and every event, the activations the log began, and the latest
// activation's directives with their units.
func readHistory(ctx context.Context, svc model.Service, scope model.NodeCode, lang string) (*replayState, error) {
	rp := &replayState{keys: newReplayKeys(lang), progress: map[string][]progressAt{}}
	var err error
	if rp.nodes, err = svc.Nodes(ctx, scope); err != nil {
		return nil, err
	}
	if rp.people, err = svc.People(ctx, model.PeopleFilter{Node: scope}); err != nil {
		return nil, err
	}
	incs, err := svc.Incidents(ctx, model.IncidentFilter{Node: scope})
	if err != nil {
		return nil, err
	}
	evs, err := allEvents(ctx, svc)
	if err != nil {
		return nil, err
	}
	if err := rp.readWartimeLog(ctx, svc, evs); err != nil {
		return nil, err
	}
	if len(rp.acts) > 0 {
		if err := rp.readDirectives(ctx, svc, scope); err != nil {
			return nil, err
		}
	}
	rp.hist = model.NewHistory(incs, evs, svc.Policy())
	return rp, nil
}

// allEvents reads the whole log, a page at a time.
func allEvents(ctx context.Context, svc model.Service) ([]model.Event, error) {
	var evs []model.Event
	for before := uint64(0); ; {
		page, err := svc.Events(ctx, before, replayPage)
		if err != nil {
			return nil, err
		}
		evs = append(evs, page...)
		if len(page) < replayPage {
			return evs, nil
		}
		before = page[len(page)-1].Seq
	}
}

// readWartimeLog keeps the activations the log began (read once each) and
// every unit's progress as the log reported it, in time order.
func (rp *replayState) readWartimeLog(ctx context.Context, svc model.Service, evs []model.Event) error {
	seen := map[string]bool{}
	for _, e := range evs {
		switch {
		case e.Action == model.ActActivate && e.Directive != "" && !seen[e.Directive]:
			seen[e.Directive] = true
			a, err := svc.AfterAction(ctx, e.Directive)
			if err != nil {
				return err
			}
			rp.acts = append(rp.acts, a.Activation)
		case e.Action == model.ActProgress:
			if p, ok := parseProgress(e); ok {
				k := e.Directive + "/" + string(e.Node)
				rp.progress[k] = append(rp.progress[k], p)
			}
		}
	}
	for k := range rp.progress {
		ps := rp.progress[k]
		sort.Slice(ps, func(i, j int) bool { return ps[i].at.Before(ps[j].at) })
	}
	return nil
}

// readDirectives reads the wartime state as it is now and the scope's
// directives with their units.
func (rp *replayState) readDirectives(ctx context.Context, svc model.Service, scope model.NodeCode) error {
	var err error
	if rp.live, err = svc.WartimeStatus(ctx, scope); err != nil {
		return err
	}
	rp.live = scopeWartime(scope, rp.live)
	ds, err := svc.Directives(ctx, scope)
	if err != nil {
		return err
	}
	for _, d := range ds {
		d, units, err := svc.Directive(ctx, d.ID)
		if err != nil {
			return err
		}
		if x, ok := scopeDirective(scope, d, units); ok {
			rp.dirs = append(rp.dirs, x)
		}
	}
	return nil
}

// parseProgress reads a progress event's "D-0001: 63/70..." note.
func parseProgress(e model.Event) (progressAt, bool) {
	rest, ok := strings.CutPrefix(e.Note, e.Directive+": ")
	if !ok {
		return progressAt{}, false
	}
	var p progressAt
	if _, err := fmt.Sscanf(rest, "%d/%d", &p.done, &p.of); err != nil {
		return progressAt{}, false
	}
	p.at = e.At
	return p, true
}

// startReplay asks for the log; the replay begins when it is read.
// from and to may be zero (the log's first and last events).
func (m Model) startReplay(o ReplayOptions, standalone bool) (tea.Model, tea.Cmd) {
	m.replayWant = &o
	m.replayStandalone = standalone
	return m.flashInfo(m.say("reading the event log for the replay...", "正在读取事件日志以回放……"))
}

// onHistory begins the replay the log makes possible.
func (m Model) onHistory(msg historyMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.replayWant = nil
		return m.flashErr(msg.err)
	}
	want := m.replayWant
	if want == nil {
		return m, nil
	}
	rp := msg.rp
	first, last := rp.hist.Span()
	if first.IsZero() {
		m.replayWant = nil
		return m.flashErr(refusal(model.ECONFLICT, "the event log is empty: nothing to replay", "事件日志为空：没有可回放的内容"))
	}
	rp.from, rp.to, rp.speed = want.From, want.To, want.Speed
	if rp.from.IsZero() {
		rp.from = first
	}
	if rp.to.IsZero() {
		rp.to = last
	}
	if err := m.lookback(m.opt.Now()).Reversed(rp.from, rp.to); err != nil {
		m.replayWant = nil
		return m.flashErr(err)
	}
	if rp.speed <= 0 {
		rp.speed = defaultReplaySpeed
	}
	rp.speed = min(rp.speed, maxReplaySpeed)
	rp.standalone = m.replayStandalone
	rp.wasFocus, rp.wasOverlay = m.focus, m.overlay
	m.replayWant = nil
	m.rp = rp
	m.flash = flash{} // "reading the log": done

	m.step = time.Second // a replay steps every second, whatever the Tick
	m.duty, m.dutyLoaded = model.RoomDuty{}, false
	m.overlay = overlayNone
	m.formActive, m.filterActive, m.q = false, false, question{}
	m = m.replayJump(rp.from)
	return m, m.replayFollow(true)
}

// replayJump shows the replay at t, built afresh from the log.
func (m Model) replayJump(t time.Time) Model {
	rp := m.rp
	t = clampTime(t, rp.from, rp.to)
	r, incs, evs := rp.hist.State(t, eventsKept)
	rp.r, rp.at = r, t
	m.w = newWorld(snapshot{nodes: rp.nodes, people: rp.people, incidents: scopeIncidents(m.scope, incs), events: scopeEvents(m.scope, evs, nil)})
	m.noteFlaggedDuty()
	m.now = t
	m.w.rollUp(t)
	m.tell(m.tower, loadedMsg{})
	m.tell(m.queue, loadedMsg{})
	m.fig = rp.hist.Figures(t, m.scope) // the store's figures as they stood at t
	return m.replayWartime()
}

// replayStep moves the replay on to t, applying the log's events since
// as the live feed applies a burst.
func (m Model) replayStep(t time.Time) Model {
	rp := m.rp
	t = clampTime(t, rp.from, rp.to)
	if t.Before(rp.at) {
		return m.replayJump(t)
	}
	evs, changed := rp.hist.Step(&rp.r, t)
	rp.at = t
	m.now = t
	newest := make([]model.Event, len(evs))
	wt := false
	for i, e := range evs {
		newest[len(evs)-1-i] = e
		wt = wt || isWartimeEvent(e)
		rp.dutyMoved = rp.dutyMoved || isDutyEvent(e)
	}
	if m.w.lightsDue(t) {
		m.w.rollUp(t)
	}
	changed = scopeIncidents(m.scope, changed)
	m.w.apply(scopeEvents(m.scope, newest, nil), changed, t)
	m.tell(m.queue, changedMsg{changed})
	m.fig = rp.hist.Figures(t, m.scope) // the store's figures as they stood at t
	rp.pointsMoved = rp.pointsMoved || m.overlay == overlayPoints && m.points.earns(evs)
	if wt {
		return m.replayWartime()
	}
	m.tell(m.wtc, countMsg{})
	return m
}

func clampTime(t, lo, hi time.Time) time.Time {
	if t.Before(lo) {
		return lo
	}
	if t.After(hi) {
		return hi
	}
	return t
}

// replayWartime puts the wartime of the replay's moment in common.wt: the
// activation running then, its units (as they stand now, when it is still
// running), and its directives issued by then, each unit's signature,
// progress and climb as they stood.
func (m Model) replayWartime() Model {
	rp := m.rp
	t := rp.at
	var w wartime
	for _, a := range rp.acts {
		if !a.Since.After(t) && (a.Ended.IsZero() || a.Ended.After(t)) {
			a.Ended, a.EndedBy = time.Time{}, 0
			w.status.Active = a.AsOf(t) // its scope before the widenings still to come
		}
	}
	if a := w.status.Active; a.Active() {
		if rp.live.Active.Seq == a.Seq {
			w.status.Units, w.status.Staffed, w.status.Gaps = rp.live.Units, rp.live.Staffed, rp.live.Gaps
			w.status.Rooms = rp.live.Rooms // as they stand now; an earlier one's: not known
			if len(a.Widened) < len(rp.live.Active.Widened) {
				w.status = coveredThen(w.status)
			}
		}
		for _, d := range rp.dirs {
			if d.d.Activation != a.Seq || d.d.IssuedAt.After(t) {
				continue
			}
			units := make([]model.DirectiveUnit, len(d.units))
			for i, u := range d.units {
				units[i] = rp.unitAt(d.d, u, t)
			}
			w.directives = append(w.directives, wtDirective{d: d.d, units: units, sum: model.Summarize(d.d, units, 5)})
		}
		sort.Slice(w.directives, func(i, j int) bool { return w.directives[i].d.Seq > w.directives[j].d.Seq })
	}
	m.wt = w
	m.tell(m.dir, wartimeLoadedMsg{})
	m.tell(m.gaps, wartimeLoadedMsg{})
	// The layout and the chain pane follow the replay's wartime, whatever
	// the live console showed.
	m.wartimeTurned()
	m.tell(m.wtc, countMsg{})
	return m
}

// unitAt is a directive unit's copy as it stood at t.
func (rp *replayState) unitAt(d model.Directive, u model.DirectiveUnit, t time.Time) model.DirectiveUnit {
	out := model.DirectiveUnit{Directive: u.Directive, Unit: u.Unit, SentAt: u.SentAt}
	if !u.SignedAt.IsZero() && !u.SignedAt.After(t) {
		out.SignedAt, out.SignedBy, out.OnBehalf = u.SignedAt, u.SignedBy, u.OnBehalf
	}
	for _, p := range rp.progress[d.ID+"/"+string(u.Unit)] {
		if p.at.After(t) {
			break
		}
		out.Done, out.Of = p.done, p.of
	}
	if !u.CompletedAt.IsZero() && !u.CompletedAt.After(t) {
		out.CompletedAt = u.CompletedAt
	}
	for {
		n, changed := out.SweepUnit(d, t)
		if !changed {
			break
		}
		out = n
	}
	return out
}

// leaveReplay goes back to the live console (or, for gridcmd replay,
// quits), reading the live state afresh.
func (m Model) leaveReplay() (tea.Model, tea.Cmd) {
	rp := m.rp
	if rp.standalone {
		return m, tea.Quit
	}
	m.rp = nil
	m.step = m.opt.Tick
	m.focus, m.overlay = rp.wasFocus, rp.wasOverlay
	m.now = m.opt.Now()
	var points tea.Cmd
	if m.overlay == overlayPoints && !m.points.month.IsZero() {
		points = m.pointsLoad(m.points.month) // the pane holds the replay's
	}
	mm, c := m.flashInfo(m.say("back to the live console", "已回到实时值守"))
	return mm, tea.Batch(c, loadSnapshot(m.svc, m.scope, m.reach), loadWartime(m.svc, m.scope), loadDuty(m.svc, m.dutyRoom(), time.Time{}), points)
}

// stepper is an overlay that steps through what it shows with keys the
// replay steps its clock with ([ and ], ←/→): while it is open, its footer
// and not the replay's on the screen, they are its.
type stepper interface{ stepKeys() []key.Binding }

// onReplayKey takes the replay's own keys, but those of the open overlay
// that steps (stepper: the points' months, the gaps' reserves); others go
// on as usual, those that would act refused (nothing is written in a
// replay).
func (m Model) onReplayKey(msg tea.KeyMsg) (tea.Model, tea.Cmd, bool) {
	if s, ok := m.overlays[m.overlay].(stepper); !ok || !key.Matches(msg, s.stepKeys()...) {
		if next, cmd, ok := m.onReplayMove(msg); ok {
			return next, cmd, true
		}
	}
	mk := m.keys
	for _, b := range []key.Binding{mk.New, mk.Ack, mk.Escalate, mk.EscalateTo, mk.Dispatch, mk.Resolve, mk.Reopen, mk.Close,
		mk.Wartime, mk.Directive, mk.Resend} {
		if key.Matches(msg, b) {
			err := refusal(model.ECONFLICT, "a replay is read-only: esc back to the live console to act", "回放为只读：按 esc 回到实时值守再操作")
			if m.rp.standalone {
				err = refusal(model.ECONFLICT, "a replay is read-only: nothing can be done from it", "回放为只读：不能在回放中操作")
			}
			mm, c := m.flashErr(err)
			return mm, c, true
		}
	}
	return m, nil, false
}

// onReplayMove takes the keys that move the replay: leave, pause or play,
// step, scrub, and its speed.
func (m Model) onReplayMove(msg tea.KeyMsg) (tea.Model, tea.Cmd, bool) {
	rp := m.rp
	k := rp.keys
	switch {
	case key.Matches(msg, k.leave) && m.overlay == overlayNone:
		mm, c := m.leaveReplay()
		return mm, c, true
	case key.Matches(msg, k.pause):
		rp.paused = !rp.paused
		if rp.at.Equal(rp.to) && !rp.paused {
			m = m.replayJump(rp.from)
			return m, m.replayFollow(true), true
		}
		return m, nil, true
	case key.Matches(msg, k.back), key.Matches(msg, k.fwd), key.Matches(msg, k.back10), key.Matches(msg, k.fwd10):
		d := time.Minute
		if key.Matches(msg, k.back10) || key.Matches(msg, k.fwd10) {
			d = 10 * time.Minute
		}
		if key.Matches(msg, k.back) || key.Matches(msg, k.back10) {
			m = m.replayJump(rp.at.Add(-d))
			return m, m.replayFollow(true), true
		}
		m = m.replayStep(rp.at.Add(d))
		return m, m.replayFollow(false), true
	case key.Matches(msg, k.faster):
		rp.speed = min(rp.speed*2, maxReplaySpeed)
		return m, nil, true
	case key.Matches(msg, k.slower):
		rp.speed = max(rp.speed/2, 1)
		return m, nil, true
	}
	return m, nil, false
}

// onReplayTick moves the replay on by its speed, once a second.
func (m Model) onReplayTick(t time.Time) (tea.Model, tea.Cmd) {
	rp := m.rp
	cmd := tick(t, time.Second, 0) // a replay steps every second, whatever the console's Tick
	if !rp.standalone && !m.opt.NoSweep {
		cmd = tea.Batch(cmd, sweep(m.svc)) // the live clocks go on meanwhile
	}
	if rp.paused {
		return m, cmd
	}
	next := rp.at.Add(time.Duration(rp.speed * float64(time.Second)))
	m = m.replayStep(next)
	if !rp.at.Before(rp.to) {
		rp.paused = true
	}
	return m, tea.Batch(cmd, m.replayFollow(false))
}

// replayMode says on the scrub line that this is a replay, whether it
// plays and at what speed. (The header is the live console's own at the
// replay's moment, its clock the replay's.)
func (m Model) replayMode() string {
	rp := m.rp
	state := "▶"
	if rp.paused {
		state = "‖"
	}
	if m.opt.ASCII || m.opt.AmbiguousWide {
		state = ">"
		if rp.paused {
			state = "||"
		}
	}
	return fmt.Sprintf(" %s %s %gx ", m.say("REPLAY", "回放"), state, rp.speed)
}

// replayFooter is the scrub line: that it is a replay, from, a bar with
// the replay's place, to, and the keys (each pair under one word; space
// says what it will do: pause, or play on).
func (m Model) replayFooter() string {
	p := &m.p
	rp := m.rp
	loc := m.opt.Location
	from, to := rp.from.In(loc).Format("01-02 15:04"), rp.to.In(loc).Format("01-02 15:04")
	space := m.say("pause", "暂停")
	if rp.paused {
		space = m.say("play", "播放")
	}
	help := m.say("  space "+space+"  "+p.g.LeftRight+" 1m  [/] 10m  +/- speed  esc leave",
		"  space "+space+"  "+p.g.LeftRight+" 1分  [/] 10分  +/- 速度  esc 退出")
	mode := m.replayMode()
	bar := min(max(m.width-p.w.Of(mode+from+"  "+to)-p.w.Of(help)-1, 10), 60)
	span := rp.to.Sub(rp.from)
	pos := 0
	if span > 0 {
		pos = int(float64(bar-1) * float64(rp.at.Sub(rp.from)) / float64(span))
	}
	fill, rest, mark := "━", "─", "●"
	if m.opt.ASCII || m.opt.AmbiguousWide {
		fill, rest, mark = "=", "-", "o"
	}
	line := mode + from + " " + strings.Repeat(fill, pos) + mark + strings.Repeat(rest, max(bar-1-pos, 0)) + " " + to + help
	return p.st.Prompt.Render(p.w.Fit(line, m.width, p.g.More))
}

// replayedTimeline is an incident's timeline as it stood at t.
func replayedTimeline(evs []model.Event, t time.Time) []model.Event {
	out := evs[:0:0]
	for _, e := range evs {
		if !e.At.After(t) {
			out = append(out, e)
		}
	}
	return out
}

// replayDuty reads the seat room's duty at the replay's moment when it
// jumped there, when the moment passed a handoff, or when the replay
// applied an event of the duty (a swap, a handover made or signed for).
func (m Model) replayDuty(jumped bool) tea.Cmd {
	if !jumped && !m.rp.dutyMoved && m.dutyLoaded && !m.dutyDue(m.now) {
		return nil
	}
	m.rp.dutyMoved = false
	return loadDuty(m.svc, m.dutyRoom(), m.rp.at)
}

// runReplay is :replay [FROM [TO]] [SPEEDx]: from the start of the running
// shift (else twelve hours ago) to now, at 60x, unless told; times are
// read as the command line's replay reads them (lookback): 15:04 the last
// such time up to now, or 2006-01-02T15:04, or a date and a time
// (2006-01-02 15:04), or RFC 3339.
func (m Model) runReplay(args []string) (tea.Model, tea.Cmd) {
	if m.rp != nil || m.replayWant != nil {
		return m.flashErr(refusal(model.ECONFLICT, "a replay is running already", "回放已在进行"))
	}
	now := m.opt.Now()
	o := ReplayOptions{To: now, Speed: defaultReplaySpeed}
	var times []string
	for _, a := range joinDateTimes(args) {
		if x, ok := strings.CutSuffix(strings.ToLower(a), "x"); ok {
			var sp float64
			if _, err := fmt.Sscanf(x, "%g", &sp); err != nil || sp <= 0 || sp > maxReplaySpeed {
				return m.flashErr(refusal(model.EINVALID, fmt.Sprintf(":replay %s: want a speed such as 60x (up to %dx)", a, maxReplaySpeed),
					fmt.Sprintf(":replay %s：速度应如 60x（最多 %dx）", a, maxReplaySpeed)))
			}
			o.Speed = sp
			continue
		}
		times = append(times, a)
	}
	if len(times) > 2 {
		return m.flashErr(refusal(model.EINVALID, ":replay: at most a start, an end and a speed", ":replay：最多给出开始、结束和速度"))
	}
	times = append(times, "", "")
	from, to, err := m.lookback(now).Window(times[0], times[1])
	if err != nil {
		return m.flashErr(err)
	}
	o.From = from
	if from.IsZero() {
		o.From = now.Add(-12 * time.Hour)
		if c := m.duty.Current; c.Scheduled() && c.From.Before(now) {
			o.From = c.From
		}
	}
	if !to.IsZero() {
		o.To = to
	}
	mm, c := m.startReplay(o, false)
	return mm, tea.Batch(c, loadHistory(m.svc, m.scope, m.opt.Lang))
}

// joinDateTimes reads a date followed by a time (2026-12-07 20:00, the
// line split at the space) as one moment, 2026-12-07T20:00.
func joinDateTimes(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if _, err := time.Parse(time.DateOnly, args[i]); err == nil && i+1 < len(args) {
			if _, err := time.Parse("15:04", args[i+1]); err == nil {
				out = append(out, args[i]+"T"+args[i+1])
				i++
				continue
			}
		}
		out = append(out, args[i])
	}
	return out
}

// lookback reads :replay's window as the command line's replay and
// timeline export read theirs (model.Lookback); a time that is not a bare
// one is RFC 3339 or 2006-01-02T15:04.
func (m Model) lookback(now time.Time) model.Lookback {
	return model.Lookback{What: "replay", WhatZh: "回放", Now: now, Loc: m.opt.Location,
		Dated: func(_, s string) (time.Time, error) {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t, nil
			}
			if t, err := time.ParseInLocation("2006-01-02T15:04", s, m.opt.Location); err == nil {
				return t, nil
			}
			return time.Time{}, refusal(model.EINVALID, fmt.Sprintf(":replay %s: want a time such as 02:00, 2026-11-29 02:00, 2026-11-29T02:00, or a speed such as 60x", s),
				fmt.Sprintf(":replay %s：应为时刻（如 02:00、2026-11-29 02:00、2026-11-29T02:00）或速度（如 60x）", s))
		}}
}
