package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestPassOn: a report's pass-on is the time from its report to the grid
// tier's first move on it, whoever made it (the clock's escalation too),
// and each report has one.
func TestPassOn(t *testing.T) {
	p := model.DefaultPolicy()
	fresh := newIncident(t) // reported at t0 on grid 02
	act := func(inc model.Incident, c model.Command, by model.Person, at time.Time) model.Incident {
		t.Helper()
		out, _, err := inc.Apply(c, by, at, p)
		require.NoError(t, err)
		return out
	}
	acked := act(fresh, model.Command{Action: model.ActAcknowledge, By: gridLeader.ID}, gridLeader, t0.Add(83*time.Second))
	escalated := act(fresh, model.Command{Action: model.ActEscalate, By: gridLeader.ID}, gridLeader, t0.Add(70*time.Second))
	swept, _, ok := fresh.Sweep(t0.Add(2*time.Minute), p)
	require.True(t, ok)
	dispatched := act(fresh, model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: "交警中队"}, dutyOfficer, t0.Add(40*time.Second))

	for _, c := range []struct {
		name      string
		old, next model.Incident
		want      time.Duration
		ok        bool
	}{
		{"acknowledged", fresh, acked, 83 * time.Second, true},
		{"escalated by the grid leader", fresh, escalated, 70 * time.Second, true},
		{"escalated by the clock", fresh, swept, 2 * time.Minute, true},
		{"dispatched (signed for)", fresh, dispatched, 40 * time.Second, true},
		{"not moved", fresh, fresh, 0, false},
		{"a later move", acked, act(acked, model.Command{Action: model.ActEscalate, By: gridLeader.ID}, gridLeader, t0.Add(5*time.Minute)), 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			at, d, ok := model.PassOn(c.old, c.next)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.want, d)
			if ok {
				assert.Equal(t, t0.Add(c.want), at)
			}
		})
	}

	// Reopened at the grid tier, it waits there again, but it was passed on
	// once already.
	resolved := act(acked, model.Command{Action: model.ActResolve, By: gridLeader.ID}, gridLeader, t0.Add(10*time.Minute))
	reopened := act(resolved, model.Command{Action: model.ActReopen, By: gridLeader.ID, Note: "又有货物"}, gridLeader, t0.Add(20*time.Minute))
	again := act(reopened, model.Command{Action: model.ActAcknowledge, By: gridLeader.ID}, gridLeader, t0.Add(21*time.Minute))
	_, _, ok = model.PassOn(reopened, again)
	assert.False(t, ok, "a reopened report is not passed on twice")

	// A report filed at a village starts at the village tier: no pass-on.
	r := report()
	r.Node = duxi
	atVillage, _, err := fileReport(2, "HJ-20261129-0002", r, villageCadre, t0, p)
	require.NoError(t, err)
	_, _, ok = model.PassOn(atVillage, act(atVillage, model.Command{Action: model.ActAcknowledge, By: villageCadre.ID}, villageCadre, t0.Add(time.Minute)))
	assert.False(t, ok)

	at, ok := model.Escalated(fresh, swept)
	assert.True(t, ok)
	assert.Equal(t, t0.Add(2*time.Minute), at)
	_, ok = model.Escalated(fresh, acked)
	assert.False(t, ok)
}

func TestMedianWait(t *testing.T) {
	assert.Equal(t, time.Duration(0), model.MedianWait(nil))
	assert.Equal(t, 83*time.Second, model.MedianWait([]time.Duration{83*time.Second + 400*time.Millisecond}))
	assert.Equal(t, 3*time.Minute, model.MedianWait([]time.Duration{5 * time.Minute, time.Minute, 3 * time.Minute}))
	assert.Equal(t, 3*time.Minute, model.MedianWait([]time.Duration{5 * time.Minute, time.Minute, 3 * time.Minute, 2 * time.Minute}), "the upper median of an even count")
}

func TestParseDeadline(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"2h", 2 * time.Hour, ""},
		{" 90m ", 90 * time.Minute, ""},
		{"04:40", 90 * time.Minute, ""},              // today, t0 is 03:10
		{"4:40", 90 * time.Minute, ""},               // one-digit hour
		{"04：40", 90 * time.Minute, ""},              // a Chinese colon
		{"03:10", 24 * time.Hour, ""},                // now: tomorrow
		{"02:40", 23*time.Hour + 30*time.Minute, ""}, // past: tomorrow
		{"23:59", 20*time.Hour + 49*time.Minute, ""}, // later today
		{"-2h", 0, "完成时限 \"-2h\"：应为正的时长（2h、90m）或时刻（04:40）"},
		{"tomorrow", 0, "完成时限 \"tomorrow\"：应为时长（2h、90m）或时刻（04:40）"},
		{"25:00", 0, "完成时限 \"25:00\"：应为时长（2h、90m）或时刻（04:40）"},
	} {
		d, err := model.ParseDeadline(c.in, t0, loc)
		if c.err != "" {
			assert.Equal(t, c.err, model.ErrorMessageZh(err), c.in)
			assert.Equal(t, "deadline", model.ErrorField(err), c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, d, c.in)
	}
}

