package cli_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/demo"
)

var idLine = regexp.MustCompile(`^HJ-[0-9]{8}-[0-9]{4}\n$`)

// report files an incident and returns the id it printed.
func (e *env) report(args ...string) string {
	e.t.Helper()
	out := e.ok(append([]string{"report"}, args...)...)
	require.Regexp(e.t, idLine, out)
	return strings.TrimSpace(out)
}

// act runs an action that must succeed and checks its one-line answer.
func (e *env) act(want string, args ...string) {
	e.t.Helper()
	out := e.ok(args...)
	assert.Equal(e.t, args[1]+" "+want+"\n", out)
}

func actions(tl []eventJSON) []string {
	s := make([]string, len(tl))
	for i, ev := range tl {
		s[i] = ev.Action
	}
	return s
}

// otherGrid is a grid of 渎溪村 other than the article's.
const otherGrid = "330784114266-01"

func TestReport(t *testing.T) {
	e := demoEnv(t)
	worker := e.personAt(string(demo.ArticleGrid), "grid_worker_ft")

	id := e.report("--node", string(demo.ArticleGrid), "--category", "traffic", "--severity", "III",
		"--title", "路面散落碎石", "--text", "村道上有碎石", "--by", worker)
	inc := e.show(id)
	assert.Equal(t, id, inc.ID)
	assert.Equal(t, "路面散落碎石", inc.Title)
	assert.Equal(t, "村道上有碎石", inc.Text)
	assert.Equal(t, string(demo.ArticleGrid), inc.Node)
	assert.Equal(t, "渎溪村 02", inc.NodeName, "the console's name")
	assert.Equal(t, "grid", inc.Tier)
	assert.Equal(t, "reported", inc.Status)
	assert.Equal(t, "III", inc.Severity)
	assert.Equal(t, "safety", inc.Platform, "traffic belongs to the safety platform")
	assert.Equal(t, worker, inc.Reporter)
	assert.Equal(t, "grid_patrol", inc.Source)
	require.Len(t, inc.Timeline, 1)
	assert.Equal(t, "report", inc.Timeline[0].Action)
	assert.Equal(t, worker, inc.Timeline[0].Actor)

	// Without --by the operator reports: the first duty officer on duty,
	// and a report at the village starts at the village tier.
	var j incidentJSON
	e.okJSON(&j, "report", "--node", string(demo.Duxi), "--category", "flood", "--severity", "II", "--title", "溪水上涨", "--json")
	assert.Regexp(t, `^HJ-[0-9]{8}-[0-9]{4}$`, j.ID)
	assert.Equal(t, "village", j.Tier)
	assert.Equal(t, "ecology", j.Platform)
	assert.Equal(t, "P1", j.Reporter)
	assert.Equal(t, "hotline", j.Source)
	assert.Equal(t, j.ID, e.show(j.ID).ID)

	assert.Equal(t, 42, e.stats().Incidents.Total)
}

func TestReportRefusals(t *testing.T) {
	e := demoEnv(t)
	node := string(demo.ArticleGrid)

	r := e.run("report")
	fails(t, r, cli.ExitUsage, "--node", "--category", "--severity", "--title")
	r = e.run("report", "--node", node, "--title", "x")
	fails(t, r, cli.ExitUsage, "--category", "--severity")
	assert.NotContains(t, r.err, "--node")
	assert.NotContains(t, r.err, "--title")

	for _, tt := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown node", []string{"--node", "330784114999", "--category", "traffic", "--severity", "II", "--title", "x"}, cli.ExitRefused, []string{"330784114999"}},
		{"unknown grid", []string{"--node", "330784114266-09", "--category", "traffic", "--severity", "II", "--title", "x"}, cli.ExitRefused, []string{"330784114266-09"}},
		{"malformed node", []string{"--node", "duxi", "--category", "traffic", "--severity", "II", "--title", "x"}, cli.ExitUsage, []string{"duxi"}},
		{"bad severity", []string{"--node", node, "--category", "traffic", "--severity", "V", "--title", "x"}, cli.ExitUsage, []string{"V"}},
		{"unknown category", []string{"--node", node, "--category", "aliens", "--severity", "II", "--title", "x"}, cli.ExitUsage, []string{"aliens"}},
		{"title of escapes only", []string{"--node", node, "--category", "traffic", "--severity", "II", "--title", "\x1b[2J\x07"}, cli.ExitUsage, []string{"title"}},
		{"title too long", []string{"--node", node, "--category", "traffic", "--severity", "II", "--title", strings.Repeat("长", 201)}, cli.ExitUsage, []string{"title"}},
		{"text too long", []string{"--node", node, "--category", "traffic", "--severity", "II", "--title", "x", "--text", strings.Repeat("x", 9000)}, cli.ExitUsage, []string{"text"}},
		{"bad source", []string{"--node", node, "--category", "traffic", "--severity", "II", "--title", "x", "--source", "rumour"}, cli.ExitUsage, []string{"rumour"}},
		{"unknown reporter", []string{"--node", node, "--category", "traffic", "--severity", "II", "--title", "x", "--by", "P99999"}, cli.ExitRefused, []string{"P99999"}},
		{"malformed reporter", []string{"--node", node, "--category", "traffic", "--severity", "II", "--title", "x", "--by", "bob"}, cli.ExitUsage, []string{"bob"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fails(t, e.run(append([]string{"report"}, tt.args...)...), tt.code, tt.want...)
		})
	}
	assert.Equal(t, 40, e.stats().Incidents.Total, "a refused report files nothing")
}

