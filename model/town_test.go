package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Another town of the county, 东城街道, and its people, beside 花街镇's
// cast (helpers_test.go): on a file of several towns, a person of one town
// acts on the work of their own town only; staff above the towns on any of
// their division's.
const (
	dongcheng    model.NodeCode = "330784001"
	yuanding     model.NodeCode = "330784001001"
	yuandingGrid model.NodeCode = "330784001001-01"
)

var (
	dcOfficer      = model.Person{ID: 81, Name: "东城值班", Node: dongcheng, Roles: []model.Role{model.RoleDutyOfficer}}
	dcLiaison      = model.Person{ID: 82, Name: "东城联络", Node: dongcheng, Roles: []model.Role{model.RoleLiaison}}
	countyOfficer  = model.Person{ID: 83, Name: "县值班", Node: "330784", Roles: []model.Role{model.RoleDutyOfficer}}
	otherCounty    = model.Person{ID: 84, Name: "邻县值班", Node: "330782", Roles: []model.Role{model.RoleDutyOfficer}}
	villageOfficer = model.Person{ID: 85, Name: "驻村值班", Node: duxi, Roles: []model.Role{model.RoleDutyOfficer}}
)

// townNames names the nodes of these tests as the store does.
func townNames(c model.NodeCode) string {
	return map[model.NodeCode]string{town: "花街镇", duxi: "渎溪村", duxiG02: "渎溪村 02", dongcheng: "东城街道", yuanding: "园丁社区",
		yuandingGrid: "园丁社区 01", "330784": "永康市"}[c]
}

func TestActsIn(t *testing.T) {
	for _, tc := range []struct {
		p    model.Person
		node model.NodeCode
		ok   bool
	}{
		{system, yuandingGrid, true},
		{dutyOfficer, duxiG02, true},
		{dutyOfficer, otherGrid, true},
		{villageOfficer, otherGrid, true}, // a duty officer placed at a village is the town's
		{gridWorker, otherGrid, true},     // of the town: whether it is theirs is the action's rule
		{dutyOfficer, yuandingGrid, false},
		{liaison, yuanding, false},
		{villageCadre, dongcheng, false},
		{dutyOfficer, "330784", false}, // the county's own work is the county's
		{dcOfficer, duxiG02, false},
		{dcOfficer, yuandingGrid, true},
		{countyOfficer, yuandingGrid, true},
		{countyOfficer, duxiG02, true},
		{countyOfficer, "330784", true},
		{otherCounty, duxiG02, false},
	} {
		assert.Equal(t, tc.ok, tc.p.ActsIn(tc.node), "%s at %s", tc.p.Name, tc.node)
		assert.Equal(t, tc.ok, tc.p.ReportsIn(tc.node), "%s reports at %s", tc.p.Name, tc.node)
	}
}

