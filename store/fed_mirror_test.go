package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's own directive, issued and signed for in the town, is on the
// hub: show, the directives of the county's wartime, the events naming it;
// the hub's clocks leave it alone, and the county may neither sign for it
// nor resend it (the town's room does).
func TestFedTownsDirectiveIsOnTheHub(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	d, _, err := tw.s.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, 2*time.Hour, tw.duty.ID, false)
	require.NoError(t, err)
	tw.clock.Advance(3 * time.Minute)
	_, err = tw.s.SignDirective(tw.ctx, d.ID, micro012, tw.micro.ID)
	require.NoError(t, err)
	fedSync(t, tw.s, hub)

	got, units, err := hub.Directive(tw.ctx, "D-0001")
	require.NoError(t, err, "the county sees the town's directive")
	assert.Equal(t, "转移低洼户", got.Text)
	assert.Equal(t, "D-0001", got.Fed, "the town's own id")
	assert.Zero(t, got.Command, "the town's own room issued it")
	assert.Equal(t, d.Deadline, got.Deadline)
	require.Len(t, units, 4)
	s := model.Summarize(got, units, 0)
	assert.Equal(t, 1, s.Signed)
	for _, u := range units {
		if u.Unit == micro012 {
			p, err := hub.Person(tw.ctx, u.SignedBy)
			require.NoError(t, err)
			assert.Equal(t, tw.micro.Name, p.Name, "who signed, as the hub numbers them")
		}
	}
	ds, err := hub.Directives(tw.ctx, "330784")
	require.NoError(t, err)
	require.Len(t, ds, 1, "the county room's directive pane lists it")
	assert.Equal(t, got.ID, ds[0].ID)
	evs, err := hub.Events(tw.ctx, 0, 3)
	require.NoError(t, err)
	assert.Equal(t, model.ActSign, evs[0].Action)
	assert.Equal(t, got.ID, evs[0].Directive)
	requireClean(t, hub)

	// Past the sign-for deadline the hub's sweep climbs nothing of it.
	tw.clock.Advance(2 * time.Hour)
	for _, ev := range sweep(t, hub) {
		assert.NotEqual(t, got.ID, ev.Directive, "the hub escalated the town's directive: %v", ev)
	}
	_, units, err = hub.Directive(tw.ctx, got.ID)
	require.NoError(t, err)
	for _, u := range units {
		assert.Empty(t, u.Escalated, "%s", u.Unit)
	}

	before := dump(t, hub)
	_, err = hub.SignDirective(tw.ctx, got.ID, micro011, officer.ID)
	requireCode(t, err, model.ECONFLICT, "D-0001", "花街镇", "copy")
	requireZh(t, err, "联网镇花街镇", "副本")
	_, err = hub.DirectiveProgress(tw.ctx, got.ID, micro011, 1, 10, officer.ID)
	requireCode(t, err, model.ECONFLICT, "copy")
	_, err = hub.ResendDirective(tw.ctx, got.ID, "", officer.ID)
	requireCode(t, err, model.ECONFLICT, "花街镇's own room", "resends only the directives it sent down")
	requireZh(t, err, "自行下达", "由该镇指挥室重发")
	assert.Equal(t, before, dump(t, hub), "a refusal changes nothing")
	assert.Empty(t, commands(t, hub, 0))
	requireClean(t, hub)
}

// A directive the county sent down as a command is on the hub once the
// town issued it, as the county's; the county resends it as a command the
// town applies, and the resend comes back up.
func TestFedCountyResendsItsDirectiveAsACommand(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	_, _, err := hub.IssueDirective(tw.ctx, "清点物资", []model.NodeCode{village}, 2*time.Hour, officer.ID, false)
	requireCode(t, err, model.EQUEUED)
	require.NoError(t, tw.s.FedCommand(tw.ctx, commands(t, hub, 0)[0]))
	fedSync(t, tw.s, hub)

	d, units, err := hub.Directive(tw.ctx, "D-0001")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), d.Command, "the county's command 1")
	assert.Len(t, units, 4)

	tw.clock.Advance(20 * time.Minute)
	n, err := hub.ResendDirective(tw.ctx, d.ID, "", officer.ID)
	requireCode(t, err, model.EQUEUED, "sent to 花街镇", "command 2")
	assert.Zero(t, n)
	_, units, err = hub.Directive(tw.ctx, d.ID)
	require.NoError(t, err)
	assert.Zero(t, units[0].Resends, "the copy waits for the town")
	cmds := commands(t, hub, 1)
	require.Len(t, cmds, 1)
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	_, mine, err := tw.s.Directive(tw.ctx, "D-0001")
	require.NoError(t, err)
	assert.Equal(t, 1, mine[0].Resends, "the town resent it")
	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActResend, evs[0].Action)
	assert.Contains(t, evs[0].Note, "command 2 from the county")

	fedSync(t, tw.s, hub)
	_, units, err = hub.Directive(tw.ctx, d.ID)
	require.NoError(t, err)
	for _, u := range units {
		assert.Equal(t, 1, u.Resends, "%s", u.Unit)
	}
	requireClean(t, hub)
	requireClean(t, tw.s)

	// Every unit signed: nothing to resend, nothing goes down.
	for _, c := range []model.NodeCode{micro011, micro012, micro021, micro101} {
		_, err := tw.s.SignDirective(tw.ctx, "D-0001", c, tw.duty.ID)
		require.NoError(t, err)
	}
	fedSync(t, tw.s, hub)
	n, err = hub.ResendDirective(tw.ctx, d.ID, "", officer.ID)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Empty(t, commands(t, hub, 2))
}

