package federation

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

func TestBenchHarnessOnFakes(t *testing.T) {
	var towns []BenchTown
	for _, code := range []model.NodeCode{"T1", "T2", "T3"} {
		o := &memOutbox{town: code}
		towns = append(towns, BenchTown{
			Code:   code,
			Outbox: o,
			File:   func(context.Context) error { o.add(1); return nil },
			LastSeq: func(context.Context) (uint64, error) {
				o.mu.Lock()
				defer o.mu.Unlock()
				return uint64(len(o.log)), nil
			},
		})
	}
	rm := testkit.NewFedReadModel()
	res, err := RunBench(context.Background(), BenchConfig{
		Dir: t.TempDir(), Towns: towns, ReadModel: rm,
		Rate: 200, Latency: 500 * time.Millisecond, Events: 3000, Cut: 100 * time.Millisecond,
		Intake: 500, Workers: 2, Rounds: 1,
	})
	require.NoError(t, err)
	require.Zero(t, res.Lost)
	require.Zero(t, res.Doubled)
	require.Equal(t, 3000, res.CutEvents)
	require.Equal(t, 100, res.LatencySamples)
	require.Greater(t, res.P99ms, 0.0)
	require.Greater(t, res.IntakeRatio, 0.0)
	require.Zero(t, rm.Doubles())
}
