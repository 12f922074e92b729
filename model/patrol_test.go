package model_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

const (
	h   = time.Hour
	day = 24 * time.Hour
)

// on29 is 29 November 2026 (a Sunday) at hh:mm, in the test zone.
func on29(hh, mm int) time.Time { return time.Date(2026, 11, 29, hh, mm, 0, 0, loc) }

// forest is a daily area of Duxi with three checkpoints, assigned to the
// test patroller, added the evening before 28 November.
func forest() model.PatrolArea {
	return model.PatrolArea{
		Code: "P-DX-01", Name: "渎溪后山林", Kind: model.KindForest, Village: duxi, Every: day, Patroller: patroller.ID,
		Checkpoints: []model.Checkpoint{{Code: "C1", Name: "山脚"}, {Code: "C2", Name: "防火道"}, {Code: "C3", Name: "山顶"}},
		Since:       time.Date(2026, 11, 27, 20, 0, 0, 0, loc),
	}
}

func TestParseEvery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		fmt  string
	}{
		{"daily", day, "daily"}, {"每日", day, "daily"}, {"Weekly", 7 * day, "weekly"}, {"每周", 7 * day, "weekly"},
		{"3d", 3 * day, "3d"}, {"3天", 3 * day, "3d"}, {"48h", 2 * day, "2d"}, {"12h", 12 * h, "12h"}, {"8h", 8 * h, "8h"},
	} {
		got, err := model.ParseEvery(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.Equal(t, tc.fmt, model.FormatEvery(got), tc.in)
	}
	for _, bad := range []string{"", "hourly", "7h", "90m", "0d", "-1d", "32d", "36h", "1.5d"} {
		_, err := model.ParseEvery(bad)
		require.Error(t, err, bad)
		assert.Equal(t, "every", model.ErrorField(err), bad)
		assert.NotEmpty(t, model.ErrorMessageZh(err), bad)
	}
}

func TestAreaClean(t *testing.T) {
	a, err := model.PatrolArea{Code: " p-dx-01 ", Name: " 后山\x1b[31m林 ", Kind: "山林", Village: duxi, Every: day,
		Checkpoints: []model.Checkpoint{{Code: "c1"}, {Code: "c2", Name: "水塘", Loc: &model.LatLon{Lat: 28.9, Lon: 120.1}}}}.Clean()
	require.NoError(t, err)
	assert.Equal(t, "P-DX-01", a.Code)
	assert.Equal(t, "后山林", a.Name)
	assert.Equal(t, model.KindForest, a.Kind)
	assert.Equal(t, []string{"C1", "C2"}, []string{a.Checkpoints[0].Code, a.Checkpoints[1].Code})
	assert.Equal(t, "C1", a.Checkpoints[0].Name, "an unnamed checkpoint is called by its code")

	ok := forest()
	for name, tc := range map[string]struct {
		change func(*model.PatrolArea)
		field  string
	}{
		"code":             {func(a *model.PatrolArea) { a.Code = "DX-01" }, "area"},
		"name":             {func(a *model.PatrolArea) { a.Name = "\u200b " }, "name"},
		"kind":             {func(a *model.PatrolArea) { a.Kind = "desert" }, "area_kind"},
		"village is grid":  {func(a *model.PatrolArea) { a.Village = duxiG02 }, "village"},
		"every":            {func(a *model.PatrolArea) { a.Every = 7 * h }, "every"},
		"no checkpoints":   {func(a *model.PatrolArea) { a.Checkpoints = nil }, "checkpoints"},
		"duplicate":        {func(a *model.PatrolArea) { a.Checkpoints = append(a.Checkpoints, model.Checkpoint{Code: "c1"}) }, "checkpoint"},
		"checkpoint code":  {func(a *model.PatrolArea) { a.Checkpoints[0].Code = "C 1" }, "checkpoint"},
		"checkpoint place": {func(a *model.PatrolArea) { a.Checkpoints[0].Loc = &model.LatLon{Lat: math.NaN()} }, "checkpoint"},
	} {
		a := ok
		a.Checkpoints = append([]model.Checkpoint(nil), ok.Checkpoints...)
		tc.change(&a)
		_, err := a.Clean()
		require.Error(t, err, name)
		assert.Equal(t, model.EINVALID, model.ErrorCode(err), name)
		assert.Equal(t, tc.field, model.ErrorField(err), name)
		assert.NotEqual(t, model.ErrorMessage(err), model.ErrorMessageZh(err), name)
	}
}

func TestMayPatrol(t *testing.T) {
	a := forest()
	for _, tc := range []struct {
		who  model.Person
		want bool
	}{
		{patroller, true}, {liaison, true}, {dutyOfficer, true},
		{otherPatroller, false}, {gridWorker, false}, {villageCadre, false}, {system, false},
	} {
		assert.Equal(t, tc.want, a.MayPatrol(tc.who), tc.who.Name)
	}
	far := liaison
	far.Node = "330784115" // another town
	assert.False(t, a.MayPatrol(far), "a liaison of another town")
}

