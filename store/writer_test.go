package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

func TestConcurrentWriters(t *testing.T) {
	tw := newTower(t)
	const writers, each = 50, 40
	nodes := []model.NodeCode{micro011, micro012, micro021, micro101, grid01, grid02, grid10}
	type filed struct {
		inc model.Incident
		err error
	}
	out := make(chan filed, writers*each)
	inParallel(writers, each, func(w, i int) {
		inc, err := tw.s.Report(tw.ctx, model.Report{
			Node: nodes[(w+i)%len(nodes)], Category: "dispute", Severity: model.SeverityIII,
			Title: fmt.Sprintf("writer %d report %d", w, i), Reporter: tw.worker01.ID,
		})
		if err == nil && i%10 == 0 {
			// Actions interleave with the reports.
			_, err = tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.duty.ID})
		}
		out <- filed{inc, err}
	})
	close(out)
	ids := map[string]bool{}
	seqs := map[uint64]bool{}
	for f := range out {
		require.NoError(t, f.err)
		assert.False(t, ids[f.inc.ID], "id %s twice", f.inc.ID)
		assert.False(t, seqs[f.inc.Seq], "seq %d twice", f.inc.Seq)
		ids[f.inc.ID], seqs[f.inc.Seq] = true, true
	}
	require.Len(t, ids, writers*each)
	for n := 1; n <= writers*each; n++ {
		assert.True(t, ids[testkit.IncidentID("HJ", t0, uint64(n))], "daily number %d", n)
	}
	for s := uint64(1); s <= writers*each; s++ {
		assert.True(t, seqs[s], "seq %d", s)
	}
	open, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{Status: model.StatusAcknowledged})
	require.NoError(t, err)
	assert.Len(t, open, writers*each/10)
	evs, err := tw.s.Events(tw.ctx, 0, 10000)
	require.NoError(t, err)
	assert.Len(t, evs, 2+writers*each+writers*each/10)
	requireClean(t, tw.s)
}

// TestFailingRequestDoesNotSpoilItsBatch holds the writer, queues good and
// bad requests behind it so they form one batch, and checks that only the
// bad ones fail and leave no trace.
func TestFailingRequestDoesNotSpoilItsBatch(t *testing.T) {
	tw := newTower(t)
	sub := tw.s.Subscribe()
	defer sub.Close()

	release, blocker := holdWriter(tw)

	type answer struct {
		inc model.Incident
		err error
	}
	var answers []chan answer
	queued := 0
	enqueue := func(f func() (model.Incident, error)) {
		ch := make(chan answer, 1)
		answers = append(answers, ch)
		go func() {
			inc, err := f()
			ch <- answer{inc, err}
		}()
		queued++
		deadline := time.Now().Add(10 * time.Second)
		for len(tw.s.queue) < queued {
			require.True(t, time.Now().Before(deadline), "request not queued")
			time.Sleep(time.Millisecond)
		}
	}
	report := func(node model.NodeCode, title string) func() (model.Incident, error) {
		return func() (model.Incident, error) {
			return tw.s.Report(tw.ctx, model.Report{Node: node, Category: "hazard", Severity: model.SeverityII,
				Title: title, Reporter: tw.worker01.ID})
		}
	}
	stray := village.Child(9)
	enqueue(report(micro021, "good one"))
	enqueue(func() (model.Incident, error) { // writes, then fails: must leave nothing
		_, err := tw.s.write(tw.ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
			if err := putNode(tx, model.Node{Code: stray, Level: model.LevelGrid, Name: "stray", Parent: village}); err != nil {
				return nil, err
			}
			if _, err := tx.Bucket(bucketIncidents).NextSequence(); err != nil {
				return nil, err
			}
			return nil, model.Errorf(model.ECONFLICT, "refused after writing")
		})
		return model.Incident{}, err
	})
	enqueue(func() (model.Incident, error) {
		_, err := tw.s.write(tw.ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) { panic("boom") })
		return model.Incident{}, err
	})
	enqueue(report("330784114266-07", "unknown node"))
	enqueue(report(micro101, "good two"))
	close(release)
	require.NoError(t, <-blocker)

	got := make([]answer, len(answers))
	for i, ch := range answers {
		got[i] = <-ch
	}
	require.NoError(t, got[0].err)
	requireCode(t, got[1].err, model.ECONFLICT)
	require.Error(t, got[2].err)
	assert.Contains(t, got[2].err.Error(), "panicked: boom")
	requireCode(t, got[3].err, model.ENOTFOUND)
	require.NoError(t, got[4].err)
	assert.Equal(t, []uint64{1, 2}, []uint64{got[0].inc.Seq, got[4].inc.Seq}, "the failed request's sequence was rolled back")
	assert.Equal(t, "HJ-20261129-0002", got[4].inc.ID)

	_, err := tw.s.Node(tw.ctx, stray)
	requireCode(t, err, model.ENOTFOUND)

	// Both good reports were committed together, as one published batch.
	select {
	case b := <-sub.C():
		batch := b.Events
		require.Len(t, batch, 2)
		assert.Equal(t, got[0].inc.ID, batch[0].Incident)
		assert.Equal(t, got[4].inc.ID, batch[1].Incident)
		assert.Equal(t, batch[0].Seq+1, batch[1].Seq)
	case <-time.After(10 * time.Second):
		t.Fatal("no batch published")
	}
	requireClean(t, tw.s)
}