// Two towns' directives, numbered on the hub as they arrive, are each
// listed with their own town's wartime.
func TestFedTwoTownsDirectivesListedByTheirWartime(t *testing.T) {
	tw, _ := busyTown(t)
	two := otherTown(t, tw)
	hub := newHub(t, tw)
	issue := func(s *DB, v model.NodeCode, text string) {
		t.Helper()
		_, _, err := s.IssueDirective(tw.ctx, text, []model.NodeCode{v}, time.Hour, model.System, false)
		require.NoError(t, err)
		fedSync(t, s, hub)
	}
	_, err := tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	_, err = two.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{"330784115"}, false, "", model.System)
	require.NoError(t, err)
	issue(tw.s, village, "花街一")
	issue(two, "330784115"+village[9:], "象珠一")
	issue(tw.s, village, "花街二")

	texts := func(scope model.NodeCode) []string {
		ds, err := hub.Directives(tw.ctx, scope)
		require.NoError(t, err)
		var out []string
		for _, d := range ds {
			out = append(out, d.Text)
		}
		return out
	}
	assert.Equal(t, []string{"花街一", "花街二"}, texts(town))
	assert.Equal(t, []string{"象珠一"}, texts("330784115"))
	assert.Equal(t, []string{"花街一", "象珠一", "花街二"}, texts(""))
	evs, err := hub.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, "D-0003", evs[0].Directive, "the hub's id of 花街二 (the town's D-0002)")
	requireClean(t, hub)
}

