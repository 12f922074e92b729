package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/internal/testkit"
)

// dutyNowJSON is a room of duty now --json: the output's own
// (cli/cmd_duty.go).
type dutyNowJSON = cli.DutyJSON

var cstZone = testkit.CST

// minuteNow is now in the demo's zone, to the minute, as a shift's times
// are given.
func minuteNow() time.Time { return time.Now().In(cstZone).Truncate(time.Minute) }

// stamp is t as the time flags take it.
func stamp(t time.Time) string { return t.Format("2006-01-02 15:04") }

// setConfig makes the test's config the reference one with old (which it
// must hold) replaced by new.
func (e *env) setConfig(old, new string) {
	e.t.Helper()
	ref, err := os.ReadFile(e.config)
	require.NoError(e.t, err)
	require.Contains(e.t, string(ref), old)
	e.config = e.write("config.yaml", strings.Replace(string(ref), old, new, 1))
}

// startPilotPatrol imports a pilot area, P-T-01 at 渎溪村 with two
// checkpoints and P7 its patroller, and starts P7's patrol of it, P7's
// other patrols ended first; it returns the patrol's id.
func (e *env) startPilotPatrol() string {
	e.t.Helper()
	csv := e.write("areas.csv", "area,name,kind,village,every,patroller,checkpoint\nP-T-01,渎溪试点林,forest,330784114266,daily,P7,C1\nP-T-01,,,,,,C2\n")
	e.ok("import", "patrol-areas", csv)
	e.endPatrolsOf("P7")
	var p map[string]any
	e.okJSON(&p, "patrol", "start", "P-T-01", "--by", "P7", "--json")
	return p["id"].(string)
}

// endPatrolsOf ends the patrols person is on (the demo's, which its
// morning days ago leaves running).
func (e *env) endPatrolsOf(person string) {
	e.t.Helper()
	var running []map[string]any
	e.okJSON(&running, "patrol", "list", "--active", "--json")
	for _, p := range running {
		if p["patroller"] == person {
			e.ok("patrol", "end", p["id"].(string), "--by", person)
		}
	}
}

// The demo's week of shifts, looked at as it stood at the demo's night.
func TestDutyNowOnTheDemo(t *testing.T) {
	e := demoEnv(t)
	var rooms []dutyNowJSON
	e.okJSON(&rooms, "duty", "now", "--at", "2026-11-29 03:10", "--json")
	require.Len(t, rooms, 28, "the town room and 27 village rooms")
	town := rooms[0]
	assert.Equal(t, "330784114", town.Room)
	assert.Equal(t, "花街镇 镇指挥室", town.RoomName)
	assert.Equal(t, "P1", town.Person)
	assert.NotEmpty(t, town.Name)
	assert.NotEmpty(t, town.Phone)
	assert.Equal(t, "2026-11-28T20:00:00+08:00", town.From)
	assert.Equal(t, "2026-11-29T08:00:00+08:00", town.To)
	require.NotNil(t, town.Next)
	assert.Equal(t, "P2", town.Next.Person)
	for _, r := range rooms[1:] {
		assert.NotEmpty(t, r.Person, r.Room)
		assert.Equal(t, "2026-11-29T08:00:00+08:00", r.To, r.Room)
	}
	out := e.ok("duty", "now", "--room", "town", "--at", "2026-11-29 03:10")
	assert.Contains(t, out, "花街镇 镇指挥室")
	assert.Contains(t, out, "next P2")
	assert.Contains(t, e.ok("duty", "list", "--room", "330784114266"), "S-")
	var shifts []map[string]any
	e.okJSON(&shifts, "duty", "list", "--json")
	assert.Len(t, shifts, 14+27*7)
}

