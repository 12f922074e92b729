package federation

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// county is a hub and its towns' keys, for tests.
type county struct {
	t     *testing.T
	dir   string
	towns []HubTown
	seeds map[model.NodeCode]string // seed files
	rm    *testkit.FedReadModel
	cmds  *memCommands
	hub   *Hub
	addr  string // the hub's listener, kept across restarts
	tls   TLSFiles
	now   func() time.Time // the hub's clock (nil: the wall clock)
}

func newCounty(t *testing.T, codes ...model.NodeCode) *county {
	t.Helper()
	c := &county{t: t, dir: t.TempDir(), seeds: map[model.NodeCode]string{}, rm: testkit.NewFedReadModel(), cmds: &memCommands{}, addr: "127.0.0.1:0"}
	for _, code := range codes {
		seed, pub, err := NewTownKey()
		require.NoError(t, err)
		file := filepath.Join(c.dir, string(code)+".nk")
		require.NoError(t, os.WriteFile(file, []byte(seed+"\n"), 0o600))
		c.seeds[code] = file
		c.towns = append(c.towns, HubTown{Code: code, Nkey: pub})
	}
	return c
}

func (c *county) startHub() *Hub {
	c.t.Helper()
	h, err := StartHub(context.Background(), HubConfig{
		StoreDir:  filepath.Join(c.dir, "hub"),
		Listen:    c.addr,
		Towns:     c.towns,
		TLS:       TLSFiles{Cert: c.tls.Cert, Key: c.tls.Key},
		ReadModel: c.rm,
		Commands:  c.cmds,
		Poll:      20 * time.Millisecond,
		Logf:      testLog(c.t, "hub"),
		Now:       c.now,
	})
	require.NoError(c.t, err)
	c.hub = h
	c.addr = fmt.Sprintf("127.0.0.1:%d", h.Port())
	c.t.Cleanup(func() { h.Close() })
	return h
}

func (c *county) url() string {
	if c.tls.Enabled() {
		return "tls://" + c.addr
	}
	return "nats://" + c.addr
}

// town starts a town's node; as names the town it claims to be (its
// domain, stream and subjects), key whose seed it signs with.
func (c *county) town(as, key model.NodeCode, out *memOutbox, cmd model.FedCommander) *Town {
	c.t.Helper()
	tn, err := StartTown(context.Background(), TownConfig{
		Town:      as,
		StoreDir:  filepath.Join(c.dir, "town-"+string(as)),
		HubURL:    c.url(),
		NkeySeed:  c.seeds[key],
		TLS:       TLSFiles{CA: c.tls.CA},
		Outbox:    out,
		Commander: cmd,
		LastBurst: out.lastBurst,
		Poll:      20 * time.Millisecond,
		Reconnect: 100 * time.Millisecond,
		Logf:      testLog(c.t, string(as)),
	})
	require.NoError(c.t, err)
	c.t.Cleanup(func() { tn.Close() })
	return tn
}

// hubStreamCount is how many messages of town the hub's stream holds.
func hubStreamCount(t *testing.T, h *Hub, town model.NodeCode) uint64 {
	t.Helper()
	s, err := h.js.Stream(context.Background(), hubStream)
	require.NoError(t, err)
	info, err := s.Info(context.Background(), jetstream.WithSubjectFilter(EventsSubject(town)))
	require.NoError(t, err)
	return info.State.Subjects[EventsSubject(town)]
}

// publishT1 starts town T1 on an outbox of its own, writes n records to
// it and waits until the hub has applied them.
func (c *county) publishT1(n int) (*memOutbox, *Town) {
	c.t.Helper()
	o := &memOutbox{town: "T1"}
	tn := c.town("T1", "T1", o, nil)
	o.add(n)
	waitApplied(c.t, c.rm, "T1", uint64(n), 10*time.Second)
	return o, tn
}

func waitApplied(t *testing.T, rm *testkit.FedReadModel, town model.NodeCode, want uint64, within time.Duration) {
	t.Helper()
	require.Eventually(t, func() bool { return rm.Applied(town) >= want }, within, 10*time.Millisecond,
		"town %s: applied %d of %d", town, rm.Applied(town), want)
}

func TestEventsFlowTownToHub(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.startHub()
	o1, o2 := &memOutbox{town: "T1"}, &memOutbox{town: "T2"}
	t1 := c.town("T1", "T1", o1, nil)
	c.town("T2", "T2", o2, nil)
	o1.add(300)
	o2.add(200)
	t1.Notify()
	waitApplied(t, c.rm, "T1", 300, 10*time.Second)
	waitApplied(t, c.rm, "T2", 200, 10*time.Second)
	require.Zero(t, c.rm.Doubles())
	require.Zero(t, c.rm.Gaps())
	require.EqualValues(t, 300, hubStreamCount(t, c.hub, "T1"))
	require.EqualValues(t, 200, hubStreamCount(t, c.hub, "T2"))
}