// A refusal is in the operator's language: the config's, or --lang's. The
// context the command line adds around it stays as it is.
func TestRefusalsInTheOperatorsLanguage(t *testing.T) {
	e := demoEnv(t)
	fails(t, e.run("show", "9999"), cli.ExitRefused, "gridcmd: no incident ends in 9999; give the whole id")
	r := e.run("--lang", "zh", "show", "9999")
	fails(t, r, cli.ExitRefused, "gridcmd: 没有以 9999 结尾的事件；请给出完整编号")
	assert.NotContains(t, r.err, "no incident")
	e.speak("zh")
	fails(t, e.run("--as", "P2422", "ack", "9999"), cli.ExitRefused, "gridcmd: 没有以 9999 结尾的事件")
	fails(t, e.run("--lang", "en", "show", "9999"), cli.ExitRefused, "gridcmd: no incident ends in 9999")
	// Flags are the command line's own words, in English in either.
	fails(t, e.run("show", "--nonsense"), cli.ExitUsage, "unknown flag: --nonsense")
}

// A bad input's refusal (a usage error, a flag's) reads in Chinese under
// zh too: a QA saw "title: 201 characters, at most 200" in the zh command
// line, where the field API says 标题：201 字.
func TestBadInputInTheOperatorsLanguage(t *testing.T) {
	e := demoEnv(t)
	e.speak("zh")
	report := []string{"report", "--node", string(demo.ArticleGrid), "--category", "hazard", "--severity", "III", "--title"}
	r := e.run(append(report, strings.Repeat("题", 201))...)
	fails(t, r, cli.ExitUsage, "gridcmd: 标题：201 字，最多 200 字")
	assert.NotContains(t, r.err, "characters")
	r = e.run(append(report, "\xff")...)
	fails(t, r, cli.ExitUsage, "gridcmd: --title：不是有效的 UTF-8")
	en := append([]string{"--lang", "en"}, report...)
	fails(t, e.run(append(en, "\xff")...), cli.ExitUsage, "gridcmd: --title: invalid UTF-8")
}

func TestReportStoresCleanText(t *testing.T) {
	e := demoEnv(t)
	id := e.report("--node", string(demo.ArticleGrid), "--category", "hazard", "--severity", "III",
		"--title", "\x1b]0;pwned\x07\x1b[2J标题",
		"--text", "第一行\x1b[31m红\x1b[0m\n第二行\x1b]8;;http://evil\x07链接\x1b]8;;\x07\r")
	inc := e.show(id)
	assert.Equal(t, "标题", inc.Title)
	assert.Contains(t, inc.Text, "第一行")
	assert.Contains(t, inc.Text, "第二行")
	assert.Contains(t, inc.Text, "\n", "the text keeps its lines")
	for _, s := range []string{inc.Title, inc.Text, inc.Timeline[0].Note} {
		assert.NotContains(t, s, "\x1b")
		assert.NotContains(t, s, "\x07")
		assert.NotContains(t, s, "pwned")
		assert.NotContains(t, s, "evil")
	}
	for _, out := range []string{e.ok("show", id), e.ok("incidents"), e.ok("show", id, "--json")} {
		assert.NotContains(t, out, "\x1b")
		assert.NotContains(t, out, "\x07")
	}
	// The notes of actions are cleaned too.
	e.ok("ack", id, "--note", "\x1b[2J收到\x07")
	tl := e.show(id).Timeline
	assert.Equal(t, "收到", tl[len(tl)-1].Note)
}

