package store

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// countyHub is a hub holding the county (with its duty officer) and the
// busy town's records.
func countyHub(t testing.TB, tw *tower) (*DB, model.Person) {
	t.Helper()
	hub := newHub(t, tw)
	_, err := hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"}}, model.System, "")
	require.NoError(t, err)
	officer, err := hub.ImportPeople(tw.ctx, []model.Person{{Name: "县值班", Phone: "13900000001", Node: "330784",
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	fedSync(t, tw.s, hub)
	return hub, officer[0]
}

// fedSync applies what the hub lacks of the town's log.
func fedSync(t testing.TB, town, hub *DB) {
	t.Helper()
	code, err := town.FedTown(t.Context())
	require.NoError(t, err)
	applied, err := hub.FedApplied(t.Context(), code)
	require.NoError(t, err)
	_, err = hub.FedApply(t.Context(), pending(t, town, applied))
	require.NoError(t, err)
}

// floodedCounty is a busy town in flood wartime (a drill if drill) and
// its county's hub with the county's officer.
func floodedCounty(t testing.TB, drill bool) (*tower, *DB, model.Person) {
	t.Helper()
	tw, _ := busyTown(t)
	_, err := tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, drill, "", tw.duty.ID)
	require.NoError(t, err)
	hub, officer := countyHub(t, tw)
	return tw, hub, officer
}

// commands is the hub's outbox after seq.
func commands(t testing.TB, hub *DB, after uint64) []model.FedRecord {
	t.Helper()
	recs, err := hub.FedCommandsPending(t.Context(), after, 100)
	require.NoError(t, err)
	return recs
}

func TestFedCountyActivationGoesDownAsACommandAppliedOnce(t *testing.T) {
	tw, _ := busyTown(t)
	hub, officer := countyHub(t, tw)

	_, err := hub.Activate(tw.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "台风过境", officer.ID)
	requireCode(t, err, model.EQUEUED)
	assert.True(t, model.IsFedQueued(err))
	assert.Equal(t, "已发往花街镇，待其执行（下行命令 1）", model.ErrorMessageZh(err))
	assert.Equal(t, "sent to 花街镇, waiting for it to act (command 1)", model.ErrorMessage(err))
	st, err := hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Empty(t, st.Towns, "the hub's copy is not changed")

	cmds := commands(t, hub, 0)
	require.Len(t, cmds, 1)
	assert.Equal(t, model.FedRecord{Town: town, Seq: 1, Data: cmds[0].Data}, cmds[0])
	require.NoError(t, hub.SetFedCommandCursor(tw.ctx, 1))
	c, err := hub.FedCommandCursor(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), c)
	assert.Empty(t, commands(t, hub, c))

	// The town applies it through its own rules, once, whatever the
	// transport delivers again (after a restart too).
	before, err := tw.s.Events(tw.ctx, 0, 1000)
	require.NoError(t, err)
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	tw.reopen(t)
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	after, err := tw.s.Events(tw.ctx, 0, 1000)
	require.NoError(t, err)
	require.Len(t, after, len(before)+1)
	ev := after[0]
	assert.Equal(t, model.ActActivate, ev.Action)
	assert.Equal(t, "县值班", ev.ActorName)
	assert.Contains(t, ev.NoteZh, "上级下行命令 1，县值班 下达")
	ts, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	require.True(t, ts.Active.Active())
	assert.Equal(t, model.ReasonTyphoon, ts.Active.Reason)
	assert.Equal(t, "台风过境", ts.Active.Note)

	// Up again: the county sees the town in wartime.
	fedSync(t, tw.s, hub)
	st, err = hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	require.Len(t, st.Towns, 1)
	requireClean(t, hub)
	requireClean(t, tw.s)
}

func TestFedCountyDirectiveGoesDownAsACommand(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)

	// The form's preview reads the copy; the directive itself goes down.
	_, units, err := hub.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, 2*time.Hour, officer.ID, true)
	require.NoError(t, err)
	assert.Len(t, units, 4)
	_, _, err = hub.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, 2*time.Hour, officer.ID, false)
	requireCode(t, err, model.EQUEUED)
	ds, err := hub.Directives(tw.ctx, town)
	require.NoError(t, err)
	assert.Empty(t, ds)

	cmds := commands(t, hub, 0)
	require.Len(t, cmds, 1)
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	ds, err = tw.s.Directives(tw.ctx, town)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, "转移低洼户", ds[0].Text)
	assert.Equal(t, 4, ds[0].Units)
	assert.Equal(t, tw.clock.Now().Add(2*time.Hour), ds[0].Deadline)
	requireClean(t, tw.s)
}

