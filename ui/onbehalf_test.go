package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A village room signing for one of its micro-grids (代签) shows apart in the
// directive pane: the unit is marked, the total counts it, and the sign-for
// times are the units' own.
func TestDirectivePaneShowsSigningOnBehalf(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t)
			m, sub := wartimeModel(t, f, lang, 120, 40)
			ctx := context.Background()
			const village = "330784114266"
			officers, err := f.db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
			require.NoError(t, err)
			require.NotEmpty(t, officers)
			d, _, err := f.db.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{village}, time.Hour, officers[0].ID, false)
			require.NoError(t, err)
			cadres, err := f.db.People(ctx, model.PeopleFilter{Node: village, Role: model.RoleVillageCadre})
			require.NoError(t, err)
			require.NotEmpty(t, cadres)

			// Only the cadre signs, for one unit: nothing is the units' own yet.
			st, err := f.db.WartimeStatus(ctx, "")
			require.NoError(t, err)
			var units []model.UnitStatus
			for _, u := range st.Units {
				if u.Worker != 0 && u.MicroGrid.Village() == village {
					units = append(units, u)
				}
			}
			require.GreaterOrEqual(t, len(units), 2)
			proxied := units[0].MicroGrid
			u, err := f.db.SignDirective(ctx, d.ID, proxied, cadres[0].ID)
			require.NoError(t, err)
			require.True(t, u.OnBehalf)
			m = pump(t, m, sub, f.db)
			short := strings.TrimPrefix(string(proxied), village+"-")
			mark, total := map[string][2]string{
				"en": {"on behalf:" + short, "1/"},
				"zh": {"代签:" + short, "1/"},
			}[lang][0], map[string]string{"en": "signed (on behalf 1)", "zh": "签收 (代签 1)"}[lang]
			view := m.View()
			assert.Contains(t, view, mark, "the unit signed for is marked in its village's row")
			assert.Contains(t, view, total, "the total counts it apart")
			assert.Contains(t, view, "p50 -  max -", "no unit has signed itself: no sign-for time")

			// The unit's own worker signs another: now there is a time.
			_, err = f.db.SignDirective(ctx, d.ID, units[1].MicroGrid, units[1].Worker)
			require.NoError(t, err)
			m = pump(t, m, sub, f.db)
			assert.NotContains(t, m.View(), "p50 -  max -")
			assert.Contains(t, m.View(), mark, "the unit signed for stays marked")
		})
	}
}