func TestIncidentsList(t *testing.T) {
	e := demoEnv(t)
	all := e.incidents()
	require.Len(t, all, 40)
	st := e.stats()

	seenClosed := false
	for _, inc := range all {
		open := inc.Status == "reported" || inc.Status == "acknowledged" || inc.Status == "dispatched"
		if !open {
			seenClosed = true
		} else {
			assert.False(t, seenClosed, "open incidents come before closed ones: %s", inc.ID)
		}
	}

	open := e.incidents("--open")
	assert.Len(t, open, st.Incidents.Open)
	for _, inc := range open {
		assert.Contains(t, []string{"reported", "acknowledged", "dispatched"}, inc.Status, inc.ID)
	}
	closed := e.incidents("--status", "closed")
	require.NotEmpty(t, closed)
	for _, inc := range closed {
		assert.Equal(t, "closed", inc.Status)
		assert.NotEmpty(t, inc.ClosedAt)
	}
	for _, tier := range []string{"grid", "village", "town", "taskforce"} {
		for _, inc := range e.incidents("--tier", tier) {
			assert.Equal(t, tier, inc.Tier, inc.ID)
		}
	}
	duxi := e.incidents("--node", string(demo.Duxi))
	require.NotEmpty(t, duxi)
	found := false
	for _, inc := range duxi {
		assert.True(t, strings.HasPrefix(inc.Node, string(demo.Duxi)), inc.Node)
		found = found || inc.Title == demo.ArticleTitle
	}
	assert.True(t, found, "the article's case is in 渎溪村")
	for _, inc := range e.incidents("--node", string(demo.Duxi), "--open", "--tier", "town") {
		assert.Equal(t, "town", inc.Tier)
		assert.True(t, strings.HasPrefix(inc.Node, string(demo.Duxi)))
	}

	text := e.ok("incidents", "--open")
	assert.Regexp(t, `^sev\s+id\s+tier\s+status`, text)
	assert.Equal(t, st.Incidents.Open+1, strings.Count(text, "\n"))

	fails(t, e.run("incidents", "--status", "bogus"), cli.ExitUsage, `status "bogus"`)
	fails(t, e.run("incidents", "--tier", "county"), cli.ExitUsage, `tier "county"`)
	fails(t, e.run("incidents", "--node", "xyz"), cli.ExitUsage, "xyz")
	fails(t, e.run("incidents", "--node", "330784114999"), cli.ExitRefused, "330784114999")
	fails(t, e.run("incidents", "--opne"), cli.ExitUsage, "--opne", "gridcmd incidents --help")
}

// articleCase finds the article's own case among the demo's incidents.
func (e *env) articleCase() incidentJSON {
	e.t.Helper()
	for _, inc := range e.incidents("--node", string(demo.ArticleGrid)) {
		if inc.Title == demo.ArticleTitle {
			return e.show(inc.ID)
		}
	}
	e.t.Fatal("the article's case is not in the demo")
	return incidentJSON{}
}