func TestSubscribe(t *testing.T) {
	tw := newTower(t)
	tw.s.subBuffer = 4
	sub := tw.s.Subscribe()
	lagging := tw.s.Subscribe()
	next := func() []model.Event {
		t.Helper()
		select {
		case b, ok := <-sub.C():
			require.True(t, ok)
			return b.Events
		case <-time.After(10 * time.Second):
			t.Fatal("nothing published")
			return nil
		}
	}
	inc := tw.report(t, micro021, tw.worker01.ID, "a")
	b := next()
	require.Len(t, b, 1)
	last, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, last[0], b[0], "published as stored, with its seq")

	_, err = tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	require.NoError(t, err)
	b = next()
	assert.Equal(t, model.ActAcknowledge, b[0].Action)

	// A failed write publishes nothing.
	_, err = tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	require.Error(t, err)
	select {
	case b := <-sub.C():
		t.Fatalf("published after a refusal: %v", b)
	default:
	}
	assert.False(t, sub.Lost())

	// The lagging subscriber never read: after more than 4 batches it has lost some.
	for i := 0; i < 4; i++ {
		tw.report(t, micro011, tw.worker01.ID, "more")
		next()
	}
	assert.True(t, lagging.Lost())
	assert.False(t, lagging.Lost(), "Lost reports the losses since the last call: after a reload the reader is in step again")
	assert.False(t, sub.Lost())
	assert.Len(t, lagging.C(), 4)

	sub.Close()
	sub.Close()
	_, ok := <-sub.C()
	assert.False(t, ok, "closed subscription's channel is closed")
	tw.report(t, micro011, tw.worker01.ID, "after unsubscribing") // must not panic

	require.NoError(t, tw.s.Close())
	for range lagging.C() {
	}
	lagging.Close()
	late := tw.s.Subscribe()
	_, ok = <-late.C()
	assert.False(t, ok, "subscribing to a closed store gives a closed channel")
	late.Close()
}

func TestCanceledContext(t *testing.T) {
	tw := newTower(t)
	ctx, cancel := context.WithCancel(tw.ctx)
	cancel()
	_, err := tw.s.Report(ctx, model.Report{Node: grid01, Category: "traffic", Severity: 2, Title: "x", Reporter: tw.worker01.ID})
	require.ErrorIs(t, err, context.Canceled)
	_, err = tw.s.Incidents(ctx, model.IncidentFilter{})
	require.ErrorIs(t, err, context.Canceled)
}