// A shift change from the command line: shifts added by hand and by a
// rotation, refusals, a swap, the handover given, both on duty until the
// incoming officer signs for it, the sheet shown as text, JSON and
// Markdown.
func TestShiftChangeFromTheCommandLine(t *testing.T) {
	e := demoEnv(t)
	now := minuteNow()
	change := now.Add(20 * time.Minute)
	out := e.ok("duty", "add", "--person", "P3", "--room", "town", "--from", stamp(now.Add(-8*time.Hour)), "--to", stamp(change))
	assert.Regexp(t, `^S-\d+: P3 .* on duty in 330784114 from `, out)
	var next map[string]any
	e.okJSON(&next, "duty", "add", "--person", "P4", "--room", "330784114", "--from", stamp(change), "--to", stamp(change.Add(12*time.Hour)), "--json")
	assert.Equal(t, "P4", next["person"])
	fails(t, e.run("duty", "add", "--person", "P5", "--room", "town", "--from", stamp(change), "--to", stamp(change.Add(time.Hour))),
		cli.ExitRefused, "overlaps")
	fails(t, e.run("duty", "add", "--person", "P7", "--room", "town", "--from", stamp(change.Add(24*time.Hour)), "--to", stamp(change.Add(25*time.Hour))),
		cli.ExitRefused, "may not hold a shift")
	fails(t, e.run("duty", "add", "--person", "P5", "--room", "330784114266-01", "--from", stamp(now), "--to", stamp(now.Add(time.Hour))),
		cli.ExitUsage, "--room", "grid")
	fails(t, e.run("duty", "add", "--person", "P5", "--room", "town"), cli.ExitUsage, "missing --from, --to")
	fails(t, e.run("duty", "add", "--person", "P5", "--room", "town", "--from", "soon", "--to", "later"), cli.ExitUsage, "--from", "not a time")

	out = e.ok("duty", "rotate", "--room", "town", "--people", "P5,P6", "--length", "12h", "--handoff", "08:00",
		"--from", now.AddDate(0, 0, 30).Format("2006-01-02"))
	assert.Contains(t, out, "14 shifts scheduled in 330784114")
	fails(t, e.run("duty", "rotate", "--room", "town", "--people", "P5", "--length", "5h", "--handoff", "08:00"), cli.ExitUsage, "shift length 5h")
	out = e.ok("duty", "rotate", "--room", "town", "--people", "P5,P6", "--length", "1d", "--handoff", "08:00",
		"--from", now.AddDate(0, 0, 60).Format("2006-01-02"))
	assert.Contains(t, out, "7 shifts scheduled in 330784114", "whole days, as the help says")
	fails(t, e.run("duty", "rotate", "--room", "town", "--people", "P5", "--length", "1w", "--handoff", "08:00"), cli.ExitUsage, `--length: shift length "1w"`)

	var swapped map[string]any
	e.okJSON(&swapped, "duty", "swap", next["id"].(string), "--person", "P2", "--json")
	assert.Equal(t, "P2", swapped["person"])
	assert.Equal(t, "P4", swapped["swapped_from"])

	// Hand over: a dry run stores nothing, then the handover.
	dry := e.ok("handover", "give", "--dry-run", "--as", "P3")
	assert.Contains(t, dry, "(not handed over: a dry run)")
	fails(t, e.run("handover", "show"), cli.ExitRefused, "no handover yet")
	var h struct {
		ID           string `json:"id"`
		Outgoing     string `json:"outgoing"`
		Incoming     string `json:"incoming"`
		IncomingName string `json:"incoming_name"`
		Sheet        struct {
			Room string `json:"room"`
			Open []struct {
				Tier string `json:"tier"`
				Open int    `json:"open"`
			} `json:"open"`
			Note    string         `json:"note"`
			Changes map[string]int `json:"changes"`
		} `json:"sheet"`
	}
	e.okJSON(&h, "handover", "give", "--as", "P3", "--note", "330国道货车抛锚\n已通知交警", "--json")
	assert.Equal(t, "P3", h.Outgoing)
	assert.Equal(t, "P2", h.Incoming, "the swapped shift's officer")
	assert.Equal(t, "330784114", h.Sheet.Room)
	assert.Equal(t, "330国道货车抛锚\n已通知交警", h.Sheet.Note)
	require.Len(t, h.Sheet.Open, 4)
	assert.Equal(t, "taskforce", h.Sheet.Open[0].Tier)
	fails(t, e.run("handover", "give", "--as", "P3"), cli.ExitRefused, "waits for")

	// Until P2 signs, both are on duty (after the change).
	fails(t, e.run("handover", "accept", "--as", "P3"), cli.ExitRefused, "for "+h.IncomingName+" to sign")
	var rooms []dutyNowJSON
	e.okJSON(&rooms, "duty", "now", "--room", "town", "--at", stamp(change.Add(time.Minute)), "--json")
	require.Len(t, rooms, 1)
	assert.Equal(t, "P2", rooms[0].Person)
	require.NotNil(t, rooms[0].Outgoing)
	assert.Equal(t, "P3", rooms[0].Outgoing.Person)
	assert.Equal(t, h.ID, rooms[0].Handover)
	out = e.ok("handover", "accept", "--as", "P2")
	assert.Contains(t, out, h.ID+" signed for by P2")

	text := e.ok("handover", "show", "--last")
	assert.Contains(t, text, h.ID)
	assert.Contains(t, text, "Open incidents:")
	assert.Contains(t, text, "signed for")
	assert.Contains(t, text, "Note: 330国道货车抛锚")
	md := e.ok("--lang", "zh", "handover", "show", h.ID, "--format", "md")
	assert.Contains(t, md, "## 交接班 花街镇 镇指挥室 "+h.ID)
	assert.Contains(t, md, "| 层级 | 等级 | 编号 | 状态 | 地点 | 标题 |")
	assert.Contains(t, md, "### 交班说明\n\n330国道货车抛锚 已通知交警", "line breaks become spaces in Markdown")
	mdEn := e.ok("--lang", "en", "handover", "show", "--format", "md")
	assert.Contains(t, mdEn, "## Handover 花街镇 town room")
	fails(t, e.run("handover", "show", "--at", "2026-01-01 00:00"), cli.ExitRefused, "no handover made by")
	fails(t, e.run("handover", "show", "--last", "--at", "2026-01-01 00:00"), cli.ExitUsage)
	fails(t, e.run("handover", "show", "--format", "pdf"), cli.ExitUsage, "--format")
	e.ok("check")
}

