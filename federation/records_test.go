package federation

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// townStreamOf is a town's stream on an embedded server of its own, as
// StartTown makes it, holding records 1..n (each data bytes long), for
// recordsAfter.
func townStreamOf(tb testing.TB, n, data int) (jetstream.JetStream, jetstream.Stream) {
	tb.Helper()
	srv, err := startServer(&server.Options{ServerName: "records-test", DontListen: true, JetStream: true,
		StoreDir: filepath.Join(tb.TempDir(), "js")}, nil)
	require.NoError(tb, err)
	tb.Cleanup(func() { stopServer(srv) })
	nc, err := connectInProcess(srv, "records-test")
	require.NoError(tb, err)
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(tb, err)
	ctx := context.Background()
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: TownStream("T1"), Subjects: []string{EventsSubject("T1")},
		Storage: jetstream.FileStorage, Duplicates: time.Hour,
	})
	require.NoError(tb, err)
	publishRecords(tb, js, 1, uint64(n), data)
	return js, s
}

// publishRecords publishes records from..to to T1's stream and waits for
// the acks.
func publishRecords(tb testing.TB, js jetstream.JetStream, from, to uint64, data int) {
	tb.Helper()
	body := bytes.Repeat([]byte("x"), data)
	for seq := from; seq <= to; seq++ {
		m := nats.NewMsg(EventsSubject("T1"))
		m.Header.Set(HeaderSeq, strconv.FormatUint(seq, 10))
		m.Data = body
		_, err := js.PublishMsgAsync(m, jetstream.WithMsgID("T1-"+strconv.FormatUint(seq, 10)))
		require.NoError(tb, err)
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
		tb.Fatal("the stream did not ack in 30s")
	}
}

// recordsAfterOneByOne is recordsAfter as it was, one GetMsg a message:
// the reference the batched walk must agree with.
func recordsAfterOneByOne(ctx context.Context, js jetstream.JetStream, name string, town model.NodeCode, after uint64, each func([]model.FedRecord) error) (aged uint64, err error) {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return 0, err
	}
	info, err := s.Info(ctx)
	if err != nil || info.State.Msgs == 0 {
		return 0, err
	}
	batch := make([]model.FedRecord, 0, publishBatch)
	oldest := uint64(0)
	for sq := info.State.LastSeq; sq >= max(info.State.FirstSeq, 1); sq-- {
		m, err := s.GetMsg(ctx, sq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		seq := headerSeq(m.Header.Get(HeaderSeq))
		if seq == 0 {
			continue
		}
		if seq <= after {
			oldest = 0
			break
		}
		oldest = seq
		batch = append(batch, model.FedRecord{Town: town, Seq: seq, Data: m.Data})
		if len(batch) == cap(batch) {
			if err := each(batch); err != nil {
				return 0, err
			}
			batch = batch[:0]
		}
	}
	if oldest > after+1 {
		aged = oldest - 1
	}
	if len(batch) == 0 {
		return aged, nil
	}
	return aged, each(batch)
}

type walkFunc func(context.Context, jetstream.JetStream, string, model.NodeCode, uint64, func([]model.FedRecord) error) (uint64, error)

// walked is what a walk handed out: its batches (copied: the walk reuses
// its slice) and what it said aged out.
func walked(t *testing.T, walk walkFunc, js jetstream.JetStream, after uint64) ([][]model.FedRecord, uint64) {
	t.Helper()
	var got [][]model.FedRecord
	aged, err := walk(context.Background(), js, TownStream("T1"), "T1", after, func(recs []model.FedRecord) error {
		cp := make([]model.FedRecord, len(recs))
		for i, r := range recs {
			cp[i] = model.FedRecord{Town: r.Town, Seq: r.Seq, Data: bytes.Clone(r.Data)}
		}
		got = append(got, cp)
		return nil
	})
	require.NoError(t, err)
	return got, aged
}

// The batched walk hands out what the one-message-at-a-time walk did, in
// the same batches, newest first, and says the same of what aged out:
// over several read windows, with messages deleted (the stream's last
// among them), one without a Gridcmd-Seq, and the oldest purged.
func TestRecordsAfterReadsInBatches(t *testing.T) {
	ctx := context.Background()
	n := uint64(3*readWindow + 37)
	js, s := townStreamOf(t, int(n), 40)
	stray := nats.NewMsg(EventsSubject("T1")) // no Gridcmd-Seq: no record
	stray.Data = []byte("stray")
	_, err := js.PublishMsg(ctx, stray)
	require.NoError(t, err)
	publishRecords(t, js, n+1, n+5, 40)
	for _, sq := range []uint64{7, readWindow, readWindow + 1, 2*readWindow + 5, n + 6} { // n+6: the last
		require.NoError(t, s.DeleteMsg(ctx, sq))
	}
	require.NoError(t, s.Purge(ctx, jetstream.WithPurgeSequence(100))) // 1..99 aged out

	// The windows: publishBatch, twice that, then readWindow, back from the end.
	edges := []uint64{n - publishBatch, n - publishBatch - 1, n - 3*publishBatch, n - 3*publishBatch + 1}
	for _, after := range append(edges, 0, 50, 98, 99, 100, 101, readWindow-1, readWindow, 2*readWindow, n, n+3, n+5, n+9) {
		want, wantAged := walked(t, recordsAfterOneByOne, js, after)
		got, aged := walked(t, recordsAfter, js, after)
		assert.Equal(t, wantAged, aged, "after %d: aged", after)
		require.Equal(t, len(want), len(got), "after %d: batches", after)
		for i := range want {
			assert.Equal(t, want[i], got[i], "after %d: batch %d", after, i)
		}
	}
	got, aged := walked(t, recordsAfter, js, 0)
	assert.EqualValues(t, 99, aged, "1..99 purged")
	assert.EqualValues(t, n+4, got[0][0].Seq, "newest first, the deleted last passed over")
	last := got[len(got)-1]
	assert.EqualValues(t, 100, last[len(last)-1].Seq)

	require.NoError(t, s.Purge(ctx))
	got, aged = walked(t, recordsAfter, js, 0)
	assert.Empty(t, got, "an empty stream")
	assert.Zero(t, aged)
}

// An error from each ends the walk with it.
func TestRecordsAfterStopsOnAnError(t *testing.T) {
	js, _ := townStreamOf(t, publishBatch+1, 10)
	calls := 0
	boom := errors.New("boom")
	_, err := recordsAfter(context.Background(), js, TownStream("T1"), "T1", 0, func([]model.FedRecord) error { calls++; return boom })
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 1, calls)
}

// BenchmarkRecordsAfter reads a restored town's stream of 20,000 records
// of 400 bytes (an event's size) past its file's cursor.
func BenchmarkRecordsAfter(b *testing.B) {
	const n = 20000
	js, _ := townStreamOf(b, n, 400)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		got := 0
		_, err := recordsAfter(ctx, js, TownStream("T1"), "T1", 0, func(recs []model.FedRecord) error { got += len(recs); return nil })
		if err != nil || got != n {
			b.Fatalf("%d records, %v", got, err)
		}
	}
	b.ReportMetric(float64(n), "records/op")
}