// TestPatrolCompletion walks check-ins through the rule: a patrol is done
// at the check-in that reaches the share of the area's checkpoints, a
// checkpoint counts once however often it is checked in at, and its end
// says whether it was done.
func TestPatrolCompletion(t *testing.T) {
	for _, tc := range []struct {
		name      string
		share     float64
		checkins  []string
		completes int // index of the completing check-in, -1 for none
		end       model.Action
	}{
		{"every checkpoint", 1, []string{"C1", "C2", "C3"}, 2, model.ActPatrolDone},
		{"out of order, lower case", 1, []string{"c3", "C1", "c2"}, 2, model.ActPatrolDone},
		{"one missing", 1, []string{"C1", "C2"}, -1, model.ActPatrolEnd},
		{"a repeat counts once", 1, []string{"C1", "C1", "C2", "C2"}, -1, model.ActPatrolEnd},
		{"two of three at 0.6", 0.6, []string{"C1", "C2"}, 1, model.ActPatrolDone},
		{"two of three at 2/3", 2.0 / 3, []string{"C1", "C1", "C3"}, 2, model.ActPatrolDone},
		{"one of three at 0.5", 0.5, []string{"C2"}, -1, model.ActPatrolEnd},
		{"none", 1, nil, -1, model.ActPatrolEnd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := forest()
			p, ev, err := model.StartPatrol(a, 7, patroller, nil, on29(8, 0))
			require.NoError(t, err)
			assert.Equal(t, "X-0007", p.ID)
			assert.Equal(t, model.ActPatrolStart, ev.Action)
			assert.Equal(t, "X-0007", ev.Ref)
			assert.Equal(t, patroller.ID, ev.Actor)
			assert.Equal(t, duxi, ev.Node)
			for i, c := range tc.checkins {
				now := on29(8, 10*(i+1))
				p, ev, err = p.CheckIn(a, c, nil, patroller, now, tc.share, model.PatrolNames{})
				require.NoError(t, err)
				assert.Equal(t, model.ActCheckIn, ev.Action)
				if i == tc.completes {
					assert.Equal(t, now, p.Completed, "completed at check-in %d", i)
				}
				if tc.completes < 0 || i < tc.completes {
					assert.False(t, p.Complete(), "check-in %d", i)
				}
			}
			p, ev, err = p.End(a, patroller, on29(9, 0), model.PatrolNames{})
			require.NoError(t, err)
			assert.Equal(t, tc.end, ev.Action)
			assert.Equal(t, patroller.ID, ev.Subject)
			assert.Equal(t, on29(9, 0), p.Ended)
			_, _, err = p.End(a, patroller, on29(9, 1), model.PatrolNames{})
			assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "ending twice")
		})
	}
}

func TestPatrolRefusals(t *testing.T) {
	a := forest()
	running, _, err := model.StartPatrol(a, 1, patroller, nil, on29(8, 0))
	require.NoError(t, err)

	_, _, err = model.StartPatrol(a, 2, otherPatroller, nil, on29(8, 5))
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "an area assigned to someone else")
	_, _, err = model.StartPatrol(a, 2, liaison, []model.Patrol{running}, on29(8, 5))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "the area is being patrolled")
	assert.Contains(t, model.ErrorMessageZh(err), "正在巡护")
	b := forest()
	b.Code = "P-DX-02"
	_, _, err = model.StartPatrol(b, 2, patroller, []model.Patrol{running}, on29(8, 5))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "the patroller is on another patrol")
	_, _, err = model.StartPatrol(b, 2, liaison, []model.Patrol{running}, on29(8, 5))
	assert.NoError(t, err, "the liaison covers another area")

	_, _, err = running.CheckIn(a, "C1", nil, otherPatroller, on29(8, 10), 1, model.PatrolNames{})
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "checking in on another's patrol")
	_, _, err = running.CheckIn(a, "C1", nil, liaison, on29(8, 10), 1, model.PatrolNames{})
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "a check-in is the patroller's own")
	_, _, err = running.CheckIn(a, "C9", nil, patroller, on29(8, 10), 1, model.PatrolNames{})
	assert.Equal(t, "checkpoint", model.ErrorField(err))
	_, _, err = running.CheckIn(a, "C1", &model.LatLon{Lat: 91}, patroller, on29(8, 10), 1, model.PatrolNames{})
	assert.Equal(t, "location.lat", model.ErrorField(err))
	_, _, err = running.End(a, otherPatroller, on29(8, 10), model.PatrolNames{})
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	ended, ev, err := running.End(a, liaison, on29(8, 10), model.PatrolNames{})
	require.NoError(t, err, "the liaison ends a patrol left running")
	assert.Equal(t, liaison.ID, ev.Actor, "the liaison ended it")
	assert.Equal(t, patroller.ID, ev.Subject, "the patrol is the patroller's: the points pay them")
	_, _, err = ended.CheckIn(a, "C1", nil, patroller, on29(8, 11), 1, model.PatrolNames{})
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
}