// The sheet states the mode (peacetime, or the wartime activation) and
// names what fell silent, in words, in text and in Markdown: here every
// village room, silent since wartime began with watchdog.room_silence 1s.
func TestHandoverSheetStatesTheModeAndTheSilences(t *testing.T) {
	e := newEnv(t)
	e.setConfig("room_silence: 2h", "room_silence: 1s")
	e.initDemo(1)
	now := minuteNow()
	e.ok("duty", "add", "--person", "P3", "--room", "town", "--from", stamp(now.Add(-8*time.Hour)), "--to", stamp(now.Add(20*time.Minute)))
	e.ok("duty", "add", "--person", "P4", "--room", "town", "--from", stamp(now.Add(20*time.Minute)), "--to", stamp(now.Add(12*time.Hour)))

	md := e.ok("--lang", "zh", "handover", "give", "--dry-run", "--as", "P3", "--format", "md")
	assert.Contains(t, md, "### 战时\n\n- 平时：未启动战时\n")
	assert.Contains(t, md, "### 静默 (0)\n\n- 无\n")
	assert.Contains(t, e.ok("--lang", "en", "handover", "give", "--dry-run", "--as", "P3", "--format", "md"), "### Wartime\n\n- peacetime: no wartime activation\n")
	assert.Contains(t, e.ok("handover", "give", "--dry-run", "--as", "P3"), "\nPeacetime: no wartime activation\n")

	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--note", "台风", "--yes")
	time.Sleep(1500 * time.Millisecond) // past watchdog.room_silence: the next command's sweep finds every room silent
	md = e.ok("--lang", "zh", "handover", "give", "--dry-run", "--as", "P3", "--format", "md")
	assert.Regexp(t, `\n### 战时\n\n- W-\d+ 防台 起于 [^\n]*\n- 镇指挥室有人在岗，村指挥室在岗 \d+/27\n`, md)
	assert.Regexp(t, `\n- 村指挥室 渎溪村, 330784114266: 最后活动 \d{4}-\d\d-\d\d \d\d:\d\d, 事件 HJ-\d{8}-\d{4}\n`, md)
	assert.NotContains(t, md, "room 渎溪村")
	en := e.ok("--lang", "en", "handover", "give", "--dry-run", "--as", "P3", "--format", "md")
	assert.Regexp(t, `\n- village room 渎溪村, 330784114266: not heard since `, en)
	text := e.ok("handover", "give", "--dry-run", "--as", "P3")
	assert.Regexp(t, `\nWartime: W-\d+ typhoon since [^\n]*\n  town room staffed, village rooms \d+/27\n`, text)
	assert.Regexp(t, `\n  village room 渎溪村 at 330784114266, not heard since `, text)
	assert.NotContains(t, text, "Peacetime")
}

