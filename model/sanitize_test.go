package model_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// cleanTextSeeds are real attacks on a terminal, and text that must survive.
// single and multi are the expected results in a one-line and a multi-line
// field.
var cleanTextSeeds = []struct {
	name, in, single, multi string
}{
	// What must survive.
	{"plain", "cargo spilled", "cargo spilled", "cargo spilled"},
	{"Chinese", "渎溪村330国道货物散落，影响通行。", "渎溪村330国道货物散落，影响通行。", "渎溪村330国道货物散落，影响通行。"},
	{"emoji and wide forms", "⚠️ 火警 ＡＢＣ①", "⚠️ 火警 ＡＢＣ①", "⚠️ 火警 ＡＢＣ①"},
	{"empty", "", "", ""},
	{"trimmed", "  \t 标题 \n ", "标题", "标题"},
	{"newlines", "第一行\n第二行\n\n第四行", "第一行 第二行  第四行", "第一行\n第二行\n\n第四行"},
	{"CRLF", "第一行\r\n第二行\r\n", "第一行  第二行", "第一行\n第二行"},
	{"tab", "a\tb", "a b", "a b"},
	{"non-breaking and ideographic spaces", "a\u00a0b\u3000c", "a\u00a0b\u3000c", "a\u00a0b\u3000c"},

	// CSI: clear screen, colours, cursor moves, hiding the cursor.
	{"CSI clear screen", "\x1b[2Jhello", "hello", "hello"},
	{"CSI home and clear", "\x1b[H\x1b[2J\x1b[3Jfake prompt$", "fake prompt$", "fake prompt$"},
	{"CSI colour", "\x1b[31mred\x1b[0m text", "red text", "red text"},
	{"CSI 256 and truecolour", "\x1b[38;5;196m\x1b[48;2;0;0;0mX\x1b[m", "X", "X"},
	{"CSI cursor position", "ok\x1b[10;20Hmoved", "okmoved", "okmoved"},
	{"CSI cursor up and erase line", "real\x1b[1A\x1b[2Kfake", "realfake", "realfake"},
	{"CSI private mode", "\x1b[?25l\x1b[?1049hX", "X", "X"},
	{"CSI with intermediate", "\x1b[2 qX", "X", "X"},
	{"CSI unterminated", "ok\x1b[31;", "ok", "ok"},
	{"CSI cut by a newline", "\x1b[31\nred", "red", "red"},
	{"CSI cut by Han", "\x1b[31渎溪", "渎溪", "渎溪"},
	{"CSI cut by ESC", "\x1b[\x1b]0;t\x07X", "X", "X"},
	{"tput sgr0", "\x1b(B\x1b[mplain", "plain", "plain"},

	// OSC: window title, hyperlinks, clipboard.
	{"OSC title with BEL", "\x1b]0;pwned\x07title", "title", "title"},
	{"OSC title with ST", "\x1b]0;x\x1b\\after", "after", "after"},
	{"OSC 2 title", "a\x1b]2;rm -rf ~\x07b", "ab", "ab"},
	{"OSC 8 hyperlink", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click", "click"},
	{"OSC 52 clipboard", "\x1b]52;c;cm0gLXJmIH4K\x07ok", "ok", "ok"},
	{"OSC unterminated", "ok\x1b]0;pwned forever", "ok", "ok"},
	{"OSC with lone ESC", "\x1b]0;a\x1bb\x07c", "c", "c"},

	// DCS, SOS, PM, APC.
	{"DCS", "\x1bP1$r0m\x1b\\ok", "ok", "ok"},
	{"DCS sixel", "\x1bPq#0;2;0;0;0#0~~\x1b\\ok", "ok", "ok"},
	{"SOS", "\x1bXhidden\x1b\\ok", "ok", "ok"},
	{"PM", "\x1b^hidden\x07ok", "ok", "ok"},
	{"APC", "\x1b_Gf=100;AAAA\x1b\\ok", "ok", "ok"},

	// Two-byte and ECMA-35 escapes.
	{"RIS reset", "\x1bcok", "ok", "ok"},
	{"save and restore cursor", "a\x1b7b\x1b8c", "abc", "abc"},
	{"DECALN fills the screen", "\x1b#8ok", "ok", "ok"},
	{"charset switch", "\x1b(0lqk\x1b(B", "lqk", "lqk"},
	{"ESC at the end", "abc\x1b", "abc", "abc"},
	{"ESC ESC", "\x1b\x1b[31mX", "X", "X"},
	{"ESC before Han", "\x1b渎溪", "渎溪", "渎溪"},
	{"ESC before DEL", "a\x1b\x7fb", "ab", "ab"},

	// C1 controls as UTF-8: dropped; what follows them is plain text.
	{"C1 CSI U+009B", "\u009b2Jhi", "2Jhi", "2Jhi"},
	{"C1 OSC U+009D", "\u009d0;t\u009cok", "0;tok", "0;tok"},
	{"C1 NEL", "a\u0085b", "ab", "ab"},

	// C0 controls and DEL.
	{"BEL", "ding\x07\x07dong", "dingdong", "dingdong"},
	{"backspace overwrite", "rm -rf /\b\b\b\b\b\b\b\bls", "rm -rf /ls", "rm -rf /ls"},
	{"carriage return overwrite", "rm -rf ~\rls -l  ", "rm -rf ~ ls -l", "rm -rf ~ls -l"},
	{"zero bytes", "a\x00b\x00", "ab", "ab"},
	{"form feed and vertical tab", "a\fb\vc", "abc", "abc"},
	{"DEL", "a\x7fb", "ab", "ab"},
	{"every C0", "<\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1f>", "<>", "<>"},

	// Bidi controls: Trojan Source, reversed file names.
	{"RLO", "invoice\u202Efdp.exe", "invoicefdp.exe", "invoicefdp.exe"},
	{"embeddings and PDF", "\u202Aa\u202Bb\u202Cc\u202Dd", "abcd", "abcd"},
	{"isolates", "\u2066a\u2067b\u2068c\u2069", "abc", "abc"},
	{"marks", "\u200Ea\u200Fb\u061Cc", "abc", "abc"},
}

func TestCleanText(t *testing.T) {
	for _, tt := range cleanTextSeeds {
		t.Run(tt.name, func(t *testing.T) {
			got, err := model.CleanText(tt.in, false)
			require.NoError(t, err)
			assert.Equal(t, tt.single, got, "single-line")
			got, err = model.CleanText(tt.in, true)
			require.NoError(t, err)
			assert.Equal(t, tt.multi, got, "multi-line")
		})
	}
}

func TestCleanTextInvalidUTF8(t *testing.T) {
	for _, in := range []string{"\xff", "ok\xc3\x28", "\xe6\xb8", "\xed\xa0\x80", "\xc0\xaf", "\x1b[31m\xfe"} {
		for _, multi := range []bool{false, true} {
			got, err := model.CleanText(in, multi)
			requireCode(t, err, model.EINVALID, "invalid UTF-8")
			assert.Empty(t, got)
		}
	}
}

// requireClean fails unless out is what CleanText may return: valid UTF-8,
// no control character but \n (multi-line only), no DEL, no C1, no bidi
// control, no surrounding space.
func requireClean(t *testing.T, out string, multiline bool) {
	t.Helper()
	require.True(t, utf8.ValidString(out), "invalid UTF-8: %q", out)
	require.Equal(t, strings.TrimSpace(out), out, "not trimmed: %q", out)
	for _, r := range out {
		switch {
		case r == '\n':
			require.True(t, multiline, "newline in a one-line field: %q", out)
		case r < 0x20:
			require.Failf(t, "C0 control", "%U in %q", r, out)
		case r == 0x7f:
			require.Failf(t, "DEL", "%q", out)
		case r >= 0x80 && r <= 0x9f:
			require.Failf(t, "C1 control", "%U in %q", r, out)
		case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			require.Failf(t, "bidi control", "%U in %q", r, out)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range cleanTextSeeds {
		f.Add(s.in, false)
		f.Add(s.in, true)
	}
	f.Add("\xff", true)
	f.Add("\x1b", false)
	f.Add("\x1b[", true)
	f.Add("\x1b]", true)
	f.Add("\x1b(", false)
	f.Add("\u0085 x \u0085", false)
	f.Fuzz(func(t *testing.T, in string, multiline bool) {
		out, err := model.CleanText(in, multiline)
		if !utf8.ValidString(in) {
			require.Error(t, err)
			require.Equal(t, model.EINVALID, model.ErrorCode(err))
			return
		}
		require.NoError(t, err)
		requireClean(t, out, multiline)
		require.LessOrEqual(t, len(out), len(in), "cleaning never adds")
		again, err := model.CleanText(out, multiline)
		require.NoError(t, err)
		require.Equal(t, out, again, "not idempotent: %q -> %q -> %q", in, out, again)
		if !multiline {
			return
		}
		// A one-line clean of the multi-line result is a clean one-line result.
		one, err := model.CleanText(out, false)
		require.NoError(t, err)
		requireClean(t, one, false)
	})
}
