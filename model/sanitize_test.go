package model_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
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

	// Other C1 controls as UTF-8: dropped; what follows them is plain text.
	{"C1 NEL", "a\u0085b", "ab", "ab"},
	{"C1 ST alone", "a\u009cb", "ab", "ab"},

	// A CSI left incomplete loses only its introducer: what was typed after
	// it stays.
	{"CSI unterminated", "ok\x1b[31;", "ok31;", "ok31;"},
	{"CSI cut by a newline", "\x1b[31\nred", "31 red", "31\nred"},
	{"CSI cut by Han", "\x1b[31渎溪", "31渎溪", "31渎溪"},
	{"CSI of digits to the end", "电话\x1b[ 13800138000", "电话 13800138000", "电话 13800138000"},
	{"CSI of a time", "\x1b[12:00 到达", "12:00 到达", "12:00 到达"},
	{"CSI parameter after intermediate", "\x1b[2026-11-29 12:00 fire", "2026-11-29 12:00 fire", "2026-11-29 12:00 fire"},
	{"CSI introducer at the end", "ok\x1b[", "ok", "ok"},
	{"ECMA-35 escape cut by Han", "\x1b( 渎溪", "( 渎溪", "( 渎溪"},

	// An OSC, DCS, SOS, PM or APC string ends at BEL, ST (ESC \ or U+009C),
	// another ESC or C1, CAN or SUB, or the end of the line: the text after
	// it, and the next line, stay.
	{"issue 17: OSC ended by 8-bit ST", "ZZOC1\x1b]0;pwned\u009cTAIL", "ZZOC1TAIL", "ZZOC1TAIL"},
	{"issue 17: OSC and the next line", "ZZOC1\x1b]0;pwned\u009cTAIL\n第二行", "ZZOC1TAIL 第二行", "ZZOC1TAIL\n第二行"},
	{"OSC ended by the line", "标题\x1b]0;pwned\n第二行", "标题 第二行", "标题\n第二行"},
	{"OSC ended by CR LF", "a\x1b]0;x\r\nb", "a  b", "a\nb"},
	{"OSC ended by CR", "a\x1b]0;x\rb", "a b", "ab"},
	{"OSC ended by another ESC", "a\x1b]0;x\x1b[31mb", "ab", "ab"},
	{"OSC ended by RIS", "\x1b]0;a\x1bcb", "b", "b"},
	{"OSC ended by C1 CSI", "\x1b]0;a\u009b1mb", "b", "b"},
	{"OSC ended by CAN", "\x1b]0;a\x18b", "b", "b"},
	{"OSC ended by SUB", "\x1b]0;a\x1ab", "b", "b"},
	{"DCS ended by the line", "\x1bPq#0~~\nok", "ok", "ok"},
	{"DCS ended by 8-bit ST", "\x1bP1$r\u009cok", "ok", "ok"},
	{"SOS ended by 8-bit ST", "\x1bXhidden\u009cok", "ok", "ok"},
	{"PM ended by the line", "\x1b^hidden\nok", "ok", "ok"},
	{"APC ended by BEL", "\x1b_Gf=100\x07ok", "ok", "ok"},
	{"APC ended by the line", "a\x1b_Gf=100\r\nb", "a  b", "a\nb"},

	// 8-bit C1 introducers are their ESC forms.
	{"C1 CSI U+009B", "\u009b2Jhi", "hi", "hi"},
	{"C1 CSI colours", "\u009b31mred\u009b0m text", "red text", "red text"},
	{"C1 CSI unterminated", "ok\u009b12", "ok12", "ok12"},
	{"C1 OSC U+009D with ST", "\u009d0;t\u009cok", "ok", "ok"},
	{"C1 OSC U+009D with BEL", "\u009d0;t\x07ok", "ok", "ok"},
	{"C1 OSC U+009D with ESC \\", "\u009d0;t\x1b\\ok", "ok", "ok"},
	{"C1 OSC U+009D to the line", "\u009d0;t\nok", "ok", "ok"},
	{"C1 OSC U+009D to the end", "ok\u009d0;t", "ok", "ok"},
	{"C1 DCS U+0090", "\u0090q#0~\u009cok", "ok", "ok"},
	{"C1 SOS U+0098", "\u0098hidden\u009cok", "ok", "ok"},
	{"C1 PM U+009E", "\u009ehidden\x07ok", "ok", "ok"},
	{"C1 APC U+009F", "\u009fGf=100\x1b\\ok", "ok", "ok"},
	{"C1 APC U+009F to the line", "a\u009fGf=100\nb", "a b", "a\nb"},

	// Tag characters go; what shows nothing becomes empty; joiners and
	// variation selectors among visible characters stay.
	{"tag characters", "火警\U000E0041\U000E0042\U000E007F现场", "火警现场", "火警现场"},
	{"subdivision flag", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "🏴", "🏴"},
	{"only tags", "\U000E0001\U000E0074\U000E0065", "", ""},
	{"only a zero-width space", "\u200b", "", ""},
	{"only Hangul fillers", "\u3164\u115f\u1160\uffa0", "", ""},
	{"invisible and spaces", " \u200b \u3000\u2060\ufeff\u00ad ", "", ""},
	{"joiner and selector alone", "\u200d\ufe0f", "", ""},
	{"braille blank", "\u2800\u2800", "", ""},
	{"musical format controls", "\U0001D173\U0001D17A", "", ""},
	{"ZWJ family", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"},
	{"heart with VS16", "❤\ufe0f", "❤\ufe0f", "❤\ufe0f"},
	{"skin tone", "👍🏽 好", "👍🏽 好", "👍🏽 好"},
	{"zero-width space among text", "a\u200bb", "a\u200bb", "a\u200bb"},

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

func TestBlank(t *testing.T) {
	for _, s := range []string{
		"", " ", "\t\n\r", "\u3000", "\u00a0", "\x00\x1b\u0085",
		"\u00ad", "\u034f", "\u061c", "\u115f", "\u1160", "\u17b4", "\u17b5",
		"\u180b", "\u180e", "\u180f", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
		"\u202a", "\u202e", "\u2060", "\u2064", "\u2065", "\u2066", "\u206f", "\u2800", "\u3164",
		"\ufe00", "\ufe0f", "\ufeff", "\uffa0", "\ufff0", "\ufff8",
		"\U0001BCA0", "\U0001BCA3", "\U0001D173", "\U0001D17A",
		"\U000E0000", "\U000E0001", "\U000E0020", "\U000E007F", "\U000E0100", "\U000E01EF", "\U000E0FFF",
		" \u200b\u3164 \U000E0041\u200d\ufe0f ",
	} {
		assert.True(t, model.Blank(s), "%+q", s)
	}
	for _, s := range []string{
		"a", "渎", "\u200bx", "x\u200b", "\u3164ㄱ", "①", "·", "❤\ufe0f", "\U0001F3F4",
		"\u00ac", "\u00ae", "\u034e", "\u0350", "\u115e", "\u1161", "\u17b3", "\u17b6",
		"\u180a", "\u1810", "\u200a\u2010", "\u2029\u2030", "\u205f\u2070", "\u3163", "\u3165",
		"\ufdff", "\ufe10", "\ufefe", "\uff9f", "\uffa1", "\ufff9", "\ufffd",
		"\U0001BC9F", "\U0001BCA4", "\U0001D172", "\U0001D17B", "\U000DFFFF", "\U000E1000",
	} {
		assert.False(t, model.Blank(s), "%+q", s)
	}
}

// Titles, names and notes of nothing but invisible characters are empty
// after cleaning, so every "empty" check in the rules refuses them.
func TestCleanTextMakesBlankEmpty(t *testing.T) {
	for _, in := range []string{"\u200b", "\u200b\u200b", "\u3164", "\ufeff", "\U000E0041", " \u2060 "} {
		for _, multi := range []bool{false, true} {
			got, err := model.CleanText(in, multi)
			require.NoError(t, err)
			assert.Empty(t, got, "%+q", in)
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
		case r >= 0xe0000 && r <= 0xe007f:
			require.Failf(t, "tag character", "%U in %q", r, out)
		}
	}
	require.True(t, out == "" || !model.Blank(out), "blank but not empty: %+q", out)
}

// startsSequence reports whether r can open a control sequence: ESC or a
// C1 control.
func startsSequence(r rune) bool { return r == 0x1b || r >= 0x80 && r <= 0x9f }

// afterLastTerminator returns the text after the last BEL, ST (ESC \ or
// U+009C), CAN, SUB, LF or CR in s, where no sequence can still be open,
// and whether there is one.
func afterLastTerminator(s string) (string, bool) {
	k := -1
	for i, r := range s {
		switch {
		case r == 0x07, r == 0x18, r == 0x1a, r == '\n', r == '\r':
			k = i + 1
		case r == 0x9c:
			k = i + 2
		case r == '\\' && i > 0 && s[i-1] == 0x1b:
			k = i + 1
		}
	}
	if k < 0 {
		return "", false
	}
	return s[k:], true
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
	f.Add("ZZOC1\x1b]0;pwned\u009cTAIL\nnext", true)
	f.Add("\u009d0;a\x1b\\b\u0090c\nd\u009ee\x07f\u009fg\x18h\u0098i\x1aj", false)
	f.Add("\u009b1;2\u009b?25l\u009b", true)
	f.Add("\U000E0041\u200b\u3164", false)
	f.Add("👨\u200d👩\u200d👧\ufe0f", false)
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

		// Nothing typed outside a sequence vanishes. The text before the
		// first ESC or C1 control is kept as it cleans alone, at the start;
		// the text after the last terminator, if no ESC or C1 follows it, is
		// kept as it cleans alone, at the end.
		if k := strings.IndexFunc(in, startsSequence); k >= 0 {
			head, _ := model.CleanText(in[:k], multiline)
			require.True(t, strings.HasPrefix(out, head), "lost the text before the first sequence: %+q -> %+q, want it to start with %+q", in, out, head)
		}
		if tail, ok := afterLastTerminator(in); ok && !strings.ContainsFunc(tail, startsSequence) {
			want, _ := model.CleanText(tail, multiline)
			require.True(t, strings.HasSuffix(out, want), "lost the text after the last terminator: %+q -> %+q, want it to end with %+q", in, out, want)
			require.GreaterOrEqual(t, utf8.RuneCountInString(out), utf8.RuneCountInString(want))
		}
		if !multiline {
			return
		}
		// A one-line clean of the multi-line result is a clean one-line result.
		one, err := model.CleanText(out, false)
		require.NoError(t, err)
		requireClean(t, one, false)
	})
}

