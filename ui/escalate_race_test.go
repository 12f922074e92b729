package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The QA finding: two seats both asked 升级 …→村社？ and both pressed y;
// the first moved the incident grid→village, the second village→town
// though it had confirmed →村社. The second is refused now, as a second
// acknowledgement is, saying where the incident is and who moved it; the
// E form's question likewise.
func TestTwoSeatsConfirmOneEscalation(t *testing.T) {
	for _, c := range []struct {
		name string
		keys []string
	}{{"e", []string{"e"}}, {"E", []string{"E", "enter", "enter"}}} {
		f := newFixture(t)
		one, two := f.model(t, "zh", 120, 40), f.model(t, "zh", 120, 40)
		one, two = find(t, one, "夜间噪音扰民"), find(t, two, "夜间噪音扰民")
		inc, _ := one.selectedIncident()
		require.Equal(t, model.TierGrid, inc.Tier)
		one, two = keys(t, one, c.keys...), keys(t, two, c.keys...)
		require.True(t, one.q.active() && two.q.active(), "%s: both seats ask", c.name)
		assert.Contains(t, two.View(), "→村社？", c.name)

		one = keys(t, one, "y")
		require.Equal(t, model.TierVillage, stored(t, f, inc.ID).Tier, c.name)
		two = keys(t, two, "y")
		got := stored(t, f, inc.ID)
		assert.Equal(t, model.TierVillage, got.Tier, "%s: the second y moves it no further", c.name)
		assert.Equal(t, 1, got.Escalations, c.name)
		who := f.seat(t).Person.Name
		said := inc.ID + " 已在村社层级（" + who + " 03:10 升级），不再是确认时的网格层级；未作任何操作"
		if two.formActive {
			said = "未提交：" + said // the form comes back with the refusal (held.go)
			assert.Equal(t, said, two.form.err, c.name)
		} else {
			assert.Contains(t, two.View(), said, c.name)
		}
		checkScreen(t, two, 120, 40, false)
	}
}

// The E form that comes back from such a race offers only the tiers above
// the incident's new one (it offered 村社 again, which the rule refuses),
// whether the feed brings the other seat's escalation after the refusal
// or before the officer's y; sent again, it escalates from there.
func TestEscalateFormAfterARaceOffersTheTiersAbove(t *testing.T) {
	for _, feedFirst := range []bool{false, true} {
		f := newFixture(t)
		one, two := f.model(t, "zh", 120, 40), f.model(t, "zh", 120, 40)
		one, two = find(t, one, "夜间噪音扰民"), find(t, two, "夜间噪音扰民")
		inc, _ := one.selectedIncident()
		sub := f.db.Subscribe()
		one, two = keys(t, one, "E", "enter", "enter"), keys(t, two, "E", "enter", "enter")
		one = keys(t, one, "y")
		require.Equal(t, model.TierVillage, stored(t, f, inc.ID).Tier)
		if feedFirst {
			two = pump(t, two, sub, f.db) // under the question
			two = keys(t, two, "y")
		} else {
			two = keys(t, two, "y")
			require.True(t, two.formActive, "the form comes back")
			assert.Equal(t, []string{"village", "town", "taskforce"}, two.form.fields[0].choices, "the console has not heard yet")
			two = pump(t, two, sub, f.db)
		}
		sub.Close()
		require.True(t, two.formActive, "feed first %v", feedFirst)
		assert.Equal(t, []string{"town", "taskforce"}, two.form.fields[0].choices, "feed first %v", feedFirst)
		assert.Equal(t, "town", two.form.values()["to"], "feed first %v", feedFirst)
		assert.Contains(t, two.View(), "│  升至  [镇指挥室] 专班  ", "feed first %v: 村社 no longer offered", feedFirst)

		two = keys(t, two, "enter") // sends it again
		require.True(t, two.q.active(), "feed first %v: %s", feedFirst, two.form.err)
		assert.Contains(t, two.q.text, "→镇指挥室", "feed first %v", feedFirst)
		two = keys(t, two, "y")
		got := stored(t, f, inc.ID)
		assert.Equal(t, model.TierTown, got.Tier, "feed first %v", feedFirst)
		assert.Equal(t, 2, got.Escalations, "feed first %v", feedFirst)
	}
}
