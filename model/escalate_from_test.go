package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// An escalation confirmed from a tier the incident has left is refused
// before who may act is asked (the grid leader whose question said
// →village is told it is at the village now, not that he may not act
// there); from its own tier, or without From, it climbs.
func TestEscalateFrom(t *testing.T) {
	p := model.DefaultPolicy()
	inc := at(t, model.TierVillage, model.StatusReported)
	c := model.Command{Action: model.ActEscalate, By: gridLeader.ID, From: model.TierGrid}
	_, _, err := inc.Apply(c, gridLeader, t0, p)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Equal(t, inc.ID+" 已在村社层级，不再是确认时的网格层级；未作任何操作", model.ErrorMessageZh(err))

	err = inc.Moved(c, model.Mover{By: villageCadre.ID, Name: villageCadre.Name, At: t0.Add(-time.Minute)})
	assert.Contains(t, model.ErrorMessage(err), "(escalated by 村干部戊 at "+t0.Add(-time.Minute).Format("15:04")+")")

	c.By, c.From = villageCadre.ID, model.TierVillage
	got, _, err := inc.Apply(c, villageCadre, t0, p)
	require.NoError(t, err)
	assert.Equal(t, model.TierTown, got.Tier)
	c.From = ""
	got, _, err = inc.Apply(c, villageCadre, t0, p)
	require.NoError(t, err)
	assert.Equal(t, model.TierTown, got.Tier)

	closed := at(t, model.TierVillage, model.StatusResolved)
	assert.NoError(t, closed.Moved(model.Command{Action: model.ActEscalate, From: model.TierGrid}, model.Mover{}), "the status refusal says it")
	assert.NoError(t, inc.Moved(model.Command{Action: model.ActAcknowledge, From: model.TierGrid}, model.Mover{}))
}