func TestArticleCaseWalk(t *testing.T) {
	e := demoEnv(t)
	leader := e.personAt(string(demo.ArticleGrid), "grid_leader")

	inc := e.articleCase()
	id := inc.ID
	assert.Equal(t, string(demo.ArticleGrid), inc.Node)
	assert.Equal(t, "town", inc.Tier, "the grid leader passed it straight to the town")
	assert.Equal(t, "dispatched", inc.Status)
	assert.Equal(t, "交警中队", inc.Department)
	assert.Equal(t, 1, inc.Escalations)
	require.GreaterOrEqual(t, len(inc.Timeline), 5)
	assert.Equal(t, []string{"report", "acknowledge", "escalate", "acknowledge", "dispatch"}, actions(inc.Timeline)[:5])
	assert.Equal(t, leader, inc.Timeline[1].Actor, "its grid leader signed for it")
	assert.Equal(t, leader, inc.Timeline[2].Actor, "and passed it on")
	assert.Equal(t, &stateJSON{Tier: "town", Status: "reported"}, inc.Timeline[2].After)
	assert.True(t, strings.HasPrefix(inc.Timeline[4].Note, "safety / 交警中队"), inc.Timeline[4].Note)
	assert.True(t, strings.HasPrefix(inc.Timeline[4].NoteZh, "平安法治 / 交警中队"), "gridcmd's own words in Chinese too: %q", inc.Timeline[4].NoteZh)
	text := e.ok("show", id)
	assert.Contains(t, text, demo.ArticleTitle)
	assert.Contains(t, text, string(demo.ArticleGrid)+"  渎溪村 02\n", "the console's name")
	assert.Contains(t, text, "交警中队")
	before := len(inc.Timeline)

	// The grid leader has no say at the town tier.
	fails(t, e.run("resolve", id, "--by", leader), cli.ExitRefused, "may not resolve")

	e.act("escalate: now reported at the taskforce tier", "escalate", id, "--to", "taskforce", "--note", "需多部门协同")
	e.act("acknowledge: now acknowledged at the taskforce tier", "ack", id)
	e.act("dispatch: now dispatched at the taskforce tier", "dispatch", id, "--department", "应急管理站", "--platform", "safety")
	e.act("resolve: now resolved at the taskforce tier", "resolve", id, "--note", "货物已清理，道路恢复通行")
	e.act("reopen: now reported at the taskforce tier", "reopen", id, "--note", "路面仍有油污")
	e.act("acknowledge: now acknowledged at the taskforce tier", "ack", id)
	e.act("resolve: now resolved at the taskforce tier", "resolve", id)
	e.act("close: now closed at the taskforce tier", "close", id, "--note", "回访司机与村民，无异议")

	inc = e.show(id)
	assert.Equal(t, "closed", inc.Status)
	assert.Equal(t, "应急管理站", inc.Department)
	assert.Equal(t, 2, inc.Escalations)
	assert.NotEmpty(t, inc.ClosedAt)
	// The demo was made at a fixed --at in the past, so the first write also
	// applies the clocks that ran out since (a supervision); read commands
	// never do.
	var after []string
	for _, a := range actions(inc.Timeline)[before:] {
		if a != "supervise" {
			after = append(after, a)
		}
	}
	assert.Equal(t, []string{"escalate", "acknowledge", "dispatch", "resolve", "reopen", "acknowledge", "resolve", "close"}, after)
	last := inc.Timeline[len(inc.Timeline)-1]
	assert.Equal(t, "P1", last.Actor)
	assert.Equal(t, &stateJSON{Tier: "taskforce", Status: "resolved"}, last.Before)
	assert.Equal(t, &stateJSON{Tier: "taskforce", Status: "closed"}, last.After)

	fails(t, e.run("reopen", id, "--note", "又有人投诉"), cli.ExitRefused, "cannot reopen", "closed")
	fails(t, e.run("escalate", id), cli.ExitRefused, "closed")
}