func TestWindowAt(t *testing.T) {
	for _, tc := range []struct {
		every      time.Duration
		t          time.Time
		start, end time.Time
	}{
		{day, on29(15, 0), on29(0, 0), on29(0, 0).AddDate(0, 0, 1)},
		{day, on29(0, 0), on29(0, 0), on29(0, 0).AddDate(0, 0, 1)},
		// 29 November 2026 is a Sunday: the weekly window runs from Monday the 23rd.
		{7 * day, on29(15, 0), time.Date(2026, 11, 23, 0, 0, 0, 0, loc), time.Date(2026, 11, 30, 0, 0, 0, 0, loc)},
		{7 * day, time.Date(2026, 11, 30, 0, 0, 0, 0, loc), time.Date(2026, 11, 30, 0, 0, 0, 0, loc), time.Date(2026, 12, 7, 0, 0, 0, 0, loc)},
		// 2024-01-01 to 2026-11-29 is 1063 days; 1063 = 3*354 + 1: the 3-day window began on the 28th.
		{3 * day, on29(15, 0), time.Date(2026, 11, 28, 0, 0, 0, 0, loc), time.Date(2026, 12, 1, 0, 0, 0, 0, loc)},
		{12 * h, on29(11, 59), on29(0, 0), on29(12, 0)},
		{12 * h, on29(12, 0), on29(12, 0), on29(0, 0).AddDate(0, 0, 1)},
		{8 * h, on29(17, 30), on29(16, 0), on29(0, 0).AddDate(0, 0, 1)},
		{day, time.Date(2023, 12, 31, 9, 0, 0, 0, loc), time.Date(2023, 12, 31, 0, 0, 0, 0, loc), time.Date(2024, 1, 1, 0, 0, 0, 0, loc)},
		{7 * day, time.Date(2023, 12, 31, 9, 0, 0, 0, loc), time.Date(2023, 12, 25, 0, 0, 0, 0, loc), time.Date(2024, 1, 1, 0, 0, 0, 0, loc)},
	} {
		w := model.WindowAt(tc.every, tc.t)
		assert.Equal(t, tc.start, w.Start, "%s at %s", tc.every, tc.t)
		assert.Equal(t, tc.end, w.End, "%s at %s", tc.every, tc.t)
	}
}

// TestLateness: the state of each area's windows through a day, by hand.
// The forest is daily since the evening of the 27th (due on the 28th and
// 29th); it was patrolled on the 28th at 10:00 unless noted.
func TestLateness(t *testing.T) {
	d28 := func(hh int) time.Time { return time.Date(2026, 11, 28, hh, 0, 0, 0, loc) }
	for _, tc := range []struct {
		name            string
		area            func(*model.PatrolArea)
		done            []time.Time
		day, asOf       time.Time
		due, okN, lateN int
		now             model.WindowState
	}{
		{"morning, yesterday done", nil, []time.Time{d28(10)}, on29(9, 0), on29(9, 0), 1, 0, 0, model.WindowPending},
		{"morning, yesterday missed: behind", nil, nil, on29(9, 0), on29(9, 0), 1, 0, 1, model.WindowLate},
		{"behind, then patrolled", nil, []time.Time{on29(9, 30)}, on29(9, 0), on29(10, 0), 1, 1, 0, model.WindowDone},
		{"a completion after asOf does not count yet", nil, []time.Time{d28(10), on29(11, 0)}, on29(9, 0), on29(10, 0), 1, 0, 0, model.WindowPending},
		{"yesterday, looked at today", nil, []time.Time{d28(10)}, d28(0), on29(9, 0), 1, 1, 0, model.WindowPending},
		{"yesterday missed, looked at today", nil, nil, d28(0), on29(9, 0), 1, 0, 1, model.WindowLate},
		{"the 27th, before it was added", nil, nil, time.Date(2026, 11, 27, 0, 0, 0, 0, loc), on29(9, 0), 0, 0, 0, model.WindowLate},
		{"added this morning: not due today", func(a *model.PatrolArea) { a.Since = on29(7, 0) }, nil, on29(9, 0), on29(9, 0), 0, 0, 0, model.WindowPending},
		{"added at midnight: due today, not behind", func(a *model.PatrolArea) { a.Since = on29(0, 0) }, nil, on29(9, 0), on29(9, 0), 1, 0, 0, model.WindowPending},
		{"weekly, due only on Sunday", func(a *model.PatrolArea) { a.Every = 7 * day; a.Since = time.Date(2026, 11, 16, 0, 0, 0, 0, loc) },
			nil, d28(0), on29(9, 0), 0, 0, 0, model.WindowLate}, // and behind: last week went by
		{"weekly on Sunday, done on Tuesday", func(a *model.PatrolArea) { a.Every = 7 * day; a.Since = time.Date(2026, 11, 16, 0, 0, 0, 0, loc) },
			[]time.Time{time.Date(2026, 11, 17, 10, 0, 0, 0, loc), time.Date(2026, 11, 24, 10, 0, 0, 0, loc)}, on29(9, 0), on29(9, 0), 1, 1, 0, model.WindowDone},
		{"12h: morning done, afternoon running", func(a *model.PatrolArea) { a.Every = 12 * h; a.Since = on29(0, 0) },
			[]time.Time{on29(8, 0)}, on29(0, 0), on29(23, 0), 2, 1, 0, model.WindowPending},
		{"12h: morning missed, afternoon behind", func(a *model.PatrolArea) { a.Every = 12 * h; a.Since = on29(0, 0) },
			nil, on29(0, 0), on29(13, 0), 2, 0, 2, model.WindowLate},
		{"12h: the next day, looked back", func(a *model.PatrolArea) { a.Every = 12 * h; a.Since = on29(0, 0) },
			[]time.Time{on29(13, 0)}, on29(0, 0), on29(0, 0).AddDate(0, 0, 1).Add(time.Hour), 2, 1, 1, model.WindowPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := forest()
			if tc.area != nil {
				tc.area(&a)
			}
			var patrols []model.Patrol
			for i, c := range tc.done {
				patrols = append(patrols, model.Patrol{Seq: uint64(i + 1), Area: a.Code, Started: c.Add(-time.Hour), Ended: c, Completed: c})
			}
			patrols = append(patrols, model.Patrol{Seq: 99, Area: a.Code, Started: on29(7, 0), Ended: on29(8, 0)}) // incomplete: never counts
			got := model.AreaDays(tc.day, tc.asOf, []model.PatrolArea{a}, patrols)[0]
			assert.Equal(t, tc.due, got.Due, "due")
			assert.Equal(t, tc.okN, got.Done, "done")
			assert.Equal(t, tc.lateN, got.Late, "late")
			assert.Equal(t, tc.now, got.Now, "the window at asOf")
		})
	}
}

