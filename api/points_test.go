package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestPointsOverTheLocalAPI: the points and scorecards reach a command
// while a server holds the file, and a refusal keeps its Chinese.
func TestPointsOverTheLocalAPI(t *testing.T) {
	le := newLocalEnv(t)
	c, ctx := le.c, le.ctx
	_, err := c.Report(ctx, model.Report{Node: grid01, Category: "hazard", Severity: model.SeverityIII, Title: "外墙开裂", Reporter: le.worker.ID})
	require.NoError(t, err)
	ev, err := c.GrantPoints(ctx, le.worker.ID, 25, "网格协商周", le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, le.worker.ID, ev.Subject)
	assert.Equal(t, 25, ev.Points)

	month := model.MonthOf(c.Now(), le.db.Now().Location())
	pm, err := c.Points(ctx, model.PointsQuery{Month: month})
	require.NoError(t, err)
	assert.Equal(t, month, pm.Month)
	require.NotEmpty(t, pm.People)
	assert.Equal(t, le.worker.ID, pm.People[0].Person)
	assert.Equal(t, map[string]int{"report": 1, model.ManualKey: 25}, pm.People[0].By)
	assert.Len(t, pm.Indicators, 10)

	red, err := c.RedeemBenefit(ctx, le.worker.ID, "dining", le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 6, red.Balance)
	_, err = c.RedeemBenefit(ctx, le.worker.ID, "dining", le.duty.ID)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "兑换")
	_, err = c.GrantPoints(ctx, le.worker.ID, 5, "x", le.worker.ID)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))

	rb, err := c.RebuildPoints(ctx)
	require.NoError(t, err)
	assert.Zero(t, rb.Changed)
	rules, err := c.PointRules(ctx)
	require.NoError(t, err)
	assert.Len(t, rules, 1)
	cards, err := c.Scorecards(ctx, model.ScoreGridWorker, month, grid01)
	require.NoError(t, err)
	require.NotEmpty(t, cards)
	_, err = c.Scorecards(ctx, "mayor", month, "")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
}
