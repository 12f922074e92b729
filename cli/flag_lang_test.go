package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/cli"
)

// A date, time or duration flag the command cannot read is refused in the
// operator's language, as duty add's --from is (a QA saw timeline export
// --from 2026-13-45 and replay --from 25:00 answer in English under lang:
// zh).
func TestBadTimeFlagsRefuseInChinese(t *testing.T) {
	e := newEnv(t)
	e.speak("zh")
	e.ok("init")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"timeline", "export", "--from", "2026-1345"}, `gridcmd: --from："2026-1345" 不是时间：应为 21:30（今天的，尚未到则为昨天的）、2026-11-29 21:30、单独的日期（2026-12-09）或 RFC 3339`},
		// A date written as one that does not exist says so (a QA read
		// only 不是时间 for 2026-02-30).
		{[]string{"timeline", "export", "--from", "2026-02-30"}, `gridcmd: --from："2026-02-30"：没有这一天：2026 年 2 月没有 30 日（只有 28 天）`},
		{[]string{"timeline", "export", "--from", "2026-13-45"}, `gridcmd: --from："2026-13-45"：没有这一天：没有 13 月`},
		{[]string{"replay", "--from", "2026-04-31 08:00"}, `gridcmd: --from："2026-04-31 08:00"：没有这一天：2026 年 4 月没有 31 日（只有 30 天）`},
		{[]string{"duty", "add", "--person", "P1", "--room", "town", "--from", "2026-02-29 08:00", "--to", "2026-03-01 08:00"}, `gridcmd: --from："2026-02-29 08:00"：没有这一天：2026 年 2 月没有 29 日`},
		{[]string{"replay", "--from", "25:00"}, `gridcmd: --from："25:00" 不是时间：应为 21:30`},
		{[]string{"timeline", "export", "--from", "21:00", "--to", "morning"}, `gridcmd: --to："morning" 不是时间`},
		{[]string{"patrol", "list", "--day", "2026-02-30"}, `gridcmd: --day："2026-02-30"：没有这一天：2026 年 2 月没有 30 日`},
		{[]string{"patrol", "list", "--day", "2026-2-3"}, `gridcmd: --day "2026-2-3"：应为日期，YYYY-MM-DD`},
		{[]string{"rotation", "add", "--name", "联巡", "--activity", "patrol", "--groups", "330784114266-01,330784114266-02", "--start", "12/01"},
			`gridcmd: --start "12/01"：应为日期，YYYY-MM-DD`},
		{[]string{"heartbeat", "add", "g1", "--every", "ten", "--node", "330784114"}, `gridcmd: --every "ten"：应为时长，如 10m`},
		{[]string{"init", "--demo", "--at", "tomorrow"}, `gridcmd: --at "tomorrow"：应为 RFC 3339 时间`},
	} {
		r := e.run(tc.args...)
		fails(t, r, cli.ExitUsage, tc.want)
		assert.NotRegexp(t, `\b(want|not a|date|duration)\b`, r.err, "no English words: %s", r)
	}
	// In English as before.
	e.speak("en")
	fails(t, e.run("replay", "--from", "25:00"), cli.ExitUsage, `--from: "25:00" is not a time: want 21:30 (today, or yesterday when still to come), 2026-11-29 21:30, a date alone (2026-12-09) or RFC 3339`)
	fails(t, e.run("timeline", "export", "--from", "2026-02-30"), cli.ExitUsage, `gridcmd: --from: "2026-02-30": no such date: February 2026 has no 30th (28 days)`)
	fails(t, e.run("patrol", "list", "--day", "2026-02-30"), cli.ExitUsage, `--day: "2026-02-30": no such date: February 2026 has no 30th`)
	fails(t, e.run("patrol", "list", "--day", "2026-2-3"), cli.ExitUsage, `--day "2026-2-3": want a date, YYYY-MM-DD`)
}