// TestAddNote: a note changes nothing but the timeline; it is the
// operator's words, cleaned, and only people near the incident may add one.
func TestAddNote(t *testing.T) {
	inc := newIncident(t)
	ev, err := inc.AddNote(dutyOfficer, "  已联系交警，20分钟到\x1b[31m ", t0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, model.ActNote, ev.Action)
	assert.Equal(t, "已联系交警，20分钟到", ev.Note)
	assert.Equal(t, ev.Before, ev.After)
	assert.Equal(t, model.State{Tier: model.TierGrid, Status: model.StatusReported}, ev.After)
	assert.Equal(t, inc.ID, ev.Incident)
	assert.Equal(t, dutyOfficer.ID, ev.Actor)

	closed := inc
	closed.Status = model.StatusClosed
	_, err = closed.AddNote(dutyOfficer, "回访：已清理", t0)
	assert.NoError(t, err, "a closed incident takes a follow-up note")

	for _, c := range []struct {
		who  model.Person
		text string
		code string
	}{
		{dutyOfficer, "  ", model.EINVALID},
		{dutyOfficer, "\u200b", model.EINVALID},
		{dutyOfficer, string(make([]rune, model.MaxNoteRunes+1)), model.EINVALID},
		{otherCadre, "不是本村", model.EFORBIDDEN},
		{otherLeader, "不是本网格", model.EFORBIDDEN},
		{system, "系统", model.EFORBIDDEN},
		{patroller, "巡护员", model.EFORBIDDEN},
	} {
		_, err := inc.AddNote(c.who, c.text, t0)
		assert.Equal(t, c.code, model.ErrorCode(err), "%s %q", c.who.Name, c.text)
	}
	for _, who := range []model.Person{villageCadre, gridLeader, gridWorker, partWorker} {
		_, err := inc.AddNote(who, "本地人员", t0)
		assert.NoError(t, err, who.Name)
	}
	_, err = inc.AddNote(dutyOfficer, "  ", t0)
	assert.Equal(t, "HJ-20261129-0001：备注为空，请写明情况", model.ErrorMessageZh(err))
}

// TestAcknowledgeRefusalSaysWhy: a refused acknowledgement says what the
// incident is, never "already signed for" of one nobody signed for.
func TestAcknowledgeRefusalSaysWhy(t *testing.T) {
	p := model.DefaultPolicy()
	inc := newIncident(t)
	dispatched, _, err := inc.Apply(model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: "交警中队"}, dutyOfficer, t0, p)
	require.NoError(t, err)
	_, _, err = dispatched.Apply(model.Command{Action: model.ActAcknowledge, By: dutyOfficer.ID}, dutyOfficer, t0, p)
	assert.NotContains(t, model.ErrorMessageZh(err), "已签收过")
	assert.Contains(t, model.ErrorMessageZh(err), "已交办")
	acked, _, err := inc.Apply(model.Command{Action: model.ActAcknowledge, By: dutyOfficer.ID}, dutyOfficer, t0, p)
	require.NoError(t, err)
	_, _, err = acked.Apply(model.Command{Action: model.ActAcknowledge, By: dutyOfficer.ID}, dutyOfficer, t0, p)
	assert.Contains(t, model.ErrorMessageZh(err), "已签收过")
	resolved, _, err := acked.Apply(model.Command{Action: model.ActResolve, By: dutyOfficer.ID}, dutyOfficer, t0, p)
	require.NoError(t, err)
	_, _, err = resolved.Apply(model.Command{Action: model.ActAcknowledge, By: dutyOfficer.ID}, dutyOfficer, t0, p)
	assert.Contains(t, model.ErrorMessageZh(err), "已办结")
	assert.Equal(t, "重新办理", model.ActReopen.Zh())
}

func TestCanRelease(t *testing.T) {
	act := model.Activation{Seq: 3, ID: "W-0003", Since: t0}
	d := model.Draft{Activation: 3, Person: reservist.ID, MicroGrid: duxiG02M3, At: t0}
	assert.NoError(t, model.CanRelease(act, reservist, d, true))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(model.CanRelease(act, reservist, d, false)))
	released := d
	released.Released = t0.Add(time.Hour)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(model.CanRelease(act, reservist, released, true)))
	ended := act
	ended.Ended = t0.Add(2 * time.Hour)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(model.CanRelease(ended, reservist, d, true)))
}
