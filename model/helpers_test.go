package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// The fixed clock every test reads: 03:10 on 29 November 2026 in the command
// room's zone (UTC+8, fixed so the tests need no tzdata).
var (
	loc = testkit.CST
	t0  = testkit.Night
)

// Codes from the article: Duxi village (渎溪村) of Huajie town and its grids.
const (
	town      model.NodeCode = "330784114"
	duxi      model.NodeCode = "330784114266"
	duxiG01   model.NodeCode = "330784114266-01"
	duxiG02   model.NodeCode = "330784114266-02"
	duxiG10   model.NodeCode = "330784114266-10"
	duxiG02M3 model.NodeCode = "330784114266-02-03"
	duxiUnit  model.NodeCode = "330784114266-02-03-04"
	otherVil  model.NodeCode = "330784114200" // 倪宅村
	otherGrid model.NodeCode = "330784114200-01"
)

// The cast: one person per role and place the rule table distinguishes.
var (
	gridLeader      = model.Person{ID: 11, Name: "网格长甲", Phone: "13800000011", Node: duxiG02, Roles: []model.Role{model.RoleGridLeader}}
	otherLeader     = model.Person{ID: 12, Name: "网格长乙", Phone: "13800000012", Node: duxiG01, Roles: []model.Role{model.RoleGridLeader}}
	gridWorker      = model.Person{ID: 13, Name: "网格员丙", Phone: "13800000013", Node: duxiG02, Roles: []model.Role{model.RoleGridWorkerFull}}
	partWorker      = model.Person{ID: 14, Name: "网格员丁", Phone: "13800000014", Node: duxiG02, Roles: []model.Role{model.RoleGridWorkerPart}}
	villageCadre    = model.Person{ID: 21, Name: "村干部戊", Phone: "13800000021", Node: duxi, Roles: []model.Role{model.RoleVillageCadre}}
	otherCadre      = model.Person{ID: 22, Name: "村干部己", Phone: "13800000022", Node: otherVil, Roles: []model.Role{model.RoleVillageCadre}}
	dutyOfficer     = model.Person{ID: 31, Name: "值班员庚", Phone: "0579-87000031", Node: town, Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true}
	microWorker     = model.Person{ID: 41, Name: "微网格员辛", Phone: "13800000041", Node: duxiG02M3, Roles: []model.Role{model.RoleMicroGridWorker}}
	reservist       = model.Person{ID: 51, Name: "志愿者壬", Phone: "13800000051", Node: duxiG02, Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVolunteer}
	patroller       = model.Person{ID: 61, Name: "巡护员癸", Phone: "13800000061", Node: town, Roles: []model.Role{model.RolePatroller}}
	otherPatroller  = model.Person{ID: 63, Name: "巡护员乙", Phone: "13800000061", Node: town, Roles: []model.Role{model.RolePatroller}}
	liaison         = model.Person{ID: 62, Name: "联络员子", Phone: "13800000062", Node: town, Roles: []model.Role{model.RoleLiaison}}
	contactPerson   = model.Person{ID: 71, Name: "包联人丑", Phone: "13800000071", Node: duxiUnit, Roles: []model.Role{model.RoleContactPerson}}
	system          = model.Person{ID: model.System}
	leaderAndWorker = model.Person{ID: 15, Name: "双岗", Phone: "13800000015", Node: duxiG02, Roles: []model.Role{model.RoleGridWorkerFull, model.RoleGridLeader}}
)

// report is the article's own example: cargo spilled across the 330 national
// road in Duxi village, grid 2, reported by a grid worker.
func report() model.Report {
	return model.Report{
		Node: duxiG02, Category: "traffic", Severity: model.SeverityII,
		Title: "330国道货物散落", Text: "渎溪村路段有货物散落，影响通行。", Reporter: gridWorker.ID,
	}
}

// fileReport applies the report rule as the store does.
var fileReport = testkit.FileReport

// newIncident files report() at t0 under the default policy.
func newIncident(t *testing.T) model.Incident {
	t.Helper()
	inc, _, err := fileReport(1, "HJ-20261129-0001", report(), gridWorker, t0, model.DefaultPolicy())
	require.NoError(t, err)
	return inc
}

// incidentAt is the incident of a table's row: at tr and st (see at), then
// changed by each of edits.
func incidentAt(tr model.Tier, st model.Status, edits ...func(*model.Incident)) func(*testing.T) model.Incident {
	return func(t *testing.T) model.Incident {
		t.Helper()
		i := at(t, tr, st)
		for _, edit := range edits {
			edit(&i)
		}
		return i
	}
}

// supervised and escalatedOnce are edits of incidentAt: the incident's
// running clock ran out; it was escalated once.
func supervised(i *model.Incident)    { i.Supervised = true }
func escalatedOnce(i *model.Incident) { i.Escalations = 1 }

// at returns an incident at tier tr and status st with clocks that started at
// t0, as the rules would have left it.
func at(t *testing.T, tr model.Tier, st model.Status) model.Incident {
	t.Helper()
	p := model.DefaultPolicy()
	inc := newIncident(t)
	inc.Tier = tr
	inc.TierSince = t0
	inc.AckBy = t0.Add(p.AckWindow(tr))
	inc.DueBy = t0.Add(p.ResolveWindow(tr, inc.Severity))
	inc.Status = st
	switch st {
	case model.StatusAcknowledged:
		inc.AckedAt = t0
	case model.StatusDispatched:
		inc.AckedAt = t0
		inc.DispatchedAt = t0
		inc.Department = "交警中队"
	case model.StatusResolved:
		inc.AckedAt = t0
		inc.ResolvedAt = t0
	case model.StatusClosed:
		inc.AckedAt = t0
		inc.ResolvedAt = t0
		inc.ClosedAt = t0
	}
	return inc
}

// parsed is a case of a parser's table: in reads as want.
type parsed[T any] struct {
	in   string
	want T
}

// parses runs a subtest per case, named by its input: parse reads it as
// the case's want.
func parses[T any](t *testing.T, parse func(string) (T, error), cases []parsed[T]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// requireCode and requireZh are testkit's.
var requireCode, requireZh = testkit.RequireCode, testkit.RequireZh
