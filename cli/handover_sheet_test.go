package cli_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHandoverSheetColumnsLineUp: the text sheet's open incidents are in
// columns by display width, so every title starts in the same column
// whatever the place's name (八字墙村 03 takes 11 columns, 杨杭村 03 9; a
// review saw the titles drift), and so do the supervisions' notes.
func TestHandoverSheetColumnsLineUp(t *testing.T) {
	e := newEnv(t)
	e.initDemo(1)
	now := minuteNow()
	e.ok("duty", "add", "--person", "P3", "--room", "town", "--from", stamp(now.Add(-8*time.Hour)), "--to", stamp(now.Add(20*time.Minute)))
	e.ok("duty", "add", "--person", "P4", "--room", "town", "--from", stamp(now.Add(20*time.Minute)), "--to", stamp(now.Add(12*time.Hour)))
	text := e.ok("handover", "give", "--dry-run", "--as", "P3")
	id := regexp.MustCompile(`^\s+[ !] (I|II|III|IV)\s+HJ-\d{8}-\d{4} `)
	cols, places := map[int]bool{}, map[int]bool{}
	for _, l := range strings.Split(text, "\n") {
		if !id.MatchString(l) {
			continue
		}
		title := strings.LastIndex(l, "  ") + 2 // the place and the title: two spaces apart
		cols[ansi.StringWidth(l[:title])] = true
		place := strings.TrimSpace(l[strings.LastIndex(strings.TrimRight(l[:title], " "), "  ")+2 : title])
		places[ansi.StringWidth(place)] = true
	}
	require.Greater(t, len(places), 1, "places of different widths:\n%s", text)
	assert.Len(t, cols, 1, "one column for the titles:\n%s", text)

	notes := map[int]bool{}
	for _, l := range strings.Split(text, "\n") {
		if at := strings.Index(l, "not resolved at"); at > 0 && regexp.MustCompile(`^  \d\d:\d\d HJ-`).MatchString(l) {
			notes[ansi.StringWidth(l[:at])] = true
		}
	}
	require.NotEmpty(t, notes, "supervisions:\n%s", text)
	assert.Len(t, notes, 1, "one column for the supervisions' notes:\n%s", text)
}
