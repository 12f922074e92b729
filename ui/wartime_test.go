package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// wartimeModel activates wartime over the town from the keyboard (W, the
// form, the confirmation) and returns the console and the store's feed.
func wartimeModel(t *testing.T, f fixture, lang string, w, h int) (Model, model.Subscription) {
	t.Helper()
	sub := f.db.Subscribe()
	t.Cleanup(sub.Close)
	m := f.model(t, lang, w, h)
	m = update(t, m, loadWartime(f.db, "")())
	m = keys(t, m, "W")
	require.True(t, m.formActive)
	m = keys(t, m, "enter", "enter", "enter", "enter")
	require.Contains(t, m.View(), "y/n")
	m = keys(t, m, "y")
	require.True(t, m.wt.active(), "W, the form and y activate wartime")
	m = pump(t, m, sub, f.db)
	return m, sub
}

func TestWartimeFromTheKeyboard(t *testing.T) {
	f := newFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	m := f.model(t, "en", 120, 40)
	m = update(t, m, loadWartime(f.db, "")())
	assert.Contains(t, m.View(), "PEACETIME")

	// W: the form names the reason and scope; the confirmation counts what
	// the scope covers.
	m = keys(t, m, "W", "enter", "enter", "right", "enter", "enter")
	view := m.View()
	assert.Contains(t, view, "activate wartime: typhoon (drill) over 27 villages, 232 micro-grids,")
	m = keys(t, m, "y")
	st, err := f.db.WartimeStatus(context.Background(), "")
	require.NoError(t, err)
	require.True(t, st.Active.Active())
	assert.True(t, st.Active.Drill)
	assert.Equal(t, model.ReasonTyphoon, st.Active.Reason)
	assert.Equal(t, 6, st.Gaps)

	view = m.View()
	assert.Contains(t, view, "WARTIME typhoon since 03:10 drill")
	assert.Contains(t, view, "Wartime chain")
	assert.Contains(t, view, "no directive yet")
	assert.Equal(t, 232, m.wtc.fig.rows[2].units)
	assert.Equal(t, 226, m.wtc.fig.rows[2].staffed)
	assert.Equal(t, 6, m.wtc.fig.rows[3].units, "six gaps")

	// W again asks, and n keeps wartime.
	m = keys(t, m, "W")
	assert.Contains(t, m.View(), "end wartime W-0001")
	m = keys(t, m, "n")
	assert.True(t, m.wt.active())
}

func TestDirectiveFromTheKeyboard(t *testing.T) {
	f := newFixture(t)
	m, sub := wartimeModel(t, f, "en", 120, 40)
	ctx := context.Background()

	// d: the dry run counts the recipients before anything is sent.
	m = keys(t, m, "d")
	m = typeText(t, m, "逐户核查人员去向")
	m = keys(t, m, "enter", "enter", "enter")
	view := m.View()
	assert.Contains(t, view, "to 232 micro-grids (6 with nobody on duty), done by 05:10?  y/n")
	ds, err := f.db.Directives(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, ds, "the dry run stores nothing")
	m = keys(t, m, "y")
	assert.Contains(t, m.View(), "D-0001 issued to 232 micro-grids")
	m = pump(t, m, sub, f.db)
	require.Len(t, m.wt.directives, 1)
	d := m.wt.directives[0]
	assert.Equal(t, 232, d.sum.Units)
	assert.Contains(t, m.View(), "Directive D-0001 逐户核查人员去向  deadline 05:10")
	assert.Contains(t, m.View(), "all: 0/232 signed")

	// Units sign through the store (the handheld app): the bars fill.
	st, err := f.db.WartimeStatus(ctx, "")
	require.NoError(t, err)
	signed := 0
	for _, u := range st.Units {
		if u.Worker != 0 && u.MicroGrid.Village() == "330784114266" {
			_, err := f.db.SignDirective(ctx, d.d.ID, u.MicroGrid, u.Worker)
			require.NoError(t, err)
			signed++
		}
	}
	m = pump(t, m, sub, f.db)
	assert.Contains(t, m.View(), fmt.Sprintf("all: %d/232 signed", signed))

	// Ten minutes on, the silent units climb to their village rooms.
	f.clock.Advance(10*time.Minute + time.Second)
	_, err = f.db.Sweep(ctx)
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	m = update(t, m, loadWartime(f.db, "")())
	assert.Equal(t, 232-signed, m.wtc.fig.rows[1].waiting, "every silent unit (gaps too) now waits at its village room")
	assert.Zero(t, m.wtc.fig.rows[2].waiting)

	// R resends to the silent units only.
	m = keys(t, m, "R")
	assert.Contains(t, m.View(), fmt.Sprintf("resend D-0001 逐户核查人员去向 to its %d silent micro-grids?  y/n", 232-signed), "R asks first")
	m = keys(t, m, "y")
	assert.Contains(t, m.View(), fmt.Sprintf("D-0001 resent to %d silent micro-grids", 232-signed))
}

