package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// The English tower says the generated names of grids, micro-grids and
// household units in English (a QA saw 01网格 and 01微网格 on the English
// screen); where the word does not fit, its number stays. The Chinese
// tower keeps them as they are.
func TestTowerNamesInTheConsolesLanguage(t *testing.T) {
	f := newFixture(t)
	micro := demo.ArticleGrid.Child(1)
	unit := micro.Child(1)
	for _, tm := range terminals([2]int{80, 24}, [2]int{120, 40}) {
		t.Run(tm.name("tower"), func(t *testing.T) {
			m := tm.console(t, f)
			for _, c := range []model.NodeCode{demo.ArticleGrid.Village(), demo.ArticleGrid, micro} {
				m.tower.expanded[c] = true
			}
			m.tower.flatten(&m.w)
			for i, r := range m.tower.rows {
				if r.code == unit {
					m.tower.cursor = i
				}
			}
			m.tower.clamp()
			require.Equal(t, unit, m.tower.selected())
			view := m.tower.View()
			if tm.lang == "zh" {
				assert.Contains(t, view, "02网格")
				return
			}
			for _, zh := range []string{"网格", "包联组"} {
				assert.NotContains(t, view, zh)
			}
			lines := strings.Split(view, "\n")
			assert.True(t, anyMatch(lines, `grid 02 `), "the grid: %s", view)
			assert.True(t, anyMatch(lines, ` micr\S* 01 `), "the micro-grid, its number whole: %s", view)
			assert.True(t, anyMatch(lines, `unit 01 `), "the household unit: %s", view)
			tm.check(t, m)
		})
	}
}

// anyMatch tells whether one of lines matches the regular expression re.
func anyMatch(lines []string, re string) bool {
	r := regexp.MustCompile(re)
	for _, l := range lines {
		if r.MatchString(l) {
			return true
		}
	}
	return false
}