// desk makes a finding of the forest found at found, by the patroller.
func desk(t *testing.T, seq uint64, found time.Time) model.Finding {
	t.Helper()
	r, err := model.FindingReport{Area: "P-DX-01", Checkpoint: "c2", Category: "生态", Text: "防火道旁有人焚烧垃圾\n已劝离"}.Check(forest(), model.DefaultPolicy())
	require.NoError(t, err)
	f, ev, err := model.NewFinding(forest(), seq, r, patroller, found)
	require.NoError(t, err)
	assert.Equal(t, model.ActFinding, ev.Action)
	assert.Equal(t, f.ID, ev.Ref)
	return f
}

func TestFindingReportCheck(t *testing.T) {
	f := desk(t, 3, on29(8, 0))
	assert.Equal(t, "F-0003", f.ID)
	assert.Equal(t, "C2", f.Checkpoint)
	assert.Equal(t, model.Category("ecology"), f.Category)
	assert.Equal(t, model.FindingWaiting, f.Status)
	p := model.DefaultPolicy()
	for name, tc := range map[string]struct {
		r     model.FindingReport
		field string
	}{
		"category":   {model.FindingReport{Category: "weather", Text: "x"}, "category"},
		"checkpoint": {model.FindingReport{Category: "fire", Checkpoint: "C9", Text: "x"}, "checkpoint"},
		"no text":    {model.FindingReport{Category: "fire", Text: " \x1b[2J "}, "text"},
		"long text":  {model.FindingReport{Category: "fire", Text: strings.Repeat("林", 2001)}, "text"},
		"bad utf-8":  {model.FindingReport{Category: "fire", Text: "\xff"}, "text"},
		"photo":      {model.FindingReport{Category: "fire", Text: "x", Photo: strings.Repeat("a", 513)}, "photo"},
		"location":   {model.FindingReport{Category: "fire", Text: "x", Loc: &model.LatLon{Lon: 181}}, "location.lon"},
	} {
		_, err := tc.r.Check(forest(), p)
		require.Error(t, err, name)
		assert.Equal(t, tc.field, model.ErrorField(err), name)
	}
	_, _, err := model.NewFinding(forest(), 4, model.FindingReport{Category: "fire", Text: "x"}, gridWorker, on29(8, 0))
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "a grid worker does not patrol the area")
}