// TestBatchCarriesTheIncidents: each published batch carries every
// incident its events name, once each, as a fresh read finds it after the
// commit: a report, an action, two actions on one incident in one commit,
// the sweep's escalation, an alert that joins an incident without changing
// it; a batch whose events name none carries none.
func TestBatchCarriesTheIncidents(t *testing.T) {
	tw := newTower(t)
	sub := tw.s.Subscribe()
	defer sub.Close()
	next := func() model.Batch {
		t.Helper()
		return testkit.NextBatch(t, sub, 10*time.Second, "nothing published")
	}
	// carries checks b against fresh reads and returns the ids it names.
	carries := func(b model.Batch) []string {
		t.Helper()
		var named []string
		for _, ev := range b.Events {
			if ev.Incident != "" && !slices.Contains(named, ev.Incident) {
				named = append(named, ev.Incident)
			}
		}
		require.Len(t, b.Incidents, len(named), "each incident the events name, once")
		for i, id := range named {
			fresh := tw.incident(t, id)
			assert.Equal(t, fresh, b.Incidents[i], "%s as the commit left it", id)
		}
		return named
	}

	inc := tw.report(t, micro021, tw.worker01.ID, "a")
	assert.Equal(t, []string{inc.ID}, carries(next()))

	_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	require.NoError(t, err)
	b := next()
	assert.Equal(t, []string{inc.ID}, carries(b))
	assert.Equal(t, model.StatusAcknowledged, b.Incidents[0].Status)

	// Held behind a blocker, an escalation of inc, a new report and the
	// village's acknowledgement of inc commit together: inc comes once, as
	// the last of them left it.
	release, blocker := holdWriter(tw)
	done := make(chan error, 3)
	queued := 0
	enqueue := func(f func() error) {
		go func() { done <- f() }()
		queued++
		deadline := time.Now().Add(10 * time.Second)
		for len(tw.s.queue) < queued {
			require.True(t, time.Now().Before(deadline), "request not queued")
			time.Sleep(time.Millisecond)
		}
	}
	enqueue(func() error {
		_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActEscalate, By: tw.leader02.ID, Note: "上报"})
		return err
	})
	var other model.Incident
	enqueue(func() error {
		var err error
		other, err = tw.s.Report(tw.ctx, model.Report{Node: micro011, Category: "traffic", Severity: model.SeverityII,
			Title: "b", Reporter: tw.worker01.ID})
		return err
	})
	enqueue(func() error {
		_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.cadre.ID})
		return err
	})
	close(release)
	require.NoError(t, <-blocker)
	for range queued {
		require.NoError(t, <-done)
	}
	b = next()
	require.Len(t, b.Events, 3, "one commit")
	assert.Equal(t, []string{inc.ID, other.ID}, carries(b))
	assert.Equal(t, model.State{Tier: model.TierVillage, Status: model.StatusAcknowledged},
		model.State{Tier: b.Incidents[0].Tier, Status: b.Incidents[0].Status}, "the last change of the commit")

	// The sweep escalates what nobody signed for.
	tw.clock.Advance(2 * time.Minute)
	evs := sweep(t, tw.s)
	require.NotEmpty(t, evs)
	b = next()
	assert.Contains(t, carries(b), other.ID)

	// An alert joining an open incident leaves it as it was; the batch
	// carries it all the same.
	var opened model.AlertResult
	for i := 0; i < 3; i++ { // the first two are only recorded: no events
		opened = tw.alert(t, micro012, "smoke", "S-1", "")
	}
	require.True(t, opened.Opened)
	assert.Equal(t, []string{opened.Incident}, carries(next()))
	joined := tw.alert(t, micro012, "camera", "C-1", "")
	require.True(t, joined.Attached)
	b = next()
	require.Len(t, b.Events, 1)
	assert.Equal(t, model.ActAlert, b.Events[0].Action)
	assert.Equal(t, []string{opened.Incident}, carries(b))

	// The roster's import names no incident.
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "新网格员", Phone: "13900000099", Node: grid01,
		Roles: []model.Role{model.RoleGridWorkerPart}}}, model.System, "one more")
	require.NoError(t, err)
	b = next()
	require.NotEmpty(t, b.Events)
	assert.Empty(t, carries(b))
	assert.Empty(t, b.Incidents)
}

// holdWriter starts a write that holds the writer until release is closed,
// and returns once it holds it; blocker gets the write's error.
func holdWriter(tw *tower) (release chan struct{}, blocker chan error) {
	release = make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	blocker = make(chan error, 1)
	go func() {
		_, err := tw.s.write(tw.ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
			once.Do(func() { close(started) })
			<-release
			return nil, nil
		})
		blocker <- err
	}()
	<-started
	return release, blocker
}

// LastBurst moves only when many reports come at once (the federation's
// uplink gives way to it), and keeps the monotonic clock.
func TestLastBurstIsManyReportsAtOnce(t *testing.T) {
	tw := newTower(t)
	require.True(t, tw.s.LastBurst().IsZero())
	for i := range 20 {
		tw.report(t, micro011, tw.worker01.ID, fmt.Sprintf("一件接一件 %d", i))
	}
	require.True(t, tw.s.LastBurst().IsZero(), "reports one after another are no burst")

	before := time.Now()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := tw.s.Report(tw.ctx, model.Report{Node: micro011, Category: "traffic", Severity: model.SeverityIII,
				Title: fmt.Sprintf("同时上报 %d", i), Reporter: tw.worker01.ID})
			assert.NoError(t, err)
		}()
	}
	close(start)
	wg.Wait()
	got := tw.s.LastBurst()
	require.False(t, got.IsZero(), "200 reports at once are a burst")
	assert.False(t, got.Before(before))
	assert.False(t, got.After(time.Now()))
	assert.Contains(t, got.String(), "m=+", "the monotonic reading is kept")
}
