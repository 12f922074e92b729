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
		{[]string{"timeline", "export", "--from", "2026-13-45"}, `gridcmd: --from："2026-13-45" 不是时间：应为 21:30（今天的，尚未到则为昨天的）、2026-11-29 21:30 或 RFC 3339`},
		{[]string{"replay", "--from", "25:00"}, `gridcmd: --from："25:00" 不是时间：应为 21:30`},
		{[]string{"timeline", "export", "--from", "21:00", "--to", "morning"}, `gridcmd: --to："morning" 不是时间`},
		{[]string{"patrol", "list", "--day", "2026-02-30"}, `gridcmd: --day "2026-02-30"：应为日期，YYYY-MM-DD`},
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
	fails(t, e.run("replay", "--from", "25:00"), cli.ExitUsage, `--from: "25:00" is not a time: want 21:30 (today, or yesterday when still to come)`)
	fails(t, e.run("patrol", "list", "--day", "2026-02-30"), cli.ExitUsage, `--day "2026-02-30": want a date, YYYY-MM-DD`)
}
