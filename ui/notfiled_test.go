package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// stopping is the store seen through the local API of the gridcmd server
// at 127.0.0.1:19601, which the tester stops (kill -9) and starts again:
// while fail is set, every call that would file something fails with it
// and files nothing, as the API's client fails when nothing answers.
type stopping struct {
	model.Service
	fail  error
	calls int // the calls that filed, or would have, while it was up or down
}

func (*stopping) Addr() string { return "http://127.0.0.1:19601" }

// goneErr is the API client's refusal of a call nothing answered.
func goneErr() error {
	return model.Errorf(model.EUNAVAIL, "the gridcmd server at 127.0.0.1:19601 is not running (nothing answers there); start gridcmd again (serve, or a console on the file)").
		Zh("127.0.0.1:19601 的 gridcmd 服务未在运行（该地址无应答），请重新启动 gridcmd（serve 或持有数据库的控制台）")
}

// cutErr is the API client's refusal of a call cut before its answer:
// what was asked may have been done.
func cutErr() error {
	return model.Errorf(model.EUNAVAIL, "the gridcmd server at 127.0.0.1:19601 stopped before it answered; what was asked may have been done, so look before you try again").
		Zh("127.0.0.1:19601 的 gridcmd 服务在应答前中断，所请求的可能已办理，请先查看再重试").MaybeDone()
}

func (s *stopping) down() error { s.calls++; return s.fail }

func (s *stopping) Report(ctx context.Context, r model.Report) (model.Incident, error) {
	if err := s.down(); err != nil {
		return model.Incident{}, err
	}
	return s.Service.Report(ctx, r)
}

func (s *stopping) Act(ctx context.Context, id string, c model.Command) (model.Incident, error) {
	if err := s.down(); err != nil {
		return model.Incident{}, err
	}
	return s.Service.Act(ctx, id, c)
}

func (s *stopping) Note(ctx context.Context, id, text string, by model.PersonID) (model.Incident, error) {
	if err := s.down(); err != nil {
		return model.Incident{}, err
	}
	return s.Service.Note(ctx, id, text, by)
}

func (s *stopping) IssueDirectiveAt(ctx context.Context, text string, to []model.NodeCode, due time.Time, by model.PersonID, dryRun bool) (model.Directive, []model.DirectiveUnit, error) {
	if err := s.down(); err != nil {
		return model.Directive{}, nil, err
	}
	return s.Service.IssueDirectiveAt(ctx, text, to, due, by, dryRun)
}

func (s *stopping) Handover(ctx context.Context, room model.NodeCode, note string, by model.PersonID, dryRun bool, seen string) (model.Handover, error) {
	if err := s.down(); err != nil {
		return model.Handover{}, err
	}
	return s.Service.Handover(ctx, room, note, by, dryRun, seen)
}

func (s *stopping) CloseFinding(ctx context.Context, id, reason string, by model.PersonID) (model.Finding, error) {
	if err := s.down(); err != nil {
		return model.Finding{}, err
	}
	return s.Service.CloseFinding(ctx, id, reason, by)
}

// notFiled is how the console says a send failed and nothing was filed.
func notFiled(m Model) string { return m.say("not filed: ", "未提交：") }

// attached is a console of the given size attached to svc, as gridcmd
// console is to a running server.
func attached(t *testing.T, f fixture, svc model.Service, lang string, w, h int) Model {
	t.Helper()
	opt := f.options(t, lang)
	opt.Reconnect = true
	return loaded(t, svc, opt, w, h)
}