// TestApplyOutsideTheTown: a duty officer of 花街镇, who may take every
// action on the town's own incidents, takes none on 东城街道's, a note
// neither; the refusal names the officer, their town, the incident's
// place and its town, in both languages. 东城街道's officer and the
// county's act on it; a village cadre of 花街镇 is refused as of another
// town before any rule of tiers.
func TestApplyOutsideTheTown(t *testing.T) {
	p := model.DefaultPolicy()
	r := report()
	r.Node, r.Reporter = yuandingGrid, dcOfficer.ID
	inc, _, err := fileReport(7, "HJ-20261129-0007", r, dcOfficer, t0, p)
	require.NoError(t, err)

	for _, c := range []model.Command{
		{Action: model.ActAcknowledge}, {Action: model.ActEscalate}, {Action: model.ActDispatch, Department: "交警"},
		{Action: model.ActInvalid, Note: "重复"},
	} {
		c.By = dutyOfficer.ID
		_, _, err := inc.Apply(c, dutyOfficer, t0, p)
		requireCode(t, err, model.EFORBIDDEN, "值班员庚 (P31) of 330784114 may not ", " HJ-20261129-0007", " at 330784001001-01: it is in 330784001, another town")
		c.By = dcOfficer.ID
		_, _, err = inc.Apply(c, dcOfficer, t0, p)
		assert.NoError(t, err, "%s by the town's own officer", c.Action)
		c.By = countyOfficer.ID
		_, _, err = inc.Apply(c, countyOfficer, t0, p)
		assert.NoError(t, err, "%s by the county's officer", c.Action)
	}
	acked, _, err := inc.Apply(model.Command{Action: model.ActAcknowledge, By: dcOfficer.ID}, dcOfficer, t0, p)
	require.NoError(t, err)
	_, _, err = acked.Apply(model.Command{Action: model.ActResolve, By: dutyOfficer.ID}, dutyOfficer, t0, p)
	requireCode(t, err, model.EFORBIDDEN, "may not resolve HJ-20261129-0007")
	resolved, _, err := acked.Apply(model.Command{Action: model.ActResolve, By: dcOfficer.ID}, dcOfficer, t0, p)
	require.NoError(t, err)
	for _, c := range []model.Command{{Action: model.ActClose}, {Action: model.ActReopen, Note: "又冒烟"}} {
		c.By = dutyOfficer.ID
		_, _, err := resolved.Apply(c, dutyOfficer, t0, p)
		requireCode(t, err, model.EFORBIDDEN, "may not "+string(c.Action)+" HJ-20261129-0007")
		c.By = countyOfficer.ID
		_, _, err = resolved.Apply(c, countyOfficer, t0, p)
		assert.NoError(t, err, "%s by the county's officer", c.Action)
	}
	_, _, err = inc.Apply(model.Command{Action: model.ActInvalid, By: villageCadre.ID, Note: "x"}, villageCadre, t0, p)
	requireCode(t, err, model.EFORBIDDEN, "村干部戊 (P21) of 330784114 may not close HJ-20261129-0007 as invalid")

	_, err = inc.AddNote(dutyOfficer, "已联系", t0)
	requireCode(t, err, model.EFORBIDDEN, "may not add a note to HJ-20261129-0007")
	_, err = inc.AddNote(countyOfficer, "已联系", t0)
	assert.NoError(t, err)

	// Named, as the store gives it.
	err = inc.Foreign(dutyOfficer, model.ActAcknowledge, townNames)
	assert.Equal(t, "值班员庚 (P31) of 花街镇 330784114 may not acknowledge HJ-20261129-0007 at 园丁社区 01 330784001001-01: "+
		"it is in 东城街道 330784001, another town; only the people of its town, or county staff over it, may", model.ErrorMessage(err))
	assert.Equal(t, "值班员庚（P31，花街镇 330784114）不能在 园丁社区 01 330784001001-01 签收 HJ-20261129-0007："+
		"该处属 东城街道 330784001，不是其所在镇街；只有该处所在镇街的人员或上级（县市）工作人员可以", model.ErrorMessageZh(err))
	err = inc.Foreign(dutyOfficer, model.ActNote, townNames)
	assert.Contains(t, model.ErrorMessageZh(err), "不能在 园丁社区 01 330784001001-01 为 HJ-20261129-0007 添加备注")

	// An incident of the county's own node is none of a town's.
	r.Node, r.Reporter = "330784", countyOfficer.ID
	top, _, err := fileReport(8, "HJ-20261129-0008", r, countyOfficer, t0, p)
	require.NoError(t, err)
	_, _, err = top.Apply(model.Command{Action: model.ActAcknowledge, By: dutyOfficer.ID}, dutyOfficer, t0, p)
	requireCode(t, err, model.EFORBIDDEN, "at 330784: it is outside 330784114")
}