func TestFreshReportWalk(t *testing.T) {
	e := demoEnv(t)
	grid := string(demo.ArticleGrid)
	worker := e.personAt(grid, "grid_worker_ft")
	leader := e.personAt(grid, "grid_leader")
	otherLeader := e.personAt(otherGrid, "grid_leader")
	cadre := e.personAt(string(demo.Duxi), "village_cadre")
	require.NotEqual(t, leader, otherLeader)

	id := e.report("--node", grid, "--category", "traffic", "--severity", "III", "--title", "货车侧翻", "--by", worker)

	// Refused while it is only reported.
	fails(t, e.run("resolve", id), cli.ExitRefused, id, "cannot resolve", "acknowledge it first")
	fails(t, e.run("close", id), cli.ExitRefused, id, "cannot close", "resolve it first")
	fails(t, e.run("reopen", id, "--note", "x"), cli.ExitRefused, "still open")
	r := e.run("ack", id, "--by", otherLeader)
	fails(t, r, cli.ExitRefused, id, "may not acknowledge at the grid tier")
	assert.Equal(t, "reported", e.show(id).Status, "a refusal changes nothing")

	e.act("acknowledge: now acknowledged at the grid tier", "ack", id, "--by", leader, "--note", "已签收")
	fails(t, e.run("ack", id, "--by", leader), cli.ExitRefused, "already signed for")
	fails(t, e.run("escalate", id, "--by", otherLeader), cli.ExitRefused, "may not escalate")
	e.act("escalate: now reported at the village tier", "escalate", id, "--by", leader)
	e.act("acknowledge: now acknowledged at the village tier", "ack", id, "--by", cadre)
	fails(t, e.run("dispatch", id, "--by", cadre), cli.ExitUsage, "department")
	fails(t, e.run("dispatch", id, "--by", cadre, "--department", "交警中队", "--platform", "police"), cli.ExitUsage, "police")
	e.act("dispatch: now dispatched at the village tier", "dispatch", id, "--by", cadre, "--department", "交警中队", "--platform", "safety", "--note", "请尽快到场")
	e.act("resolve: now resolved at the village tier", "resolve", id, "--by", cadre, "--note", "车辆已拖离")
	fails(t, e.run("reopen", id, "--by", cadre), cli.ExitRefused, id, "reopening needs a note")
	e.act("reopen: now reported at the village tier", "reopen", id, "--by", cadre, "--note", "路面油污未清")
	e.act("escalate: now reported at the taskforce tier", "escalate", id, "--to", "taskforce")
	fails(t, e.run("escalate", id), cli.ExitRefused, id, "already at the task force")
	fails(t, e.run("escalate", id, "--to", "town"), cli.ExitRefused, "escalation only climbs")
	fails(t, e.run("escalate", id, "--to", "county"), cli.ExitUsage, `tier "county"`)
	e.act("acknowledge: now acknowledged at the taskforce tier", "ack", id)
	e.act("resolve: now resolved at the taskforce tier", "resolve", id)
	fails(t, e.run("close", id, "--by", cadre), cli.ExitRefused, "may not close", "duty officer")
	var closed incidentJSON
	e.okJSON(&closed, "close", id, "--json")
	assert.Equal(t, "closed", closed.Status)
	assert.Equal(t, id, closed.ID)
	fails(t, e.run("reopen", id, "--note", "x"), cli.ExitRefused, "closed incidents are archived")

	inc := e.show(id)
	assert.Equal(t, []string{"report", "acknowledge", "escalate", "acknowledge", "dispatch", "resolve", "reopen",
		"escalate", "acknowledge", "resolve", "close"}, actions(inc.Timeline))
	actors := make([]string, len(inc.Timeline))
	for i, ev := range inc.Timeline {
		actors[i] = ev.Actor
	}
	assert.Equal(t, []string{worker, leader, leader, cadre, cadre, cadre, cadre, "P1", "P1", "P1", "P1"}, actors)
	assert.Equal(t, "已签收", inc.Timeline[1].Note)
	assert.Equal(t, "grid→village", inc.Timeline[2].Note)
	assert.Equal(t, "safety / 交警中队: 请尽快到场", inc.Timeline[4].Note)
	assert.Equal(t, "路面油污未清", inc.Timeline[6].Note)
	assert.Equal(t, 2, inc.Escalations)

	text := e.ok("show", id)
	assert.Regexp(t, `(?m)^time\s+action\s+by\s+change\s+note$`, text)
	assert.Contains(t, text, "village/resolved → village/reported")
	listed := false
	for _, inc := range e.incidents("--status", "closed", "--node", grid) {
		listed = listed || inc.ID == id
	}
	assert.True(t, listed, "%s among the closed incidents of its grid", id)
}

func TestActionIDs(t *testing.T) {
	e := demoEnv(t)
	for _, verb := range []string{"ack", "escalate", "resolve", "close", "reopen", "show"} {
		t.Run(verb, func(t *testing.T) {
			fails(t, e.run(verb, "HJ-20261129-9999"), cli.ExitRefused, "no incident HJ-20261129-9999")
			fails(t, e.run(verb, "HJ-2026-1"), cli.ExitUsage, `"HJ-2026-1"`, "PREFIX-YYYYMMDD-NNNN")
			fails(t, e.run(verb), cli.ExitUsage, verb+": want one incident id")
			fails(t, e.run(verb, "a", "b"), cli.ExitUsage, "got 2 arguments")
		})
	}
	fails(t, e.run("dispatch", "HJ-20261129-9999", "--department", "x"), cli.ExitRefused, "no incident")
	fails(t, e.run("dispatch", "nope", "--department", "x"), cli.ExitUsage, `"nope"`)

	// Ids are read as a person types them.
	id := e.articleCase().ID
	assert.Equal(t, id, e.show(" "+strings.ToLower(id)+" ").ID)

	fails(t, e.run("ack", id, "--by", "P99999"), cli.ExitRefused, "P99999")
	fails(t, e.run("ack", id, "--by", "bob"), cli.ExitUsage, `"bob"`)
	fails(t, e.run("--as", "bob", "ack", id), cli.ExitUsage, `"bob"`)
}

