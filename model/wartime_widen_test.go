package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestWidenRule(t *testing.T) {
	names := func(c model.NodeCode) string {
		return map[model.NodeCode]string{town: "花街镇", duxi: "渎溪村", otherVil: "花街村", "330784115": "东城街道"}[c]
	}
	a := activation(t, duxi)
	at := t0.Add(time.Hour)
	w, ev, err := a.Widen([]model.NodeCode{otherVil}, dutyOfficer.ID, at, names)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{otherVil, duxi}, w.Scope)
	assert.Equal(t, []model.Widening{{At: at, By: dutyOfficer.ID, From: []model.NodeCode{duxi}}}, w.Widened)
	assert.Equal(t, []model.NodeCode{duxi}, a.Scope, "a is a value: unchanged")
	assert.Equal(t, model.Event{At: at, Actor: dutyOfficer.ID, Action: model.ActWiden, Node: otherVil, Directive: a.ID,
		Note:   "W-0001 widened from 渎溪村 330784114266 to 花街村 330784114200, 渎溪村 330784114266",
		NoteZh: "W-0001 范围由 渎溪村 330784114266 扩大至 花街村 330784114200、渎溪村 330784114266"}, ev)

	// Again, to the town: one code covers both.
	later := at.Add(time.Hour)
	w2, _, err := w.Widen([]model.NodeCode{town}, dutyOfficer.ID, later, names)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town}, w2.Scope)
	require.Len(t, w2.Widened, 2)
	assert.Equal(t, []model.NodeCode{otherVil, duxi}, w2.Widened[1].From)

	// When each place came under it; and the activation as it stood.
	assert.Equal(t, t0, w2.CoveredSince(duxi.Child(1)))
	assert.Equal(t, at, w2.CoveredSince(otherVil))
	assert.Equal(t, later, w2.CoveredSince("330784114201"))
	assert.True(t, w2.CoveredSince("330784115201").IsZero(), "not covered")
	assert.Equal(t, a.Scope, w2.AsOf(at.Add(-time.Second)).Scope)
	assert.Empty(t, w2.AsOf(at.Add(-time.Second)).Widened)
	assert.Equal(t, w.Scope, w2.AsOf(at).Scope)
	assert.Equal(t, w2, w2.AsOf(later))

	for _, c := range []struct {
		a    model.Activation
		add  []model.NodeCode
		code string
		en   string
		zh   string
	}{
		{model.Activation{}, []model.NodeCode{town}, model.ECONFLICT, "no wartime is active: nothing to widen; start one instead", "当前没有战时状态：无可扩大；请直接启动战时"},
		{a, nil, model.EINVALID, "scope: empty; give town or village codes", "范围：为空；请给出镇或村社代码"},
		{a, []model.NodeCode{"330784115"}, model.EINVALID,
			"scope: 东城街道 330784115 lies outside 花街镇 330784114, the town of W-0001; wartime is per town: activate that town's apart",
			"范围：东城街道 330784115 不在 W-0001 的所在镇 花街镇 330784114 内；战时按镇启动：请另行启动该镇的战时"},
		{w2, []model.NodeCode{duxi}, model.ECONFLICT,
			"W-0001 already covers 渎溪村 330784114266 (its scope: 花街镇 330784114); nothing to widen",
			"W-0001 已覆盖 渎溪村 330784114266（范围：花街镇 330784114）；无需扩大"},
	} {
		_, _, err := c.a.Widen(c.add, dutyOfficer.ID, later, names)
		assert.Equal(t, c.code, model.ErrorCode(err))
		assert.Equal(t, c.en, model.ErrorMessage(err))
		assert.Equal(t, c.zh, model.ErrorMessageZh(err))
	}
}
