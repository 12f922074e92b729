package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The QA finding: at 80 columns the county room's queue showed 东城街道's
// incident as "0002" next to 花街镇's, and the events pane dropped the
// prefix even at 120 ("1208-0002"): nothing said which town it was in. A
// room whose incidents carry more than one prefix keeps it in the short
// ids, queue and events alike (DC-0002, HJ-0017; DC-1208-0002), and :show
// reads the form it shows. A room of one town's ids shows them as before
// (the goldens).
func TestCountyRoomIDsKeepTheirTown(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	inc, err := f.db.Report(context.Background(), model.Report{Node: dongcheng, Category: "fire",
		Severity: model.SeverityII, Title: "东城测试", Reporter: seat.Person.ID})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(inc.ID, "DC-"), inc.ID)
	num := inc.ID[len(inc.ID)-4:]
	for _, lang := range []string{"zh", "en"} {
		m := countyRoom(t, f, seat, lang, 80, 40)
		view := m.View()
		queue := regexp.MustCompile(`│[▌ ](I|II|III|IV) +(\S+) `)
		var ids []string
		for _, g := range queue.FindAllStringSubmatch(view, -1) {
			ids = append(ids, g[2])
		}
		require.NotEmpty(t, ids, lang)
		// The demo's queue holds 0017 of two days: the day too (idDays).
		assert.Contains(t, ids, "DC-"+inc.ID[9:11]+"-"+num, "%s: 东城街道's incident by its town", lang)
		for _, id := range ids {
			assert.Regexp(t, `^(DC|HJ)-(\d\d-)?\d{4}$`, id, "%s: every row with its town", lang)
		}
		assert.Regexp(t, ` DC-`+num+` +`, eventsOf(m), "%s: the events too (the number alone there)", lang)
		checkScreen(t, m, 80, 40, false)

		m = countyRoom(t, f, seat, lang, 120, 40)
		assert.Regexp(t, ` DC-\d{4}-`+num+` `, eventsOf(m), "%s: the events at 120 keep it", lang)
		checkScreen(t, m, 120, 40, false)

		m = runLine(t, m, "show DC-"+num)
		require.Equal(t, overlayDetail, m.overlay, m.flash.text)
		assert.Contains(t, m.View(), inc.ID)
	}

	// 花街镇's room holds 花街镇's ids alone: the number, as before.
	m := f.model(t, "en", 80, 24)
	assert.Zero(t, m.w.towns.extra())
	assert.NotRegexp(t, `HJ-\d`, m.View())
}

// eventsOf is the events pane's lines of m's screen.
func eventsOf(m Model) string {
	lines := strings.Split(m.View(), "\n")
	for i, l := range lines {
		if strings.Contains(l, m.p.lab.Events) && strings.Contains(l, "╭") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return ""
}
