// Package demodb is the fixture of the tests that run against a real store
// holding the Huajie demo (the seat's, the demo's own, the console's): a
// store on a temp file, the demo loaded into it, on a test clock.
//
// It imports the store, so the store's own tests cannot use it; testkit,
// which speaks model and api only, serves them.
package demodb

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"gridcmd/internal/testclock"
	"gridcmd/model"
	"gridcmd/store"
)

// Loader files the demo into svc as at base: demo.Load, or
// demo.LoadWithHistory with its two months before.
type Loader func(ctx context.Context, svc model.Service, setClock func(time.Time), seed int64, base time.Time) error

// Open opens a store on the file name in a temp folder of the test, in
// at's zone, with the default policy and the prefix HJ, loads the demo of
// seed 1 with load as at at, and sets its test clock to at. The store is
// closed when the test ends.
func Open(t testing.TB, name string, at time.Time, load Loader) (*store.DB, *testclock.Clock) {
	t.Helper()
	clock := testclock.New(at)
	db, err := store.Open(filepath.Join(t.TempDir(), name), store.Options{
		Timeout: time.Second, Now: clock.Now, Policy: model.DefaultPolicy(), Prefix: "HJ", Location: at.Location(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, load(context.Background(), db, clock.Set, 1, at))
	clock.Set(at)
	return db, clock
}
