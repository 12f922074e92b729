package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// typedIn feeds s to a Typing in pieces of k runes (a console's keys),
// then ends the field, and returns the text it let through.
func typedIn(s string, k int) string {
	var t model.Typing
	var out, text string
	runes := []rune(s)
	for i := 0; i < len(runes); i += k {
		t, text = t.Add(string(runes[i:min(i+k, len(runes))]))
		out += text
	}
	_, text = t.End()
	return out + text
}

// Text typed key by key loses the same control sequences CleanText drops
// from it whole: a form's field keeps neither "]0;pwned" of a title
// sequence (a QA stored 详情]0;pwned第二行) nor any other part of one.
func TestTypingDropsWhatCleanTextDrops(t *testing.T) {
	extra := []string{
		"详情\x1b]0;pwned\x07第二行",
		"详情\x1b]0;pwned\x1b\\第二行",
		"详情\u009d0;pwned\u009c第二行",
		"\x1b[12:00 到达",
		"\x1b[12m红色",
		"\x1b(B字",
		"a\x1b",
		"a\x1b]unterminated",
		"\x1bP1$r\x1b\\ok",
		"\x1b[?25lX\x1b",
	}
	ins := extra
	for _, s := range cleanTextSeeds {
		ins = append(ins, s.in)
	}
	for _, in := range ins {
		want, err := model.CleanText(in, false)
		require.NoError(t, err)
		for _, k := range []int{1, 2, 3, 1000} {
			got, err := model.CleanText(typedIn(in, k), false)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%q in pieces of %d", in, k)
		}
	}
	assert.Equal(t, "详情第二行", typedIn("详情\x1b]0;pwned\x07第二行", 1))
}

func TestSequenceLen(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		open bool
	}{
		{"abc", 0, false},
		{"\x1b", 1, true},
		{"\x1b]", 2, true},
		{"\x1b]0;pw", 6, true},
		{"\x1b]0;pw\x07", 7, false},
		{"\x1b]0;pw\x07x", 7, false},
		{"\x1b]0;pw\x1b", 6, false},
		{"\u009d0;pw\u009c", 8, false},
		{"\x1b[", 2, true},
		{"\x1b[12;3", 2, true},
		{"\x1b[12m", 5, false},
		{"\x1b[12到", 2, false},
		{"\x1b(", 1, true},
		{"\x1b(B", 3, false},
		{"\x1bc", 2, false},
		{"\x1b到", 1, false},
	} {
		n, open := model.SequenceLen(c.s)
		assert.Equal(t, [2]any{c.n, c.open}, [2]any{n, open}, "%q", c.s)
	}
}
