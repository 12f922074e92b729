package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A file of two towns under their county: the patrol tower of 花街镇, then
// 永康市 with 东城街道's 园丁社区 and its grid 01 beside it, and people of
// 东城街道 and of the county (QA on a county file: rooms, patrollers and
// reports of one town were taken in another).
const (
	yuandingVillage = model.NodeCode("330784001001")
	yuandingGrid    = model.NodeCode("330784001001-01")
)

type countyTower struct {
	*patrolTower
	county, dcOfficer, dcOfficer2, dcPatroller, dcCadre, dcWorker model.Person
}

func newCountyTower(t *testing.T) *countyTower {
	t.Helper()
	tw := &countyTower{patrolTower: newPatrolTower(t)}
	_, err := tw.s.ImportNodes(tw.ctx, []model.Node{
		{Code: yongkang, Level: model.LevelCounty, Name: "永康市"},
		{Code: dongchengTwn, Level: model.LevelTown, Name: "东城街道", Parent: yongkang},
		{Code: yuandingVillage, Level: model.LevelVillage, Name: "园丁社区", Official: "园丁社区居委会", Parent: dongchengTwn},
		{Code: yuandingGrid, Level: model.LevelGrid, Name: "园丁第1网格", Parent: yuandingVillage},
	}, model.System, "county")
	require.NoError(t, err)
	people, err := tw.s.ImportPeople(tw.ctx, []model.Person{
		{Name: "县值班", Phone: "13900000001", Node: yongkang, Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true},
		{Name: "东城值班", Phone: "13900000002", Node: dongchengTwn, Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true},
		{Name: "东城值班二", Phone: "13900000003", Node: dongchengTwn, Roles: []model.Role{model.RoleDutyOfficer}},
		{Name: "东城巡护", Phone: "13900000004", Node: dongchengTwn, Roles: []model.Role{model.RolePatroller}},
		{Name: "园丁村干", Phone: "13900000005", Node: yuandingVillage, Roles: []model.Role{model.RoleVillageCadre}},
		{Name: "园丁网格员", Phone: "13900000006", Node: yuandingGrid, Roles: []model.Role{model.RoleGridWorkerFull}},
	}, model.System, "county roster")
	require.NoError(t, err)
	tw.county, tw.dcOfficer, tw.dcOfficer2, tw.dcPatroller, tw.dcCadre, tw.dcWorker = people[0], people[1], people[2], people[3], people[4], people[5]
	return tw
}

// TestReportsStayInTheReportersTown: a person of 花街镇 may not be the
// reporter of an incident in 东城街道 (QA: report --as P1 was taken in
// another town), whichever way it is filed; the county's officer reports
// anywhere in the county, 东城街道's own people in their town. The
// refusal names the reporter, their town and the other town.
func TestReportsStayInTheReportersTown(t *testing.T) {
	tw := newCountyTower(t)
	rep := func(node model.NodeCode, by model.PersonID) model.Report {
		return model.Report{Node: node, Category: "fire", Severity: model.SeverityIII, Title: "冒烟", Reporter: by}
	}
	before := dump(t, tw.s)
	_, err := tw.s.Report(tw.ctx, rep(yuandingGrid, tw.duty.ID))
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, "陈值班 (P1) of 花街镇 330784114 may not report at 园丁社区 01 330784001001-01: it is in 东城街道 330784001, another town; "+
		"a report is filed by a person of its town, or by county staff over it", model.ErrorMessage(err))
	assert.Contains(t, model.ErrorMessageZh(err), "该处属 东城街道 330784001，不是其所在镇街")
	assert.Equal(t, "node", model.ErrorField(err))
	_, _, err = tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "k1", rep(yuandingVillage, tw.worker01.ID))
	requireCode(t, err, model.EFORBIDDEN)
	assert.Contains(t, model.ErrorMessage(err), "王网格员 (P5) of 花街镇 330784114 may not report at 园丁社区 330784001001")
	_, err = tw.s.Report(tw.ctx, rep(dongchengTwn, tw.patroller.ID))
	requireCode(t, err, model.EFORBIDDEN)
	_, err = tw.s.Report(tw.ctx, rep(village, tw.dcOfficer.ID))
	requireCode(t, err, model.EFORBIDDEN)
	assert.Contains(t, model.ErrorMessage(err), "东城值班 (P12) of 东城街道 330784001 may not report at 渎溪村 330784114266: it is in 花街镇 330784114")
	_, err = tw.s.Report(tw.ctx, rep(yongkang, tw.duty.ID))
	requireCode(t, err, model.EFORBIDDEN)
	assert.Contains(t, model.ErrorMessage(err), "may not report at 永康市 330784: it is outside 花街镇 330784114")
	assert.Equal(t, before, dump(t, tw.s), "nothing of a refused report is written")

	for _, ok := range []model.Report{
		rep(yuandingGrid, tw.county.ID), rep(village, tw.county.ID), // the county's officer, in either town
		rep(yuandingGrid, tw.dcWorker.ID), rep(yuandingVillage, tw.dcOfficer.ID), // 东城街道's own
		rep(grid01, tw.duty.ID), rep(village, tw.liaison.ID), // 花街镇's own, as before
	} {
		inc, err := tw.s.Report(tw.ctx, ok)
		require.NoError(t, err, "%v", ok)
		assert.Equal(t, ok.Reporter, inc.Reporter)
	}
	requireClean(t, tw.s)
}