func TestLiaisonsDesk(t *testing.T) {
	f := desk(t, 3, on29(8, 0))

	r, err := f.PassReport(duxiG02, "", 0, liaison, "巡护员癸")
	require.NoError(t, err)
	assert.Equal(t, model.SourcePatrol, r.Source)
	assert.Equal(t, patroller.ID, r.Reporter, "the finder's report, passed on by the liaison")
	assert.Equal(t, model.SeverityIII, r.Severity, "III unless the liaison says")
	assert.Equal(t, "ecology", r.Category, "the finding's category unless the liaison says")
	assert.Equal(t, "渎溪后山林：防火道旁有人焚烧垃圾", r.Title)
	assert.Contains(t, r.Text, "F-0003")
	assert.Contains(t, r.Text, "巡护员癸")
	_, err = f.PassReport(otherGrid, "", 0, liaison, "")
	assert.Equal(t, "node", model.ErrorField(err), "a node outside the area's village")
	_, err = f.PassReport(duxi, "", 0, patroller, "")
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "a patroller does not triage")

	inc, rev, err := fileReport(5, "HJ-20261129-0005", r, patroller, on29(8, 20), model.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, model.SourcePatrol, inc.Source, "a patroller's incident from a finding keeps its source")
	rev = f.PassedReport(rev, liaison)
	assert.Equal(t, model.ActReport, rev.Action)
	assert.Equal(t, liaison.ID, rev.Actor, "the liaison filed it")
	assert.Equal(t, "联络员子", rev.ActorName)
	assert.Equal(t, patroller.ID, rev.Subject, "for the finder")
	passed, ev, err := f.Pass(inc, liaison, on29(8, 20))
	require.NoError(t, err)
	assert.Equal(t, patroller.ID, ev.Subject)
	assert.Equal(t, model.FindingPassed, passed.Status)
	assert.Equal(t, "HJ-20261129-0005", passed.Incident)
	assert.Equal(t, model.ActFindingPass, ev.Action)
	assert.Equal(t, liaison.ID, ev.Actor)
	assert.Equal(t, "F-0003", ev.Ref)
	assert.Equal(t, inc.ID, ev.Incident)
	_, _, err = passed.Close("重复", liaison, on29(8, 21))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "handled once")
	assert.Contains(t, model.ErrorMessageZh(err), "已交办")

	open := newIncident(t) // at grid 2 of Duxi
	merged, ev, err := f.Merge(open, liaison, on29(8, 30))
	require.NoError(t, err)
	assert.Equal(t, model.FindingMerged, merged.Status)
	assert.Equal(t, model.ActFindingMerge, ev.Action)
	assert.Equal(t, open.ID, ev.Incident)
	elsewhere := open
	elsewhere.Node = otherGrid
	_, _, err = f.Merge(elsewhere, liaison, on29(8, 30))
	assert.Equal(t, "into", model.ErrorField(err), "an incident of another village")
	shut := open
	shut.Status = model.StatusResolved
	_, _, err = f.Merge(shut, liaison, on29(8, 30))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "a resolved incident")

	_, _, err = f.Close("  ", liaison, on29(8, 40))
	assert.Equal(t, "reason", model.ErrorField(err), "closing needs a reason")
	closed, ev, err := f.Close("已核实，系村民清理落叶，无需处置", dutyOfficer, on29(8, 40))
	require.NoError(t, err)
	assert.Equal(t, model.FindingClosed, closed.Status)
	assert.Equal(t, model.ActFindingClose, ev.Action)
	assert.Equal(t, dutyOfficer.ID, ev.Actor, "a duty officer stands in for the liaison")
	assert.True(t, closed.FollowedUp(), "closed with a reason is followed up")
	assert.False(t, passed.FollowedUp(), "passed on, its incident still open")
	passed.IncidentStatus = model.StatusResolved
	assert.True(t, passed.FollowedUp(), "passed on, its incident resolved")
}

// TestTriageDeadline: a finding still waiting at its triage deadline (one
// hour by default) climbs to the town room's queue as an incident at the
// town tier; one handled in time, or not yet due, stays.
func TestTriageDeadline(t *testing.T) {
	p := model.DefaultPolicy()
	for _, tc := range []struct {
		name   string
		found  time.Time
		status model.FindingStatus
		now    time.Time
		climbs bool
	}{
		{"59 minutes", on29(8, 0), model.FindingWaiting, on29(8, 59), false},
		{"at the deadline", on29(8, 0), model.FindingWaiting, on29(9, 0), true},
		{"long after", on29(8, 0), model.FindingWaiting, on29(15, 0), true},
		{"closed in time", on29(8, 0), model.FindingClosed, on29(9, 30), false},
		{"passed in time", on29(8, 0), model.FindingPassed, on29(9, 30), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := desk(t, 3, tc.found)
			f.Status = tc.status
			r := f.EscalationReport("巡护员癸")
			assert.Equal(t, duxi, r.Node)
			assert.Equal(t, model.System, r.Reporter)
			inc, rep, err := fileReport(9, "HJ-20261129-0009", r, system, tc.now, p)
			require.NoError(t, err)
			out, town, evs, ok := model.EscalateFinding(f, inc, rep, tc.now, p)
			require.Equal(t, tc.climbs, ok)
			if !ok {
				assert.Equal(t, tc.status, out.Status)
				return
			}
			assert.Equal(t, model.FindingEscalated, out.Status)
			assert.Equal(t, model.System, out.HandledBy)
			assert.Equal(t, "HJ-20261129-0009", out.Incident)
			assert.Equal(t, model.TierTown, town.Tier, "into the town room's queue")
			assert.Equal(t, model.StatusReported, town.Status)
			assert.Equal(t, tc.now.Add(p.Ack[model.TierTown]), town.AckBy)
			require.Len(t, evs, 2)
			assert.Equal(t, model.ActReport, evs[0].Action)
			assert.Equal(t, model.TierTown, evs[0].After.Tier)
			assert.Equal(t, model.ActEscalate, evs[1].Action)
			assert.Equal(t, "F-0003", evs[1].Ref)
			assert.Contains(t, evs[1].NoteZh, "转镇指挥室")
		})
	}
	short := p
	short.Patrol.TriageDeadline = 10 * time.Minute
	f := desk(t, 3, on29(8, 0))
	inc, rep, err := fileReport(9, "HJ-20261129-0009", f.EscalationReport(""), system, on29(8, 10), short)
	require.NoError(t, err)
	_, _, _, ok := model.EscalateFinding(f, inc, rep, on29(8, 10), short)
	assert.True(t, ok, "patrol.triage_deadline sets the deadline")
}

