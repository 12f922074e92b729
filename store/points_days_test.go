package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// TestMonthEntryKeepsItsDays: a points_month entry holds the month's total
// and each day's in day order, whatever order the days come in; a day that
// comes to zero is dropped, and an entry with nothing left goes.
func TestMonthEntryKeepsItsDays(t *testing.T) {
	var v []byte
	for _, x := range []struct{ day, pts int }{{5, 1}, {3, 2}, {5, 1}, {31, -1}, {3, -2}, {1, 70}} {
		v = addPoints(v, x.day, x.pts)
	}
	days, err := monthDays(v)
	require.NoError(t, err)
	assert.Equal(t, []dayPoints{{1, 70}, {5, 2}, {31, -1}}, days)
	assert.Equal(t, 71, monthTotal(v))
	assert.Equal(t, 72, throughDay(v, 30))
	assert.Equal(t, 70, throughDay(v, 4))
	assert.Equal(t, v, encodeMonth(71, days))

	// The month's total at zero keeps its days (a month so far needs them).
	v = addPoints(nil, 1, 3)
	v = addPoints(v, 2, -3)
	days, err = monthDays(v)
	require.NoError(t, err)
	assert.Equal(t, []dayPoints{{1, 3}, {2, -3}}, days)
	assert.Zero(t, monthTotal(v))
	assert.Equal(t, 3, throughDay(v, 1))
	v = addPoints(v, 1, -3)
	assert.NotNil(t, v)
	assert.Nil(t, addPoints(v, 2, 3), "nothing left")

	for _, bad := range [][]byte{{1, 2, 3}, append(encodeMonth(1, nil), 4, 2, 3, 2), append(encodeMonth(1, nil), 0, 2), append(encodeMonth(1, nil), 32, 2),
		append(encodeMonth(0, nil), 3, 0), append(encodeMonth(1, nil), 3)} {
		_, err := monthDays(bad)
		assert.Error(t, err, "%x", bad)
	}
}

// TestPointsOfAnEarlierDay: an event whose day comes before the last one
// booked (a clock set back) is booked on its own day, and a month so far
// through a day counts it.
func TestPointsOfAnEarlierDay(t *testing.T) {
	tw := newTower(t)
	for _, at := range []time.Time{time.Date(2026, 11, 20, 9, 0, 0, 0, cst), time.Date(2026, 11, 3, 9, 0, 0, 0, cst),
		time.Date(2026, 11, 20, 10, 0, 0, 0, cst), time.Date(2026, 11, 4, 9, 0, 0, 0, cst)} {
		tw.clock.Set(at)
		tw.report(t, grid01, tw.worker01.ID, at.Format("0102"))
	}
	through := func(day int) int {
		pm, err := tw.s.Points(tw.ctx, model.PointsQuery{Month: nov, Through: day})
		require.NoError(t, err)
		for _, p := range pm.People {
			if p.Person == tw.worker01.ID {
				return p.Total
			}
		}
		return 0
	}
	assert.Equal(t, 0, through(2))
	assert.Equal(t, 1, through(3))
	assert.Equal(t, 2, through(19))
	assert.Equal(t, 4, through(20))
	assert.Equal(t, 4, pointsOf(t, tw.s, nov, tw.worker01.ID).Total)
	requireClean(t, tw.s)
}

// TestPointsDaysMoveIntoTheMonth: a file from before the move (the day
// totals in points_day, the month's in points_month as 8 bytes) opens with
// every total as it was, points_day gone, check clean; opened again at the
// schema before, nothing changes.
func TestPointsDaysMoveIntoTheMonth(t *testing.T) {
	tw := newTower(t)
	for _, at := range []time.Time{time.Date(2026, 11, 3, 9, 0, 0, 0, cst), time.Date(2026, 11, 5, 23, 0, 0, 0, cst),
		time.Date(2026, 11, 6, 0, 30, 0, 0, cst)} {
		tw.clock.Set(at)
		tw.report(t, grid01, tw.worker01.ID, at.Format("0102"))
		tw.report(t, grid01, tw.micro.ID, at.Format("0102"))
	}
	// The duty officer grants the leader 4 on the 6th and deducts them on
	// the 20th: a month's total of zero whose days are not.
	_, err := tw.s.GrantPoints(tw.ctx, tw.leader01.ID, 4, "x", tw.duty.ID)
	require.NoError(t, err)
	tw.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, cst))
	_, err = tw.s.GrantPoints(tw.ctx, tw.leader01.ID, -4, "y", tw.duty.ID)
	require.NoError(t, err)
	want := storedTotals(t, tw.s)
	require.Len(t, want.Month, 2)
	require.Len(t, want.Day, 8)
	require.NoError(t, tw.s.Close())

	// Back to the layout of before: points_day, and 8-byte month totals.
	raw, err := bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		month, err := emptyBucket(tx, bucketPointsMonth)
		require.NoError(t, err)
		day, err := tx.CreateBucket([]byte("points_day"))
		require.NoError(t, err)
		for k, v := range want.Month {
			require.NoError(t, month.Put(pointsKey(k.Period, k.Person, k.Indicator), u64(uint64(int64(v)))))
		}
		for k, v := range want.Day {
			require.NoError(t, day.Put(pointsKey(k.Period, k.Person, k.Indicator), u64(uint64(int64(v)))))
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(schemaBefore(t, migratePointsDaysInMonth)))
	}))
	require.NoError(t, raw.Close())

	for range 2 {
		s := openAt(t, tw.path, tw.clock)
		assert.Equal(t, want, storedTotals(t, s))
		requireClean(t, s)
		pm, err := s.Points(tw.ctx, model.PointsQuery{Month: nov, Through: 6})
		require.NoError(t, err)
		by := map[model.PersonID]int{}
		for _, p := range pm.People {
			by[p.Person] = p.Total
		}
		assert.Equal(t, 3, by[tw.worker01.ID])
		assert.Equal(t, 4, by[tw.leader01.ID], "granted on the 6th, deducted on the 20th")
		require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
			assert.Nil(t, tx.Bucket([]byte("points_day")))
			return tx.Bucket(bucketMeta).Put(metaSchema, u64(schemaBefore(t, migratePointsDaysInMonth)))
		}))
		require.NoError(t, s.Close())
	}
}
