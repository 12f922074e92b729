package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A patroller on patrol who does not check in for patrol.silence (2h)
// raises one watchdog incident at the area's village, at the village tier;
// a restart opens no second one; their next check-in resolves it by itself,
// saying how long they were silent; the handover sheet lists it meanwhile.
func TestPatrollerSilenceOnPatrol(t *testing.T) {
	tw := newPatrolTower(t)
	p, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	tw.clock.Advance(30 * time.Minute)
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C1", nil, tw.patroller.ID, "") // last heard at +30m
	require.NoError(t, err)

	// Not silent a second before two hours after the check-in: watch/next
	// was two hours after the start, so one sweep finds nothing and moves
	// it on; from then the sweep commits nothing.
	tw.clock.Set(t0.Add(30*time.Minute + 2*time.Hour - time.Second))
	evs := sweep(t, tw.s)
	assert.Empty(t, openedBy(t, tw.s, evs))
	writes := txWrites(tw.s)
	evs = sweep(t, tw.s)
	assert.Empty(t, evs)
	assert.Equal(t, writes, txWrites(tw.s), "nothing due: the sweep commits nothing")

	tw.clock.Advance(time.Second)
	evs = sweep(t, tw.s)
	silences := openedBy(t, tw.s, evs)
	require.Len(t, silences, 1)
	inc := silences[0]
	assert.Equal(t, model.SourceWatchdog, inc.Source)
	assert.Equal(t, village, inc.Node, "at the area's village")
	assert.Equal(t, model.StartTier(village), inc.Tier, "at the village's tier, as a gateway's silence there")
	assert.Equal(t, model.TierVillage, inc.Tier)
	assert.Equal(t, model.System, inc.Reporter)
	assert.Contains(t, inc.Title, p.ID)
	assert.Contains(t, inc.Title, tw.patroller.Name)
	got, err := tw.s.Patrol(tw.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, inc.ID, got.Silence)
	assert.True(t, got.Silent(tw.clock.Now(), time.Hour*100), "silent while its incident is open")

	// Later sweeps, and a restart, open no second incident.
	tw.clock.Advance(time.Hour)
	evs = sweep(t, tw.s)
	assert.Empty(t, openedBy(t, tw.s, evs))
	tw.reopen(t)
	tw.clock.Advance(3 * time.Hour)
	evs = sweep(t, tw.s)
	assert.Empty(t, openedBy(t, tw.s, evs), "a restart opens no second incident")
	n := 0
	incs, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{})
	require.NoError(t, err)
	for _, i := range incs {
		if i.Source == model.SourceWatchdog {
			n++
		}
	}
	assert.Equal(t, 1, n)

	// The handover sheets of the village and the town list the silence.
	for _, room := range []model.NodeCode{village, town} {
		var sheet []model.Silence
		require.NoError(t, tw.s.view(func(txn *bolt.Tx) error {
			sheet, err = tw.s.silences(txn, room)
			return err
		}))
		require.Len(t, sheet, 1, room)
		assert.Equal(t, model.Silence{Kind: model.SilencePatrol, Name: tw.patroller.Name + " " + p.ID, Node: village,
			NodeName: sheet[0].NodeName, Since: t0.Add(30 * time.Minute), Incident: inc.ID}, sheet[0])
	}

	// The next check-in resolves it, by the system, with how long it was.
	back := tw.clock.Now()
	got, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C2", nil, tw.patroller.ID, "")
	require.NoError(t, err)
	assert.Empty(t, got.Silence)
	inc = tw.incident(t, inc.ID)
	assert.Equal(t, model.StatusResolved, inc.Status)
	assert.Equal(t, back, inc.ResolvedAt)
	tl := tw.timeline(t, inc.ID)
	last := tl[len(tl)-1]
	assert.Equal(t, model.System, last.Actor)
	assert.Equal(t, model.ActResolve, last.Action)
	silent := back.Sub(t0.Add(30 * time.Minute))
	assert.Equal(t, "patroller "+tw.patroller.Name+" checked in again on "+p.ID+" after "+model.FormatWait(silent)+" of silence: resolved by itself", last.Note)

	// Heard again: a new silence, two hours later, is a new incident.
	tw.clock.Advance(2 * time.Hour)
	evs = sweep(t, tw.s)
	again := openedBy(t, tw.s, evs)
	require.Len(t, again, 1)
	assert.NotEqual(t, inc.ID, again[0].ID)

	// The patrol's end (here by the liaison) resolves that one.
	tw.clock.Advance(10 * time.Minute)
	_, _, err = tw.s.EndPatrol(tw.ctx, p.ID, tw.liaison.ID, "")
	require.NoError(t, err)
	tl = tw.timeline(t, again[0].ID)
	last = tl[len(tl)-1]
	assert.Equal(t, model.ActResolve, last.Action)
	assert.Equal(t, "patrol "+p.ID+" of "+tw.patroller.Name+" ended after 2h10m of silence: resolved by itself", last.Note)

	// An ended patrol is watched no more.
	tw.clock.Advance(5 * time.Hour)
	evs = sweep(t, tw.s)
	assert.Empty(t, openedBy(t, tw.s, evs))
	requireClean(t, tw.s)
}

// A restart with a shorter patrol.silence than the file's watch/next was
// set by finds the silence at the first sweep, not at the old time.
func TestPatrolSilenceShortenedAcrossARestart(t *testing.T) {
	tw := newPatrolTower(t)
	_, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	require.NoError(t, tw.s.Close())
	opts := testOptions(tw.clock)
	opts.Policy = model.DefaultPolicy()
	opts.Policy.Patrol.Silence = 10 * time.Minute
	tw.s, err = Open(tw.path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tw.s.Close() })
	tw.clock.Advance(15 * time.Minute)
	evs := sweep(t, tw.s)
	require.Len(t, openedBy(t, tw.s, evs), 1, "silent for 10m by the configuration in force")
	writes := txWrites(tw.s)
	evs = sweep(t, tw.s)
	assert.Empty(t, evs)
	assert.Equal(t, writes, txWrites(tw.s), "only the first sweep looks regardless")
}

// check finds a patrol whose silence points at no incident.
func TestCheckFindsPatrolSilenceDrift(t *testing.T) {
	tw := newPatrolTower(t)
	p, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	tw.clock.Advance(2 * time.Hour)
	sweep(t, tw.s)
	requireClean(t, tw.s)
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		p, err := tw.s.getPatrol(tx, p.Seq)
		require.NoError(t, err)
		require.NotZero(t, p.SilenceSeq)
		p.SilenceSeq = 999
		return putPatrol(tx, p)
	}))
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], "X-0001's silence points at incident seq 999")
}