// TestRates is a day worked by hand: Sunday 29 November 2026 at 15:00.
//
//	area        kind       every  windows due today       state at 15:00
//	P-DX-01     forest     daily  the day                  done 09:30
//	P-DX-02     forest     daily  the day                  pending (28th done)
//	P-DX-03     farmland   daily  the day                  late (28th missed)
//	P-DX-04     reservoir  weekly 23-30 Nov (Sunday)       done Tuesday
//	P-DX-05     village    12h    00-12 and 12-24          done 08:00; pending (done 16:00)
//	P-DX-06     river      3d     28 Nov-1 Dec: not today  -
//
// Due 6 (forest 2, farmland 1, reservoir 1, village 2); done 3; late 1.
//
// Findings of the day (triage deadline one hour):
//
//	F1 07:00 closed with a reason         counted, followed
//	F2 08:00 passed, incident resolved    counted, followed
//	F3 09:00 merged, incident open        counted
//	F4 10:00 escalated, incident closed   counted, followed
//	F5 13:30 waiting                      counted (past 14:30)
//	F6 14:30 passed, incident resolved    not yet counted (deadline 15:30)
//	F7 28 Nov closed                      another day
//
// Follow-up 3 of 5. Week: F1-F7 and one on the 23rd are within 7 days, one
// on the 21st and one on the 16th in the 7 before: 8 and 2.
func TestRates(t *testing.T) {
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	area := func(code string, kind model.AreaKind, every time.Duration) model.PatrolArea {
		a := forest()
		a.Code, a.Kind, a.Every, a.Since = code, kind, every, since
		return a
	}
	areas := []model.PatrolArea{
		area("P-DX-01", model.KindForest, day), area("P-DX-02", model.KindForest, day),
		area("P-DX-03", model.KindFarmland, day), area("P-DX-04", model.KindReservoir, 7*day),
		area("P-DX-05", model.KindVillage, 12*h), area("P-DX-06", model.KindRiver, 3*day),
	}
	done := func(seq uint64, code string, t time.Time) model.Patrol {
		return model.Patrol{Seq: seq, Area: code, Started: t.Add(-time.Hour), Ended: t, Completed: t}
	}
	d28 := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	patrols := []model.Patrol{
		done(1, "P-DX-01", d28), done(2, "P-DX-02", d28), done(3, "P-DX-04", time.Date(2026, 11, 24, 10, 0, 0, 0, loc)),
		done(4, "P-DX-01", on29(9, 30)), done(5, "P-DX-05", on29(8, 0)), done(6, "P-DX-05", on29(16, 0)),
		{Seq: 7, Area: "P-DX-03", Started: on29(10, 0), Ended: on29(11, 0)}, // incomplete
		done(8, "P-DX-06", d28),
	}
	f := func(seq uint64, found time.Time, st model.FindingStatus, inc model.Status) model.Finding {
		x := model.Finding{Seq: seq, Area: "P-DX-01", FoundAt: found, Status: st, IncidentStatus: inc}
		if st == model.FindingClosed {
			x.Reason = "无需处置"
		}
		return x
	}
	findings := []model.Finding{
		f(1, on29(7, 0), model.FindingClosed, ""), f(2, on29(8, 0), model.FindingPassed, model.StatusResolved),
		f(3, on29(9, 0), model.FindingMerged, model.StatusAcknowledged), f(4, on29(10, 0), model.FindingEscalated, model.StatusClosed),
		f(5, on29(13, 30), model.FindingWaiting, ""), f(6, on29(14, 30), model.FindingPassed, model.StatusResolved),
		f(7, d28, model.FindingClosed, ""),
		f(8, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), model.FindingClosed, ""),
		f(9, time.Date(2026, 11, 21, 9, 0, 0, 0, loc), model.FindingClosed, ""),
		f(10, time.Date(2026, 11, 16, 9, 0, 0, 0, loc), model.FindingClosed, ""),
		f(11, time.Date(2026, 11, 10, 9, 0, 0, 0, loc), model.FindingClosed, ""),
	}
	r := model.ComputeRates(on29(12, 0), on29(15, 0), areas, patrols, findings, model.DefaultPatrolPolicy())
	assert.Equal(t, on29(0, 0), r.Day)
	assert.Equal(t, model.KindRate{Due: 6, Done: 3, Late: 1}, r.KindRate)
	assert.Equal(t, map[model.AreaKind]model.KindRate{
		model.KindForest: {Due: 2, Done: 1}, model.KindFarmland: {Due: 1, Late: 1},
		model.KindReservoir: {Due: 1, Done: 1}, model.KindVillage: {Due: 2, Done: 1}, model.KindRiver: {},
	}, r.ByKind)
	rate, ok := r.PatrolRate()
	require.True(t, ok)
	assert.InDelta(t, 0.5, rate, 1e-12)
	assert.Equal(t, 5, r.Findings)
	assert.Equal(t, 3, r.Followed)
	fr, ok := r.FollowUpRate()
	require.True(t, ok)
	assert.InDelta(t, 0.6, fr, 1e-12)
	assert.Equal(t, 8, r.Week)
	assert.Equal(t, 2, r.PrevWeek)

	// At 23:59 the village's afternoon is done and F6 counts.
	r = model.ComputeRates(on29(12, 0), on29(23, 59), areas, patrols, findings, model.DefaultPatrolPolicy())
	assert.Equal(t, model.KindRate{Due: 6, Done: 4, Late: 1}, r.KindRate, "the farmland is still behind; nothing else is over before midnight")
	assert.Equal(t, 6, r.Findings)
	assert.Equal(t, 4, r.Followed)
	next := on29(0, 0).AddDate(0, 0, 1).Add(time.Hour)
	r = model.ComputeRates(on29(12, 0), next, areas, patrols, findings, model.DefaultPatrolPolicy())
	assert.Equal(t, model.KindRate{Due: 6, Done: 4, Late: 2}, r.KindRate, "looked at the next day: the forest and the farmland were missed")

	// No area due and no finding counted: no rate, not 0% or 100%.
	r = model.ComputeRates(on29(12, 0), on29(15, 0), nil, nil, nil, model.DefaultPatrolPolicy())
	_, ok = r.PatrolRate()
	assert.False(t, ok)
	_, ok = r.FollowUpRate()
	assert.False(t, ok)
}

