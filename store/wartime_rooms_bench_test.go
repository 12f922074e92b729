package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/demo"
	"gridcmd/internal/testclock"
	"gridcmd/model"
)

// BenchmarkWartimeStatusHuajie reads the wartime status of the Huajie demo
// in wartime (3,493 people): the rooms on duty are counted from the
// town's people each read (roomsOnDuty).
func BenchmarkWartimeStatusHuajie(b *testing.B) {
	ctx := context.Background()
	clock := testclock.New(t0)
	s := openAt(b, filepath.Join(b.TempDir(), "huajie.db"), clock)
	require.NoError(b, demo.Load(ctx, s, clock.Set, 1, t0))
	ps, err := s.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(b, err)
	_, err = s.Activate(ctx, model.ReasonFlood, []model.NodeCode{"330784114"}, false, "", ps[0].ID)
	require.NoError(b, err)
	b.ResetTimer()
	for range b.N {
		st, err := s.WartimeStatus(ctx, "")
		if err != nil || !st.Rooms.Counted {
			b.Fatal(err, st.Rooms)
		}
	}
}

// BenchmarkRoomsOnDutyHuajie counts the rooms on duty of the Huajie demo in
// wartime alone (roomsOnDuty: the town's people on duty and the 28 rooms'
// schedules), the part of WartimeStatus the rooms cost.
func BenchmarkRoomsOnDutyHuajie(b *testing.B) {
	ctx := context.Background()
	clock := testclock.New(t0)
	s := openAt(b, filepath.Join(b.TempDir(), "huajie.db"), clock)
	require.NoError(b, demo.Load(ctx, s, clock.Set, 1, t0))
	ps, err := s.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(b, err)
	a, err := s.Activate(ctx, model.ReasonFlood, []model.NodeCode{"330784114"}, false, "", ps[0].ID)
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	require.NoError(b, s.db.View(func(tx *bolt.Tx) error {
		for range b.N {
			r, err := s.roomsOnDuty(tx, a)
			if err != nil || len(r.Villages) != 27 {
				b.Fatal(err, r)
			}
		}
		return nil
	}))
}