// TestShortIncidentIDs: show (and the actions, and note) read an open
// incident's id by its end, as the console's :show does: 0032, 07-0032,
// 1207-0032, 20261207-0032.
func TestShortIncidentIDs(t *testing.T) {
	e := demoEnv(t)
	var open []incidentJSON
	for _, inc := range e.incidents() {
		if inc.Status == "reported" || inc.Status == "acknowledged" || inc.Status == "dispatched" {
			open = append(open, inc)
		}
	}
	require.NotEmpty(t, open)
	ends := map[string]int{}
	for _, inc := range open {
		ends[inc.ID[len(inc.ID)-4:]]++
	}
	var id string
	for _, inc := range open {
		if ends[inc.ID[len(inc.ID)-4:]] == 1 {
			id = inc.ID
			break
		}
	}
	require.NotEmpty(t, id, "an open incident whose number no other open one has")
	num, day := id[len(id)-4:], id[len(id)-9:]
	require.Equal(t, whole(t, e, id), whole(t, e, num))
	require.Equal(t, id, whole(t, e, day))
	// The day of the month alone (08-0002, as the narrow queue shows it
	// and :show reads it; a QA saw it refused as a bad format) and the
	// whole date.
	require.Equal(t, id, whole(t, e, id[len(id)-7:]))
	require.Equal(t, id, whole(t, e, id[len(id)-13:]))
	assert.Contains(t, e.ok("note", id[len(id)-7:], "已到场"), id+": note added")
	fails(t, e.run("show", "8-"+num), cli.ExitUsage, "PREFIX-YYYYMMDD-NNNN")
	assert.Contains(t, e.ok("note", num, "已联系交警"), id+": note added")
	// After its town's prefix, as a room of several towns shows it.
	pre := id[:strings.Index(id, "-")+1]
	require.Equal(t, id, whole(t, e, pre+num))
	require.Equal(t, id, whole(t, e, strings.ToLower(pre)+day))
	fails(t, e.run("show", "DC-"+num), cli.ExitRefused, "no incident ends in DC-"+num)
	fails(t, e.run("show", "9999"), cli.ExitRefused, "no incident ends in 9999; give the whole id")
	fails(t, e.run("ack", "0101-9999"), cli.ExitRefused, "no incident ends in 0101-9999")
	fails(t, e.run("show", "HJ-2026-1"), cli.ExitUsage, "PREFIX-YYYYMMDD-NNNN")
	resolved := e.incidents("--status", "resolved")
	require.NotEmpty(t, resolved)
	// A resolved one (not among the open) is found by its end too, so
	// close and reopen take the short form the help promises (a review
	// found them refused).
	closed := false
	for _, r := range resolved {
		end := r.ID[len(r.ID)-4:]
		if ends[end] != 0 || slices.ContainsFunc(resolved, func(o incidentJSON) bool { return o.ID != r.ID && o.ID[len(o.ID)-4:] == end }) {
			continue
		}
		require.Equal(t, r.ID, whole(t, e, end))
		assert.Contains(t, e.ok("close", end), r.ID)
		// Closed, it is found by its end still (with its day: the
		// archive holds other days' numbers): show shows it, and reopen
		// says why it cannot rather than that there is none.
		dayEnd := r.ID[len(r.ID)-9:]
		require.Equal(t, r.ID, whole(t, e, dayEnd))
		fails(t, e.run("reopen", dayEnd, "--note", "新情况"), cli.ExitRefused, "cannot reopen an incident that is closed")
		// By its number alone it is not reached: a note would land on
		// one archived (a review).
		fails(t, e.run("note", end, "又一条"), cli.ExitRefused, "no incident ends in "+end)
		closed = true
		break
	}
	require.True(t, closed, "a resolved incident whose number no other has")
}

// whole is the id show finds for id.
func whole(t *testing.T, e *env, id string) string {
	t.Helper()
	var inc incidentJSON
	e.okJSON(&inc, "show", id, "--json")
	return inc.ID
}