func TestGapsAndAfterAction(t *testing.T) {
	f := newFixture(t)
	m, sub := wartimeModel(t, f, "zh", 120, 40)
	m = runLine(t, m, "gaps")
	require.Equal(t, overlayGaps, m.overlay)
	rows := gapRows(&m.w, m.wt)
	require.Len(t, rows, 6)
	assert.Contains(t, m.View(), "缺员微网格")
	first := rows[0]
	require.NotEmpty(t, first.candidates, "each gap has reserves in its village")
	assert.Equal(t, first.micro.Grid(), first.candidates[0].Node.Grid(), "same grid first")
	m = keys(t, m, "enter")
	assert.Contains(t, m.View(), "征调 "+first.candidates[0].Name, "enter asks, naming the reserve")
	m = keys(t, m, "y")
	m = pump(t, m, sub, f.db)
	m = update(t, m, loadWartime(f.db, "")())
	assert.Equal(t, 5, countGaps(gapRows(&m.w, m.wt)), "the drafted reserve fills the gap")
	assert.Contains(t, m.View(), "已征调 "+first.candidates[0].Name)
	// The ticker tells the wartime steps in Chinese too.
	m = keys(t, m, "esc")
	view := m.View()
	assert.Contains(t, view, "启动战时 防台，范围 花街镇 330784114；", "the scope by its name, as the console names nodes")
	assert.Contains(t, view, "征调储备 "+first.candidates[0].Name+"（")
	assert.NotContains(t, view, "typhoon")
	assert.NotContains(t, view, "drafted into")

	// W, y: wartime ends and the after-action summary shows.
	m = keys(t, m, "esc", "W", "y")
	require.Equal(t, overlayAfter, m.overlay)
	view = m.View()
	assert.Contains(t, view, "战后总结 W-0001")
	assert.Contains(t, view, "征调储备 1")
	m = pump(t, m, sub, f.db)
	m = update(t, m, loadWartime(f.db, "")())
	assert.False(t, m.wt.active())
	m = keys(t, m, "esc")
	assert.Contains(t, m.View(), "平时")
}

func TestDirectiveNeedsWartime(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	m = keys(t, m, "d")
	assert.False(t, m.formActive)
	assert.Contains(t, m.View(), "no wartime is active")
	m = runLine(t, m, "gaps")
	assert.Contains(t, m.View(), "no wartime is active")
}

// The wartime screens fit every terminal size, in both languages, with
// ambiguous characters narrow and wide.
func TestWartimeScreensFit(t *testing.T) {
	f := newFixture(t)
	base, sub := wartimeModel(t, f, "en", 120, 40)
	base = keys(t, base, "d")
	base = typeText(t, base, "逐户核查人员去向，重点关注独居老人和出租房")
	base = keys(t, base, "enter", "enter", "enter", "y")
	base = pump(t, base, sub, f.db)
	require.Len(t, base.wt.directives, 1)
	for _, tm := range terminals() {
		for _, sc := range []struct {
			name string
			keys []string
		}{{"main", nil}, {"gaps", []string{":", "g", "a", "p", "s", "enter"}}, {"directives", []string{"tab", "tab", "tab", "tab"}}, {"help", []string{"?"}}} {
			t.Run(tm.name(sc.name), func(t *testing.T) {
				m := update(t, tm.console(t, f), loadWartime(f.db, "")())
				m = keys(t, m, sc.keys...)
				require.True(t, m.wt.active())
				tm.check(t, m)
				if sc.name == "main" {
					assert.True(t, strings.Contains(m.View(), "D-0001"))
					// The chain's column heads are whole words.
					want := map[string]string{"en": `unit +on +wait +inc\b`, "zh": `单元 +在岗 +未签收? +事件`}[tm.lang]
					assert.Regexp(t, want, m.View())
					if tm.lang == "en" && tm.w >= 120 {
						assert.Regexp(t, `[│|] village rooms `, m.View(), "the label whole where the figures give it room")
					}
				}
			})
		}
	}
}

