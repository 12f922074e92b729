package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// tickerTitle is the events pane's title line as drawn.
func tickerTitle(m Model) string {
	title, _, _ := strings.Cut(m.ticker.View(), "\n")
	return title
}

// arrive feeds n new reports into m, as the live feed does.
func arrive(t *testing.T, m Model, n int) Model {
	t.Helper()
	var evs []model.Event
	top := m.w.events[0]
	for i := n; i >= 1; i-- {
		e := top
		e.Seq += uint64(i)
		e.Action, e.Note, e.NoteZh = model.ActReport, "新上报"+string(rune('A'+i)), ""
		evs = append(evs, e)
	}
	return update(t, m, eventsMsg{events: evs})
}

// The ticker scrolled back to the morning keeps the officer's place while
// they read it and says in its title how many came in above; left, it
// shows the newest again, and new events while it is not focused show at
// once.
func TestTickerScrolledSaysWhatArrived(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		m := f.model(t, lang, 80, 24)
		m = keys(t, runLine(t, m, "events"), "G")
		require.Positive(t, m.ticker.offset)
		was := m.w.events[m.ticker.cursor]
		m = arrive(t, m, 3)
		assert.Equal(t, was.Seq, m.w.events[m.ticker.cursor].Seq, lang+": the cursor stays on its event")
		want := map[string]string{"zh": "动态 ↑3 新", "en": "Events ↑3 new"}[lang]
		assert.Contains(t, tickerTitle(m), want, lang)
		m = keys(t, m, "g")
		assert.NotContains(t, tickerTitle(m), "↑", lang+": at the top, seen")

		m = keys(t, m, "G")
		m = arrive(t, m, 2)
		assert.Contains(t, tickerTitle(m), "↑2", lang)
		m = keys(t, m, "tab")
		assert.NotEqual(t, paneEvents, m.focus)
		assert.Zero(t, m.ticker.offset, lang+": the focus left, the newest shown")
		assert.NotContains(t, tickerTitle(m), "↑", lang)
		m = arrive(t, m, 1)
		assert.Zero(t, m.ticker.offset, lang)
		assert.Contains(t, m.ticker.View(), "新上报B", lang+": the newest in view")
	}
}
