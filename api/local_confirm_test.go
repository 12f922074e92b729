package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// An escalation's From travels over the local API: the second of two
// seats confirming one escalation is refused by the store, not sent a
// tier higher.
func TestLocalEscalationCarriesFrom(t *testing.T) {
	le := newLocalEnv(t)
	c := le.c
	inc, err := c.Report(le.ctx, model.Report{Node: grid01, Category: "traffic", Severity: model.SeverityII,
		Title: "两席同时确认", Reporter: le.worker.ID})
	require.NoError(t, err)
	up := model.Command{Action: model.ActEscalate, By: le.duty.ID, From: model.TierGrid}
	got, err := c.Act(le.ctx, inc.ID, up)
	require.NoError(t, err)
	require.Equal(t, model.TierVillage, got.Tier)
	_, err = c.Act(le.ctx, inc.ID, up)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "已在村社层级（"+le.duty.Name)
	stored, err := le.db.Incident(le.ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, model.TierVillage, stored.Tier)
}

// A directive's deadline given as a time travels over the local API as
// it is and is stored exactly.
func TestLocalDirectiveDueTravels(t *testing.T) {
	le := newLocalEnv(t)
	le.floodWartime()
	due := le.db.Now().Add(90 * time.Minute).Truncate(time.Minute)
	d, _, err := le.c.IssueDirectiveAt(le.ctx, "加固堤坝", []model.NodeCode{village}, due, le.duty.ID, false)
	require.NoError(t, err)
	assert.True(t, due.Equal(d.Deadline), "answered %s", d.Deadline)
	stored, _, err := le.db.Directive(le.ctx, d.ID)
	require.NoError(t, err)
	assert.True(t, due.Equal(stored.Deadline), "stored %s", stored.Deadline)
}
