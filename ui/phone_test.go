package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// longCadres puts on 渎溪村's roster the two people a QA saw lose their
// numbers: a duty officer and cadre with a long name and a landline, and a
// cadre named 龘 thirty-two times; both on duty, so that the detail names
// them first among the village's holders.
func longCadres(t *testing.T, f fixture) (landline, dragons model.Person) {
	t.Helper()
	landline = model.Person{Name: "阿卜杜热依木·艾则孜", Phone: "0579-87654321", Node: "330784114266", OnDuty: true,
		Roles: []model.Role{model.RoleVillageCadre, model.RoleDutyOfficer}}
	dragons = model.Person{Name: strings.Repeat("龘", 32), Phone: "13905790009", Node: "330784114266", OnDuty: true,
		Roles: []model.Role{model.RoleVillageCadre}}
	_, err := f.db.ImportPeople(context.Background(), []model.Person{landline, dragons}, model.System, "")
	require.NoError(t, err)
	return landline, dragons
}

// linesWith are the screen's lines that hold s.
func linesWith(view, s string) []string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// The roster shows every phone whole, a landline's thirteen characters too
// (it showed 0579-876543, two digits lost, even at 120 columns), and every
// role a person has (the second was dropped).
func TestRosterPhonesWholeAndEveryRole(t *testing.T) {
	f := newFixture(t)
	landline, dragons := longCadres(t, f)
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		for _, lang := range []string{"zh", "en"} {
			m := runLine(t, f.model(t, lang, size[0], size[1]), "roster")
			m.roster.Update(showRosterMsg{node: "330784114266"})
			view := m.View()
			checkScreen(t, m, size[0], size[1], false)
			assert.Contains(t, view, landline.Phone, "%s %v", lang, size)
			rows := linesWith(view, dragons.Phone)
			require.Len(t, rows, 1, "%s %v", lang, size)
			assert.Contains(t, rows[0], "龘龘…", "%s %v: the name gives way", lang, size)
			if size[0] == 120 {
				row := linesWith(view, landline.Phone)[0]
				want := map[string]string{"zh": "值班员、村干部", "en": "duty officer, v…"}[lang]
				assert.Contains(t, row, want, "%s: both roles, the one it is listed under first", lang)
			}
		}
	}
}

// The detail's holder lines keep the phone whole: the name is cut (with
// …) instead, and where even that leaves no room the phone has a line of
// its own. A QA saw 承办人 龘龘…龘 … with no number at 120x40, and
// 0579-876… at 80x24.
func TestHolderPhonesWhole(t *testing.T) {
	f := newFixture(t)
	landline, dragons := longCadres(t, f)
	inc, err := f.db.Report(context.Background(), model.Report{Node: "330784114266", Category: "dispute",
		Severity: model.SeverityIII, Title: "测试承办人", Reporter: model.System})
	require.NoError(t, err)
	require.Equal(t, model.TierVillage, inc.Tier)
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		for _, lang := range []string{"zh", "en"} {
			m := runLine(t, f.model(t, lang, size[0], size[1]), "show "+inc.ID)
			require.Equal(t, overlayDetail, m.overlay, "%s %v", lang, size)
			view := m.View()
			checkScreen(t, m, size[0], size[1], false)
			for _, p := range []model.Person{landline, dragons} {
				rows := linesWith(view, p.Phone)
				require.Len(t, rows, 1, "%s %v: %s's number, whole, once", lang, size, p.Name)
			}
			assert.Contains(t, linesWith(view, dragons.Phone)[0], "龘…  "+dragons.Phone, "%s %v", lang, size)
		}
	}
}

// withPhone and phoneLines: the name gives way to the number; too narrow
// for a few cells of the name beside it, the number goes below.
func TestWithPhone(t *testing.T) {
	w := Width{}
	for _, c := range []struct {
		name, phone, rest string
		n                 int
		want              []string
	}{
		{"应海霞", "13550276348", "  村干部", 40, []string{"应海霞  13550276348  村干部"}},
		{"应海霞", "13550276348", "  村干部", 22, []string{"应海霞  13550276348  …"}},
		{"应海霞", "13550276348", "  村干部", 19, []string{"应海霞  13550276348"}},
		{"阿卜杜热依木·艾则孜", "0579-87654321", "  村干部", 26, []string{"阿卜杜热依…  0579-87654321"}},
		{"阿卜杜热依木·艾则孜", "0579-87654321", "  村干部", 18, []string{"阿卜杜热依木·艾则…", "0579-87654321  村…"}},
		{"阿卜杜热依木·艾则孜", "0579-87654321", "  村干部", 14, []string{"阿卜杜热依木·…", "0579-87654321"}},
		{"阿卜杜热依木·艾则孜", "0579-87654321", "  村干部", 16, []string{"阿卜杜热依木·艾…", "0579-87654321  …"}},
		{"王五", "", "  村干部", 12, []string{"王五  村干部"}},
		{"王五", "", "  村干部", 10, []string{"王五  村…"}},
	} {
		assert.Equal(t, c.want, phoneLines(w, c.name, "  ", c.phone, c.rest, c.n, "…"), "%s in %d", c.name, c.n)
	}
}
