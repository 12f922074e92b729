package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestEscalationConfirmedFromATier: two seats confirm one escalation
// (→village, From grid); the first moves it, the second is refused with
// who moved it and when, nothing written. The clock's escalation is named
// so. Without From an escalation climbs from wherever it is, as before.
func TestEscalationConfirmedFromATier(t *testing.T) {
	tw := newTower(t)
	inc := tw.report(t, grid02, tw.leader02.ID, "两席同时确认")
	up := model.Command{Action: model.ActEscalate, From: model.TierGrid}

	up.By = tw.leader02.ID
	got, err := tw.s.Act(tw.ctx, inc.ID, up)
	require.NoError(t, err)
	require.Equal(t, model.TierVillage, got.Tier)
	tw.clock.Advance(25 * time.Second)

	up.By = tw.duty.ID
	before := dump(t, tw.s)
	_, err = tw.s.Act(tw.ctx, inc.ID, up)
	requireCode(t, err, model.ECONFLICT)
	assert.Equal(t, inc.ID+" is now at the village tier (escalated by 应网格长 at 09:00), no longer at the grid tier you confirmed from; nothing done", model.ErrorMessage(err))
	assert.Equal(t, inc.ID+" 已在村社层级（应网格长 09:00 升级），不再是确认时的网格层级；未作任何操作", model.ErrorMessageZh(err))
	assert.Equal(t, before, dump(t, tw.s), "nothing written")
	assert.Equal(t, model.TierVillage, tw.incident(t, inc.ID).Tier)

	// The clock moves it village→town; a seat that saw it at the village
	// is told so.
	tw.clock.Advance(time.Hour)
	_, err = tw.s.Sweep(tw.ctx)
	require.NoError(t, err)
	require.Equal(t, model.TierTown, tw.incident(t, inc.ID).Tier)
	up.From = model.TierVillage
	_, err = tw.s.Act(tw.ctx, inc.ID, up)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, model.ErrorMessage(err), "(escalated by the clock at ")
	assert.Contains(t, model.ErrorMessageZh(err), "超时自动升级）")

	// From where it is, and without From, it climbs.
	up.From = model.TierTown
	got, err = tw.s.Act(tw.ctx, inc.ID, up)
	require.NoError(t, err)
	assert.Equal(t, model.TierTaskForce, got.Tier)
	other := tw.report(t, grid02, tw.leader02.ID, "不带层级")
	got, err = tw.s.Act(tw.ctx, other.ID, model.Command{Action: model.ActEscalate, By: tw.duty.ID})
	require.NoError(t, err)
	assert.Equal(t, model.TierVillage, got.Tier)

	_, err = tw.s.Act(tw.ctx, other.ID, model.Command{Action: model.ActEscalate, By: tw.duty.ID, From: "county"})
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	requireClean(t, tw.s)
}
