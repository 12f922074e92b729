package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/federation"
	"gridcmd/internal/testkit"
	"gridcmd/model"
	"gridcmd/store"
)

// fedPair is the demo town and a county's hub, each on its own bbolt file,
// linked over real NATS (the hub's and the town's embedded servers) while
// run runs; the files are closed after.
type fedPair struct {
	town, county *env
	officer      model.PersonID // the county's duty officer
}

// newFedPair is the demo town and an empty county file with its county
// node and its own duty officer.
func newFedPair(t *testing.T) *fedPair {
	t.Helper()
	p := &fedPair{town: demoEnv(t), county: newEnv(t)}
	p.county.ok("init")
	hub, err := store.Open(p.county.db, store.Options{Prefix: "YK", Location: testkit.CST})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = hub.ImportNodes(ctx, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"}}, model.System, "")
	require.NoError(t, err)
	officer, err := hub.ImportPeople(ctx, []model.Person{{Name: "县值班", Phone: "13900000001", Node: "330784",
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	p.officer = officer[0].ID
	require.NoError(t, hub.Close())
	return p
}

// run opens both files, starts the hub and the town's node, waits until
// the hub has applied the town's whole log, runs fn on the open files, and
// stops and closes everything.
func (p *fedPair) run(t *testing.T, fn func(town, hub *store.DB)) {
	t.Helper()
	ctx := context.Background()
	hub, err := store.Open(p.county.db, store.Options{Prefix: "YK", Location: testkit.CST})
	require.NoError(t, err)
	defer hub.Close()
	town, err := store.Open(p.town.db, store.Options{Location: testkit.CST})
	require.NoError(t, err)
	defer town.Close()
	seed, pub, err := federation.NewTownKey()
	require.NoError(t, err)
	seedFile := filepath.Join(p.town.dir, "town.nk")
	require.NoError(t, os.WriteFile(seedFile, []byte(seed+"\n"), 0o600))
	h, err := federation.StartHub(ctx, federation.HubConfig{
		StoreDir: p.county.db + ".nats", Listen: "127.0.0.1:0",
		Towns: []federation.HubTown{{Code: "330784114", Nkey: pub}}, ReadModel: hub, Commands: hub, Poll: 20 * time.Millisecond,
	})
	require.NoError(t, err)
	defer h.Close()
	tn, err := federation.StartTown(ctx, federation.TownConfig{
		Town: "330784114", StoreDir: p.town.db + ".nats", HubURL: h.LeafURL(), NkeySeed: seedFile,
		Outbox: town, Commander: town, Poll: 20 * time.Millisecond, Reconnect: 100 * time.Millisecond,
	})
	require.NoError(t, err)
	defer tn.Close()
	waitFor(t, "the hub has the town's log", func() bool {
		last, err := town.FedLast(ctx)
		require.NoError(t, err)
		got, err := hub.FedApplied(ctx, "330784114")
		require.NoError(t, err)
		return got == last
	})
	fn(town, hub)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	require.Eventually(t, ok, 20*time.Second, 20*time.Millisecond, what)
}

// The county sees, on its hub's file, what its federated town issued and
// patrolled: the town's directive (signed for by one unit), the directive
// the county sent down (the town issued it as the county's command), the
// town's running patrol and its finding on the desk; the town's own list
// names the county's command it issued. The county resends its own
// directive (a command the town applies, which comes back up), and is
// told why it may not resend the town's.
func TestFedCountySeesTheTownsDirectivesAndPatrols(t *testing.T) {
	testkit.SkipShort(t, "starts a hub and a town's node over NATS")
	p := newFedPair(t)
	town := p.town
	town.ok("wartime", "on", "--scope", "330784114", "--reason", "flood", "--yes")
	var issued directiveJSON
	town.okJSON(&issued, "directive", "issue", "--to", "330784114266", "--deadline", "2h", "--text", "转移低洼户", "--json")
	town.ok("directive", "ack", "D-0001", "--unit", issued.UnitList[0].Unit)
	patrol := town.startPilotPatrol()
	town.ok("finding", "add", "--area", "P-T-01", "--category", "fire", "--text", "防火道旁有人焚烧垃圾", "--by", "P7")

	p.run(t, func(tw, hub *store.DB) {
		ctx := context.Background()
		_, _, err := hub.IssueDirective(ctx, "清点物资", []model.NodeCode{"330784114266"}, 2*time.Hour, p.officer, false)
		require.True(t, model.IsFedQueued(err), "%v", err)
		waitFor(t, "the county's directive, issued by the town, on the hub", func() bool {
			d, _, err := hub.Directive(ctx, "D-0002")
			return err == nil && d.Command == 1
		})
		_, err = hub.ResendDirective(ctx, "D-0002", "", p.officer)
		require.True(t, model.IsFedQueued(err), "%v", err)
		waitFor(t, "the town's resend of it, back on the hub", func() bool {
			_, units, err := hub.Directive(ctx, "D-0002")
			require.NoError(t, err)
			return units[0].Resends == 1
		})
	})

	county, as := p.county, p.officer.String()
	var show directiveJSON
	county.okJSON(&show, "directive", "show", "D-0001", "--json")
	assert.Equal(t, "转移低洼户", show.Text)
	assert.Equal(t, "D-0001", show.TownID)
	assert.Zero(t, show.Command)
	assert.Equal(t, issued.Units, show.Units)
	assert.Equal(t, 1, show.Signed)
	assert.Contains(t, county.ok("directive", "show", "D-0001"), "花街镇 330784114's D-0001, issued by its own room")

	var list []directiveJSON
	county.okJSON(&list, "directive", "list", "--json")
	require.Len(t, list, 2, "the county room lists both")
	assert.Equal(t, "清点物资", list[1].Text)
	assert.Equal(t, uint64(1), list[1].Command)
	assert.Contains(t, county.ok("directive", "list"), "D-0002, county command 1")
	// On the town's own file the directive is the town's D-0002: its
	// origin names the county's command alone (a QA: ", county command 2").
	mine := town.ok("directive", "list")
	assert.Regexp(t, `\nD-0002 +county command 1 `, mine)
	assert.NotContains(t, mine, ", county command")

	fails(t, county.run("--as", as, "directive", "resend", "D-0001"), cli.ExitRefused,
		"D-0001 was issued by 花街镇's own room (its D-0001), a federated town")
	r := county.run("--as", as, "directive", "resend", "D-0002")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.err, "sent to 花街镇, waiting for it to act (command 3)")
	assert.Contains(t, r.err, "no hub runs on "+county.db+" now", "the hub's status: the command waits for it")

	var ps []map[string]any
	county.okJSON(&ps, "patrol", "list", "--active", "--json")
	var areas []string
	for _, x := range ps {
		areas = append(areas, x["area"].(string))
	}
	assert.Contains(t, areas, "P-T-01", "the town's running patrol (%s there)", patrol)
	var fs []map[string]any
	county.okJSON(&fs, "finding", "list", "--open", "--json")
	require.NotEmpty(t, fs)
	assert.Equal(t, "防火道旁有人焚烧垃圾", fs[len(fs)-1]["text"])
	assert.Contains(t, county.ok("patrol", "areas"), "P-T-01")
	assert.Contains(t, county.ok("check"), "ok")
}

// The county's hub holds its federated town's schedule and joint
// rotations: its wartime chain counts the town's rooms by the town's own
// shifts (one added in the town now staffs 渎溪村's room on both, the
// demo's week being over), duty now and duty list read the town's shifts,
// rotation list the town's rotations, and the county is refused swapping
// a shift of the town or reporting on its rotation, the town named.
func TestFedCountySeesTheTownsDutyAndRotations(t *testing.T) {
	testkit.SkipShort(t, "starts a hub and a town's node over NATS")
	p := newFedPair(t)
	town, county := p.town, p.county
	const dx, night = "330784114266", "2026-11-29 03:10"
	var then []dutyNowJSON
	town.okJSON(&then, "duty", "now", "--room", dx, "--at", night, "--json")
	now := minuteNow()
	town.ok("duty", "add", "--person", then[0].Person, "--room", dx, "--from", stamp(now.Add(-time.Hour)), "--to", stamp(now.Add(3*time.Hour)))
	town.ok("wartime", "on", "--scope", "330784114", "--reason", "flood", "--yes")

	p.run(t, func(tw, hub *store.DB) {
		ctx := context.Background()
		mine, err := tw.WartimeStatus(ctx, "330784114")
		require.NoError(t, err)
		theirs, err := hub.WartimeStatus(ctx, "330784114")
		require.NoError(t, err)
		assert.Equal(t, []model.NodeCode{dx}, mine.Rooms.Villages, "渎溪村's shift runs, the demo's week is over")
		assert.Equal(t, mine.Rooms, theirs.Rooms, "the county counts the town's rooms by the town's schedule")
	})

	rooms := func(e *env) []string {
		var rs []dutyNowJSON
		e.okJSON(&rs, "duty", "now", "--at", night, "--json")
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprintf("%s %s %s–%s", r.Room, r.Name, r.From, r.To))
		}
		return out
	}
	assert.Equal(t, rooms(town), rooms(county), "duty now on the county's file, the town's rooms")
	var mine, theirs []map[string]any
	town.okJSON(&mine, "duty", "list", "--room", dx, "--json")
	county.okJSON(&theirs, "duty", "list", "--room", dx, "--json")
	assert.Len(t, theirs, 8, "the demo's week and today's")
	assert.Equal(t, len(mine), len(theirs))
	var rots, copies []map[string]any
	town.okJSON(&rots, "rotation", "list", "--json")
	county.okJSON(&copies, "rotation", "list", "--json")
	require.NotEmpty(t, copies)
	require.Equal(t, len(rots), len(copies))
	for i := range rots {
		assert.Equal(t, rots[i]["name"], copies[i]["name"])
		assert.Equal(t, rots[i]["groups"], copies[i]["groups"])
	}

	as, shift, rot := p.officer.String(), theirs[len(theirs)-1]["id"].(string), copies[0]["id"].(string)
	fails(t, county.run("--as", as, "duty", "swap", shift, "--person", as), cli.ExitRefused,
		shift+" is a shift of 花街镇, a federated town: its own room schedules, swaps and hands over its shifts (this file holds a copy)")
	fails(t, county.run("--lang", "zh", "--as", as, "rotation", "report", rot), cli.ExitRefused,
		"轮值 "+rot+" 涉及联网镇花街镇的网格：由该镇在本镇设置和上报（本库只存该镇副本）")
	assert.Contains(t, county.ok("check"), "ok")
}