// A dry run's "send?" question that comes back while the operator has
// moved on to a form is not asked: a "y" typed into the form sends nothing.
func TestLateQuestionNeverTakesAFormsKeys(t *testing.T) {
	f := newFixture(t)
	m, _ := wartimeModel(t, f, "en", 120, 40)
	m = keys(t, m, "d")
	m = typeText(t, m, "转移群众")
	m = keys(t, m, "enter", "enter")
	next, dry := m.Update(keyMsg("enter")) // the dry run, held back
	m = next.(Model)
	require.NotNil(t, dry)
	m = keys(t, m, "n")
	require.True(t, m.formActive)
	m = update(t, m, dry())
	assert.False(t, m.q.active())
	m = keys(t, m, "tab", "tab", "tab")
	m = typeText(t, m, "y")
	assert.True(t, m.formActive)
	ds, err := f.db.Directives(context.Background(), "")
	require.NoError(t, err)
	assert.Empty(t, ds, "nothing was sent")
	assert.Equal(t, "y", m.form.values()["title"])
}

// Incident keys act only on an incident the operator can see.
func TestActionKeysNeedTheIncidentInSight(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "en", 120, 40)
	m = find(t, m, "电信诈骗预警")
	inc, _ := m.selectedIncident()
	m = keys(t, runLine(t, m, "roster"), "e")
	assert.Contains(t, m.View(), "esc back to the incidents first")
	assert.Equal(t, inc.Tier, stored(t, f, inc.ID).Tier, "nothing escalated behind the roster")
	m = keys(t, m, "esc", "enter", "e", "y")
	assert.NotEqual(t, inc.Tier, stored(t, f, inc.ID).Tier, "from the detail view it acts")
}

// twoDirectives is an English console at 120x40 in wartime that has issued
// the directives "first" and then "second" from the keyboard (d, the form,
// the confirmation) and taken in their events.
func twoDirectives(t *testing.T) Model {
	t.Helper()
	f := newFixture(t)
	m, sub := wartimeModel(t, f, "en", 120, 40)
	for _, text := range []string{"first", "second"} {
		m = keys(t, m, "d")
		m = typeText(t, m, text)
		m = keys(t, m, "enter", "enter", "enter", "y")
		m = pump(t, m, sub, f.db)
	}
	return m
}

// A second directive is the one the pane shows once it arrives.
func TestNewDirectiveIsShown(t *testing.T) {
	m := twoDirectives(t)
	cur, ok := m.dir.current()
	require.True(t, ok)
	assert.Equal(t, "second", cur.d.Text)
	assert.Contains(t, m.View(), "Directive D-0002 second")
}

// A long filter scrolls within the status line instead of wrapping it.
func TestLongFilterFits(t *testing.T) {
	m := demoConsole(t, "zh", 80, 24)
	m = keys(t, m, "/")
	m = typeText(t, m, strings.Repeat("渎溪村货物撒落", 8))
	checkScreen(t, m, 80, 24, false)
	m = keys(t, m, "esc", ":")
	m = typeText(t, m, strings.Repeat("roster", 12))
	checkScreen(t, m, 80, 24, false)
}

// [ and ] step through the directives (so do h/left and l/right, not the
// space), and show in the directive pane's help and footer.
func TestDirectiveKeys(t *testing.T) {
	m := twoDirectives(t)
	m = runLine(t, m, "directives")
	require.Equal(t, paneDirectives, m.focus)
	text := func(m Model) string {
		cur, ok := m.dir.current()
		require.True(t, ok)
		return cur.d.Text
	}
	require.Equal(t, "second", text(m))
	m = keys(t, m, "]")
	assert.Equal(t, "first", text(m))
	m = keys(t, m, "[")
	assert.Equal(t, "second", text(m))
	m = keys(t, m, "l")
	assert.Equal(t, "first", text(m))
	m = keys(t, m, "left")
	assert.Equal(t, "second", text(m))
	m = keys(t, m, "space")
	assert.Equal(t, "second", text(m), "the space is not a directive key")
	m = update(t, m, flashExpiredMsg{id: m.flash.id})
	assert.Contains(t, lastLine(m), "R resend to silent  [ ] newer/older")

	m = keys(t, m, "?")
	assert.Regexp(t, `\]/l +older directive`, m.View())
	assert.NotContains(t, m.View(), "expand", "l is the pane's, not expand")
	m = keys(t, m, "?", "tab")
	assert.NotContains(t, m.View(), "older directive", "only over the directive pane")
}

