package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestReportsIntoAnotherTown: on a file of two towns under their county,
// the field API takes a report into 东城街道 from its own people and the
// county's officer, and answers 403 to 花街镇's (the token's scope),
// naming the scope and the place by their names, not by codes alone; the
// local API, which files as the person the command line names, carries
// the store's refusal of a reporter of another town, in both languages.
func TestReportsIntoAnotherTown(t *testing.T) {
	le := newLocalEnv(t)
	const dcTown, dcVillage = model.NodeCode("330784001"), model.NodeCode("330784001001")
	_, err := le.db.ImportNodes(le.ctx, []model.Node{
		{Code: "330784", Level: model.LevelCounty, Name: "永康市"},
		{Code: dcTown, Level: model.LevelTown, Name: "东城街道", Parent: "330784"},
		{Code: dcVillage, Level: model.LevelVillage, Name: "园丁社区", Parent: dcTown},
	}, model.System, "county")
	require.NoError(t, err)
	ps, err := le.db.ImportPeople(le.ctx, []model.Person{
		{Name: "县值班", Phone: "13900000001", Node: "330784", Roles: []model.Role{model.RoleDutyOfficer}},
		{Name: "园丁村干", Phone: "13900000002", Node: dcVillage, Roles: []model.Role{model.RoleVillageCadre}},
	}, model.System, "county roster")
	require.NoError(t, err)
	county, cadre := ps[0], ps[1]
	for _, p := range []model.Person{le.duty, county, cadre} {
		tok, err := le.db.IssueToken(le.ctx, p.ID)
		require.NoError(t, err)
		le.tok[p.ID] = tok
	}

	a := le.post("/api/v1/reports", le.duty, "", reportJSON(dcVillage, "别镇的报告"))
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
	assert.Contains(t, string(a.body), "P1 (陈值班) may act only within 花街镇 330784114; 园丁社区 330784001001 is outside it", "the places by name")
	assert.Contains(t, string(a.body), "P1（陈值班）只能在 花街镇 330784114 内操作；园丁社区 330784001001 不在其中")
	for _, p := range []model.Person{county, cadre} {
		a := le.post("/api/v1/reports", p, "", reportJSON(dcVillage, "本镇的报告"))
		assert.Equal(t, http.StatusCreated, a.status, "%s: %s", p.Name, a.body)
	}

	rep := model.Report{Node: dcVillage, Category: "fire", Severity: model.SeverityIII, Title: "冒烟", Reporter: le.duty.ID}
	_, err = le.c.Report(le.ctx, rep)
	require.Error(t, err)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	assert.Equal(t, "陈值班 (P1) of 花街镇 330784114 may not report at 园丁社区 330784001001: it is in 东城街道 330784001, another town; "+
		"a report is filed by a person of its town, or by county staff over it", model.ErrorMessage(err))
	assert.Contains(t, model.ErrorMessageZh(err), "陈值班（P1，花街镇 330784114）不能在 园丁社区 330784001001 上报")
	rep.Reporter = county.ID
	inc, err := le.c.Report(le.ctx, rep)
	require.NoError(t, err)
	assert.Equal(t, county.ID, inc.Reporter)
}
