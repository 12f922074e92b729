package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// The filter takes the tiers' short names the queue shows at 80 columns
// (镇, 村社, tf, vill), in either language, and each names one tier only.
func TestFilterTierShortNames(t *testing.T) {
	for _, lang := range []Labels{enLabels, zhLabels} {
		for tier, short := range lang.TierShort {
			for _, own := range []Labels{enLabels, zhLabels} {
				q := parseQuery("tier:"+short, own)
				assert.NoError(t, q.err, "tier:%s on a %s console", short, own.Lang)
				assert.Equal(t, tier, q.tier, "tier:%s on a %s console", short, own.Lang)
				q = parseQuery("层级："+short, own)
				assert.Equal(t, tier, q.tier, "层级：%s", short)
			}
		}
	}
	// Unambiguous: no name, long or short, in either language, is two tiers'.
	seen := map[string]model.Tier{}
	for _, names := range []map[model.Tier]string{enLabels.Tier, zhLabels.Tier, enLabels.TierShort, zhLabels.TierShort} {
		for tier, name := range names {
			if other, ok := seen[name]; ok {
				assert.Equal(t, other, tier, "%q names two tiers", name)
			}
			seen[name] = tier
		}
	}
	m := demoConsole(t, "zh", 80, 24)
	m = keys(t, m, "/")
	m = typeText(t, m, "层级:镇")
	m = keys(t, m, "enter")
	assert.NotContains(t, m.View(), "不是层级")
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.TierTown, inc.Tier)
	}
	assert.NotEmpty(t, m.queue.rows)
}
