package model_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestParseEnums(t *testing.T) {
	type parser func(string) (any, error)
	tier := func(s string) (any, error) { return model.ParseTier(s) }
	status := func(s string) (any, error) { return model.ParseStatus(s) }
	severity := func(s string) (any, error) { return model.ParseSeverity(s) }
	platform := func(s string) (any, error) { return model.ParsePlatform(s) }
	source := func(s string) (any, error) { return model.ParseSource(s) }

	tests := []struct {
		field string
		parse parser
		in    string
		want  any
	}{
		{"tier", tier, "grid", model.TierGrid},
		{"tier", tier, "Village", model.TierVillage},
		{"tier", tier, " TOWN ", model.TierTown},
		{"tier", tier, "taskforce", model.TierTaskForce},
		{"tier", tier, "网格", model.TierGrid},
		{"tier", tier, "村社", model.TierVillage},
		{"tier", tier, "镇指挥室", model.TierTown},
		{"tier", tier, "专班", model.TierTaskForce},

		{"status", status, "reported", model.StatusReported},
		{"status", status, "Acknowledged", model.StatusAcknowledged},
		{"status", status, "dispatched", model.StatusDispatched},
		{"status", status, "resolved", model.StatusResolved},
		{"status", status, "CLOSED", model.StatusClosed},
		{"status", status, "上报", model.StatusReported},
		{"status", status, "签收", model.StatusAcknowledged},
		{"status", status, "交办", model.StatusDispatched},
		{"status", status, "办结", model.StatusResolved},
		{"status", status, "归档", model.StatusClosed},

		{"severity", severity, "I", model.SeverityI},
		{"severity", severity, "ii", model.SeverityII},
		{"severity", severity, " III ", model.SeverityIII},
		{"severity", severity, "IV", model.SeverityIV},
		{"severity", severity, "1", model.SeverityI},
		{"severity", severity, "4", model.SeverityIV},

		{"platform", platform, "party", model.PlatformParty},
		{"platform", platform, "Ecology", model.PlatformEcology},
		{"platform", platform, "safety", model.PlatformSafety},
		{"platform", platform, "service", model.PlatformService},
		{"platform", platform, "党建统领", model.PlatformParty},
		{"platform", platform, "经济生态", model.PlatformEcology},
		{"platform", platform, "平安法治", model.PlatformSafety},
		{"platform", platform, "公共服务", model.PlatformService},

		{"source", source, "grid_patrol", model.SourceGridPatrol},
		{"source", source, "eco_patrol", model.SourceEcoPatrol},
		{"source", source, "Sensor", model.SourceSensor},
		{"source", source, "hotline", model.SourceHotline},
		{"source", source, "citizen", model.SourceCitizen},
		{"source", source, "网格巡查", model.SourceGridPatrol},
		{"source", source, "巡护", model.SourceEcoPatrol},
		{"source", source, "感知设备", model.SourceSensor},
		{"source", source, "热线", model.SourceHotline},
		{"source", source, "群众", model.SourceCitizen},
	}
	for _, tt := range tests {
		t.Run(tt.field+" "+tt.in, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	bad := []struct {
		field string
		parse parser
		in    string
		want  string // part of the message besides the field name
	}{
		{"tier", tier, "", "grid, village, town, taskforce"},
		{"tier", tier, "county", "grid, village, town, taskforce"},
		{"tier", tier, "task force", "grid, village, town, taskforce"},
		{"status", status, "", "reported, acknowledged, dispatched, resolved, closed"},
		{"status", status, "open", "reported, acknowledged"},
		{"status", status, "处置", "reported"},
		{"severity", severity, "", "I, II, III or IV"},
		{"severity", severity, "0", "I, II, III or IV"},
		{"severity", severity, "5", "I, II, III or IV"},
		{"severity", severity, "V", "I, II, III or IV"},
		{"severity", severity, "一", "I, II, III or IV"},
		{"platform", platform, "", "party, ecology, safety, service"},
		{"platform", platform, "police", "party, ecology, safety, service"},
		{"source", source, "", "grid_patrol, eco_patrol, sensor, hotline, citizen"},
		{"source", source, "radio", "grid_patrol"},
	}
	for _, tt := range bad {
		t.Run("bad "+tt.field+" "+tt.in, func(t *testing.T) {
			_, err := tt.parse(tt.in)
			requireCode(t, err, model.EINVALID, fmt.Sprintf("%s %q", tt.field, tt.in), tt.want)
			requireZh(t, err, fmt.Sprintf("%q", tt.in))
			assert.Equal(t, tt.field, model.ErrorField(err))
		})
	}
}

func TestEnumNames(t *testing.T) {
	for _, tr := range model.Tiers {
		assert.NotEmpty(t, tr.Zh(), tr)
	}
	for _, s := range model.Statuses {
		assert.NotEmpty(t, s.Zh(), s)
	}
	for _, p := range model.Platforms {
		assert.NotEmpty(t, p.Zh(), p)
	}
	for _, s := range model.Sources {
		assert.NotEmpty(t, s.Zh(), s)
	}
	for c := range model.DefaultCategories {
		assert.NotEqual(t, string(c), c.Zh(), "category %s has no Chinese name", c)
	}
	assert.Equal(t, "专班", model.TierTaskForce.Zh())
	assert.Equal(t, "办结", model.StatusResolved.Zh())
	assert.Equal(t, "平安法治", model.PlatformSafety.Zh())
	assert.Equal(t, "热线", model.SourceHotline.Zh())
	assert.Equal(t, "交通", model.Category("traffic").Zh())
	assert.Equal(t, "drone", model.Category("drone").Zh()) // a custom category keeps its key

	assert.Equal(t, "I", model.SeverityI.String())
	assert.Equal(t, "IV", model.SeverityIV.String())
	assert.Equal(t, "?", model.Severity(0).String())
	assert.Equal(t, "?", model.Severity(5).String())
	assert.Equal(t, "?", model.Severity(-1).String())

	assert.Equal(t, "none", model.LightNone.String())
	assert.Equal(t, "green", model.LightGreen.String())
	assert.Equal(t, "yellow", model.LightYellow.String())
	assert.Equal(t, "red", model.LightRed.String())
	assert.Equal(t, "light(4)", model.Light(4).String())
	assert.Equal(t, "light(-1)", model.Light(-1).String())
	assert.True(t, model.LightNone < model.LightGreen && model.LightGreen < model.LightYellow && model.LightYellow < model.LightRed)

	for a, zh := range map[model.Action]string{
		model.ActReport: "上报", model.ActAcknowledge: "签收", model.ActEscalate: "升级", model.ActSupervise: "督办",
		model.ActDispatch: "交办", model.ActResolve: "办结", model.ActClose: "归档", model.ActReopen: "重新办理", model.ActImport: "导入",
	} {
		assert.Equal(t, zh, a.Zh(), a)
	}
}

func TestStatusOpen(t *testing.T) {
	open := map[model.Status]bool{
		model.StatusReported: true, model.StatusAcknowledged: true, model.StatusDispatched: true,
		model.StatusResolved: false, model.StatusClosed: false, "": false, "bogus": false,
	}
	for s, want := range open {
		assert.Equal(t, want, s.Open(), s)
	}
}

func TestTierRankNext(t *testing.T) {
	tests := []struct {
		tier model.Tier
		rank int
		next model.Tier
	}{
		{model.TierGrid, 0, model.TierVillage},
		{model.TierVillage, 1, model.TierTown},
		{model.TierTown, 2, model.TierTaskForce},
		{model.TierTaskForce, 3, ""},
		{"", -1, ""},
		{"county", -1, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.tier), func(t *testing.T) {
			assert.Equal(t, tt.rank, tt.tier.Rank())
			assert.Equal(t, tt.next, tt.tier.Next())
		})
	}
}

// The catalogue of Chinese names, once: the words the console in Chinese
// and the store's notes show, pinned so that a caller switching to it
// shows exactly what it showed.
func TestZhNames(t *testing.T) {
	assert.Equal(t, map[model.Tier]string{model.TierGrid: "网格", model.TierVillage: "村社",
		model.TierTown: "镇指挥室", model.TierTaskForce: "专班"}, model.ZhNames(model.Tiers))
	assert.Equal(t, map[model.Status]string{model.StatusReported: "上报", model.StatusAcknowledged: "签收",
		model.StatusDispatched: "交办", model.StatusResolved: "办结", model.StatusClosed: "归档"}, model.ZhNames(model.Statuses))
	assert.Equal(t, map[model.Level]string{model.LevelProvince: "省", model.LevelCity: "市", model.LevelCounty: "县市",
		model.LevelTown: "镇", model.LevelVillage: "村社",
		model.LevelGrid: "网格", model.LevelMicroGrid: "微网格", model.LevelHousehold: "包联户"}, model.ZhNames(model.Levels))
	assert.Equal(t, map[model.Role]string{
		model.RoleGridLeader: "网格长", model.RoleGridWorkerFull: "专职网格员", model.RoleGridWorkerPart: "兼职网格员",
		model.RoleMicroGridWorker: "微网格员", model.RoleContactPerson: "包联人", model.RoleVillageCadre: "村干部",
		model.RoleDutyOfficer: "值班员", model.RolePatroller: "巡护员", model.RoleLiaison: "联络员",
		model.RoleReserve: "储备力量"}, model.ZhNames(model.Roles))
	assert.Equal(t, map[model.Reason]string{model.ReasonFlood: "防汛", model.ReasonTyphoon: "防台",
		model.ReasonEpidemic: "疫情", model.ReasonFire: "火灾", model.ReasonOther: "其他"}, model.ZhNames(model.Reasons))
	assert.Equal(t, map[model.WartimeRole]string{model.WartimeVanguard: "冲锋员", model.WartimeResponder: "战斗员",
		model.WartimeSpecialist: "攻坚员"}, model.ZhNames(model.WartimeRoles))
	assert.Empty(t, model.ZhNames([]model.Tier(nil)))

	for tr, room := range map[model.Tier]string{
		model.TierVillage: "村指挥室", model.TierTown: "镇指挥室", model.TierGrid: "", model.TierTaskForce: "", "": "",
	} {
		assert.Equal(t, room, tr.RoomZh(), tr)
	}
	assert.Equal(t, []model.Level{model.LevelProvince, model.LevelCity, model.LevelCounty, model.LevelTown, model.LevelVillage, model.LevelGrid, model.LevelMicroGrid, model.LevelHousehold}, model.Levels)
}