func TestHubDownTownKeepsPublishingThenCatchesUpOnce(t *testing.T) {
	c := newCounty(t, "T1")
	c.startHub()
	o, tn := c.publishT1(100)

	require.NoError(t, c.hub.Close())
	require.Eventually(t, func() bool { return !tn.Connected() }, 5*time.Second, 10*time.Millisecond)
	o.add(2000)
	// The town's stream takes them with the hub away: publishing is local.
	require.Eventually(t, func() bool { return tn.pub.at.Load() == 2100 }, 10*time.Second, 10*time.Millisecond)
	require.EqualValues(t, 100, c.rm.Applied("T1"))

	h := c.startHub()
	waitApplied(t, c.rm, "T1", 2100, 20*time.Second)
	require.Zero(t, c.rm.Doubles())
	require.Zero(t, c.rm.Gaps())
	require.EqualValues(t, 2100, hubStreamCount(t, h, "T1"))
}

// During a burst of reports the uplink holds its batches back (a second
// each at the most) and sends the backlog once the burst ends.
func TestUplinkHoldsBackDuringABurstAndCatchesUpAfter(t *testing.T) {
	c := newCounty(t, "T1")
	c.startHub()
	o, tn := c.publishT1(10)
	// A burst until further notice: after its first transaction the
	// writer's last burst one reads as still to come, so it never looks
	// over (the publisher reads 20 ms and more after the add).
	o.add(2000)
	o.last.Store(time.Now().Add(time.Hour).UnixNano())
	tn.Notify()
	time.Sleep(700 * time.Millisecond)
	assert.LessOrEqual(t, tn.pub.at.Load(), uint64(10+publishBatch), "the uplink went on during the burst")
	assert.Less(t, c.rm.Applied("T1"), uint64(2010))

	o.last.Store(time.Now().UnixNano()) // the burst ends
	waitApplied(t, c.rm, "T1", 2010, 10*time.Second)
	require.Zero(t, c.rm.Doubles())
	require.Zero(t, c.rm.Gaps())
}

// A town's file restored from an older backup, under the node's
// surviving store: the cursor is written at the stream's last record,
// which moves the file's numbering past it (SetFedCursor), so its new
// records reach the hub instead of taking numbers the stream and the hub
// already hold from the lost copy.
func TestRestoredTownGoesOnAfterItsStream(t *testing.T) {
	c := newCounty(t, "T1")
	c.startHub()
	o, tn := c.publishT1(100)
	require.NoError(t, tn.Close())

	restored := o.olderCopy(60, 50)
	tn = c.town("T1", "T1", restored, nil)
	require.Eventually(t, func() bool { n, _ := restored.FedCursor(context.Background()); return n == 100 },
		5*time.Second, 10*time.Millisecond, "the cursor written at the stream's last record")
	restored.mu.Lock()
	numbered := slices.Sorted(slices.Values(restored.numbered))
	restored.mu.Unlock()
	want := make([]uint64, 0, 50)
	for seq := uint64(51); seq <= 100; seq++ {
		want = append(want, seq)
	}
	assert.Equal(t, want, numbered, "the stream's records after the file's cursor, the lost copy's, handed to be numbered past")
	restored.add(10)
	tn.Notify()
	waitApplied(t, c.rm, "T1", 110, 10*time.Second)
	recs, err := restored.FedPending(context.Background(), 60, 100)
	require.NoError(t, err)
	require.Len(t, recs, 10)
	assert.EqualValues(t, 101, recs[0].Seq, "numbered after the stream")
	require.Zero(t, c.rm.Doubles())
	require.EqualValues(t, 110, hubStreamCount(t, c.hub, "T1"))
}

// A hub's file restored from a backup older than the hub's stream: the
// appliers, which acked records the file does not hold, give them again
// (the file skips those it has), and the commands are numbered after the
// lost copy's, which the town applied and would skip.
func TestRestoredHubReadsAgainAndNumbersOn(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.startHub()
	cmd := &memCommander{}
	o, o2 := &memOutbox{town: "T1"}, &memOutbox{town: "T2"}
	c.town("T1", "T1", o, cmd)
	c.town("T2", "T2", o2, nil)
	o.add(100)
	o2.add(50)
	waitApplied(t, c.rm, "T1", 100, 10*time.Second)
	waitApplied(t, c.rm, "T2", 50, 10*time.Second)
	c.cmds.add("T1", "directive 1")
	c.cmds.add("T1", "directive 2")
	c.cmds.add("T1", "directive 3")
	c.hub.Notify()
	require.Eventually(t, func() bool { return len(cmd.got()) == 3 }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, c.hub.Close())

	c.rm.SetBack("T1", 60)
	c.cmds = c.cmds.olderCopy(1, 1)
	c.startHub()
	waitApplied(t, c.rm, "T1", 100, 10*time.Second)
	assert.Zero(t, c.rm.Gaps())
	assert.Equal(t, 2, c.rm.Seen("T1", 61), "record 61 came again")
	o2.add(5)
	waitApplied(t, c.rm, "T2", 55, 10*time.Second)
	assert.Equal(t, 1, c.rm.Seen("T2", 50), "the town the file holds whole is not read again")
	require.Eventually(t, func() bool { n, _ := c.cmds.FedCommandCursor(context.Background()); return n == 3 },
		5*time.Second, 10*time.Millisecond, "the cursor written at the stream's last command")
	c.cmds.add("T1", "directive after the restore")
	c.hub.Notify()
	require.Eventually(t, func() bool { return len(cmd.got()) == 4 }, 10*time.Second, 10*time.Millisecond,
		"the town applies the restored hub's next command: %v", cmd.got())
	assert.Equal(t, "directive after the restore", cmd.got()[3])
}