func TestBoard(t *testing.T) {
	a := forest()
	run, _, err := model.StartPatrol(a, 1, patroller, nil, on29(8, 0))
	require.NoError(t, err)
	run, _, err = run.CheckIn(a, "C1", nil, patroller, on29(8, 30), 1, model.PatrolNames{})
	require.NoError(t, err)
	b := model.BuildBoard(model.BoardInput{
		Day: on29(11, 0), AsOf: on29(11, 0), Areas: []model.PatrolArea{a}, Patrols: []model.Patrol{run},
		Findings:   []model.Finding{{Seq: 1, FoundAt: on29(9, 30), Status: model.FindingWaiting}, {Seq: 2, FoundAt: on29(10, 30), Status: model.FindingWaiting}},
		Patrollers: []model.Person{patroller, otherPatroller},
	}, model.DefaultPatrolPolicy())
	require.Len(t, b.Patrollers, 2)
	assert.Equal(t, "X-0001", b.Patrollers[0].Current.ID)
	assert.Equal(t, on29(8, 30), b.Patrollers[0].LastCheck)
	assert.True(t, b.Patrollers[0].Silent, "2h30 since the last check-in, the silence is 2h")
	assert.Equal(t, 1, b.Patrollers[0].Areas)
	assert.Zero(t, b.Patrollers[1].Current.Seq)
	assert.Equal(t, 2, b.Waiting)
	assert.Equal(t, 1, b.DeskLate)
}

func TestSortDesk(t *testing.T) {
	fs := []model.Finding{
		{Seq: 1, FoundAt: on29(8, 0), Status: model.FindingClosed, HandledAt: on29(9, 0)},
		{Seq: 2, FoundAt: on29(9, 0), Status: model.FindingWaiting},
		{Seq: 3, FoundAt: on29(7, 0), Status: model.FindingWaiting},
		{Seq: 4, FoundAt: on29(6, 0), Status: model.FindingPassed, HandledAt: on29(10, 0)},
	}
	model.SortDesk(fs)
	var order []uint64
	for _, f := range fs {
		order = append(order, f.Seq)
	}
	assert.Equal(t, []uint64{3, 2, 4, 1}, order, "waiting oldest first, then the newest handled")
}