// A command's refusal of its own usage (a missing flag or argument, a
// --format it does not write, an unknown subcommand, a file it cannot
// read) is in the operator's language too: a QA saw wartime on,
// directive issue, import patrol-areas, finding add and timeline export
// --format xml answer in English under zh.
func TestUsageRefusalsInChinese(t *testing.T) {
	e := demoEnv(t)
	e.speak("zh")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"wartime", "on"}, "gridcmd: wartime on：缺少 --reason（flood 防汛、typhoon 防台、epidemic 疫情、fire 火灾或 other 其他）"},
		{[]string{"wartime", "on", "--reason", "flood", "330784114"}, "gridcmd: wartime on：缺少 --scope；请给出镇或村的代码（给了 330784114，却没有 --scope）"},
		{[]string{"wartime", "widen"}, "gridcmd: wartime widen：缺少 --scope"},
		{[]string{"wartime", "of"}, `gridcmd: wartime: 没有 "of" 这个命令；应为 off、on`},
		{[]string{"directive", "issue"}, "gridcmd: directive issue：缺少 --to、--text、--deadline"},
		{[]string{"directive", "progress", "D-0001", "--unit", "x"}, "gridcmd: directive progress：应为 --done N --of M"},
		{[]string{"import", "patrol-areas"}, "gridcmd: import patrol-areas: 需要一个 CSV 文件，却没有给出（见 'gridcmd import patrol-areas --help'）"},
		{[]string{"import", "patrol-areas", e.path("absent.csv")}, "gridcmd: 无法读取 " + e.path("absent.csv") + "：文件不存在"},
		{[]string{"finding", "add"}, "gridcmd: finding add：缺少 --area、--category、--text"},
		{[]string{"finding", "close", "F-0001"}, "gridcmd: finding close：缺少 --reason（为何无需处置）"},
		{[]string{"finding", "pass", "F-0001"}, "gridcmd: finding pass：缺少 --node"},
		{[]string{"timeline", "export", "--format", "xml"}, `gridcmd: --format "xml"：应为 csv 或 json`},
		{[]string{"handover", "show", "--format", "pdf"}, `gridcmd: --format "pdf"：应为 text 或 md`},
		{[]string{"handover", "show", "H-0001", "--last"}, "gridcmd: handover show：编号、--last 与 --at 只能给一个"},
		{[]string{"show"}, "gridcmd: show: 需要一个事件编号"},
		{[]string{"wartime", "off", "W-1", "W-2"}, "gridcmd: wartime off: 最多给出一个战时编号（如 W-0001），却给了 2 个参数"},
		{[]string{"note", "0001"}, "gridcmd: note: 需要事件编号和备注"},
		{[]string{"--as", "P1", "dispatch", "0001"}, "gridcmd: dispatch：缺少 --department：由谁承办"},
		{[]string{"key", "revoke"}, "gridcmd: key revoke：指纹与 --person 给出其一，且只给一个"},
		{[]string{"points", "grant", "--person", "P1", "--points", "-3", "--reason", "x"}, "gridcmd: 积分奖励：--points -3：应为分数，1 到 100"},
		{[]string{"patrol", "checkin", "X-0001"}, "gridcmd: patrol checkin：缺少 --checkpoint"},
		{[]string{"tower", "--depth", "-2"}, "gridcmd: --depth -2：应为 CODE 以下 0 层或更多"},
		{[]string{"init"}, "已有数据"},
		{[]string{"--db", e.path("nothing.db"), "incidents"}, "处没有数据库；请运行 gridcmd init"},
	} {
		r := e.run(tc.args...)
		fails(t, r, cli.ExitUsage, tc.want)
		assert.NotRegexp(t, `\b(want|missing|give|got|none|unknown|required|exists)\b`, r.err, "no English words: %s", r)
	}
	// In English as before.
	e.speak("en")
	fails(t, e.run("wartime", "on"), cli.ExitUsage, "gridcmd: wartime on: missing --reason (flood, typhoon, epidemic, fire or other)")
	fails(t, e.run("directive", "issue"), cli.ExitUsage, "gridcmd: directive issue: missing --to, --text, --deadline")
	fails(t, e.run("import", "patrol-areas"), cli.ExitUsage, "gridcmd: import patrol-areas: want one CSV file, got none (see 'gridcmd import patrol-areas --help')")
	fails(t, e.run("timeline", "export", "--format", "xml"), cli.ExitUsage, `gridcmd: --format "xml": want csv or json`)
	fails(t, e.run("import", "patrol-areas", e.path("absent.csv")), cli.ExitUsage, "no such file or directory")
}
