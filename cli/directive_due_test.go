package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/cli"
)

// directive issue says a deadline of another day with its date ("done by
// 12-01 03:10", not "03:10", which reads as today's), refuses one past 7
// days naming the limit, and a micro-grid's worker issues and resends
// nothing, not even to their own micro-grid.
func TestDirectiveIssueDeadlineAndIssuer(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "flood", "--scope", "town", "--yes")
	out := e.ok("directive", "issue", "--to", "渎溪村", "--text", "清点物资", "--deadline", "48h", "--dry-run")
	assert.Regexp(t, `sign for by \d\d:\d\d, done by \d\d-\d\d \d\d:\d\d\n`, out)
	fails(t, e.run("directive", "issue", "--to", "渎溪村", "--text", "清点物资", "--deadline", "9999h"), cli.ExitUsage,
		"past the limit of 7 days (168h) from issue")

	e.ok("directive", "issue", "--to", "渎溪村", "--text", "清点物资", "--deadline", "2h")
	worker := e.personAt("330784114266-02-01", "micro_grid_worker")
	fails(t, e.run("directive", "issue", "--to", "渎溪村 02-01", "--text", "自查", "--deadline", "1h", "--by", worker), cli.ExitRefused,
		"a micro-grid signs for directives and reports on them")
	fails(t, e.run("directive", "resend", "D-0001", "--by", worker), cli.ExitRefused, "the village room or the town room issues and resends them")
	e.ok("directive", "ack", "D-0001", "--unit", "渎溪村 02-01", "--by", worker)
	assert.Contains(t, e.ok("directive", "show", "D-0001"), "signed 1/11")
}