// TestFreeTextRefusals: a note, a reason or a text an operator types is
// refused, in both languages and on its field, when it is not UTF-8 or
// too long once cleaned; empty, it is each rule's own refusal.
func TestFreeTextRefusals(t *testing.T) {
	inc := newIncident(t)
	f := desk(t, 3, on29(8, 0))
	rot, err := model.JointRotation{Name: "扫楼", Activity: "清村扫楼", Start: time.Date(2026, 11, 27, 15, 0, 0, 0, loc),
		Groups: [][]model.NodeCode{{duxiG01, otherGrid}, {duxiG02}, {"330784114200-02"}}}.Clean()
	require.NoError(t, err)
	onDuty := gridWorker
	onDuty.Node = "330784114200-02" // group 3, on duty on the 29th
	// Cleaning first: the control sequence goes, so this is not too long.
	fits := strings.Repeat("路", model.MaxNoteRunes) + "\x1b[31m"

	note := func(s string) error { _, err := inc.AddNote(dutyOfficer, s, t0); return err }
	closing := func(s string) error { _, _, err := f.Close(s, liaison, on29(8, 40)); return err }
	grant := func(s string) error { _, err := model.Grant(dutyOfficer, gridWorker, 5, s, t0); return err }
	sweep := func(s string) error { _, err := rot.Report(s, onDuty, on29(9, 0)); return err }
	finding := func(s string) error {
		_, err := model.FindingReport{Area: "P-DX-01", Category: "fire", Text: s}.Check(forest(), model.DefaultPolicy())
		return err
	}
	// Each rule's refusals: not UTF-8 and too long name the field; empty
	// (where it may not be) is the rule's own message.
	for _, tc := range []struct {
		name, field, fieldZh    string
		try                     func(string) error
		max                     int
		empty, emptyEn, emptyZh string // emptyEn "": it may be empty
	}{
		{"note", "note", "备注", note, model.MaxNoteRunes,
			" \x1b[2J ", "HJ-20261129-0001: the note is empty; say what happened", "HJ-20261129-0001：备注为空，请写明情况"},
		{"closing", "reason", "原因", closing, model.MaxNoteRunes,
			"\u200b", "F-0003: closing needs a reason (why it needs no action)", "F-0003：销号须写明原因（为何无需处置）"},
		{"grant", "reason", "原因", grant, model.MaxNoteRunes,
			"", "reason: empty; say what the points are for", "原因：为空；请写明积分事由"},
		{"sweep", "text", "内容", sweep, model.MaxNoteRunes, "", "", ""},
		{"finding", "text", "内容", finding, model.MaxFindingRunes,
			"\t", "text: empty; say what was found", "内容：为空；请写明发现了什么"},
	} {
		refused := func(in, en, zh, why string) {
			err := tc.try(in)
			assert.Equal(t, model.EINVALID, model.ErrorCode(err), "%s, %s", tc.name, why)
			assert.Equal(t, tc.field, model.ErrorField(err), "%s, %s", tc.name, why)
			assert.Equal(t, en, model.ErrorMessage(err), "%s, %s", tc.name, why)
			assert.Equal(t, zh, model.ErrorMessageZh(err), "%s, %s", tc.name, why)
		}
		refused("备\xff注", tc.field+": invalid UTF-8", tc.fieldZh+"：不是有效的 UTF-8", "not UTF-8")
		refused(strings.Repeat("路", tc.max+1), fmt.Sprintf("%s: %d characters, at most %d", tc.field, tc.max+1, tc.max),
			fmt.Sprintf("%s：%d 字，最多 %d 字", tc.fieldZh, tc.max+1, tc.max), "too long")
		if tc.emptyEn != "" {
			refused(tc.empty, tc.emptyEn, tc.emptyZh, "empty")
		}
	}
	for name, try := range map[string]func(string) error{"note": note, "closing": closing, "grant": grant, "sweep": sweep} {
		assert.NoError(t, try(fits), name)
	}
}