// Enter on the gaps list asks; y asks the store for the draft at once: the
// command it returns is the store's answer, not a message back to the
// console.
func TestEnterOnTheGapsDraftsAtOnce(t *testing.T) {
	f := newFixture(t)
	m, sub := wartimeModel(t, f, "en", 120, 40)
	m = runLine(t, m, "gaps")
	require.Equal(t, overlayGaps, m.overlay)
	first := gapRows(&m.w, m.wt)[0]
	m = keys(t, m, "enter")
	m, answers := updateAll(t, m, keyMsg("y"), keyMsg("j"))
	require.Len(t, answers, 1)
	drafted, ok := answers[0].(draftedMsg)
	require.True(t, ok, "enter's command drafts: %T", answers[0])
	require.NoError(t, drafted.err)
	assert.Equal(t, first.candidates[0].ID, drafted.d.Person)
	assert.Equal(t, first.micro, drafted.d.MicroGrid)
	m = update(t, m, drafted)
	m = pump(t, m, sub, f.db)
	assert.Contains(t, m.View(), first.candidates[0].Name+" drafted into")
}

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
			// Two villages: the town room's rows are villages (one village alone
			// is shown by its micro-grids, directive_village_test.go).
			d, _, err := f.db.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{village, otherVillage(t, f, village)}, time.Hour, officers[0].ID, false)
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

// A micro-grid with nobody on it shows among its village's silent units
// marked as the gap it is, first (there is nobody to call: the room drafts
// a reserve or signs for it), not as a bare code.
func TestDirectivePaneMarksGaps(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		for _, w := range []int{80, 120} {
			t.Run(fmt.Sprintf("%s/%d", lang, w), func(t *testing.T) {
				f := newFixture(t)
				m, sub := wartimeModel(t, f, lang, w, 40)
				ctx := context.Background()
				gap := gapRows(&m.w, m.wt)[0].micro
				village := gap.Village()
				officers, err := f.db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
				require.NoError(t, err)
				_, _, err = f.db.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{village, otherVillage(t, f, village)}, time.Hour, officers[0].ID, false)
				require.NoError(t, err)
				m = pump(t, m, sub, f.db)
				short := strings.TrimPrefix(string(gap), string(village)+"-")
				mark := map[string]string{"zh": " (空缺)", "en": " (gap)"}[lang]
				var row string
				for _, line := range strings.Split(m.View(), "\n") {
					if strings.Contains(line, m.w.names[village]) && strings.Contains(line, "/") {
						row = line
					}
				}
				require.NotEmpty(t, row, "the village's row")
				if w < 120 { // the silent units' column holds 8 cells: the gap comes first, its mark cut
					mark = mark[:2]
				}
				assert.Contains(t, row, short+mark, "the gap, marked, first in its village's row")
				checkScreen(t, m, w, 40, false)
			})
		}
	}
}

// otherVillage is a village of the town in wartime other than v: a
// directive to both keeps the town room's rows per village.
func otherVillage(t *testing.T, f fixture, v model.NodeCode) model.NodeCode {
	t.Helper()
	st, err := f.db.WartimeStatus(context.Background(), "")
	require.NoError(t, err)
	for _, u := range st.Units {
		if u.MicroGrid.Village() != v {
			return u.MicroGrid.Village()
		}
	}
	t.Fatal("no other village in wartime")
	return ""
}

// countGaps is how many rows of the gaps list are gaps (not drafts).
func countGaps(rows []gapRow) int {
	n := 0
	for _, r := range rows {
		if r.draft == nil {
			n++
		}
	}
	return n
}

// The wartime chain's unsigned column counts micro-grids, each once: a unit
// silent on two directives is one silent unit, so the column never exceeds
// the units beside it; a unit that signed one directive and not the other
// is still silent.
func TestChainCountsSilentUnitsOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	var ids []string
	for _, text := range []string{"逐户核查人员去向", "清点安置点物资"} {
		d, _, err := f.db.IssueDirective(ctx, text, []model.NodeCode{huajie}, 2*time.Hour, f.operator(t), false)
		require.NoError(t, err)
		ids = append(ids, d.ID)
	}
	st, err := f.db.WartimeStatus(ctx, "")
	require.NoError(t, err)
	chain := func() int {
		m := update(t, f.model(t, "en", 120, 40), loadWartime(f.db, "")())
		require.Len(t, m.wt.directives, 2)
		return m.wtc.fig.rows[2].waiting
	}
	assert.Equal(t, 232, chain(), "232 units, each silent on two directives")

	var u model.UnitStatus
	for _, u = range st.Units {
		if u.Worker != 0 {
			break
		}
	}
	_, err = f.db.SignDirective(ctx, ids[0], u.MicroGrid, u.Worker)
	require.NoError(t, err)
	assert.Equal(t, 232, chain(), "signed one of two: still silent")
	_, err = f.db.SignDirective(ctx, ids[1], u.MicroGrid, u.Worker)
	require.NoError(t, err)
	assert.Equal(t, 231, chain(), "signed both")
}