// TestPatrolAreaPatrollerOfItsTown: an area is assigned to a patroller of
// the town its village lies in (QA: an area of 东城街道 took 花街镇's
// patroller); the refusal names both towns and nothing is imported.
func TestPatrolAreaPatrollerOfItsTown(t *testing.T) {
	tw := newCountyTower(t)
	area := func(code string, v model.NodeCode, p model.PersonID) model.PatrolArea {
		return model.PatrolArea{Code: code, Name: "园丁社区巡查", Kind: model.KindVillage, Village: v, Every: 24 * time.Hour,
			Patroller: p, Checkpoints: []model.Checkpoint{{Code: "A"}}}
	}
	before := dump(t, tw.s)
	_, _, err := tw.s.ImportAreas(tw.ctx, []model.PatrolArea{area("P-YD-01", yuandingVillage, tw.dcPatroller.ID),
		area("P-YD-02", yuandingVillage, tw.patroller.ID)}, tw.county.ID, "") // the county imports any town's areas
	requireCode(t, err, model.EINVALID)
	assert.Equal(t, "area P-YD-02: 徐巡护 (P8) is a patroller of 花街镇 330784114; the area lies in 园丁社区 330784001001 of 东城街道 330784001: "+
		"a patroller patrols the areas of their own town", model.ErrorMessage(err))
	assert.Equal(t, "巡护区 P-YD-02：徐巡护（P8）是 花街镇 330784114 的巡护员；该巡护区位于 东城街道 330784001 的 园丁社区 330784001001：巡护员只能巡护本镇街的巡护区",
		model.ErrorMessageZh(err))
	assert.Equal(t, "patroller", model.ErrorField(err))
	_, _, err = tw.s.ImportAreas(tw.ctx, []model.PatrolArea{area("P-DX-09", village, tw.dcPatroller.ID)}, tw.duty.ID, "")
	requireCode(t, err, model.EINVALID)
	assert.Contains(t, model.ErrorMessage(err), "东城巡护 (P14) is a patroller of 东城街道 330784001; the area lies in 渎溪村 330784114266 of 花街镇 330784114")
	assert.Equal(t, before, dump(t, tw.s), "all or nothing")

	added, _, err := tw.s.ImportAreas(tw.ctx, []model.PatrolArea{area("P-YD-01", yuandingVillage, tw.dcPatroller.ID)}, tw.dcOfficer.ID, "")
	require.NoError(t, err)
	assert.Equal(t, 1, added)
	requireClean(t, tw.s)
}

// TestCountyOfficerSchedulesEveryTownsRooms: a county officer schedules
// the rooms of every town of the county, towns' and villages' (QA: a
// shifts file of a county was refused); a town's officer is refused a room
// of another town, the towns named. A county officer swaps a town's
// shifts too.
func TestCountyOfficerSchedulesEveryTownsRooms(t *testing.T) {
	tw := newCountyTower(t)
	day := t0.Add(24 * time.Hour)
	sh := func(room model.NodeCode, p model.PersonID) model.Shift {
		return model.Shift{Room: room, Person: p, From: day, To: day.Add(12 * time.Hour)}
	}
	added, err := tw.s.AddShifts(tw.ctx, []model.Shift{sh(yuandingVillage, tw.dcCadre.ID), sh(dongchengTwn, tw.dcOfficer.ID),
		sh(town, tw.duty.ID), sh(village, tw.cadre.ID)}, tw.county.ID, "county")
	require.NoError(t, err)
	require.Len(t, added, 4)

	_, err = tw.s.AddShifts(tw.ctx, []model.Shift{dayLater(sh(town, tw.duty.ID)), dayLater(sh(yuandingVillage, tw.dcCadre.ID))}, tw.duty.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, "陈值班 of 花街镇 330784114 may not schedule shifts in 园丁社区 330784001001: it is a room of 东城街道 330784001, another town; "+
		"only its own town's duty officers, or a county officer over it, may", model.ErrorMessage(err))
	assert.Equal(t, "陈值班（花街镇 330784114）不能为 园丁社区 330784001001 排班：该值班室属 东城街道 330784001，不是其所在镇街；只有该镇街值班员或上级（县市）值班员可以",
		model.ErrorMessageZh(err))
	item, _ := model.ErrorItem(err)
	assert.Equal(t, 2, item, "the second shift of the batch")

	// The county's officer schedules them; they do not staff a town's room.
	_, err = tw.s.AddShifts(tw.ctx, []model.Shift{dayLater(sh(dongchengTwn, tw.county.ID))}, tw.county.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	assert.Contains(t, model.ErrorMessage(err), "县值班 (duty_officer) may not hold a shift in 东城街道 330784001")

	swapped, err := tw.s.SwapShift(tw.ctx, added[1].ID, tw.dcOfficer2.ID, tw.county.ID)
	require.NoError(t, err)
	assert.Equal(t, tw.dcOfficer2.ID, swapped.Person)
	_, err = tw.s.SwapShift(tw.ctx, added[1].ID, tw.dcOfficer.ID, tw.duty.ID)
	requireCode(t, err, model.EFORBIDDEN)
	requireClean(t, tw.s)
}

// dayLater is sh a day later.
func dayLater(sh model.Shift) model.Shift {
	sh.From, sh.To = sh.From.Add(24*time.Hour), sh.To.Add(24*time.Hour)
	return sh
}