// TestDeskOutsideTheTown: the liaison of 花街镇 (or a duty officer standing
// in) neither passes on, merges nor closes a finding of 东城街道; its own
// liaison and the county's officer do.
func TestDeskOutsideTheTown(t *testing.T) {
	area := model.PatrolArea{Code: "P-YD-01", Name: "园丁巡查", Kind: model.KindVillage, Village: yuanding, Every: day,
		Patroller: 86, Checkpoints: []model.Checkpoint{{Code: "A"}}}
	dcPatroller := model.Person{ID: 86, Name: "东城巡护", Node: dongcheng, Roles: []model.Role{model.RolePatroller}}
	r, err := model.FindingReport{Area: area.Code, Category: "fire", Text: "冒烟"}.Check(area, model.DefaultPolicy())
	require.NoError(t, err)
	f, _, err := model.NewFinding(area, 4, r, dcPatroller, on29(8, 0))
	require.NoError(t, err)
	open := model.Incident{ID: "HJ-20261129-0009", Seq: 9, Node: yuandingGrid, Status: model.StatusReported}

	for _, by := range []model.Person{liaison, dutyOfficer} {
		_, err := f.PassReport(yuanding, "", 0, by, "")
		requireCode(t, err, model.EFORBIDDEN, "of 330784114 may not pass on F-0004 at 330784001001: it is in 330784001, another town")
		_, _, err = f.Pass(open, by, on29(8, 5))
		requireCode(t, err, model.EFORBIDDEN, "may not pass on F-0004")
		_, _, err = f.Merge(open, by, on29(8, 5))
		requireCode(t, err, model.EFORBIDDEN, "may not merge F-0004")
		_, _, err = f.Close("无需处置", by, on29(8, 5))
		requireCode(t, err, model.EFORBIDDEN, "may not close F-0004")
	}
	for _, by := range []model.Person{dcLiaison, dcOfficer, countyOfficer} {
		_, err := f.PassReport(yuanding, "", 0, by, "")
		assert.NoError(t, err, by.Name)
		_, _, err = f.Merge(open, by, on29(8, 5))
		assert.NoError(t, err, by.Name)
		_, _, err = f.Close("无需处置", by, on29(8, 5))
		assert.NoError(t, err, by.Name)
	}
	err = f.Foreign(liaison, model.ActFindingClose, townNames)
	assert.Equal(t, "联络员子 (P62) of 花街镇 330784114 may not close F-0004 at 园丁社区 330784001001: it is in 东城街道 330784001, another town; "+
		"only the people of its town, or county staff over it, may", model.ErrorMessage(err))
	assert.Contains(t, model.ErrorMessageZh(err), "联络员子（P62，花街镇 330784114）不能在 园丁社区 330784001001 销号 F-0004：该处属 东城街道 330784001")

	err = area.ForeignImport(dutyOfficer, townNames)
	assert.Equal(t, "值班员庚 (P31) of 花街镇 330784114 may not import patrol area P-YD-01 at 园丁社区 330784001001: it is in 东城街道 330784001, another town; "+
		"only the people of its town, or county staff over it, may", model.ErrorMessage(err))
	assert.Contains(t, model.ErrorMessageZh(err), "不能在 园丁社区 330784001001 导入巡护区 P-YD-01")
	assert.Equal(t, "village", model.ErrorField(err))
}

// TestRefusePatrol: the refusal of an area not the person's names the
// area, where it lies and its patroller; to a person of another town, that
// it is that town's.
func TestRefusePatrol(t *testing.T) {
	area := model.PatrolArea{Code: "P-YD-01", Name: "园丁巡查", Kind: model.KindVillage, Village: yuanding, Every: day,
		Patroller: 86, Checkpoints: []model.Checkpoint{{Code: "A"}}}
	assert.False(t, area.MayPatrol(liaison))
	var err error = area.RefusePatrol(liaison, "东城巡护", townNames)
	assert.Equal(t, "联络员子 (P62) of 花街镇 330784114 may not patrol P-YD-01 园丁巡查 at 园丁社区 330784001001: it is in 东城街道 330784001, another town; "+
		"only its patroller, 东城巡护 (P86), or the liaison or a duty officer of its town may", model.ErrorMessage(err))
	assert.Equal(t, "联络员子（P62，花街镇 330784114）不能巡护 园丁社区 330784001001 的 P-YD-01 园丁巡查：该处属 东城街道 330784001，不是其所在镇街；"+
		"只有其巡护员 东城巡护（P86），或该镇街的联络员、值班员可以", model.ErrorMessageZh(err))
	_, _, err = model.StartPatrol(area, 1, dcLiaison, nil, t0)
	assert.NoError(t, err, "the town's own liaison covers")

	err = forest().RefusePatrol(otherPatroller, "巡护员癸", townNames)
	assert.Equal(t, "巡护员乙 (patroller) may not patrol P-DX-01 渎溪后山林 at 渎溪村 330784114266: it is assigned to 巡护员癸 (P61); "+
		"only its patroller, the liaison or a duty officer may", model.ErrorMessage(err))
	_, _, err = model.StartPatrol(forest(), 1, otherPatroller, nil, t0)
	requireCode(t, err, model.EFORBIDDEN, "巡护员乙 (patroller) may not patrol P-DX-01 渎溪后山林 at 330784114266: it is assigned to P61")
}