// A town that died after its stream took records and before its cursor
// was written publishes them again on start: the stream's last record and
// the message ids keep the hub at one copy each.
func TestRepublishAfterRestartFromCursorIsOnce(t *testing.T) {
	c := newCounty(t, "T1")
	c.startHub()
	o, tn := c.publishT1(500)
	require.NoError(t, tn.Close())

	// The cursor is set back as if it had never been written: a start
	// republishes from 0 and the ids make every second copy a duplicate.
	o.mu.Lock()
	o.cursor = 0
	o.mu.Unlock()
	o.add(50)
	tn = c.town("T1", "T1", o, nil)
	waitApplied(t, c.rm, "T1", 550, 10*time.Second)
	// Republish the whole log through the stream, bypassing the start's
	// skip: every one is a duplicate of the window.
	tn.pub.at.Store(0)
	tn.Notify()
	require.Eventually(t, func() bool { return tn.pub.at.Load() == 550 }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	require.Zero(t, c.rm.Doubles())
	require.EqualValues(t, 550, hubStreamCount(t, c.hub, "T1"))
	info, err := tn.js.Stream(context.Background(), TownStream("T1"))
	require.NoError(t, err)
	require.EqualValues(t, 550, info.CachedInfo().State.Msgs)
}

// testLog is the nodes' log in the test's when FEDTEST_LOG is set.
func testLog(t *testing.T, who string) func(string, ...any) {
	if os.Getenv("FEDTEST_LOG") == "" {
		return nil
	}
	return func(f string, a ...any) { t.Logf(who+": "+f, a...) }
}

func TestCommandsAppliedOnceAcrossACut(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.startHub()
	cmd1, cmd2 := &memCommander{}, &memCommander{}
	t1 := c.town("T1", "T1", &memOutbox{town: "T1"}, cmd1)
	c.town("T2", "T2", &memOutbox{town: "T2"}, cmd2)
	c.cmds.add("T1", "directive 1")
	c.cmds.add("T2", "directive for T2")
	c.cmds.add("T1", "wartime on")
	c.hub.Notify()
	require.Eventually(t, func() bool { return len(cmd1.got()) == 2 && len(cmd2.got()) == 1 }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, []string{"directive 1", "wartime on"}, cmd1.got())

	// The cut: the town goes away, the hub takes two more commands for it
	// and restarts; then the town comes back.
	require.NoError(t, t1.Close())
	c.cmds.add("T1", "directive 2")
	c.cmds.add("T1", "directive 3")
	c.hub.Notify()
	require.Eventually(t, func() bool {
		s, err := c.hub.js.Stream(context.Background(), commandsStream)
		return err == nil && s.CachedInfo().State.Msgs == 5
	}, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, c.hub.Close())
	c.startHub()
	// A commander that fails hands the command back for another delivery.
	cmd1.mu.Lock()
	cmd1.fail = true
	cmd1.mu.Unlock()
	c.town("T1", "T1", &memOutbox{town: "T1"}, cmd1)
	require.Eventually(t, func() bool {
		cmd1.mu.Lock()
		defer cmd1.mu.Unlock()
		return cmd1.handed[3] >= 1
	}, 10*time.Second, 10*time.Millisecond)
	cmd1.mu.Lock()
	cmd1.fail = false
	cmd1.mu.Unlock()
	require.Eventually(t, func() bool { return len(cmd1.got()) == 4 }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, []string{"directive 1", "wartime on", "directive 2", "directive 3"}, cmd1.got())
	// The hub's restart republished nothing: five commands, each once.
	s, err := c.hub.js.Stream(context.Background(), commandsStream)
	require.NoError(t, err)
	info, err := s.Info(context.Background())
	require.NoError(t, err)
	require.EqualValues(t, 5, info.State.Msgs)
	require.Equal(t, []string{"directive for T2"}, cmd2.got())
}

func TestLinksAndStatusFile(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	var ahead atomic.Int64 // how far the hub's clock is ahead of the wall's
	c.now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	h := c.startHub()
	o, tn := c.publishT1(40)
	require.Eventually(t, func() bool {
		l := tn.Links()[0]
		return l.Connected && l.LastAckSeq == 40 && l.Pending == 0
	}, 5*time.Second, 50*time.Millisecond, "town link %+v", tn.Links())
	l := tn.Links()[0]
	require.Equal(t, "town", l.Role)
	require.Equal(t, c.url(), l.Hub)
	require.True(t, l.CutSince.IsZero())
	require.Eventually(t, func() bool {
		ls := h.Links()
		return len(ls) == 2 && ls[0].Connected && ls[0].LastAckSeq == 40 && ls[0].Pending == 0 && !ls[1].Connected
	}, 5*time.Second, 50*time.Millisecond, "hub links %+v", h.Links())
	require.Equal(t, model.NodeCode("T2"), h.Links()[1].Town)
	require.False(t, h.Links()[0].Linking)
	require.True(t, h.Links()[1].Linking, "the hub started a moment ago: T2 is not known cut yet")
	require.True(t, h.Links()[1].CutSince.IsZero())
	ahead.Store(int64(model.FedLinkGrace))
	require.Eventually(t, func() bool {
		l := h.Links()[1]
		return !l.Linking && !l.Connected && !l.CutSince.IsZero()
	}, 5*time.Second, 50*time.Millisecond, "past the grace T2 reads cut: %+v", h.Links())

	// The cut: the town counts what the hub does not have.
	require.NoError(t, h.Close())
	o.add(7)
	require.Eventually(t, func() bool {
		l := tn.Links()[0]
		return !l.Connected && !l.Linking && l.Pending == 7 && l.LastAckSeq == 40 && !l.CutSince.IsZero()
	}, 5*time.Second, 50*time.Millisecond, "town link %+v", tn.Links())

	st, running, err := ReadStatus(filepath.Join(c.dir, "town-T1"), time.Now())
	require.NoError(t, err)
	require.True(t, running)
	require.Equal(t, "town", st.Role)
	require.EqualValues(t, 7, st.Links[0].Pending)
	lag := st.Links[0].LagSeconds
	// A status file not written for a while is a node not running; the
	// picture it last had grows older meanwhile.
	st, running, err = ReadStatus(filepath.Join(c.dir, "town-T1"), st.Updated.Add(time.Minute))
	require.NoError(t, err)
	require.False(t, running)
	require.False(t, st.Links[0].Connected)
	require.True(t, st.Links[0].NodeDown)
	require.InDelta(t, lag+60, st.Links[0].LagSeconds, 0.001)
	// A node that stopped says so as it goes: not running at once.
	require.NoError(t, tn.Close())
	st, running, err = ReadStatus(filepath.Join(c.dir, "town-T1"), time.Now())
	require.NoError(t, err)
	require.False(t, running, "a stopped node's last status")
	require.Equal(t, "town", st.Role)
}

// A town whose records the read model refuses (a record it cannot apply,
// tried again and again) holds up that town alone: the other towns' records
// go on being applied, and the refused town's are applied, in order and
// once, when the read model takes them.
func TestOneTownsRefusedRecordsHoldUpOnlyThatTown(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.rm.Refuse("T2")
	c.startHub()
	o1, o2 := &memOutbox{town: "T1"}, &memOutbox{town: "T2"}
	c.town("T1", "T1", o1, nil)
	c.town("T2", "T2", o2, nil)
	o2.add(5)
	time.Sleep(500 * time.Millisecond)
	o1.add(5)
	waitApplied(t, c.rm, "T1", 5, 10*time.Second)
	o2.add(5)
	o1.add(5)
	waitApplied(t, c.rm, "T1", 10, 10*time.Second)
	require.Zero(t, c.rm.Applied("T2"))

	c.rm.Refuse()
	waitApplied(t, c.rm, "T2", 10, 10*time.Second)
	require.Zero(t, c.rm.Gaps())
	require.Zero(t, c.rm.Doubles())
}

// A hub whose leaf port is taken says so, naming the key, at once (it
// waited 15 s for a server that could not listen and said only that it
// did not start).
func TestHubOnATakenPortSaysSo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	c := newCounty(t, "T1")
	began := time.Now()
	_, err = StartHub(context.Background(), HubConfig{
		StoreDir: filepath.Join(c.dir, "hub"), Listen: ln.Addr().String(), Towns: c.towns, ReadModel: c.rm,
	})
	require.Error(t, err)
	require.Contains(t, err.Error(), "federation.listen "+ln.Addr().String())
	require.Contains(t, err.Error(), "address already in use")
	require.Less(t, time.Since(began), 5*time.Second)
}
