package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestHeartbeatStates(t *testing.T) {
	h := model.Heartbeat{Name: "gw-duxi", Node: duxi, Every: 10 * time.Minute, Since: t0}
	require.NoError(t, h.Check())
	assert.Equal(t, t0.Add(10*time.Minute), h.Due(), "never heard: due an interval after it was added")
	assert.Equal(t, model.HeartbeatWaiting, h.State(t0.Add(9*time.Minute)))
	assert.Equal(t, model.HeartbeatSilent, h.State(t0.Add(10*time.Minute)))
	h.LastAt = t0.Add(5 * time.Minute)
	assert.Equal(t, t0.Add(15*time.Minute), h.Due())
	assert.Equal(t, model.HeartbeatOK, h.State(t0.Add(14*time.Minute)))
	assert.Equal(t, model.HeartbeatSilent, h.State(t0.Add(15*time.Minute)))
	h.IncidentSeq = 9
	assert.Equal(t, model.HeartbeatSilent, h.State(t0.Add(6*time.Minute)), "silent while its incident is open")

	for _, bad := range []model.Heartbeat{
		{Name: "", Node: duxi, Every: time.Minute},
		{Name: "-gw", Node: duxi, Every: time.Minute},
		{Name: "gw/1", Node: duxi, Every: time.Minute},
		{Name: strings.Repeat("g", model.MaxHeartbeatName+1), Node: duxi, Every: time.Minute},
		{Name: "gw", Node: "33", Every: time.Minute},
		{Name: "gw", Node: duxi, Every: time.Second},
		{Name: "gw", Node: duxi, Every: 8 * 24 * time.Hour},
	} {
		err := bad.Check()
		require.Error(t, err, "%+v", bad)
		assert.Equal(t, model.EINVALID, model.ErrorCode(err))
		requireZh(t, err)
	}
	require.NoError(t, model.Heartbeat{Name: "gw_01.east-2", Node: duxiG02, Every: time.Minute}.Check())
}

func TestWatchdogReports(t *testing.T) {
	p := model.DefaultPolicy()
	r := p.Watchdog
	h := model.Heartbeat{Name: "gw-duxi", Node: duxiG02, Every: 10 * time.Minute, Since: t0, LastAt: t0.Add(time.Minute)}
	rep := r.GatewayReport(h, t0.Add(11*time.Minute), loc)
	c, err := rep.Check(p)
	require.NoError(t, err)
	inc, ev, err := c.IncidentAt(model.WatchdogTier(model.SilenceGateway, h.Node), 7, "HJ-20261129-0007", system, t0.Add(11*time.Minute), p)
	require.NoError(t, err)
	assert.Equal(t, model.SourceWatchdog, inc.Source)
	assert.Equal(t, model.TierGrid, inc.Tier, "a gateway's silence starts at its node's tier")
	assert.Equal(t, model.SeverityII, inc.Severity)
	assert.Equal(t, model.Category("hazard"), inc.Category)
	assert.Equal(t, "感知网关 gw-duxi 静默（超过 10m 无心跳）", inc.Title)
	assert.Contains(t, inc.Text, "最后一次 11-29 03:11:00")
	assert.Equal(t, model.ActReport, ev.Action)
	assert.Equal(t, model.System, ev.Actor)

	rr := r.RoomReport(duxi, "渎溪村", t0, t0.Add(2*time.Hour), loc)
	c, err = rr.Check(p)
	require.NoError(t, err)
	inc, _, err = c.IncidentAt(model.WatchdogTier(model.SilenceRoom, duxi), 8, "HJ-20261129-0008", system, t0.Add(2*time.Hour), p)
	require.NoError(t, err)
	assert.Equal(t, duxi, inc.Node)
	assert.Equal(t, model.TierTown, inc.Tier, "a room's silence goes to the town room")
	assert.Equal(t, "渎溪村村指挥室静默（战时超过 2h 无操作或报到）", inc.Title)

	since := t0
	assert.Equal(t, t0.Add(2*time.Hour), model.RoomSilenceDue(t0.Add(-time.Hour), since, r.RoomSilence), "wartime began after the last action")
	assert.Equal(t, t0.Add(3*time.Hour), model.RoomSilenceDue(t0.Add(time.Hour), since, r.RoomSilence))

	_, _, err = c.IncidentAt("nowhere", 9, "HJ-20261129-0009", system, t0, p)
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
}