// The QA finding: a report filled in and confirmed after the server died
// was thrown away (the form closed, the status line said the server was
// down, nothing was filed). Now the form comes back as typed and says
// nothing was filed; once the server is back, enter and y file it.
func TestFailedReportKeepsTheForm(t *testing.T) {
	const details = "详细情况：现场有三人受伤，联系人 13912345678"
	for _, c := range []struct {
		lang string
		w, h int
	}{{"zh", 80, 24}, {"en", 120, 40}, {"zh", 120, 40}} {
		f := newFixture(t)
		svc := &stopping{Service: f.db}
		m := attached(t, f, svc, c.lang, c.w, c.h)
		m = keys(t, m, "n")
		m = typeText(t, m, "渎溪村 02")
		m = keys(t, m, "enter", "enter", "enter")
		m = typeText(t, m, "草稿丢失测试")
		m = keys(t, m, "enter")
		m = typeText(t, m, details)
		m = keys(t, m, "enter")
		require.True(t, m.q.active(), "asked before it is sent")

		svc.fail = goneErr()
		m = keys(t, m, "y")
		require.True(t, m.formActive, "%s: the form is back", c.lang)
		assert.False(t, m.q.active())
		v := m.form.values()
		assert.Equal(t, "渎溪村 02", v["node"])
		assert.Equal(t, "草稿丢失测试", v["title"])
		assert.Equal(t, details, v["text"])
		assert.True(t, strings.HasPrefix(m.form.err, notFiled(m)), "%s: %q", c.lang, m.form.err)
		assert.Contains(t, m.form.err, "127.0.0.1:19601", "which server")
		assert.Contains(t, m.View(), strings.TrimSpace(notFiled(m)), "said on screen")
		checkScreen(t, m, c.w, c.h, false)
		list, err := f.db.Incidents(context.Background(), model.IncidentFilter{})
		require.NoError(t, err)
		for _, inc := range list {
			assert.NotEqual(t, "草稿丢失测试", inc.Title, "nothing was filed")
		}

		// The server is back: enter submits the form again, y files it.
		svc.fail = nil
		m = keys(t, m, "enter")
		require.True(t, m.q.active())
		m = keys(t, m, "y")
		assert.False(t, m.formActive)
		list, err = f.db.Incidents(context.Background(), model.IncidentFilter{})
		require.NoError(t, err)
		filed := 0
		for _, inc := range list {
			if inc.Title == "草稿丢失测试" {
				filed++
				assert.Equal(t, details, inc.Text)
			}
		}
		assert.Equal(t, 1, filed)
	}
}

// A note typed at N, and a note added on a question's line (the reason
// of an escalation), come back on the status line as typed when the send
// fails, with what failed; y then sends them again.
func TestFailedNoteKeepsTheNote(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			f := newFixture(t)
			svc := &stopping{Service: f.db}
			m := attached(t, f, svc, lang, sz[0], sz[1])
			m = find(t, m, "电信诈骗预警")
			inc, _ := m.selectedIncident()

			const note = "已联系派出所，民警二十分钟内到场"
			m = keys(t, m, "N")
			m = typeText(t, m, note)
			m = keys(t, m, "enter")
			require.True(t, m.q.active())
			svc.fail = goneErr()
			m = keys(t, m, "y")
			require.True(t, m.q.active(), "the question is back")
			assert.False(t, m.q.editing)
			assert.Equal(t, note, m.noteInput.Value(), "as typed")
			view := m.View()
			assert.Contains(t, view, strings.TrimSpace(notFiled(m)))
			assert.Contains(t, view, "127.0.0.1:19601")
			assert.Contains(t, view, "y/n")
			checkScreen(t, m, sz[0], sz[1], false)

			svc.fail = nil
			m = keys(t, m, "y")
			assert.False(t, m.q.active())
			assert.Contains(t, timelineNotes(t, f, inc.ID), note)

			// e, tab, the reason: the same.
			const reason = "涉案金额较大，需派出所立案"
			m = keys(t, m, "e", "tab")
			m = typeText(t, m, reason)
			m = keys(t, m, "enter")
			svc.fail = goneErr()
			m = keys(t, m, "y")
			require.True(t, m.q.active())
			assert.Equal(t, reason, m.noteInput.Value())
			assert.Contains(t, m.View(), strings.TrimSpace(notFiled(m)))
			assert.Equal(t, model.StatusReported, stored(t, f, inc.ID).Status, "nothing was done")
			svc.fail = nil
			m = keys(t, m, "y")
			assert.False(t, m.q.active())
			assert.Contains(t, timelineNotes(t, f, inc.ID), reason)
		}
	}
}