// A county directive whose deadline is past the 7-day limit, or not
// positive, is refused on the hub at once (a review: it was queued, the
// officer told so, and the town refused it minutes later); nothing is
// queued.
func TestFedCountyDirectiveOverTheLimitIsRefusedBeforeItIsQueued(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	over := model.MaxDirectiveDeadline + time.Hour
	_, _, err := hub.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, over, officer.ID, false)
	requireCode(t, err, model.EINVALID, "past the limit of 7 days")
	assert.Contains(t, model.ErrorMessageZh(err), "超出下达后 7 天")
	_, _, err = hub.IssueDirectiveAt(tw.ctx, "转移低洼户", []model.NodeCode{village}, tw.clock.Now().Add(over), officer.ID, false)
	requireCode(t, err, model.EINVALID, "past the limit of 7 days")
	_, _, err = hub.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, -time.Hour, officer.ID, false)
	requireCode(t, err, model.EINVALID, "positive")
	assert.Empty(t, commands(t, hub, 0))

	_, _, err = hub.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, model.MaxDirectiveDeadline, officer.ID, false)
	requireCode(t, err, model.EQUEUED)
	assert.Len(t, commands(t, hub, 0), 1, "the limit itself is within it")
}

func TestFedRefusedCommandIsAnEventOfTheTownThatFlowsUp(t *testing.T) {
	tw, hub, officer := floodedCounty(t, true)
	// The county's copy lags: it asks for wartime while the town is in it.
	_, err := hub.ActivateTowns(tw.ctx, model.ReasonTyphoon, []model.NodeCode{"330784"}, false, "", officer.ID)
	requireCode(t, err, model.EQUEUED)
	cmds := commands(t, hub, 0)
	require.Len(t, cmds, 1)

	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	evs, err := tw.s.Events(tw.ctx, 0, 3)
	require.NoError(t, err)
	ev := evs[0]
	require.Equal(t, model.ActFedRefused, ev.Action)
	assert.NotEqual(t, model.ActFedRefused, evs[1].Action, "refused once")
	assert.Equal(t, model.FedMsgID(town, 1), ev.Directive)
	assert.Equal(t, "县值班", ev.ActorName)
	assert.Contains(t, ev.Note, "command 1 from the county")
	assert.Contains(t, ev.Note, "already active")
	assert.True(t, strings.HasPrefix(ev.NoteZh, "上级下行命令 1（战时启动（防台）"), ev.NoteZh)
	ts, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, model.ReasonFlood, ts.Active.Reason, "nothing changed")

	fedSync(t, tw.s, hub)
	hevs, err := hub.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActFedRefused, hevs[0].Action)
	assert.Equal(t, model.FedMsgID(town, ev.Seq), hevs[0].Fed)
	requireClean(t, hub)
}

func TestFedHubRefusesAScopeMixingFederatedAndItsOwnTowns(t *testing.T) {
	tw, _ := busyTown(t)
	hub, officer := countyHub(t, tw)
	_, err := hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784115", Level: model.LevelTown, Name: "象珠镇", Parent: "330784"}}, model.System, "")
	require.NoError(t, err)
	_, err = hub.ActivateTowns(tw.ctx, model.ReasonTyphoon, []model.NodeCode{"330784"}, false, "", officer.ID)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	assert.Empty(t, commands(t, hub, 0))
}