func TestSilenceEndsByItself(t *testing.T) {
	p := model.DefaultPolicy()
	h := model.Heartbeat{Name: "gw-duxi", Node: duxi, Every: 10 * time.Minute, Since: t0}
	c, err := p.Watchdog.GatewayReport(h, t0.Add(10*time.Minute), loc).Check(p)
	require.NoError(t, err)
	inc, _, err := c.IncidentAt(model.TierVillage, 7, "HJ-20261129-0007", system, t0.Add(10*time.Minute), p)
	require.NoError(t, err)

	back := t0.Add(42 * time.Minute)
	got, ev, err := inc.SilenceEnds("gateway gw-duxi", "网关 gw-duxi", t0, back)
	require.NoError(t, err)
	assert.Equal(t, model.StatusResolved, got.Status)
	assert.Equal(t, back, got.ResolvedAt)
	assert.True(t, got.NextCheck().IsZero(), "no clock runs on a resolved incident")
	assert.Equal(t, model.Event{
		At: back, Actor: model.System, ActorName: "system", Action: model.ActResolve, Incident: inc.ID, IncidentSeq: 7, Node: duxi,
		Before: model.State{Tier: model.TierVillage, Status: model.StatusReported},
		After:  model.State{Tier: model.TierVillage, Status: model.StatusResolved},
		Note:   "gateway gw-duxi heard again after 42m00s of silence: resolved by itself",
		NoteZh: "网关 gw-duxi 已恢复（静默 42m00s 后）：自动办结",
	}, ev)

	_, _, err = got.SilenceEnds("gateway gw-duxi", "网关 gw-duxi", t0, back)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "resolved already")
	requireZh(t, err)
	_, _, err = newIncident(t).SilenceEnds("x", "x", time.Time{}, back)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "only a watchdog's incident resolves by itself")
}

func TestWatchdogRuleValidate(t *testing.T) {
	p := model.DefaultPolicy()
	require.NoError(t, p.Validate())
	p.Watchdog.Category = "nothing"
	assert.Equal(t, "watchdog.category", model.ErrorField(p.Validate()))
	p = model.DefaultPolicy()
	p.Watchdog.RoomSilence = 0
	assert.Equal(t, "watchdog.room_silence", model.ErrorField(p.Validate()))
	p = model.DefaultPolicy()
	p.Resupervise = -time.Second
	assert.Equal(t, "deadlines.resupervise", model.ErrorField(p.Validate()))
}

// TestResupervise: a task force incident past its deadline is supervised,
// then again every deadlines.resupervise while it stays red, each an
// event; an action that starts a new clock stops it; below the task force
// it is supervised once; a Resupervise of 0 supervises once.
func TestResupervise(t *testing.T) {
	p := model.DefaultPolicy()
	inc := at(t, model.TierTaskForce, model.StatusAcknowledged) // due 12h after t0 (severity II)
	due := inc.DueBy
	var notes []string
	for now := due.Add(-time.Minute); now.Before(due.Add(3*time.Hour + 30*time.Minute)); now = now.Add(time.Minute) {
		next, ev, did := inc.Sweep(now, p)
		if did {
			assert.Equal(t, model.ActSupervise, ev.Action)
			notes = append(notes, now.Format("15:04")+" "+ev.NoteZh)
		}
		inc = next
	}
	assert.Equal(t, []string{
		"15:10 专班层级 15:10 前未办结",
		"16:10 第 2 次督办：专班层级仍未办结，已超过 15:10 截止 1h00m",
		"17:10 第 3 次督办：专班层级仍未办结，已超过 15:10 截止 2h00m",
		"18:10 第 4 次督办：专班层级仍未办结，已超过 15:10 截止 3h00m",
	}, notes)
	assert.Equal(t, 4, inc.Supervisions)

	// Wartime halves the interval as it does every deadline.
	wp := p
	wp.Wartime = true
	w := at(t, model.TierTaskForce, model.StatusAcknowledged)
	w, _, _ = w.Sweep(w.DueBy, wp)
	assert.Equal(t, w.DueBy.Add(30*time.Minute), w.NextSupervision)

	// Resolving it stops the clock; escalating or reopening starts afresh.
	done, _, err := inc.Apply(model.Command{Action: model.ActResolve, By: dutyOfficer.ID}, dutyOfficer, due.Add(4*time.Hour), p)
	require.NoError(t, err)
	assert.True(t, done.NextCheck().IsZero())
	reopened, _, err := done.Apply(model.Command{Action: model.ActReopen, By: dutyOfficer.ID, Note: "又有群众反映"}, dutyOfficer, due.Add(5*time.Hour), p)
	require.NoError(t, err)
	assert.False(t, reopened.Supervised)
	assert.Zero(t, reopened.Supervisions)
	assert.True(t, reopened.NextSupervision.IsZero())

	// Below the task force: once.
	town := at(t, model.TierTown, model.StatusAcknowledged)
	town, _, did := town.Sweep(town.DueBy, p)
	require.True(t, did)
	assert.True(t, town.NextCheck().IsZero())

	// Resupervise 0: once.
	once := p
	once.Resupervise = 0
	tf := at(t, model.TierTaskForce, model.StatusAcknowledged)
	tf, _, did = tf.Sweep(tf.DueBy, once)
	require.True(t, did)
	assert.True(t, tf.NextCheck().IsZero())
}

