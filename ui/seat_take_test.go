package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An SSH seat runs in the gridcmd that holds the file: :take is not in its
// help, its menu or its completion, and typed anyway it says why not, in
// the seat's language (a QA saw it listed, and answered "本控制台已持有数据库").
// A console on this machine still lists it.
func TestSSHSeatHasNoTake(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ lang, why string }{
		{"zh", "SSH 席位不能接管数据库"},
		{"en", "an SSH seat cannot take the file"},
	} {
		opt := f.options(t, c.lang)
		opt.SSH = true
		m := loaded(t, f.db, opt, 120, 40)
		help := strings.Join(strings.Fields(keys(t, m, "?").View()), " ")
		assert.Contains(t, help, ":handover", c.lang)
		assert.NotContains(t, help, ":take", c.lang)
		assert.NotContains(t, help, "接管=take", c.lang)
		assert.NotContains(t, m.cmds.candidates(m, "ta"), "take", c.lang)
		assert.NotContains(t, m.cmds.candidates(m, "接"), "接管", c.lang)
		assert.Equal(t, "ta", m.cmds.complete(m, "ta"), c.lang)
		line := keys(t, typeText(t, keys(t, m, ":"), "ta"), "tab")
		assert.NotEqual(t, "take", line.cmdInput.Value(), c.lang)
		for _, word := range []string{"take", "接管"} {
			mm := runLine(t, m, word)
			assert.Contains(t, mm.flash.text, c.why, "%s :%s", c.lang, word)
			assert.False(t, mm.q.active(), "nothing asked")
		}

		local := f.model(t, c.lang, 120, 40)
		assert.Contains(t, strings.Join(strings.Fields(keys(t, local, "?").View()), " "), ":take", c.lang)
	}
}
