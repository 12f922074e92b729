package model_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// typedIn feeds s to a Typing in pieces of k runes as they came from the
// terminal (Add), then ends the field, and returns the text it let
// through.
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

// Text that comes in pieces (Add: the whole of it, as the terminal sent
// it) loses the same control sequences CleanText drops from it whole: a form's field keeps neither "]0;pwned" of a title
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

// keyed feeds keys to a Typing as typed (Key), a pasted block (a string
// beginning with "paste:") as pasted, then ends the field, and returns
// the text it let through.
func keyed(keys ...string) string {
	var t model.Typing
	var out, text string
	for _, k := range keys {
		if block, ok := strings.CutPrefix(k, "paste:"); ok {
			t, text = t.Paste(block)
		} else {
			t, text = t.Key(k)
		}
		out += text
	}
	_, text = t.End()
	return out + text
}

// A sequence held gives way to a person's typing (an alt+] pressed by
// accident): after HeldKeys keys of one character, at a key beyond ASCII,
// at a pasted block, at the end of the field after a key of one
// character; its introducer goes, what was typed stays. A terminal's
// sequence (runs, ended by BEL or ST) is dropped whole as before.
func TestTypingGivesUpATypedSequence(t *testing.T) {
	for _, c := range []struct {
		keys []string
		want string
	}{
		{[]string{"\x1b]", "c", "a", "l", "l", "e", "d"}, "called"},
		{[]string{"\x1b]", "o", "k"}, "ok"}, // the field ends: given up, not dropped
		{[]string{"\x1b]", "已联系交警"}, "已联系交警"},
		{[]string{"\x1b]", "a", "交"}, "a交"},
		{[]string{"\x1b]", "a", "paste:b\x1b]0;x\x07c"}, "abc"},
		{[]string{"\x1b]", "paste:粘贴"}, "粘贴"},
		{[]string{"\u009d", "a", "b", "c", "d", "e", "f"}, "abcdef"},
		{[]string{"\x1b[", "1", "2", ";", "3", "m"}, "12;3m"}, // a CSI's final byte after HeldKeys keys: text
		{[]string{"\x1b[", "1", "2", "m", "x"}, "x"},          // before: the CSI, ended, dropped whole
		{[]string{"x", "\x1b(", "a", "b"}, "xb"},              // an escape ended by its final byte (ESC ( a): dropped whole
		// A terminal's sequences: dropped whole.
		{[]string{"详情", "\x1b]", "0;pwned", "\x07", "第二行"}, "详情第二行"},
		{[]string{"\x1b]", "0;my", " ", "title", "\x07", "ok"}, "ok"},
		{[]string{"\x1b]", "0;t"}, ""}, // ended by the field: dropped, as CleanText drops it
		{[]string{"\x1b[", "1", "2", "m", "红"}, "红"},
		{[]string{"\x1b]", "11;rgb:0000/0000/0000", "\x1b\\", "ok"}, "ok"},
	} {
		assert.Equal(t, c.want, keyed(c.keys...), "%q", c.keys)
	}
	// Held until then: nothing shows for the first HeldKeys keys.
	var tp model.Typing
	tp, _ = tp.Key("\x1b]")
	for range model.HeldKeys {
		var text string
		tp, text = tp.Key("a")
		assert.Empty(t, text)
		assert.True(t, tp.Open())
	}
	tp, text := tp.Key("b")
	assert.Equal(t, "aaaab", text)
	assert.False(t, tp.Open())
}

// However keys and blocks come, typed or pasted, no introducer gets
// through: giving a sequence up drops ESC or the C1 control and keeps
// only what followed it.
func TestTypingNeverLetsAnIntroducerThrough(t *testing.T) {
	ins := []string{"详情\x1b]0;pwned\x07第二行", "\x1b[12:00 到达", "a\x1b]unterminated", "\x1b\x1b]\x1b[x", "\u009d\u009b1\u0090", "\x1b(\x1b)\x1b"}
	for _, s := range cleanTextSeeds {
		ins = append(ins, s.in)
	}
	for _, in := range ins {
		for _, k := range []int{1, 2, 3, 1000} {
			runes := []rune(in)
			var pieces []string
			for i := 0; i < len(runes); i += k {
				pieces = append(pieces, string(runes[i:min(i+k, len(runes))]))
			}
			for _, pasteEvery := range []int{0, 2, 3} {
				keys := slices.Clone(pieces)
				for i := range keys {
					if pasteEvery > 0 && i%pasteEvery == 1 {
						keys[i] = "paste:" + keys[i]
					}
				}
				out := keyed(keys...)
				assert.False(t, strings.ContainsFunc(out, func(r rune) bool { return r == 0x1b || r >= 0x80 && r <= 0x9f }),
					"%q in keys of %d: %q", in, k, out)
			}
		}
	}
}