// A gateway added, heard through its heartbeats (the API's, not here) and
// listed; and a schedule imported from CSV.
func TestHeartbeatAndDutyImport(t *testing.T) {
	e := demoEnv(t)
	out := e.ok("heartbeat", "add", "gw-duxi", "--every", "10m", "--node", "330784114266-02")
	assert.Contains(t, out, "watching gw-duxi at 330784114266-02")
	fails(t, e.run("heartbeat", "add", "gw-duxi", "--every", "10m", "--node", "330784114266-02"), cli.ExitRefused, "watched already")
	fails(t, e.run("heartbeat", "add", "gw/x", "--every", "10m", "--node", "330784114266-02"), cli.ExitUsage, "heartbeat name")
	fails(t, e.run("heartbeat", "add", "gw-y", "--every", "1s", "--node", "330784114266-02"), cli.ExitUsage, "every 1s")
	var list []map[string]any
	e.okJSON(&list, "heartbeat", "list", "--json")
	require.Len(t, list, 1)
	assert.Equal(t, "gw-duxi", list[0]["name"])
	assert.Equal(t, "330784114266-02", list[0]["node"])
	assert.Equal(t, "10m", list[0]["every"])
	assert.Equal(t, "waiting", list[0]["state"])
	assert.Nil(t, list[0]["last_at"])
	assert.Contains(t, e.ok("heartbeat", "list"), "waiting")
	e.ok("heartbeat", "remove", "gw-duxi", "--yes")
	fails(t, e.run("heartbeat", "remove", "gw-duxi"), cli.ExitRefused, "no heartbeat gw-duxi")

	people := e.people("--node", "330784114266", "--role", "village_cadre")
	require.NotEmpty(t, people)
	csvFile := e.write("值班表.csv", "值班室,值班员,开始,结束\n全镇,P5,2030-01-01 08:00,2030-01-01 20:00\n330784114266,"+people[0].Name+",2030-01-01 08:00,2030-01-02 08:00\n")
	out = e.ok("duty", "import", csvFile)
	assert.Contains(t, out, "2 shifts scheduled")
	bad := e.write("bad.csv", "room,person,from,to\ntown,P5,2030-01-02 08:00,2030-01-02 20:00\ntown,P99999,2030-01-03 08:00,2030-01-03 20:00\n")
	fails(t, e.run("duty", "import", bad), cli.ExitUsage, "bad.csv:3", "P99999")
	var rooms []dutyNowJSON
	e.okJSON(&rooms, "duty", "now", "--at", "2030-01-01 09:00", "--room", "330784114266", "--json")
	assert.Equal(t, people[0].ID, rooms[0].Person)
	e.ok("duty", "checkin", "--room", "330784114266", "--as", people[0].ID)
}

