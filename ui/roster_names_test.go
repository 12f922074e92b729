package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The roster's name column widens where the screen has room for it: a
// name of five Han characters or fourteen letters is whole at 120 columns
// (a QA saw 欧阳长… and Mary An… there); at 80 the node keeps its room and
// the names are cut as before.
func TestRosterNamesWidenWhereThereIsRoom(t *testing.T) {
	f := newFixture(t)
	_, err := f.db.ImportPeople(context.Background(), []model.Person{
		{Name: "欧阳长风华", Phone: "13900000007", Node: "330784114", Roles: []model.Role{model.RoleDutyOfficer}},
		{Name: "Mary Ann Evans", Phone: "13900000008", Node: "330784114", Roles: []model.Role{model.RoleDutyOfficer}},
	}, model.System, "")
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		m := runLine(t, f.model(t, lang, 120, 40), "roster")
		require.Equal(t, overlayRoster, m.overlay)
		view := m.View()
		assert.Contains(t, view, "欧阳长风华 ", lang)
		assert.Contains(t, view, "Mary Ann Evans ", lang)
		checkScreen(t, m, 120, 40, false)
		for _, l := range strings.Split(view, "\n") {
			if strings.Contains(l, "Mary Ann Evans") {
				assert.Contains(t, l, "13900000008", "%s: the phone stays whole", lang)
			}
		}

		small := runLine(t, f.model(t, lang, 80, 24), "roster")
		assert.Contains(t, small.View(), "欧阳长…", lang)
		checkScreen(t, small, 80, 24, false)
	}
}