// A town's patrols, findings and patrol areas are on the hub: the board,
// the patrols, the desk. The hub's watchdog and sweep leave them to the
// town, and the county acts on none of them.
func TestFedTownsPatrolsAreOnTheHub(t *testing.T) {
	tw := newPatrolTower(t)
	p, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	tw.clock.Advance(10 * time.Minute)
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C1", nil, tw.patroller.ID, "")
	require.NoError(t, err)
	f, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Checkpoint: "C1", Category: "ecology",
		Text: "山脚倾倒建筑垃圾", By: tw.patroller.ID}, "")
	require.NoError(t, err)
	hub, officer := countyHub(t, tw.tower)

	areas, err := hub.Areas(tw.ctx)
	require.NoError(t, err)
	require.Len(t, areas, 2, "every area of the town, patrolled or not")
	assert.Equal(t, "P-DX-01", areas[0].Code)
	who, err := hub.Person(tw.ctx, areas[0].Patroller)
	require.NoError(t, err)
	assert.Equal(t, tw.patroller.Name, who.Name)

	ps, err := hub.Patrols(tw.ctx, model.PatrolFilter{Active: true})
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, "X-0001", ps[0].ID)
	assert.Equal(t, 1, ps[0].Checked())
	assert.Equal(t, who.ID, ps[0].Patroller)
	open, err := hub.Findings(tw.ctx, model.FindingFilter{Open: true})
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, f.Text, open[0].Text)
	b, err := hub.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Len(t, b.Areas, 2)
	assert.Equal(t, 1, b.Waiting)
	evs, err := hub.Events(tw.ctx, 0, 3)
	require.NoError(t, err)
	assert.Equal(t, model.ActFedDuty, evs[0].Action, "the duty snapshot the town's outbox logged on its first run")
	assert.Equal(t, model.ActFinding, evs[1].Action)
	assert.Equal(t, open[0].ID, evs[1].Ref)
	requireClean(t, hub)

	// Past the patroller's silence and the triage deadline: the hub opens
	// no silence and passes nothing on (its watchdog runs: a gateway in a
	// town the county's file keeps itself).
	_, err = hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784001", Level: model.LevelTown, Name: "东城街道", Parent: "330784"}}, model.System, "")
	require.NoError(t, err)
	_, err = hub.AddHeartbeat(tw.ctx, model.Heartbeat{Name: "gw-dongcheng", Node: "330784001", Every: 10 * time.Minute}, model.System)
	require.NoError(t, err)
	tw.clock.Advance(3 * time.Hour)
	evs = sweep(t, hub)
	require.NotEmpty(t, evs, "the county's own gateway fell silent")
	for _, ev := range evs {
		assert.False(t, town.Contains(ev.Node), "the hub's sweep acted in the town: %+v", ev)
	}
	require.NoError(t, hub.view(func(tx *bolt.Tx) error {
		assert.False(t, hub.findingsDue(tx, tw.clock.Now()), "a town's finding past its deadline sets no write of the hub's sweep going")
		return nil
	}))

	before := dump(t, hub)
	_, _, err = hub.StartPatrol(tw.ctx, "P-DX-02", officer.ID, "")
	requireCode(t, err, model.ECONFLICT, "P-DX-02", "花街镇", "copy")
	requireZh(t, err, "联网镇花街镇", "副本")
	_, _, err = hub.EndPatrol(tw.ctx, "X-0001", officer.ID, "")
	requireCode(t, err, model.ECONFLICT, "X-0001")
	_, err = hub.CloseFinding(tw.ctx, open[0].ID, "无需处置", officer.ID)
	requireCode(t, err, model.ECONFLICT, open[0].ID)
	_, _, err = hub.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "ecology", Text: "x", By: officer.ID}, "")
	requireCode(t, err, model.ECONFLICT)
	_, _, err = hub.ImportAreas(tw.ctx, []model.PatrolArea{areas[1]}, officer.ID, "")
	requireCode(t, err, model.ECONFLICT)
	assert.Equal(t, before, dump(t, hub))

	// The town's sweep climbs the finding and the watchdog opens the
	// silence; its patrol ends: the hub follows.
	sweep(t, tw.s)
	_, _, err = tw.s.EndPatrol(tw.ctx, p.ID, tw.patroller.ID, "")
	require.NoError(t, err)
	fedSync(t, tw.s, hub)
	got, err := hub.Finding(tw.ctx, open[0].ID)
	require.NoError(t, err)
	assert.Equal(t, model.FindingEscalated, got.Status)
	inc, err := hub.Incident(tw.ctx, got.Incident)
	require.NoError(t, err, "the finding names the hub's copy of its incident")
	assert.Equal(t, got.IncidentSeq, inc.Seq)
	ps, err = hub.Patrols(tw.ctx, model.PatrolFilter{Active: true})
	require.NoError(t, err)
	assert.Empty(t, ps)
	requireClean(t, hub)
}

// Two towns' areas of one code: the second keeps its code with its prefix
// here. A patrol of a town cut off since yesterday arrives after today's
// of another: today's list keeps them both in start order, the late one's
// yesterday left out.
func TestFedTwoTownsPatrolsOnTheHub(t *testing.T) {
	tw := newPatrolTower(t)
	two := otherTown(t, tw.tower)
	hub := newHub(t, tw.tower)
	people, err := two.People(tw.ctx, model.PeopleFilter{Role: model.RolePatroller})
	require.NoError(t, err)
	require.Len(t, people, 1)
	tw.clock.Set(t0.Add(-20 * time.Hour))
	_, _, err = two.ImportAreas(tw.ctx, []model.PatrolArea{{Code: "P-DX-01", Name: "象珠后山", Kind: model.KindForest,
		Village: "330784115" + village[9:], Every: 24 * time.Hour, Patroller: people[0].ID,
		Checkpoints: []model.Checkpoint{{Code: "C1"}}}}, model.System, "")
	require.NoError(t, err)
	late, _, err := two.StartPatrol(tw.ctx, "P-DX-01", people[0].ID, "")
	require.NoError(t, err)
	tw.clock.Set(t0.Add(2 * time.Hour))
	_, _, err = two.StartPatrol(tw.ctx, "P-DX-01", people[0].ID, "")
	requireCode(t, err, model.ECONFLICT) // still on yesterday's
	_, _, err = two.EndPatrol(tw.ctx, late.ID, people[0].ID, "")
	require.NoError(t, err)
	today2, _, err := two.StartPatrol(tw.ctx, "P-DX-01", people[0].ID, "")
	require.NoError(t, err)

	tw.clock.Set(t0)
	today1, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	applyAll(t, tw.tower, hub)
	tw.clock.Set(t0.Add(3 * time.Hour))
	_, err = hub.FedApply(tw.ctx, pending(t, two, 0))
	require.NoError(t, err)

	areas, err := hub.Areas(tw.ctx)
	require.NoError(t, err)
	var codes []string
	for _, a := range areas {
		codes = append(codes, a.Code+" "+a.Name)
	}
	assert.Equal(t, []string{"P-DX-01 渎溪后山林", "P-DX-01-HJB 象珠后山", "P-DX-02 渎溪水库"}, codes)

	y, m, d := t0.In(cst).Date()
	ps, err := hub.Patrols(tw.ctx, model.PatrolFilter{Since: time.Date(y, m, d, 0, 0, 0, 0, cst)})
	require.NoError(t, err)
	var got []string
	for _, p := range ps {
		got = append(got, p.Area+" "+p.Started.In(cst).Format("15:04"))
	}
	assert.Equal(t, []string{
		"P-DX-01 " + today1.Started.In(cst).Format("15:04"),
		"P-DX-01-HJB " + today2.Started.In(cst).Format("15:04"),
	}, got)
	requireClean(t, hub)
}

