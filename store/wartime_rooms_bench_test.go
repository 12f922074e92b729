package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

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
