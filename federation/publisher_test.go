package federation

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filingUntil is the LastCommit of a town writer that commits back to back
// until end and is quiet after it.
func filingUntil(end time.Time) func() time.Time {
	return func() time.Time {
		if now := time.Now(); now.Before(end) {
			return now
		}
		return end
	}
}

func TestUplinkGivesWayToABurstOfReports(t *testing.T) {
	ctx := context.Background()

	t.Run("a quiet writer holds nothing back", func(t *testing.T) {
		p := &publisher{busy: func() time.Time { return time.Time{} }}
		require.True(t, p.giveWay(ctx))
		assert.False(t, p.filing(time.Now().Add(-time.Hour)), "no commit: not filing")
	})

	t.Run("a writer committing back to back holds a batch back giveWayMost, then lets it go", func(t *testing.T) {
		p := &publisher{busy: filingUntil(time.Now().Add(time.Hour))}
		began := time.Now()
		require.True(t, p.giveWay(ctx))
		held := time.Since(began)
		assert.GreaterOrEqual(t, held, giveWayMost)
		assert.Less(t, held, time.Hour, "let go at the limit, not at the burst's end")
		assert.True(t, p.filing(began), "the writer committed during the hold")
	})

	t.Run("a burst that ends lets the batch go once the writer has been quiet for settle", func(t *testing.T) {
		end := time.Now().Add(150 * time.Millisecond)
		p := &publisher{busy: filingUntil(end)}
		require.True(t, p.giveWay(ctx))
		assert.GreaterOrEqual(t, time.Since(end), settle, "let go while the writer was still committing")
		assert.False(t, p.filing(time.Now()), "quiet since the burst")
	})

	t.Run("an ended context ends the hold", func(t *testing.T) {
		p := &publisher{busy: filingUntil(time.Now().Add(time.Hour))}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		assert.False(t, p.giveWay(cctx))
	})

	t.Run("without the writer's clock the uplink never waits and always yields", func(t *testing.T) {
		bare := &publisher{}
		require.True(t, bare.giveWay(ctx))
		assert.True(t, bare.filing(time.Now()))
	})
}
