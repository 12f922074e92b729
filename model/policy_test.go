package model_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestDefaultPolicy(t *testing.T) {
	p := model.DefaultPolicy()
	require.NoError(t, p.Validate())
	assert.False(t, p.Wartime)
	assert.Equal(t, 2*time.Minute, p.AckWindow(model.TierGrid)) // the article's "under two minutes"
	assert.Equal(t, 5*time.Minute, p.AckWindow(model.TierVillage))
	assert.Equal(t, 10*time.Minute, p.AckWindow(model.TierTown))
	assert.Equal(t, 30*time.Minute, p.AckWindow(model.TierTaskForce))
	assert.Equal(t, 30*time.Minute, p.ResolveWindow(model.TierGrid, model.SeverityI))
	assert.Equal(t, 168*time.Hour, p.ResolveWindow(model.TierTaskForce, model.SeverityIV))
	assert.Equal(t, len(model.DefaultCategories), len(p.Categories))

	// Each call returns its own maps: editing one policy leaves the next and
	// the shipped categories alone.
	p.Categories["drone"] = model.PlatformSafety
	delete(p.Categories, "traffic")
	q := model.DefaultPolicy()
	assert.NotContains(t, q.Categories, model.Category("drone"))
	assert.Contains(t, q.Categories, model.Category("traffic"))
	assert.Contains(t, model.DefaultCategories, model.Category("traffic"))
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*model.Policy)
		key  string // the config key the message must name
	}{
		{"zero ack village", func(p *model.Policy) { p.Ack[model.TierVillage] = 0 }, "deadlines.ack.village"},
		{"negative ack grid", func(p *model.Policy) { p.Ack[model.TierGrid] = -time.Second }, "deadlines.ack.grid"},
		{"missing ack taskforce", func(p *model.Policy) { delete(p.Ack, model.TierTaskForce) }, "deadlines.ack.taskforce"},
		{"nil ack", func(p *model.Policy) { p.Ack = nil }, "deadlines.ack.grid"},
		{"zero resolve town III", func(p *model.Policy) { p.Resolve[model.TierTown][model.SeverityIII] = 0 }, "deadlines.resolve.town.III"},
		{"missing resolve tier", func(p *model.Policy) { delete(p.Resolve, model.TierVillage) }, "deadlines.resolve.village.I"},
		{"nil resolve", func(p *model.Policy) { p.Resolve = nil }, "deadlines.resolve.grid.I"},
		{"zero wartime factor", func(p *model.Policy) { p.WartimeFactor = 0 }, "wartime_factor"},
		{"negative wartime factor", func(p *model.Policy) { p.WartimeFactor = -0.5 }, "wartime_factor"},
		{"huge wartime factor", func(p *model.Policy) { p.WartimeFactor = 10.5 }, "wartime_factor"},
		{"NaN wartime factor", func(p *model.Policy) { p.WartimeFactor = math.NaN() }, "wartime_factor"},
		{"no categories", func(p *model.Policy) { p.Categories = nil }, "categories: none defined"},
		{"unknown platform", func(p *model.Policy) { p.Categories["drone"] = "police" }, "categories.drone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := model.DefaultPolicy()
			tt.edit(&p)
			requireCode(t, p.Validate(), model.EINVALID, tt.key)
			key, _, _ := strings.Cut(tt.key, ":")
			requireZh(t, p.Validate(), key+"：")
			assert.Equal(t, key, model.ErrorField(p.Validate()))
		})
	}
	p := model.DefaultPolicy()
	p.WartimeFactor = 10
	assert.NoError(t, p.Validate())
}

func TestPolicyWartime(t *testing.T) {
	p := model.DefaultPolicy()
	p.Wartime = true
	require.NoError(t, p.Validate())
	peace := model.DefaultPolicy()
	for _, tr := range model.Tiers {
		assert.Equal(t, peace.AckWindow(tr)/2, p.AckWindow(tr), tr)
		for _, s := range model.Severities {
			assert.Equal(t, peace.ResolveWindow(tr, s)/2, p.ResolveWindow(tr, s), "%s %s", tr, s)
		}
	}
	assert.Equal(t, time.Minute, p.AckWindow(model.TierGrid))

	// The factor only applies in wartime.
	peace.WartimeFactor = 0.25
	assert.Equal(t, 2*time.Minute, peace.AckWindow(model.TierGrid))
	p.WartimeFactor = 0.25
	assert.Equal(t, 30*time.Second, p.AckWindow(model.TierGrid))
	// A broken factor (caught by Validate) does not zero the clocks.
	p.WartimeFactor = 0
	assert.Equal(t, 2*time.Minute, p.AckWindow(model.TierGrid))
}

func TestPolicyCategory(t *testing.T) {
	p := model.DefaultPolicy()
	parses(t, p.Category, []parsed[model.Category]{
		{"traffic", "traffic"},
		{"交通", "traffic"},
		{"flood", "flood"},
		{"防汛", "flood"},
		{"流动人口", "migrant"},
		{"party", "party"},
	})
	for _, bad := range []string{"", "drone", "Traffic", "交通事故"} {
		_, err := p.Category(bad)
		requireCode(t, err, model.EINVALID, "category", "want one of dispute, ecology, fire, flood, hazard, health, migrant, party, security, service, traffic")
		requireZh(t, err, "类别", "dispute、ecology、fire")
		assert.Equal(t, "category", model.ErrorField(err))
	}

	// A custom category from the config works by its key; a removed one is refused.
	p.Categories["drone"] = model.PlatformSafety
	delete(p.Categories, "traffic")
	got, err := p.Category("drone")
	require.NoError(t, err)
	assert.Equal(t, model.Category("drone"), got)
	_, err = p.Category("交通")
	requireCode(t, err, model.EINVALID, "drone")
}
