// Package testkit is what the tests of several gridcmd packages share: the
// town's zone and the tests' fixed times, the codes of the tiny tower and
// the loading of a tower into a service, the report rule as the store
// applies it, the checks on a refusal (its code, its Chinese), a server on
// loopback, the fake a stale credential file may point at, and a hub's
// read model in memory.
//
// It speaks model and api only, never the store: the store's own tests use
// it too, so a helper that needs a store takes it as an argument.
package testkit

import (
	"testing"
	"time"
)

// CST is China Standard Time, the town's clock, fixed so the tests need no
// tzdata.
var CST = time.FixedZone("CST", 8*3600)

// Morning is 09:00 on 29 November 2026 in Huajie: the start of the store's
// and the field API's tests.
var Morning = time.Date(2026, 11, 29, 9, 0, 0, 0, CST)

// Night is 03:10 on 29 November 2026 in Huajie, the night of the sketch:
// the start of the model's and the console's tests.
var Night = time.Date(2026, 11, 29, 3, 10, 0, 0, CST)

// SkipShort skips a test under -short, saying why (what it loads or
// starts).
func SkipShort(t testing.TB, why string) {
	t.Helper()
	if testing.Short() {
		t.Skip(why)
	}
}
