package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The gaps list names a reserve's kind in the console's language: English
// words in English, not model's key (party_activist).
func TestGapsNameTheReserveKindInEnglish(t *testing.T) {
	f := newFixture(t)
	m, _ := wartimeModel(t, f, "en", 120, 40)
	m = runLine(t, m, "gaps")
	require.Equal(t, overlayGaps, m.overlay)
	view := m.View()
	assert.Contains(t, view, "(party activist)")
	assert.NotContains(t, view, "party_activist")
	assert.NotContains(t, view, "入党积极分子")
}