// The events of a period, with names, as CSV and JSON; nothing is written.
func TestTimelineExport(t *testing.T) {
	e := demoEnv(t)
	var evs []map[string]any
	e.okJSON(&evs, "timeline", "export", "--from", "2026-11-29 02:00", "--to", "2026-11-29 03:10", "--format", "json")
	require.NotEmpty(t, evs)
	prev := ""
	for _, ev := range evs {
		at := ev["at"].(string)
		assert.GreaterOrEqual(t, at, "2026-11-29T02:00:00+08:00")
		assert.LessOrEqual(t, at, "2026-11-29T03:10:00+08:00")
		assert.GreaterOrEqual(t, at, prev, "oldest first")
		prev = at
		assert.NotEmpty(t, ev["action_zh"])
		if ev["incident"] != nil {
			assert.NotEmpty(t, ev["incident_title"], "%v", ev)
			assert.NotEmpty(t, ev["node_name"], "%v", ev)
		}
	}
	raw := e.ok("timeline", "export", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"seq", "at", "actor", "actor_name", "action", "action_zh", "incident", "incident_title", "ref",
		"node", "node_name", "before_tier", "before_status", "after_tier", "after_status", "note", "note_zh"}, rows[0])
	assert.Greater(t, len(rows), len(evs))
	fails(t, e.run("timeline", "export", "--format", "xml"), cli.ExitUsage, "--format")
	assert.Equal(t, raw, e.ok("timeline", "export"), "csv without --format")
	assert.Contains(t, e.ok("timeline", "export", "--help"), "Without --format, CSV")
	var all []json.RawMessage
	e.okJSON(&all, "timeline", "export", "--format", "json")
	assert.Equal(t, len(rows)-1, len(all))
	// A patrol or finding event carries its patrol or finding, as `show
	// --json` has it (the export dropped it).
	var refs []map[string]any
	e.okJSON(&refs, "timeline", "export", "--format", "json")
	patrolActs := 0
	for _, ev := range refs {
		switch a := ev["action"].(string); {
		case strings.HasPrefix(a, "finding"), strings.HasPrefix(a, "patrol_"), strings.HasPrefix(a, "rotation_"):
			patrolActs++
			assert.Regexp(t, `^[FXR]-\d{4}$`, ev["ref"], "%v", ev)
		}
	}
	assert.Positive(t, patrolActs, "the demo has findings")
	refCol := slices.Index(rows[0], "ref")
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[4], "finding") {
			assert.Regexp(t, `^F-\d{4}$`, row[refCol], "csv too: %v", row)
		}
	}

	fails(t, e.run("replay", "--speed", "0"), cli.ExitUsage, "--speed")
	fails(t, e.run("replay", "--from", "2026-11-29 03:00", "--to", "2026-11-29 02:00"), cli.ExitUsage, "replay from 11-29 03:00 to 11-29 02:00: the end must come after the start")
}