// timelineNotes are the notes of an incident's events.
func timelineNotes(t *testing.T, f fixture, id string) []string {
	t.Helper()
	evs, err := f.db.Timeline(context.Background(), id)
	require.NoError(t, err)
	var out []string
	for _, e := range evs {
		out = append(out, e.Note)
	}
	return out
}

// An action form (dispatch) and a desk form (close a finding) come back
// as typed when their send fails.
func TestFailedActionFormsKeepTheirText(t *testing.T) {
	f := newFixture(t)
	svc := &stopping{Service: f.db}
	m := attached(t, f, svc, "zh", 80, 24)
	m = find(t, m, "电信诈骗预警")
	m = keys(t, m, "s", "tab")
	require.True(t, m.formActive)
	m = typeText(t, m, "交警中队")
	m = keys(t, m, "tab")
	require.Equal(t, "note", m.form.fields[m.form.focus].name)
	m = typeText(t, m, "请交警中队协查")
	sendFailsKeeping(t, m, svc, "note", "请交警中队协查")

	pf := patrolFixture(t)
	svc = &stopping{Service: pf.db}
	opt := pf.options(t, "zh")
	opt.Seat = pf.seatOf(t, demo.Liaison)
	opt.Reconnect = true
	m = loaded(t, svc, opt, 120, 40)
	m = keys(t, m, ":", "desk", "enter", "x")
	require.True(t, m.formActive)
	m = typeText(t, m, "已核实，系已审批的临时作业")
	sendFailsKeeping(t, m, svc, "reason", "已核实，系已审批的临时作业")
}

// A directive comes back as typed whether its dry run or its sending
// fails; n to the dry run's question goes back to it too.
func TestFailedDirectiveKeepsTheForm(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
	require.NoError(t, err)
	svc := &stopping{Service: f.db}
	m := attached(t, f, svc, "en", 120, 40)
	m = update(t, m, loadWartime(svc, "")())
	require.True(t, m.wt.active())

	m = keys(t, m, "d")
	m = typeText(t, m, "逐户核查人员去向")
	m = keys(t, m, "enter", "enter")
	svc.fail = goneErr()
	m = keys(t, m, "enter") // the dry run fails
	require.True(t, m.formActive, "the form is back after its dry run failed")
	assert.Equal(t, "逐户核查人员去向", m.form.values()["text"])
	assert.True(t, strings.HasPrefix(m.form.err, notFiled(m)), m.form.err)

	svc.fail = nil
	m = keys(t, m, "enter")
	require.True(t, m.q.active(), "the dry run's question")
	m = keys(t, m, "n")
	require.True(t, m.formActive, "n goes back to the form")
	m = keys(t, m, "enter")
	require.True(t, m.q.active())
	svc.fail = goneErr()
	m = keys(t, m, "y")
	require.True(t, m.formActive, "the form is back after the sending failed")
	assert.Equal(t, "逐户核查人员去向", m.form.values()["text"])
	ds, err := f.db.Directives(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, ds)

	svc.fail = nil
	m = keys(t, m, "enter", "y")
	assert.False(t, m.formActive)
	ds, err = f.db.Directives(ctx, "")
	require.NoError(t, err)
	assert.Len(t, ds, 1)
}

