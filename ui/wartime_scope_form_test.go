package ui

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// xiaojieling is 小界岭村, a village of 花街镇.
const xiaojieling model.NodeCode = "330784114268"

// focusedField is the name of the field the form's cursor is on.
func focusedField(m Model) string { return m.form.fields[m.form.focus].name }

// fieldValue is the value of the form's field name.
func fieldValue(t *testing.T, m Model, name string) string {
	t.Helper()
	for _, fl := range m.form.fields {
		if fl.name == name {
			return fl.value()
		}
	}
	t.Fatalf("no field %s", name)
	return ""
}

// In a wartime over some villages of the town, d's to starts with those
// villages by name (the town is outside the wartime: refused), and the
// dry run goes out with it; to typed outside the scope is refused naming
// the places as the console names them, the cursor on to.
func TestDirectiveToInAPartialWartime(t *testing.T) {
	f := newFixture(t)
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{duxi, xiaojieling}, false, "", f.operator(t))
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		m := f.model(t, lang, 120, 40)
		m = update(t, m, loadWartime(f.db, "")())
		m = keys(t, m, "d")
		require.True(t, m.formActive)
		assert.Equal(t, map[string]string{"zh": "渎溪村、小界岭村", "en": "渎溪村, 小界岭村"}[lang], fieldValue(t, m, "to"))
		m = typeText(t, m, "逐户核查")
		m = keys(t, m, "enter", "enter", "enter")
		assert.Contains(t, m.View(), map[string]string{"zh": "19 个微网格", "en": "to 19 micro-grids"}[lang], "the dry run counts the scope's micro-grids")
		assert.Contains(t, m.View(), "y/n")
		m = keys(t, m, "n")
		require.True(t, m.formActive, "n gives the form back")
		m = keys(t, m, "esc", "y")
		require.False(t, m.formActive)

		m = keys(t, m, "d")
		m = typeText(t, m, "逐户核查")
		m = keys(t, m, "enter", "enter")
		m = typeText(t, m, map[string]string{"zh": "全镇", "en": "town"}[lang])
		m = keys(t, m, "enter")
		require.True(t, m.formActive, "refused: the form stays")
		assert.Contains(t, m.form.err, map[string]string{
			"zh": "下达范围：花街镇 不在战时范围内（渎溪村、小界岭村）",
			"en": "to: 花街镇 is outside the wartime scope (渎溪村, 小界岭村)"}[lang])
		assert.NotContains(t, m.form.err, string(duxi))
		assert.Equal(t, "to", focusedField(m), "the cursor on the field refused")
		m = keys(t, m, "esc", "y")
	}
}

// W over a few villages names them in its question; over more, it counts
// them.
func TestActivationQuestionNamesFewVillages(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ lang, scope, want string }{
		{"en", "渎溪村,小界岭村", "activate wartime: typhoon over 渎溪村, 小界岭村: 19 micro-grids, 1306 households?"},
		{"zh", "渎溪村,小界岭村", "启动战时：防台，覆盖渎溪村、小界岭村：19 个微网格、1306 户？"},
		{"en", "渎溪村,小界岭村,大屋村,八字墙村", "activate wartime: typhoon over 4 villages,"},
	} {
		m := f.model(t, c.lang, 120, 40)
		m = update(t, m, loadWartime(f.db, "")())
		m = keys(t, m, "W", "enter")
		require.Equal(t, "scope", focusedField(m))
		m = typeText(t, m, c.scope)
		m = keys(t, m, "enter", "enter", "enter")
		assert.Contains(t, m.View(), c.want)
		m = keys(t, m, "n")
	}
}

// A malformed code in W's scope or d's to is refused saying what is wrong
// with the code, as the command line says it, and the cursor goes to the
// field refused.
func TestMalformedCodeInAForm(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		m := f.model(t, lang, 120, 40)
		m = update(t, m, loadWartime(f.db, "")())
		m = keys(t, m, "W", "enter")
		m = typeText(t, m, "330784114266-2")
		m = keys(t, m, "enter", "enter", "enter") // on to the note, and submit
		require.True(t, m.formActive)
		assert.Contains(t, m.form.err, map[string]string{"zh": "村代码之后每段为两位数字 01-99", "en": "segments after the village code are two digits, 01-99"}[lang])
		assert.NotContains(t, m.form.err, map[string]string{"zh": "没有这个名称", "en": "is named so"}[lang])
		assert.Equal(t, "scope", focusedField(m))
		m = keys(t, m, "esc", "y")
	}
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	m := f.model(t, "en", 120, 40)
	m = update(t, m, loadWartime(f.db, "")())
	m = keys(t, m, "d")
	m = typeText(t, m, "逐户核查")
	m = keys(t, m, "enter", "enter")
	m = typeText(t, m, "33078411426")
	m = keys(t, m, "up", "enter", "enter") // up to done by: the refusal brings the cursor back to to
	assert.Contains(t, m.form.err, "must start with the official 9- or 12-digit")
	assert.Equal(t, "to", focusedField(m))
}

// The to field takes its pre-fill whole however long: a wartime over many
// villages with long names (a county's town) is listed to its last village,
// not cut at the field's usual limit (a review's finding).
func TestDirectiveToTakesManyVillages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var scope []model.NodeCode
	for c, n := range f.model(t, "zh", 120, 40).w.nodes {
		if n.Level == model.LevelVillage && c != duxi {
			scope = append(scope, c)
		}
	}
	require.Len(t, scope, 26)
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, scope, false, "", f.operator(t))
	require.NoError(t, err)
	m := update(t, f.model(t, "zh", 120, 40), loadWartime(f.db, "")())
	act := m.wt.status.Active
	for _, c := range act.Scope {
		m.w.names[c] = "一个名字很长很长的行政村" + string(c)[9:] // 15 characters each: 26 of them pass 200
	}
	want := m.placeNames(act.Scope)
	require.Greater(t, len([]rune(want)), 200)
	m = keys(t, m, "d")
	require.True(t, m.formActive)
	assert.Equal(t, want, fieldValue(t, m, "to"), "every village, the last one whole")
}

// d's to takes a grid or a micro-grid by the console's name, as the command
// line does (a QA found 渎溪村 02 refused with advice to type 渎溪村 02).
func TestDirectiveToAGrid(t *testing.T) {
	f := newFixture(t)
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	for to, want := range map[string]string{"渎溪村 01": "to 3 micro-grids", "渎溪村 02-01, 渎溪村 03-01": "to 2 micro-grids"} {
		m := update(t, f.model(t, "en", 120, 40), loadWartime(f.db, "")())
		m = keys(t, m, "d")
		m = typeText(t, m, "逐户核查")
		m = keys(t, m, "enter", "enter")
		m = typeText(t, m, to)
		m = keys(t, m, "enter")
		assert.Contains(t, m.View(), want, to)
		assert.Contains(t, m.View(), "y/n", to)
	}
}