// The duty, handover and heartbeat commands reach the database through a
// running server, and a gateway posts its heartbeat to it.
func TestDutyGoesThroughARunningServer(t *testing.T) {
	testkit.SkipShort(t, "starts a server process")
	e := demoEnv(t)
	srv := e.startServer()
	now := minuteNow()
	change := now.Add(10 * time.Minute)
	e.ok("duty", "add", "--person", "P3", "--room", "town", "--from", stamp(now.Add(-time.Hour)), "--to", stamp(change))
	e.ok("duty", "add", "--person", "P4", "--room", "town", "--from", stamp(change), "--to", stamp(change.Add(time.Hour)))
	e.ok("handover", "give", "--as", "P3", "--note", "经服务交班")
	assert.Contains(t, e.ok("handover", "accept", "--as", "P4"), "signed for by P4")
	assert.Contains(t, e.ok("handover", "show"), "Note: 经服务交班")

	leader := e.personAt("330784114266-02", "grid_leader")
	tok := strings.TrimSpace(e.ok("token", "issue", "--person", leader))
	e.ok("heartbeat", "add", "gw-duxi-02", "--every", "10m", "--node", "330784114266-02")
	req, err := http.NewRequest(http.MethodPost, "http://"+srv.addr+"/api/v1/heartbeats/gw-duxi-02", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var list []map[string]any
	e.okJSON(&list, "heartbeat", "list", "--json")
	require.Len(t, list, 1)
	assert.Equal(t, "ok", list[0]["state"])
	assert.NotEmpty(t, list[0]["last_at"])

	var evs []map[string]any
	e.okJSON(&evs, "timeline", "export", "--from", stamp(now.Add(-time.Minute)), "--format", "json")
	var actions []string
	for _, ev := range evs {
		actions = append(actions, ev["action"].(string))
	}
	assert.Subset(t, actions, []string{"shift", "handover", "handover_accept", "token", "heartbeat"})
	assert.Equal(t, 0, srv.stop(t, 10*time.Second), "%s", srv.out)
	e.ok("check")
}

// A patroller on patrol who does not check in for patrol.silence (1s here)
// shows silent in heartbeat list with the incident the watchdog opened at
// the area's village, and in patrol list and the handover sheet; their next
// check-in resolves it by itself.
func TestPatrollerSilenceInHeartbeatList(t *testing.T) {
	e := newEnv(t)
	e.setConfig("  silence: 2h", "  silence: 1s")
	e.initDemo(1)
	// The demo's running patrols fall silent too (its morning was days
	// ago); this test looks at its own.
	id := e.startPilotPatrol()

	mine := func() map[string]any {
		var list []map[string]any
		e.okJSON(&list, "heartbeat", "list", "--json")
		for _, h := range list {
			if h["name"] == id {
				return h
			}
		}
		t.Fatalf("heartbeat list: no %s in %v", id, list)
		return nil
	}
	h := mine()
	assert.Equal(t, "patrol", h["kind"])
	assert.Equal(t, "P7", h["patroller"])
	assert.Equal(t, "330784114266", h["node"])
	assert.Equal(t, "1s", h["every"])
	assert.Equal(t, "ok", h["state"])
	assert.Nil(t, h["incident"])

	time.Sleep(1500 * time.Millisecond) // past patrol.silence: the next acting command's sweep finds P7 silent
	assert.Equal(t, "silent", mine()["state"], "silent by the clock before any sweep (heartbeat list only looks)")
	now := minuteNow()
	e.ok("duty", "add", "--person", "P3", "--room", "town", "--from", stamp(now.Add(-8*time.Hour)), "--to", stamp(now.Add(20*time.Minute)))
	e.ok("duty", "add", "--person", "P4", "--room", "town", "--from", stamp(now.Add(20*time.Minute)), "--to", stamp(now.Add(12*time.Hour)))
	h = mine()
	assert.Equal(t, "silent", h["state"])
	inc, _ := h["incident"].(string)
	require.NotEmpty(t, inc)
	shown := e.show(inc)
	assert.Equal(t, "watchdog", shown.Source)
	assert.Equal(t, "330784114266", shown.Node)
	assert.Equal(t, "village", shown.Tier)
	assert.Contains(t, e.ok("heartbeat", "list"), id)
	var pl []map[string]any
	e.okJSON(&pl, "patrol", "list", "--active", "--json")
	found := false
	for _, x := range pl {
		if x["id"] == id {
			found = true
			assert.Equal(t, inc, x["silence"])
		}
	}
	assert.True(t, found)
	assert.Regexp(t, `\n  patroller \S+ `+id+` at 330784114266 渎溪村, not heard since [^:]+:\d\d: `+inc+`\n`,
		e.ok("--lang", "en", "handover", "give", "--dry-run", "--as", "P3"))

	e.ok("patrol", "checkin", id, "--checkpoint", "C1", "--by", "P7")
	assert.Equal(t, "resolved", e.show(inc).Status)
	h = mine()
	assert.Nil(t, h["incident"])
}

// TestDutyImportNamesTheLinesTheStoreRefuses: the store vets a file's
// shifts as it schedules them, and the import names the file's line of
// the shift it refuses and of the earlier one it overlaps (the line as an
// editor counts it: a blank line and a quoted line break count), nothing
// of the file scheduled; the same through a running server, over the
// local RPC.
func TestDutyImportNamesTheLinesTheStoreRefuses(t *testing.T) {
	e := demoEnv(t)
	cadre := e.people("--node", "330784114266", "--role", "village_cadre")[0]
	head := "room,person,from,to,note\n"
	row := func(from, to, note string) string {
		return "渎溪村," + cadre.ID + ",2030-03-" + from + ",2030-03-" + to + "," + note + "\n"
	}
	var stored []map[string]any
	e.okJSON(&stored, "duty", "import", e.write("first.csv", head+row("01 08:00", "01 20:00", "")), "--json")
	require.Len(t, stored, 1)
	overlapsStored := row("01 19:00", "01 22:00", "")
	in := " in 渎溪村 330784114266 overlaps "
	cases := []struct{ name, rows, want string }{
		{"batch.csv", row("02 08:00", "02 20:00", "") + row("02 19:00", "02 22:00", "") + overlapsStored,
			":3: " + cadre.Name + " 03-02 19:00–03-02 22:00" + in + "line 2's (" + cadre.Name + ", 03-02 08:00–03-02 20:00)"},
		{"stored.csv", row("02 08:00", "02 20:00", "") + row("03 08:00", "03 20:00", "") + overlapsStored,
			":4: " + cadre.Name + " 03-01 19:00–03-01 22:00" + in + stored[0]["id"].(string) + " (" + cadre.Name + ", 03-01 08:00–03-01 20:00)"},
		{"lines.csv", "\n" + row("04 08:00", "04 20:00", "\"夜间\n巡查\"") + row("04 19:00", "04 22:00", ""),
			":5: " + cadre.Name + " 03-04 19:00–03-04 22:00" + in + "line 3's (" + cadre.Name + ", 03-04 08:00–03-04 20:00)"},
	}
	refused := func() {
		t.Helper()
		for _, tc := range cases {
			file := e.write(tc.name, head+tc.rows)
			fails(t, e.run("duty", "import", file), cli.ExitRefused, file+tc.want)
			var after []map[string]any
			e.okJSON(&after, "duty", "list", "--from", "2030-03-01 00:00", "--json")
			assert.Len(t, after, 1, "nothing of %s is scheduled", tc.name)
		}
	}
	refused()
	testkit.SkipShort(t, "starts a server process")
	e.startServer()
	refused()
}

// A handover given early and signed for puts the incoming officer on duty
// at once: duty now names them alone, and the outgoing officer may not
// hand the same shift over again; while it waits, duty now names both (a
// QA: duty now still named the outgoing officer, and H-0002 was given).
func TestEarlyHandoverFromTheCommandLine(t *testing.T) {
	e := demoEnv(t)
	now := minuteNow()
	change := now.Add(30 * time.Minute)
	csvFile := e.write("shifts1.csv", "room,person,from,to\ntown,P2,"+stamp(now.Add(-2*time.Hour))+","+stamp(change)+"\ntown,P3,"+stamp(change)+","+stamp(change.Add(6*time.Hour))+"\n")
	e.ok("duty", "import", csvFile, "--as", "P2")
	var h map[string]any
	e.okJSON(&h, "--as", "P2", "handover", "give", "--json")
	var rooms []dutyNowJSON
	e.okJSON(&rooms, "duty", "now", "--room", "330784114", "--json")
	require.Len(t, rooms, 1)
	assert.Equal(t, "P3", rooms[0].Person, "handed over: the incoming officer on duty")
	require.NotNil(t, rooms[0].Outgoing)
	assert.Equal(t, "P2", rooms[0].Outgoing.Person, "with the outgoing one until signed for")
	assert.Contains(t, e.ok("duty", "now", "--room", "330784114"), "with P2 ")

	out := e.ok("--as", "P3", "handover", "accept")
	assert.Contains(t, out, h["id"].(string)+" signed for by P3")
	var signed []dutyNowJSON
	e.okJSON(&signed, "duty", "now", "--room", "330784114", "--json")
	require.Len(t, signed, 1)
	assert.Equal(t, "P3", signed[0].Person, "signed for: the incoming officer alone")
	assert.Nil(t, signed[0].Outgoing)
	assert.NotContains(t, e.ok("duty", "now", "--room", "330784114"), "P2")
	fails(t, e.run("--as", "P2", "handover", "give"), cli.ExitRefused, "early ("+h["id"].(string))
	var last map[string]any
	e.okJSON(&last, "handover", "show", "--last", "--json")
	assert.Equal(t, h["id"], last["id"], "no second handover")

	// --at takes a bare time as replay does: the last such time by now.
	before := time.Now().In(cstZone).Add(-2 * time.Minute).Truncate(time.Minute)
	fails(t, e.run("handover", "show", "--at", before.Format("15:04")), cli.ExitRefused, "no handover made by "+stamp(before))
	var at map[string]any
	e.okJSON(&at, "handover", "show", "--at", stamp(time.Now().In(cstZone).Add(time.Minute)), "--json")
	assert.Equal(t, h["id"], at["id"])
	e.ok("check")
}
