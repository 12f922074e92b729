package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/cli"
	"gridcmd/demo"
)

// escalate --from TIER escalates only while the incident is still at that
// tier, as the console's question does (two seats confirming one
// escalation moved it two tiers): a second one is refused, nothing done,
// saying who moved it. Without --from it climbs from wherever it is, as
// before. Through a running server the flag travels over the local API.
func TestEscalateFrom(t *testing.T) {
	e := demoEnv(t)
	grid := string(demo.ArticleGrid)
	worker := e.personAt(grid, "grid_worker_ft")
	for _, served := range []bool{false, true} {
		if served {
			e.startServer()
		}
		id := e.report("--node", grid, "--category", "traffic", "--severity", "III", "--title", "两席同时确认", "--by", worker)
		e.act("escalate: now reported at the village tier", "escalate", id, "--from", "grid")
		fails(t, e.run("escalate", id, "--from", "网格"), cli.ExitRefused, id+" is now at the village tier (escalated by ", "no longer at the grid tier", "nothing done")
		assert.Equal(t, "village", e.show(id).Tier, "served %v: a refusal changes nothing", served)
		fails(t, e.run("escalate", id, "--from", "county"), cli.ExitUsage, `tier "county"`)
		e.act("escalate: now reported at the town tier", "escalate", id)
	}
}