func TestFedCommandForAnotherTownIsNotApplied(t *testing.T) {
	tw, _ := busyTown(t)
	hub, officer := countyHub(t, tw)
	_, err := hub.Activate(tw.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", officer.ID)
	requireCode(t, err, model.EQUEUED)
	cmd := commands(t, hub, 0)[0]
	two := otherTown(t, tw)
	require.Error(t, two.FedCommand(tw.ctx, cmd))
	st, err := two.WartimeStatus(tw.ctx, "")
	require.NoError(t, err)
	assert.Empty(t, st.Towns)
}

func TestFedHubRefusesToDraftIntoATownsWartime(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	_, err := hub.DraftReserve(tw.ctx, 7, micro011, officer.ID)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	st, err := hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Len(t, st.Towns, 1)
}

// The county ends the wartime of a federated town as it starts one: a
// command the town applies through its own rules, once.
func TestFedCountyEndsATownsWartimeAsACommandAppliedOnce(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	_, err := hub.Deactivate(tw.ctx, "", officer.ID)
	requireCode(t, err, model.EQUEUED)
	assert.Equal(t, "sent to 花街镇, waiting for it to act (command 1)", model.ErrorMessage(err))
	st, err := hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Len(t, st.Towns, 1, "the hub's copy is not changed")

	cmds := commands(t, hub, 0)
	require.Len(t, cmds, 1)
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	ts, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	assert.False(t, ts.Active.Active(), "the town's wartime ended")
	evs, err := tw.s.Events(tw.ctx, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, model.ActDeactivate, evs[0].Action)
	assert.Equal(t, "县值班", evs[0].ActorName)
	assert.Contains(t, evs[0].NoteZh, "上级下行命令 1，县值班 下达")
	assert.NotEqual(t, model.ActDeactivate, evs[1].Action, "ended once")

	fedSync(t, tw.s, hub)
	st, err = hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Empty(t, st.Towns, "the county sees the town at peace")
	requireClean(t, hub)
	requireClean(t, tw.s)
}

// An end that comes after the town ended that wartime itself is refused,
// and the refusal flows up.
func TestFedCountysEndOfAnEndedWartimeIsRefused(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	_, err := hub.Deactivate(tw.ctx, "", officer.ID)
	requireCode(t, err, model.EQUEUED)
	_, err = tw.s.Deactivate(tw.ctx, "", tw.duty.ID)
	require.NoError(t, err)

	require.NoError(t, tw.s.FedCommand(tw.ctx, commands(t, hub, 0)[0]))
	evs, err := tw.s.Events(tw.ctx, 0, 2)
	require.NoError(t, err)
	require.Equal(t, model.ActFedRefused, evs[0].Action)
	assert.Contains(t, evs[0].Note, "the end of wartime W-0001")
	assert.Contains(t, evs[0].NoteZh, "结束战时 W-0001")
	assert.Equal(t, model.ActDeactivate, evs[1].Action, "the town's own end, by its officer")
	assert.NotEqual(t, "县值班", evs[1].ActorName)
	requireClean(t, tw.s)
}

// On a hub, the copy of a federated town's person acts on nothing: a
// command to the town, a note on its incident or an import in their name
// is refused, naming them and their town; the county's own officer acts.
func TestFedHubRefusesTheTownsPeopleAsActors(t *testing.T) {
	tw, _ := busyTown(t)
	hub, officer := countyHub(t, tw)
	var mirror model.Person
	people, err := hub.People(tw.ctx, model.PeopleFilter{Node: town, Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	require.NotEmpty(t, people, "the town's roster is on the hub")
	mirror = people[0]

	_, err = hub.Activate(tw.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", mirror.ID)
	requireCode(t, err, model.EFORBIDDEN)
	assert.Contains(t, model.ErrorMessage(err), mirror.Name)
	assert.Contains(t, model.ErrorMessageZh(err), "属联网镇花街镇")
	assert.Empty(t, commands(t, hub, 0), "nothing queued in the town officer's name")
	_, err = hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784001", Level: model.LevelTown, Name: "东城街道", Parent: "330784"}}, mirror.ID, "")
	requireCode(t, err, model.EFORBIDDEN)

	_, err = hub.Activate(tw.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", officer.ID)
	requireCode(t, err, model.EQUEUED)
	requireClean(t, hub)
}

// A hub's file restored from a backup older than its command stream
// numbers its next command after the stream's last (SetFedCommandCursor
// past the numbering): the town skips a number it applied.
func TestFedRestoredHubNumbersCommandsAfterItsStream(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	last, err := hub.FedCommandsLast(tw.ctx)
	require.NoError(t, err)
	require.Zero(t, last)
	require.NoError(t, hub.SetFedCommandCursor(tw.ctx, 7)) // the stream holds 7 commands of the lost copy
	_, _, err = hub.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, 2*time.Hour, officer.ID, false)
	requireCode(t, err, model.EQUEUED)
	assert.Contains(t, model.ErrorMessage(err), "command 8")
	cmds := commands(t, hub, 7)
	require.Len(t, cmds, 1)
	assert.EqualValues(t, 8, cmds[0].Seq)
	last, err = hub.FedCommandsLast(tw.ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 8, last)
	requireClean(t, hub)
}

// A county directive keeps the deadline the county gave it however long
// the command takes to reach the town (it was a duration from the town's
// clock: relay delay added to it); one that arrives past it is refused,
// the refusal an event that flows up; a command written before it carried
// the time is read as it was.
func TestFedCountyDirectiveKeepsItsDeadlineOnTheWay(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	due := tw.clock.Now().Add(2 * time.Hour)
	_, _, err := hub.IssueDirective(tw.ctx, "转移低洼户", []model.NodeCode{village}, 2*time.Hour, officer.ID, false)
	requireCode(t, err, model.EQUEUED)
	_, _, err = hub.IssueDirectiveAt(tw.ctx, "清点物资", []model.NodeCode{village}, tw.clock.Now().Add(time.Hour), officer.ID, false)
	requireCode(t, err, model.EQUEUED)
	_, _, err = hub.IssueDirective(tw.ctx, "加固堤坝", []model.NodeCode{village}, 3*time.Hour, officer.ID, false)
	requireCode(t, err, model.EQUEUED)
	cmds := commands(t, hub, 0)
	require.Len(t, cmds, 3)

	tw.clock.Advance(80 * time.Minute) // the link was cut
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	ds, err := tw.s.Directives(tw.ctx, town)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, due, ds[0].Deadline, "the county's deadline, not 2h from when it arrived")

	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[1]))
	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActFedRefused, evs[0].Action, "due an hour after it was sent, 80 minutes ago")
	assert.Contains(t, evs[0].Note, "has passed")
	assert.Contains(t, evs[0].NoteZh, "已过")

	var old map[string]any
	require.NoError(t, json.Unmarshal(cmds[2].Data, &old))
	require.Contains(t, old, "deadline_at")
	assert.EqualValues(t, 3*time.Hour, old["deadline"], "a town that reads only the duration still gets one")
	delete(old, "deadline_at")
	data, err := json.Marshal(old)
	require.NoError(t, err)
	require.NoError(t, tw.s.FedCommand(tw.ctx, model.FedRecord{Town: cmds[2].Town, Seq: cmds[2].Seq, Data: data}))
	ds, err = tw.s.Directives(tw.ctx, town)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, tw.clock.Now().Add(3*time.Hour), ds[1].Deadline, "an old command: its duration from the town's clock")
	requireClean(t, tw.s)
}