// A hand-over that fails leaves the sheet on screen with its note and says
// nothing was filed; a :handover line with a note whose preview fails comes
// back on the ':' line as typed.
func TestFailedHandoverKeepsTheNote(t *testing.T) {
	f := newFixture(t)
	shifts, err := f.db.Shifts(context.Background(), model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	f.clock.Set(shifts[0].To.Add(-30 * time.Minute))
	svc := &stopping{Service: f.db}
	o := f.options(t, "zh")
	o.Seat, o.Reconnect = f.seatOf(t, shifts[0].Person), true
	m := loaded(t, svc, o, 80, 24)

	svc.fail = goneErr()
	m = runLine(t, m, "handover 夜里平稳，渎溪村积水已退")
	require.True(t, m.cmdActive, "the line is back")
	assert.Equal(t, "handover 夜里平稳，渎溪村积水已退", m.cmdInput.Value())
	assert.Contains(t, m.View(), strings.TrimSpace(notFiled(m)))
	checkScreen(t, m, 80, 24, false)

	svc.fail = nil
	m = keys(t, m, "enter")
	require.Equal(t, overlayHandover, m.overlay)
	svc.fail = goneErr()
	m = keys(t, m, "enter")
	assert.Equal(t, overlayHandover, m.overlay, "the sheet stays")
	assert.Equal(t, "夜里平稳，渎溪村积水已退", m.handover.note)
	assert.True(t, strings.HasPrefix(m.flash.text, notFiled(m)), m.flash.text)
	svc.fail = nil
	m = keys(t, m, "enter")
	hs, err := f.db.Handovers(context.Background(), model.HandoverFilter{})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.Equal(t, "夜里平稳，渎溪村积水已退", hs[0].Sheet.Note)
}

// A send cut before its answer may have filed what it sent: the form
// comes back as typed, saying so (not "not filed").
func TestCutSendKeepsTheFormUnsure(t *testing.T) {
	f := newFixture(t)
	svc := &stopping{Service: f.db}
	for _, lang := range []string{"zh", "en"} {
		m := attached(t, f, svc, lang, 80, 24)
		m = find(t, m, "电信诈骗预警")
		m = keys(t, m, "s", "tab")
		m = typeText(t, m, "交警中队")
		m = keys(t, m, "tab")
		m = typeText(t, m, "请交警中队协查")
		m = keys(t, m, "enter")
		svc.fail = cutErr()
		m = keys(t, m, "y")
		require.True(t, m.formActive)
		assert.True(t, strings.HasPrefix(m.form.err, m.say("not known whether filed: ", "不确定是否已提交：")), m.form.err)
		assert.Contains(t, m.form.err, m.say("look before you try again", "请先查看再重试"))
		svc.fail = nil
	}
}

// The link cut while the question was up: y sends nothing, and the form
// comes back as typed, saying why, as a form submitted after the cut does.
func TestCutBeforeYesKeepsTheForm(t *testing.T) {
	f := newFixture(t)
	svc := &stopping{Service: f.db}
	m := attached(t, f, svc, "zh", 80, 24)
	m = askReport(t, m, "山塘水位上涨")
	require.True(t, m.q.active())
	m = update(t, m, eventsMsg{closed: true})
	calls := svc.calls
	m = keys(t, m, "y")
	assert.Equal(t, calls, svc.calls, "nothing sent")
	require.True(t, m.formActive)
	assert.Equal(t, "山塘水位上涨", m.form.values()["title"])
	assert.True(t, strings.HasPrefix(m.form.err, notFiled(m)+"实时中断"), m.form.err)
	checkScreen(t, m, 80, 24, false)
}

// A failure that comes back while the officer is at something else (the
// ':' line) does not take it from them: the work waits, and comes back
// once they are done.
func TestFailedSendWaitsForTheOfficer(t *testing.T) {
	f := newFixture(t)
	svc := &stopping{Service: f.db}
	m := attached(t, f, svc, "en", 120, 40)
	m = askReport(t, m, "山塘水位上涨")
	require.True(t, m.q.active())
	svc.fail = goneErr()
	next, send := m.Update(keyMsg("y")) // the answer is on its way
	m = next.(Model)
	require.NotNil(t, send)
	m = typeText(t, keys(t, m, ":"), "tow")
	for _, msg := range run(t, send, 3) {
		m = update(t, m, msg)
	}
	require.True(t, m.cmdActive, "the line is the officer's")
	assert.Equal(t, "tow", m.cmdInput.Value())
	assert.False(t, m.formActive)
	m = keys(t, m, "esc")
	require.True(t, m.formActive, "the report is back once the line is closed")
	assert.Equal(t, "山塘水位上涨", m.form.values()["title"])
	assert.True(t, strings.HasPrefix(m.form.err, notFiled(m)), m.form.err)
}

// A refusal by the rules on submit (a bad place) says "not filed" as a
// failed send does: one sentence for a form that stays open.
func TestRefusedFormSaysNotFiled(t *testing.T) {
	m := demoConsole(t, "zh", 80, 24)
	m = keys(t, m, "n")
	m = typeText(t, m, "没有这个村")
	m = submitForm(t, m)
	require.True(t, m.formActive)
	assert.True(t, strings.HasPrefix(m.form.err, notFiled(m)), m.form.err)
}

// What failed is filled over its lines: a Chinese sentence, which has no
// spaces to break at, fills the line it starts on (it read "…请重" and
// "新启动" on a line of its own, then "gridcmd，或输入…").
func TestWordWrapFillsEachLine(t *testing.T) {
	w := Width{}
	s := "未提交：实时中断：服务恢复前不能操作，请重新启动 gridcmd，或输入 :take 接管数据库"
	for _, n := range []int{30, 40, 42, 76} {
		lines := wordWrap(w, s, n)
		for i, l := range lines {
			assert.LessOrEqual(t, w.Of(l), n, "%d: %q", n, l)
			if i < len(lines)-1 {
				next := strings.Fields(lines[i+1])[0]
				assert.Greater(t, w.Of(l)+1+w.Of(next), n, "%d: %q could have taken %q", n, l, next)
			}
		}
		assert.Equal(t, strings.ReplaceAll(s, " ", ""), strings.ReplaceAll(strings.Join(lines, ""), " ", ""), "nothing lost")
	}
}

// The answer to a form sent while the officer has gone on to another
// form's question leaves that question's form alone: n goes back to the
// form it was asked from.
func TestHeldAnswerLeavesTheNextFormAlone(t *testing.T) {
	f := newFixture(t)
	m := attached(t, f, &stopping{Service: f.db}, "en", 120, 40)
	report := func(m Model, title string) Model {
		m = keys(t, m, "n")
		m = typeText(t, m, "渎溪村 02")
		m = keys(t, m, "tab", "tab", "tab")
		m = typeText(t, m, title)
		return keys(t, m, "enter", "enter")
	}
	m = report(m, "first")
	next, send := m.Update(keyMsg("y"))
	m = report(next.(Model), "second")
	require.True(t, m.q.active())
	for _, msg := range run(t, send, 3) {
		m = update(t, m, msg)
	}
	m = keys(t, m, "n")
	require.True(t, m.formActive)
	assert.Equal(t, "second", m.form.values()["title"])
}

// A directive's dry run that answers while the officer has gone on to the
// ':' line cannot ask its question there: the form waits, and comes back
// as it was once the line is closed (it was thrown away).
func TestDryRunAnsweredWhileBusyKeepsTheForm(t *testing.T) {
	f := newFixture(t)
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
	require.NoError(t, err)
	m := attached(t, f, &stopping{Service: f.db}, "en", 120, 40)
	m = update(t, m, loadWartime(f.db, "")())
	m = keys(t, m, "d")
	m = typeText(t, m, "逐户核查人员去向")
	m = keys(t, m, "enter", "enter")
	next, dry := m.Update(keyMsg("enter")) // the dry run on its way
	m = keys(t, next.(Model), ":")
	require.True(t, m.cmdActive)
	for _, msg := range run(t, dry, 3) {
		m = update(t, m, msg)
	}
	require.False(t, m.q.active(), "not asked over the ':' line")
	m = keys(t, m, "esc")
	require.True(t, m.formActive, "the form is back")
	assert.Equal(t, "逐户核查人员去向", m.form.values()["text"])
	assert.Contains(t, m.form.err, "not asked")
}

// :take hands what the console had not filed to the console run on the
// file: a form that came back from a failed send is given back there.
func TestTakeCarriesTheWorkNotFiled(t *testing.T) {
	f := newFixture(t)
	svc := &stopping{Service: f.db}
	m := attached(t, f, svc, "en", 120, 40)
	m = askReport(t, m, "带过去的上报")
	m = failOnTheLine(t, m, svc)
	require.Len(t, m.waiting, 1)
	carried := m.Carry()
	require.Len(t, carried.work, 1)

	o := f.options(t, "en")
	o.Carried = carried
	taken := loaded(t, f.db, o, 120, 40)
	require.True(t, taken.formActive, "the report form is back in the console on the file")
	assert.Equal(t, "带过去的上报", taken.form.values()["title"])
	assert.True(t, strings.HasPrefix(taken.form.err, notFiled(taken)), taken.form.err)
}

// q asks first while work is not filed (come back, or on its way), on an
// attached console too, which otherwise quits at once.
func TestQuitAsksWhileWorkIsNotFiled(t *testing.T) {
	f := newFixture(t)
	svc := &stopping{Service: f.db}
	m := attached(t, f, svc, "en", 120, 40)
	_, cmd := m.quit()
	require.NotNil(t, cmd)
	_, isQuit := cmd().(tea.QuitMsg)
	assert.True(t, isQuit, "nothing unfiled: an attached console quits at once")

	m = askReport(t, m, "未提交就退出")
	m = failOnTheLine(t, m, svc)
	require.Len(t, m.waiting, 1)
	q, _ := m.quit()
	require.True(t, q.q.active(), "asked first")
	assert.Contains(t, q.q.text, "1 not filed")
}

// askReport fills the report form with a place and title and brings up its
// question.
func askReport(t *testing.T, m Model, title string) Model {
	t.Helper()
	m = keys(t, m, "n")
	m = typeText(t, m, "渎溪村 02")
	m = keys(t, m, "tab", "tab", "tab")
	m = typeText(t, m, title)
	return keys(t, m, "enter", "enter")
}

// failOnTheLine answers the question yes with the server gone, and opens
// the ':' line before the failure comes back: it waits there.
func failOnTheLine(t *testing.T, m Model, svc *stopping) Model {
	t.Helper()
	svc.fail = goneErr()
	next, send := m.Update(keyMsg("y"))
	m = keys(t, next.(Model), ":")
	for _, msg := range run(t, send, 3) {
		m = update(t, m, msg)
	}
	return m
}

// sendFailsKeeping submits the form, answers its question yes with the
// server gone, and checks the form came back with field as typed, saying
// it was not filed.
func sendFailsKeeping(t *testing.T, m Model, svc *stopping, field, want string) {
	t.Helper()
	m = keys(t, m, "enter")
	require.True(t, m.q.active())
	svc.fail = goneErr()
	m = keys(t, m, "y")
	require.True(t, m.formActive)
	assert.Equal(t, want, m.form.values()[field])
	assert.True(t, strings.HasPrefix(m.form.err, notFiled(m)), m.form.err)
}

// :take answered yes does not bring waiting work back on screen first (a
// note's question would then be dropped by the quit): it stays waiting and
// goes with the take. A form put aside with esc while the link is cut is
// kept the same way, not discarded.
func TestTakeCarriesNotesAndFormsPutAside(t *testing.T) {
	take := func(t *testing.T, m Model) []held {
		t.Helper()
		m = keys(t, m, ":", "t", "a", "k", "e", "enter", "y")
		require.True(t, m.taking)
		require.False(t, m.q.active() && m.noteInput.Value() != "", "nothing came back on screen")
		m = update(t, m, tookFileMsg{})
		require.True(t, m.TookFile())
		return m.Carry().work
	}
	// noting is an attached console that can take the file, a note typed
	// at N on an incident, its question up.
	noting := func(t *testing.T, note string) (Model, *stopping) {
		t.Helper()
		f := newFixture(t)
		svc := &stopping{Service: f.db}
		m := attached(t, f, svc, "en", 120, 40)
		m.opt.TakeFile = func() error { return nil }
		m = find(t, m, "电信诈骗预警")
		m = keys(t, m, "N")
		m = typeText(t, m, note)
		return keys(t, m, "enter"), svc
	}
	t.Run("note", func(t *testing.T) {
		const note = "已联系派出所，民警二十分钟内到场"
		m, svc := noting(t, note)
		m = failOnTheLine(t, m, svc)
		require.Len(t, m.waiting, 1)
		m = update(t, m, eventsMsg{closed: true}) // the link is cut
		m = keys(t, m, "esc")
		require.False(t, m.q.active(), "the note stays aside while the link is cut")
		carried := take(t, m)
		require.Len(t, carried, 1)
		assert.Equal(t, note, carried[0].note)
	})
	t.Run("note put aside", func(t *testing.T) {
		const note = "民警已到场"
		m, svc := noting(t, note)
		svc.fail = goneErr()
		m = keys(t, m, "y")
		require.True(t, m.q.active(), "the note came back")
		m = update(t, m, eventsMsg{closed: true}) // the link is cut
		m = keys(t, m, "esc")
		require.False(t, m.q.active())
		require.Len(t, m.waiting, 1, "kept, not dropped")
		carried := take(t, m)
		require.Len(t, carried, 1)
		assert.Equal(t, note, carried[0].note)
	})
	t.Run("form", func(t *testing.T) {
		f := newFixture(t)
		m := attached(t, f, &stopping{Service: f.db}, "en", 120, 40)
		m.opt.TakeFile = func() error { return nil }
		m = keys(t, m, "n")
		m = typeText(t, m, "渎溪村 02")
		m = keys(t, m, "tab", "tab", "tab")
		m = typeText(t, m, "放一边的上报")
		m = update(t, m, eventsMsg{closed: true}) // the link is cut
		m = keys(t, m, "esc")
		require.False(t, m.formActive)
		require.False(t, m.q.active(), "not asked to discard: kept")
		require.Len(t, m.waiting, 1)
		m = keys(t, m, "j")
		require.False(t, m.formActive, "it stays aside while the link is cut")
		carried := take(t, m)
		require.Len(t, carried, 1)
		assert.Equal(t, "放一边的上报", carried[0].form.values()["title"])
	})
}

// ctrl+c and q on a screen too small ask too while work is not filed; the
// question shows on the small screen; a second ctrl+c quits.
func TestInterruptAsksWhileWorkIsNotFiled(t *testing.T) {
	f := newFixture(t)
	svc := &stopping{Service: f.db}
	m := attached(t, f, svc, "en", 120, 40)
	m = askReport(t, m, "未提交就中断")
	m = failOnTheLine(t, m, svc)
	m = keys(t, m, "esc") // the report comes back
	m = keys(t, m, "esc", "y")
	require.False(t, m.formActive)
	m = askReport(t, m, "第二份")
	m = failOnTheLine(t, m, svc)
	require.Len(t, m.waiting, 1)

	next, _ := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	q := next.(Model)
	require.True(t, q.q.active(), "asked first")
	assert.Contains(t, q.q.text, "1 not filed")
	_, cmd := q.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	require.NotNil(t, cmd)
	_, isQuit := cmd().(tea.QuitMsg)
	assert.True(t, isQuit, "a second ctrl+c quits")

	small := update(t, m, tea.WindowSizeMsg{Width: 40, Height: 12})
	small = keys(t, small, "q") // the ':' line is open: a letter, not taken while input is paused
	require.False(t, small.q.active())
	require.True(t, small.cmdActive)
	asked := keys(t, small, "ctrl+c")
	require.True(t, asked.q.active(), "ctrl+c asks")
	assert.Contains(t, strings.Join(strings.Fields(asked.View()), " "), "y/n")
	small.cmdActive = false // with no input open, q quits, and asks first
	small = keys(t, small, "q")
	require.True(t, small.q.active())
	assert.Contains(t, strings.Join(strings.Fields(small.View()), " "), "y/n")
	checkScreen(t, small, 40, 12, false)
}

// While a command is on its way (a slow server) the status line says it is
// being sent; its answer takes that away.
func TestSendingIsSaid(t *testing.T) {
	f := newFixture(t)
	m := attached(t, f, &stopping{Service: f.db}, "en", 120, 40)
	m = askReport(t, m, "慢慢提交")
	next, send := m.Update(keyMsg("y"))
	m = next.(Model)
	assert.Equal(t, "sending…", m.flash.text)
	assert.Contains(t, m.View(), "sending…")
	for _, msg := range run(t, send, 3) {
		m = update(t, m, msg)
	}
	assert.NotEqual(t, "sending…", m.flash.text)
}
