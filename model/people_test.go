package model_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestPersonID(t *testing.T) {
	assert.Equal(t, "system", model.System.String())
	assert.Equal(t, "P1035", model.PersonID(1035).String())

	tests := []struct {
		in   string
		want model.PersonID
		ok   bool
	}{
		{"P12", 12, true},
		{"p12", 12, true},
		{"12", 12, true},
		{" P1035 ", 1035, true},
		{"P18446744073709551615", 18446744073709551615, true},
		{"", 0, false},
		{"P", 0, false},
		{"P0", 0, false}, // the system is no one's id to type
		{"0", 0, false},
		{"P-1", 0, false},
		{"-1", 0, false},
		{"+12", 0, false},
		{"P12a", 0, false},
		{"PP12", 0, false},
		{"Pp12", 0, false},
		{"pP12", 0, false},
		{"Q12", 0, false},
		{"P 12", 0, false},
		{"P18446744073709551616", 0, false}, // overflows uint64
		{"system", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.ParsePersonID(tt.in)
			if !tt.ok {
				requireCode(t, err, model.EINVALID, "person id", "e.g. P12")
				requireZh(t, err, "人员编号", "P12")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			back, err := model.ParsePersonID(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back)
		})
	}
}

func TestParseRole(t *testing.T) {
	parses(t, model.ParseRole, []parsed[model.Role]{
		{"grid_leader", model.RoleGridLeader},
		{"网格长", model.RoleGridLeader},
		{"grid_worker_ft", model.RoleGridWorkerFull},
		{"专职网格员", model.RoleGridWorkerFull},
		{"grid_worker_pt", model.RoleGridWorkerPart},
		{"兼职网格员", model.RoleGridWorkerPart},
		{"micro_grid_worker", model.RoleMicroGridWorker},
		{"微网格员", model.RoleMicroGridWorker},
		{"contact_person", model.RoleContactPerson},
		{"包联人", model.RoleContactPerson},
		{"village_cadre", model.RoleVillageCadre},
		{"村干部", model.RoleVillageCadre},
		{"duty_officer", model.RoleDutyOfficer},
		{"值班员", model.RoleDutyOfficer},
		{"patroller", model.RolePatroller},
		{"巡护员", model.RolePatroller},
		{"liaison", model.RoleLiaison},
		{"联络员", model.RoleLiaison},
		{"reserve", model.RoleReserve},
		{"储备力量", model.RoleReserve},
		{"储备", model.RoleReserve},
		{"reserve_pool", model.RoleReserve},
		{"  网格长 ", model.RoleGridLeader},
	})
	for _, bad := range []string{"", "boss", "Grid_Leader", "网格", "grid leader"} {
		t.Run("bad "+bad, func(t *testing.T) {
			_, err := model.ParseRole(bad)
			requireCode(t, err, model.EINVALID, "role", "duty_officer, village_cadre, grid_leader")
			requireZh(t, err, "角色", "duty_officer、village_cadre、grid_leader")
			assert.Equal(t, "role", model.ErrorField(err))
		})
	}
	// A grid worker is full-time or part-time: the bare word is refused,
	// asking which (a QA saw 网格员 imported as part-time).
	for _, bare := range []string{"网格员", "grid_worker"} {
		_, err := model.ParseRole(bare)
		requireCode(t, err, model.EINVALID, "full-time or part-time", "专职网格员 (grid_worker_ft)", "兼职网格员 (grid_worker_pt)")
		requireZh(t, err, "网格员分专职与兼职", "专职网格员（grid_worker_ft）", "兼职网格员（grid_worker_pt）")
		assert.Equal(t, "role", model.ErrorField(err))
	}
	// Every listed role parses from its key and from its Chinese name.
	for _, r := range model.Roles {
		require.NotEmpty(t, r.Zh(), r)
		for _, s := range []string{string(r), r.Zh()} {
			got, err := model.ParseRole(s)
			require.NoError(t, err)
			assert.Equal(t, r, got)
		}
	}
	assert.Equal(t, "", model.Role("boss").Zh())
}