// A patroller on patrol falls silent patrol.silence after their last
// check-in (or the start); the silence files at the area's village, at the
// village tier, and ends by itself at the next check-in or the patrol's
// end, saying how long it lasted.
func TestPatrollerSilence(t *testing.T) {
	p := model.DefaultPolicy()
	silence := p.Patrol.Silence
	pt := model.Patrol{Seq: 3, ID: "X-0003", Area: "P-DX-01", Village: duxi, Patroller: 42, Started: t0, Checkpoints: 3}
	assert.Equal(t, t0.Add(2*time.Hour), pt.SilenceDue(silence), "no check-in yet: two hours after the start")
	assert.Equal(t, model.HeartbeatOK, pt.WatchState(t0.Add(2*time.Hour-time.Second), silence))
	assert.Equal(t, model.HeartbeatSilent, pt.WatchState(t0.Add(2*time.Hour), silence))
	pt.CheckIns = []model.CheckIn{{Checkpoint: "C1", At: t0.Add(40 * time.Minute)}}
	assert.Equal(t, t0.Add(2*time.Hour+40*time.Minute), pt.SilenceDue(silence))
	assert.False(t, pt.Silent(t0.Add(2*time.Hour), silence))
	pt.SilenceSeq, pt.Silence = 9, "HJ-20261129-0009"
	assert.True(t, pt.Silent(t0.Add(time.Hour), silence), "silent while its incident is open")
	ended := pt
	ended.Ended = t0.Add(time.Hour)
	assert.False(t, ended.Silent(t0.Add(5*time.Hour), silence), "an ended patrol is not watched")
	pt.SilenceSeq, pt.Silence = 0, ""

	now := t0.Add(2*time.Hour + 40*time.Minute)
	c, err := p.Watchdog.PatrolReport(pt, "渎溪后山林", "金巡护", silence, loc).Check(p)
	require.NoError(t, err)
	inc, _, err := c.IncidentAt(model.WatchdogTier(model.SilencePatrol, pt.Village), 9, "HJ-20261129-0009", system, now, p)
	require.NoError(t, err)
	assert.Equal(t, model.SourceWatchdog, inc.Source)
	assert.Equal(t, duxi, inc.Node)
	assert.Equal(t, model.TierVillage, inc.Tier, "the village room chases its patroller")
	assert.Equal(t, model.WatchdogTier(model.SilenceGateway, duxi), inc.Tier, "the tier of a gateway's silence at the village")
	assert.Equal(t, model.SeverityII, inc.Severity)
	assert.Equal(t, "巡护员 金巡护 巡护中静默（X-0003 超过 2h 未打卡）", inc.Title)
	assert.Contains(t, inc.Text, "P-DX-01 渎溪后山林")
	assert.Contains(t, inc.Text, "最后一次打卡于 11-29 03:50:00，此后超过 2h 没有打卡")

	back := now.Add(25 * time.Minute)
	got, ev, err := inc.PatrolSilenceEnds(pt, "金巡护", false, pt.LastSeen(), back)
	require.NoError(t, err)
	assert.Equal(t, model.StatusResolved, got.Status)
	assert.Equal(t, model.System, ev.Actor)
	assert.Equal(t, model.ActResolve, ev.Action)
	assert.Equal(t, "patroller 金巡护 checked in again on X-0003 after 2h25m of silence: resolved by itself", ev.Note)
	assert.Equal(t, "巡护员 金巡护 已在 X-0003 重新打卡（静默 2h25m 后）：自动办结", ev.NoteZh)
	_, ev, err = inc.PatrolSilenceEnds(pt, "金巡护", true, pt.LastSeen(), back)
	require.NoError(t, err)
	assert.Equal(t, "patrol X-0003 of 金巡护 ended after 2h25m of silence: resolved by itself", ev.Note)
	assert.Equal(t, "巡护员 金巡护 的巡护 X-0003 已结束（静默 2h25m）：自动办结", ev.NoteZh)
	_, _, err = got.PatrolSilenceEnds(pt, "金巡护", false, pt.LastSeen(), back)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "resolved already")
}

// TestHeartbeatNameSaysASCII: a name in Chinese (网关) is refused, and the
// refusal says the letters wanted are ASCII ones, in English and Chinese.
func TestHeartbeatNameSaysASCII(t *testing.T) {
	require.NoError(t, model.CheckHeartbeatName("gw-duxi.1"))
	err := model.CheckHeartbeatName("网关")
	require.Error(t, err)
	assert.Contains(t, model.ErrorMessage(err), "ASCII letters")
	assert.Contains(t, model.ErrorMessageZh(err), "ASCII 英文字母")
	assert.Equal(t, "name", model.ErrorField(err))
}
