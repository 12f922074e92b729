package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Once :take holds the file, the work carried to the console run on it no
// longer says to type :take: a form put aside while the link was cut comes
// back saying it was not filed, because the file was taken before it was
// sent; so does a note.
func TestTakeDropsTheTakeAdvice(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		m := attached(t, f, &stopping{Service: f.db}, lang, 120, 40)
		m.opt.TakeFile = func() error { return nil }
		m = keys(t, m, "n")
		m = typeText(t, m, "渎溪村 02")
		m = keys(t, m, "tab", "tab", "tab")
		m = typeText(t, m, "接管后的上报")
		m = update(t, m, eventsMsg{closed: true}) // the link is cut
		m = keys(t, m, "enter", "enter")
		require.Contains(t, m.form.err, ":take", "before the take, the advice stands")
		m = keys(t, m, "esc")
		require.False(t, m.formActive)
		m = keys(t, m, ":", "t", "a", "k", "e", "enter", "y")
		m = update(t, m, tookFileMsg{})
		require.True(t, m.TookFile())

		o := f.options(t, lang)
		o.Carried = m.Carry()
		taken := loaded(t, f.db, o, 120, 40)
		require.True(t, taken.formActive, lang)
		assert.Equal(t, "接管后的上报", taken.form.values()["title"])
		assert.True(t, strings.HasPrefix(taken.form.err, notFiled(taken)), taken.form.err)
		assert.NotContains(t, taken.form.err, ":take", lang)
		assert.NotContains(t, taken.View(), ":take", lang)
		assert.NotContains(t, taken.View(), "实时中断", lang)
	}
}

// The cut link's :take advice is told apart by its kind, not its words: it
// is an EUNAVAIL like the other refusals of a cut link, and the same words
// from elsewhere (a server's refusal) are not it; nor is the advice given
// where :take cannot hold the file.
func TestCutTakeToldByKind(t *testing.T) {
	f := newFixture(t)
	m := attached(t, f, &stopping{Service: f.db}, "en", 120, 40)
	m = update(t, m, eventsMsg{closed: true}) // the link is cut
	assert.False(t, isCutTake(m.mayAct()), "no :take here")
	m.opt.TakeFile = func() error { return nil }
	err := m.mayAct()
	require.True(t, isCutTake(err))
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessage(err), ":take")
	same := model.Errorf(model.EUNAVAIL, "%s", model.ErrorMessage(err)).Zh("%s", model.ErrorMessageZh(err))
	assert.False(t, isCutTake(same), "the same words, not the console's advice")
}