func TestParseReserveKind(t *testing.T) {
	parses(t, model.ParseReserveKind, []parsed[model.ReserveKind]{
		{"", model.ReserveNone},
		{"  ", model.ReserveNone},
		{"party_activist", model.ReserveActivist},
		{"入党积极分子", model.ReserveActivist},
		{"volunteer", model.ReserveVolunteer},
		{"志愿者", model.ReserveVolunteer},
		{"active_villager", model.ReserveVillager},
		{" 热心村民 ", model.ReserveVillager},
	})
	for _, bad := range []string{"soldier", "党员", "Volunteer"} {
		_, err := model.ParseReserveKind(bad)
		requireCode(t, err, model.EINVALID, "reserve kind", "party_activist, volunteer or active_villager")
		requireZh(t, err, "储备类型", "志愿者")
		assert.Equal(t, "reserve", model.ErrorField(err))
	}
	assert.Equal(t, "志愿者", model.ReserveVolunteer.Zh())
	assert.Equal(t, "", model.ReserveNone.Zh())
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]string{"": "", " ": "", "zh": "zh", "ZH": "zh", "中文": "zh", "zh_CN.UTF-8": "zh",
		"zh-TW": "zh", "en": "en", " English ": "en", "英文": "en", "en_US.UTF-8": "en"} {
		got, err := model.ParseLang(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"fr", "C.UTF-8", "zhong"} {
		_, err := model.ParseLang(bad)
		requireCode(t, err, model.EINVALID, "want zh or en")
		requireZh(t, err, "语言")
		assert.Equal(t, "lang", model.ErrorField(err))
	}
	p := villageCadre
	p.Lang = "en"
	assert.NoError(t, p.Validate())
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"13800138000", "13800138000"},
		{"19912345678", "19912345678"},
		{"138 0013 8000", "13800138000"},
		{" 138\u00a00013\u00a08000 ", "13800138000"},
		{"+8613800138000", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"0579-87654321", "0579-87654321"},
		{"057987654321", "057987654321"},
		{"0579-8765432", "0579-8765432"},
		{"010-12345678", "010-12345678"},
		{"0579 8765 4321", "057987654321"},
		// Full-width, as a Chinese input method or a spreadsheet types them.
		{"１３９０００００００７", "13900000007"},
		{"＋８６　１３８　００１３　８０００", "13800138000"},
		{"０５７９－８７６５４３２１", "0579-87654321"},
		{"0579−87654321", "0579-87654321"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.NormalizePhone(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := model.NormalizePhone(got)
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
	for _, bad := range []string{
		"", "   ", "12800138000", "1380013800", "138001380001", "23800138000",
		"+86", "+87 13800138000", "138-0013-8000", "1380013800x", "0579-123456",
		"0579-123456789", "57987654321", "0579--87654321", "１２８００１３８０００", "١٣٨٠٠١٣٨٠٠٠",
	} {
		t.Run("bad "+bad, func(t *testing.T) {
			_, err := model.NormalizePhone(bad)
			requireCode(t, err, model.EINVALID, "phone", "11-digit mobile")
			requireZh(t, err, "电话", "11 位手机号")
			assert.Equal(t, "phone", model.ErrorField(err))
		})
	}
}

func TestPersonRoles(t *testing.T) {
	tests := []struct {
		p                  model.Person
		gridStaff, isStaff bool
	}{
		{gridLeader, true, true},
		{gridWorker, true, true},
		{partWorker, true, true},
		{microWorker, false, true},
		{contactPerson, false, false},
		{villageCadre, false, false},
		{dutyOfficer, false, false},
		{reservist, false, false},
		{patroller, false, false},
		{system, false, false},
		{leaderAndWorker, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.p.Name, func(t *testing.T) {
			assert.Equal(t, tt.gridStaff, tt.p.IsGridStaff())
			assert.Equal(t, tt.isStaff, tt.p.IsStaff())
		})
	}
	assert.True(t, leaderAndWorker.Has(model.RoleGridLeader))
	assert.True(t, leaderAndWorker.Has(model.RoleGridWorkerFull))
	assert.False(t, leaderAndWorker.Has(model.RoleDutyOfficer))
}

func TestPersonValidate(t *testing.T) {
	for _, p := range []model.Person{gridLeader, otherLeader, gridWorker, partWorker, villageCadre, otherCadre,
		dutyOfficer, microWorker, reservist, patroller, liaison, contactPerson, leaderAndWorker} {
		assert.NoError(t, p.Validate(), p.Name)
	}
	tests := []struct {
		name  string
		edit  func(*model.Person)
		err   string
		field string // the field the refusal names
		zh    string // part of the Chinese
	}{
		{"empty name", func(p *model.Person) { p.Name = "" }, "name is empty", "name", "姓名为空"},
		{"blank name", func(p *model.Person) { p.Name = "  " }, "name is empty", "name", "姓名为空"},
		{"invisible name", func(p *model.Person) { p.Name = "\u200b\u3164" }, "name is empty", "name", "姓名为空"},
		{"33-rune name", func(p *model.Person) { p.Name = strings.Repeat("张", 33) }, "longer than 32", "name", "超过 32 字"},
		{"bad phone", func(p *model.Person) { p.Phone = "12345" }, "phone \"12345\"", "phone", "网格长甲：电话 \"12345\""},
		{"no phone", func(p *model.Person) { p.Phone = "" }, "phone", "phone", "电话"},
		{"bad node", func(p *model.Person) { p.Node = "330784114266-1" }, "node code", "node", "节点代码"},
		{"no node", func(p *model.Person) { p.Node = "" }, "empty", "node", "为空"},
		{"no role", func(p *model.Person) { p.Roles = nil }, "no role", "role", "没有角色"},
		{"unknown role", func(p *model.Person) { p.Roles = []model.Role{"boss"} }, `role "boss"`, "role", `角色 "boss"`},
		// A role must be stored by its key: Has and the rules match keys only.
		{"role by Chinese name", func(p *model.Person) { p.Roles = []model.Role{"网格长"} }, `role "网格长"`, "role", `应存为 "grid_leader"`},
		{"role by alias", func(p *model.Person) { p.Roles = []model.Role{"reserve_pool"} }, `role "reserve_pool"`, "role", `应存为 "reserve"`},
		{"grid worker of neither kind", func(p *model.Person) { p.Roles = []model.Role{"grid_worker"} }, `role "grid_worker"`, "role", "网格员分专职与兼职"},
		{"reserve without kind", func(p *model.Person) { p.Roles = []model.Role{model.RoleReserve} }, "reserve kind", "reserve", "储备类型"},
		{"kind without reserve", func(p *model.Person) { p.Reserve = model.ReserveActivist }, "reserve kind", "reserve", "储备类型"},
		{"unknown language", func(p *model.Person) { p.Lang = "fr" }, `language "fr"`, "lang", `语言 "fr"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := gridLeader
			p.Roles = append([]model.Role(nil), p.Roles...)
			tt.edit(&p)
			requireCode(t, p.Validate(), model.EINVALID, tt.err)
			requireZh(t, p.Validate(), tt.zh)
			assert.Equal(t, tt.field, model.ErrorField(p.Validate()))
		})
	}
	ok := gridLeader
	ok.Name = strings.Repeat("张", 32)
	assert.NoError(t, ok.Validate())
}