// A town's file restored from a backup numbers its next directive, patrol,
// finding, shift and rotation after the lost copy's, which the county
// keeps: the hub holds both, neither in the other's place.
func TestFedRestoredTownNumbersDirectivesPatrolsAndShiftsAfterTheLostCopy(t *testing.T) {
	tw := newPatrolTower(t)
	_, err := tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	hub := newHub(t, tw.tower)
	applyAll(t, tw.tower, hub)
	backup := filepath.Join(t.TempDir(), "backup.db")
	_, err = tw.s.BackupFile(backup)
	require.NoError(t, err)
	cursor := lastEventSeq(t, tw.s)
	require.NoError(t, tw.s.SetFedCursor(tw.ctx, cursor))

	work := func(s *DB, text string) {
		t.Helper()
		_, _, err := s.IssueDirective(tw.ctx, text, []model.NodeCode{village}, time.Hour, tw.duty.ID, false)
		require.NoError(t, err)
		p, _, err := s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
		require.NoError(t, err)
		_, _, err = s.EndPatrol(tw.ctx, p.ID, tw.patroller.ID, "")
		require.NoError(t, err)
		_, _, err = s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "ecology", Text: text, By: tw.patroller.ID}, "")
		require.NoError(t, err)
		from := tw.clock.Now().Add(time.Hour)
		_, err = s.AddShifts(tw.ctx, []model.Shift{{Room: village, Person: tw.cadre.ID, From: from, To: from.Add(time.Hour)}}, tw.duty.ID, text)
		require.NoError(t, err)
		_, err = s.AddRotation(tw.ctx, model.JointRotation{Name: text, Activity: model.ActivitySweep,
			Groups: [][]model.NodeCode{{grid01}, {grid02}}, Start: from, Every: 1}, tw.duty.ID, "")
		require.NoError(t, err)
	}
	work(tw.s, "丢失副本的")
	stream := pending(t, tw.s, 0)
	_, err = hub.FedApply(tw.ctx, stream)
	require.NoError(t, err)
	require.NoError(t, tw.s.Close())

	restored := openAt(t, backup, tw.clock)
	_, err = restored.FedNumberPast(tw.ctx, stream[cursor:])
	require.NoError(t, err)
	require.NoError(t, restored.SetFedCursor(tw.ctx, stream[len(stream)-1].Seq))
	tw.clock.Advance(time.Minute)
	work(restored, "恢复后的")
	ds, err := restored.Directives(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, "D-0002", ds[0].ID, "after the lost copy's D-0001")
	shifts, err := restored.Shifts(tw.ctx, model.ShiftFilter{})
	require.NoError(t, err)
	assert.Equal(t, "S-0002", shifts[0].ID, "after the lost copy's S-0001")
	mine := shifts[0]
	rs, err := restored.Rotations(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, "R-0002", rs[0].ID)
	_, err = hub.FedApply(tw.ctx, pending(t, restored, stream[len(stream)-1].Seq))
	require.NoError(t, err)

	ds, err = hub.Directives(tw.ctx, town)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, []string{"丢失副本的", "恢复后的"}, []string{ds[0].Text, ds[1].Text})
	assert.Equal(t, []string{"D-0001", "D-0002"}, []string{ds[0].Fed, ds[1].Fed})
	ps, err := hub.Patrols(tw.ctx, model.PatrolFilter{})
	require.NoError(t, err)
	assert.Len(t, ps, 2)
	fs, err := hub.Findings(tw.ctx, model.FindingFilter{Open: true})
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, []string{"丢失副本的", "恢复后的"}, []string{fs[0].Text, fs[1].Text})
	shifts, err = hub.Shifts(tw.ctx, model.ShiftFilter{})
	require.NoError(t, err)
	require.Len(t, shifts, 1, "the restored file's shift; the lost copy's, which it overlaps, is not the town's")
	assert.True(t, shifts[0].From.Equal(mine.From), "%v", shifts[0])
	rs, err = hub.Rotations(tw.ctx)
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, []string{"丢失副本的", "恢复后的"}, []string{rs[0].Name, rs[1].Name})
	requireClean(t, hub)
	requireClean(t, restored)
}
