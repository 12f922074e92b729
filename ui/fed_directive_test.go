package ui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
	"gridcmd/store"
)

// countyHub is a county's hub over f's town (its own file, on f's clock)
// holding the county and its duty officer, who is returned.
func countyHub(t *testing.T, f fixture) (*store.DB, model.Person) {
	t.Helper()
	ctx := context.Background()
	hub, err := store.Open(filepath.Join(t.TempDir(), "county.db"), store.Options{Now: f.clock.Now, Location: shanghai, Prefix: "YK"})
	require.NoError(t, err)
	t.Cleanup(func() { hub.Close() })
	_, err = hub.ImportNodes(ctx, []model.Node{{Code: yongkang, Level: model.LevelCounty, Name: "永康市"}}, model.System, "")
	require.NoError(t, err)
	officer, err := hub.ImportPeople(ctx, []model.Person{{Name: "县值班", Phone: "13900000001", Node: yongkang,
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	return hub, officer[0]
}

// syncHub sends the hub what f's town has recorded since it last did.
func syncHub(t *testing.T, hub *store.DB, f fixture) {
	t.Helper()
	ctx := context.Background()
	applied, err := hub.FedApplied(ctx, huajie)
	require.NoError(t, err)
	recs, err := f.db.FedPending(ctx, applied, 1<<20)
	require.NoError(t, err)
	_, err = hub.FedApply(ctx, recs)
	require.NoError(t, err)
}

// countyOfTheDemo is a county's hub (its own file, on the demo's clock)
// holding the demo town in wartime with two directives to 渎溪村: the
// town's own ("镇自行下达") and the county's, sent down as command 1 and
// issued by the town ("县下达"); and the county's duty officer's console
// at 120x40 in lang, the directive pane focused.
func countyOfTheDemo(t *testing.T, lang string) Model {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	townWartime(t, f, duxi, "镇自行下达")
	hub, officer := countyHub(t, f)
	syncHub(t, hub, f)
	_, _, err := hub.IssueDirective(ctx, "县下达", []model.NodeCode{duxi}, 2*time.Hour, officer.ID, false)
	require.True(t, model.IsFedQueued(err), "%v", err)
	cmds, err := hub.FedCommandsPending(ctx, 0, 10)
	require.NoError(t, err)
	require.NoError(t, f.db.FedCommand(ctx, cmds[0]))
	syncHub(t, hub, f)

	opt := Options{Lang: lang, Seat: model.SeatOf(officer), Location: shanghai, Now: f.clock.Now, NoSweep: true}
	m := loaded(t, hub, opt, 120, 40)
	m = update(t, m, loadWartime(hub, m.scope)())
	return runLine(t, m, "directives")
}

// On a hub, the county room's directive pane holds the federated town's
// directives. R on the county's own asks, as R does; on the town's own it
// says at once that the town resends it, and b (signing on a unit's
// behalf) on either says the town's units sign in the town: no question
// that the store would refuse after the answer.
func TestHubDirectivePaneRefusesTheTownsOwnBeforeAsking(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		say := func(en, zh string) string { return map[string]string{"en": en, "zh": zh}[lang] }
		m := countyOfTheDemo(t, lang)
		cur, ok := m.dir.current()
		require.True(t, ok, lang)
		require.Equal(t, "县下达", cur.d.Text, "%s: the newest first", lang)
		assert.Equal(t, uint64(1), cur.d.Command, lang)

		m = keys(t, m, "R")
		assert.True(t, m.q.active(), "%s: R on the county's own asks", lang)
		m = keys(t, m, "n")

		m = keys(t, m, "]")
		cur, _ = m.dir.current()
		require.Equal(t, "镇自行下达", cur.d.Text, lang)
		m = keys(t, m, "R")
		assert.False(t, m.q.active(), "%s: R on the town's own does not ask", lang)
		require.True(t, m.flash.err, lang)
		assert.Contains(t, m.flash.text, say("花街镇's own room", "由联网镇花街镇自行下达"), lang)
		assert.Contains(t, m.flash.text, say("resends only the directives it sent down", "本级只能重发本级下达的指令"), lang)

		m = keys(t, m, "b")
		assert.False(t, m.q.active(), "%s: b on a town's directive does not ask", lang)
		require.True(t, m.flash.err, lang)
		assert.Contains(t, m.flash.text, say("its units sign for it", "由该镇各单元在本镇签收"), lang)
	}
}