func TestRotation(t *testing.T) {
	start := time.Date(2026, 11, 27, 15, 0, 0, 0, loc)
	r, err := model.JointRotation{Name: " 渎溪-倪宅 联合扫楼 ", Activity: "清村扫楼", Start: start,
		Groups: [][]model.NodeCode{{duxiG01, otherGrid}, {duxiG02}, {"330784114200-02"}}}.Clean()
	require.NoError(t, err)
	assert.Equal(t, model.ActivitySweep, r.Activity)
	assert.Equal(t, 1, r.Every)
	assert.Equal(t, time.Date(2026, 11, 27, 0, 0, 0, 0, loc), r.Start)
	for _, tc := range []struct {
		day  time.Time
		want int
	}{
		{time.Date(2026, 11, 26, 23, 0, 0, 0, loc), -1}, {start, 0}, {time.Date(2026, 11, 28, 1, 0, 0, 0, loc), 1},
		{on29(0, 0), 2}, {on29(23, 59), 2}, {on29(0, 0).AddDate(0, 0, 1), 0},
	} {
		assert.Equal(t, tc.want, r.GroupOn(tc.day), "%s", tc.day)
	}
	r.Every = 2
	assert.Equal(t, 1, r.GroupOn(on29(0, 0)), "two days a turn: the 29th is the second group's first day")
	r.Every = 1

	// Today (the 29th) group 3 is on duty: 倪宅村 grid 2.
	onDuty := gridWorker
	onDuty.Node = "330784114200-02"
	assert.True(t, r.OnDuty(onDuty, on29(9, 0)))
	assert.False(t, r.OnDuty(gridWorker, on29(9, 0)), "Duxi grid 2 (group 2) was on duty yesterday")
	ev, err := r.Report("  清查出租房 12 户 ", onDuty, on29(9, 0))
	require.NoError(t, err)
	assert.Equal(t, model.ActRotationSweep, ev.Action)
	assert.Equal(t, onDuty.ID, ev.Actor)
	assert.Equal(t, model.NodeCode("330784114200-02"), ev.Node)
	assert.Contains(t, ev.NoteZh, "第 3 组：清查出租房 12 户")
	_, err = r.Report("", gridWorker, on29(9, 0))
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "第 3 组")

	for name, bad := range map[string]model.JointRotation{
		"one group":    {Name: "x", Activity: "sweep", Start: start, Groups: [][]model.NodeCode{{duxiG01}}},
		"a village":    {Name: "x", Activity: "sweep", Start: start, Groups: [][]model.NodeCode{{duxi}, {duxiG02}}},
		"a grid twice": {Name: "x", Activity: "sweep", Start: start, Groups: [][]model.NodeCode{{duxiG01}, {duxiG01}}},
		"no start":     {Name: "x", Activity: "sweep", Groups: [][]model.NodeCode{{duxiG01}, {duxiG02}}},
		"activity":     {Name: "x", Activity: "dance", Start: start, Groups: [][]model.NodeCode{{duxiG01}, {duxiG02}}},
		"every":        {Name: "x", Activity: "sweep", Start: start, Every: 40, Groups: [][]model.NodeCode{{duxiG01}, {duxiG02}}},
	} {
		_, err := bad.Clean()
		assert.Equal(t, model.EINVALID, model.ErrorCode(err), name)
	}
}

func TestPatrolCatalogue(t *testing.T) {
	for _, a := range model.PatrolActions {
		assert.NotEmpty(t, a.Zh(), "action %s has its Chinese name", a)
	}
	assert.Equal(t, "清村扫楼", model.ActRotationSweep.Zh())
	assert.Equal(t, "巡护发现", model.SourcePatrol.Zh())
	s, err := model.ParseSource("patrol")
	require.NoError(t, err)
	assert.Equal(t, model.SourcePatrol, s)
	for _, k := range model.AreaKinds {
		assert.NotEmpty(t, k.Zh())
	}
	n, err := model.ParsePatrolID(" x-12 ")
	require.NoError(t, err)
	assert.Equal(t, uint64(12), n)
	_, err = model.ParseFindingID("X-0001")
	assert.Error(t, err)
	assert.NoError(t, model.DefaultPolicy().Validate())
	bad := model.DefaultPolicy()
	bad.Patrol.CompleteShare = math.NaN()
	assert.Equal(t, "patrol.complete_share", model.ErrorField(bad.Validate()))
	bad.Patrol.CompleteShare = 1.5
	assert.Equal(t, "patrol.complete_share", model.ErrorField(bad.Validate()))
	bad = model.DefaultPolicy()
	bad.Patrol.TriageDeadline = 0
	assert.Equal(t, "patrol.triage_deadline", model.ErrorField(bad.Validate()))
}

// TestPatrolCheckInIsNoRoomCheckIn: a patrol's check-in and a village
// room's share the action "checkin"; the patrol's names its patrol, and a
// handover sheet counts only the rooms' (报到).
func TestPatrolCheckInIsNoRoomCheckIn(t *testing.T) {
	at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	room := model.Event{Seq: 1, At: at, Action: model.ActCheckIn, Node: "330784114266"}
	patrol := model.Event{Seq: 2, At: at, Action: model.ActCheckIn, Ref: "X-0001", Node: "330784114266"}
	assert.False(t, model.IsPatrolCheckIn(room))
	assert.True(t, model.IsPatrolCheckIn(patrol))
	s := model.BuildSheet(model.SheetInput{From: at.Add(-time.Hour), To: at.Add(time.Hour), Events: []model.Event{room, patrol}})
	assert.Equal(t, 1, s.Changes[model.ActCheckIn])
	assert.Equal(t, "报到", model.ActCheckIn.Zh(), "the action's own name stays the room's")
}
