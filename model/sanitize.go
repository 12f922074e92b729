package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText is the one sanitiser for text that enters gridcmd from outside
// (command line, CSV import, the field API). It refuses invalid UTF-8 and
// removes what could move a terminal's cursor, retitle its window or hide
// text; everything else a reporter typed is kept, in order.
//
// A control sequence starts with ESC or with an 8-bit C1 introducer, which
// is treated as its ESC form: U+009B as ESC [ (CSI), U+009D as ESC ] (OSC),
// U+0090 as ESC P (DCS), U+0098 as ESC X (SOS), U+009E as ESC ^ (PM) and
// U+009F as ESC _ (APC). What goes, exactly:
//
//   - CSI: when complete (parameter bytes 0x30-0x3F, then intermediate
//     bytes 0x20-0x2F, then a final byte 0x40-0x7E) the whole sequence.
//     When not (the field ends first, or a byte that cannot be in a CSI
//     comes: a line end, ESC, Han, a parameter after an intermediate),
//     only the introducer; what followed it stays as text, so
//     "ESC [12:00 到达" keeps "12:00 到达".
//   - OSC, DCS, SOS, PM and APC strings: the introducer and the payload.
//     The payload ends at BEL or ST (ESC \ or U+009C), which go with it;
//     or at any other ESC or C1 control, at CAN or SUB (which cancel a
//     string on a terminal), or at the latest at the end of the line (LF
//     or CR) or of the field, each of which is then judged on its own.
//     So the text after a terminator, and the next line, always stay.
//   - Any other escape (ECMA-35: ESC, intermediates 0x20-0x2F, a final byte
//     0x30-0x7E, like ESC c, ESC 7, ESC ( B): the whole sequence when
//     complete, otherwise only the ESC.
//   - C0 and C1 control characters, DEL and bidi controls, one by one.
//   - Tag characters (U+E0000-E007F: invisible ASCII). An emoji tag
//     sequence, a subdivision flag, is left as its base emoji.
//
// In a multi-line field LF stays, CR goes and a tab becomes a space; in a
// single-line field LF, CR and tab each become a space. The result is
// trimmed, and text that shows nothing (see Blank) becomes "". Zero-width
// joiners, variation selectors and the other default-ignorable code points
// stay among visible characters: emoji sequences and scripts need them.
func CleanText(s string, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "invalid UTF-8").Zh("不是有效的 UTF-8")
	}
	if isClean(s, multiline) {
		return s, nil // the usual case: nothing to copy
	}
	return cleanValid(s, multiline), nil
}

// cleanField is CleanText for a free-text field an operator fills in:
// refused when it is not UTF-8 or when, cleaned, it holds more than max
// characters (runes); field and fieldZh name it in the refusal, and field
// is also its key (Error.On). Whether it may be empty is the caller's rule.
func cleanField(s string, multiline bool, max int, field, fieldZh string) (string, error) {
	t, err := CleanText(s, multiline)
	if err != nil {
		return "", Errorf(EINVALID, "%s: invalid UTF-8", field).Zh("%s：不是有效的 UTF-8", fieldZh).On(field)
	}
	if n := utf8.RuneCountInString(t); n > max {
		return "", Errorf(EINVALID, "%s: %d characters, at most %d", field, n, max).Zh("%s：%d 字，最多 %d 字", fieldZh, n, max).On(field)
	}
	return t, nil
}

// Blank reports whether s shows nothing: it holds only white space,
// control characters, default-ignorable code points (Unicode's
// Default_Ignorable_Code_Point: the zero-width space, joiners and marks,
// soft hyphen, variation selectors, the Hangul fillers U+115F, U+1160,
// U+3164 and U+FFA0, tag characters, bidi controls and the rest) and the
// blank braille pattern U+2800, a well-known stand-in for an invisible name.
// "" is blank. A name or a title that is blank counts as empty.
func Blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) && r != 0x2800 && !unicode.Is(defaultIgnorable, r) {
			return false
		}
	}
	return true
}

// defaultIgnorable is Default_Ignorable_Code_Point from Unicode's
// DerivedCoreProperties.txt (the standard library has only its
// Other_Default_Ignorable_Code_Point part).
var defaultIgnorable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00ad, Hi: 0x00ad, Stride: 1}, // soft hyphen
		{Lo: 0x034f, Hi: 0x034f, Stride: 1}, // combining grapheme joiner
		{Lo: 0x061c, Hi: 0x061c, Stride: 1}, // Arabic letter mark
		{Lo: 0x115f, Hi: 0x1160, Stride: 1}, // Hangul choseong and jungseong fillers
		{Lo: 0x17b4, Hi: 0x17b5, Stride: 1}, // Khmer inherent vowels
		{Lo: 0x180b, Hi: 0x180f, Stride: 1}, // Mongolian variation selectors, vowel separator
		{Lo: 0x200b, Hi: 0x200f, Stride: 1}, // zero-width space, ZWNJ, ZWJ, LRM, RLM
		{Lo: 0x202a, Hi: 0x202e, Stride: 1}, // bidi embeddings and overrides
		{Lo: 0x2060, Hi: 0x206f, Stride: 1}, // word joiner, invisible operators, isolates
		{Lo: 0x3164, Hi: 0x3164, Stride: 1}, // Hangul filler
		{Lo: 0xfe00, Hi: 0xfe0f, Stride: 1}, // variation selectors
		{Lo: 0xfeff, Hi: 0xfeff, Stride: 1}, // zero-width no-break space (BOM)
		{Lo: 0xffa0, Hi: 0xffa0, Stride: 1}, // halfwidth Hangul filler
		{Lo: 0xfff0, Hi: 0xfff8, Stride: 1}, // unassigned specials
	},
	R32: []unicode.Range32{
		{Lo: 0x1bca0, Hi: 0x1bca3, Stride: 1}, // shorthand format controls
		{Lo: 0x1d173, Hi: 0x1d17a, Stride: 1}, // musical symbol format controls
		{Lo: 0xe0000, Hi: 0xe0fff, Stride: 1}, // tags, variation selectors supplement
	},
	LatinOffset: 1,
}

// isClean reports whether cleaning would leave s (valid UTF-8) as it is:
// nothing to drop or replace, nothing to trim, not blank. Only the lead
// bytes of the characters it drops (C1 controls, bidi controls, tag
// characters) send it to decoding.
func isClean(s string, multiline bool) bool {
	if s == "" {
		return true
	}
	if first, _ := utf8.DecodeRuneInString(s); unicode.IsSpace(first) {
		return false
	}
	if last, _ := utf8.DecodeLastRuneInString(s); unicode.IsSpace(last) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			if !multiline {
				return false
			}
		case c < 0x20 || c == 0x7f:
			return false
		case c == 0xc2 || c == 0xd8 || c == 0xe2: // U+0080-009F, U+061C, U+2000-2FFF
			r, _ := utf8.DecodeRuneInString(s[i:])
			if isC1(r) || isBidiControl(r) {
				return false
			}
		case c == 0xf3: // U+C0000-FFFFF, the tags among them
			r, _ := utf8.DecodeRuneInString(s[i:])
			if isTag(r) {
				return false
			}
		}
	}
	return !Blank(s) // stops at the first visible character
}

// cleanValid is CleanText's work on valid UTF-8.
func cleanValid(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b || isC1(r):
			i += sequenceLen(s[i:])
			continue
		case r == '\n' || r == '\r':
			if multiline {
				if r == '\n' {
					b.WriteByte('\n')
				}
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			// other C0 controls, DEL: dropped
		case isBidiControl(r), isTag(r):
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	out := strings.TrimSpace(b.String())
	if Blank(out) {
		return ""
	}
	return out
}

// sequenceLen returns how many bytes at the start of s, which begins with
// ESC or a C1 control (two bytes in UTF-8), are dropped: the rules are
// CleanText's. It is never 0.
func sequenceLen(s string) int {
	kind := seqOther
	if len(s) >= 2 {
		kind = introducer(s[0], s[1])
	}
	switch kind {
	case seqCSI:
		return 2 + csiLen(s[2:])
	case seqString:
		return 2 + stringLen(s[2:])
	}
	if s[0] != 0x1b {
		return 2 // any other C1 control, U+009C (ST) alone among them
	}
	// ECMA-35: intermediates 0x20-0x2f, then one final byte 0x30-0x7e.
	j := 1
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
		return j + 1
	}
	return 1 // incomplete: only the ESC
}

// Typing applies CleanText's rule for control sequences to text that
// arrives in pieces, a console's keys: bubbletea delivers ESC ] 0 ; x BEL
// as alt+], then "0;x", then ctrl+g, and a text input keeps "]0;x" of it.
// A sequence begun in one piece is dropped with whatever later pieces add
// to it, as CleanText drops it from the whole text; the text around it
// stays. The zero value is ready; a Typing is a value, as a console's
// model is copied.
//
// A person who presses alt+] by accident opens a string that only BEL or
// ST ends, and everything typed after it would be held, then dropped when
// the field ends. So a sequence held is given up once it has gone on too
// long to be a terminal's, which sends its sequence in a few reads (runs
// of characters, each space and control a key of its own): when it has
// taken more than HeldKeys keys of one character each, when a key holds a
// printable character beyond ASCII (an input method's, typed), when a
// pasted block comes, or when the field ends after it took a key of one
// character. Given up, the sequence loses its introducer alone (ESC ],
// ESC [, a C1 control, ESC) and what was held is text, as CleanText keeps
// an unfinished CSI's parameters: nothing typed is lost, and no
// introducer goes through. Pieces given by Add, and a pasted block on its
// own, keep CleanText's rule exactly.
type Typing struct {
	held string
	keys int // keys of one character held since the sequence began (Key)
}

// HeldKeys is how many keys of one character a sequence held may take
// before Key gives it up: a terminal's sequence comes in a few reads, a
// person's typing one key at a time.
const HeldKeys = 4

// Add takes the next piece as it came from the terminal: text is what of
// it, and of the pieces held before it, is text; the rest, a sequence not
// yet ended, is held (Open) for the next piece to end. Add never gives a
// sequence up: fed the pieces of a whole text, it drops what CleanText
// drops.
func (t Typing) Add(piece string) (next Typing, text string) {
	raw := t.held + piece
	var b strings.Builder
	for raw != "" {
		i := sequenceStart(raw)
		if i < 0 {
			b.WriteString(raw)
			break
		}
		b.WriteString(raw[:i])
		n, open := SequenceLen(raw[i:])
		if open {
			return Typing{held: raw[i:]}, b.String()
		}
		raw = raw[i+n:]
	}
	return Typing{}, b.String()
}

// Key takes a key typed (not pasted): its text, ESC before it with alt,
// or a run of characters the terminal sent in one read. It is Add, except
// that a sequence held is given up (see Typing) before a key of a
// printable character beyond ASCII, or before a key of one character
// when HeldKeys such keys were held already; the key is then judged on
// its own.
func (t Typing) Key(key string) (next Typing, text string) {
	if t.held == "" {
		return t.Add(key)
	}
	one := utf8.RuneCountInString(key) == 1 && printable(key)
	if beyondASCII(key) || one && t.keys >= HeldKeys {
		return t.givenUp(key)
	}
	next, text = t.Add(key)
	if next.held == t.held+key {
		next.keys = t.keys // the same sequence, still open
		if one {
			next.keys++
		}
	}
	return next, text
}

// Paste takes a pasted block: a sequence held before it is given up (a
// terminal never pastes the rest of its own), and the block is judged on
// its own by CleanText's rule, as Add judges it.
func (t Typing) Paste(block string) (next Typing, text string) {
	if t.held == "" {
		return t.Add(block)
	}
	return t.givenUp(block)
}

// givenUp is the sequence held given up, its introducer dropped and the
// rest text, then after as the next piece.
func (t Typing) givenUp(after string) (next Typing, text string) {
	return Typing{}.Add(t.held[introducerLen(t.held):] + after)
}

// End ends the field (the line, or a key that is not text): the sequence
// held is judged as CleanText judges one at the end of its text, and what
// of it stays (the parameters of an unfinished CSI) is text; a sequence
// that took a key of one character (Key) is given up.
func (t Typing) End() (next Typing, text string) {
	switch {
	case t.held == "":
		return Typing{}, ""
	case t.keys > 0:
		t, text = t.givenUp("")
		_, rest := t.End()
		return Typing{}, text + rest
	}
	n, _ := SequenceLen(t.held)
	return Typing{}, t.held[n:]
}

// Open reports whether a sequence is under way: the next piece is judged
// with it.
func (t Typing) Open() bool { return t.held != "" }

// sequenceStart is the index of the first ESC or C1 control in s, -1 when
// there is none.
func sequenceStart(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b || s[i] == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return i
		}
	}
	return -1
}

// SequenceLen judges s, the start of a control sequence as typed so far
// (ESC or a C1 control, then what followed it), by CleanText's rules: n is
// how many of its bytes CleanText drops if the field ends here, and open
// reports whether what comes next could still belong to the sequence (a
// string's payload before its terminator, a CSI or an escape before its
// final byte), so that it must be judged with s. A console that takes
// text key by key (bubbletea delivers ESC ] as alt+], then the payload)
// drops such a sequence whole, as the command line and the CSV files do.
// s that does not begin a sequence is (0, false).
func SequenceLen(s string) (n int, open bool) {
	if s == "" || s[0] != 0x1b && !(len(s) >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
		return 0, false
	}
	n = sequenceLen(s)
	if len(s) < 2 {
		return n, true // ESC alone: anything may follow
	}
	switch introducer(s[0], s[1]) {
	case seqCSI:
		return n, n == 2 && csiPrefix(s[2:])
	case seqString:
		return n, !stringEnded(s[2:])
	}
	if s[0] != 0x1b {
		return n, false // any other C1 control: complete
	}
	return n, n == 1 && strings.Trim(s[1:], intermediates) == ""
}

// introducerLen is the length of the introducer s, a sequence held,
// begins with: ESC and the byte naming a CSI or a control string, a C1
// control, else ESC alone.
func introducerLen(s string) int {
	if len(s) >= 2 && (s[0] != 0x1b || introducer(s[0], s[1]) != seqOther) {
		return 2
	}
	return 1
}

// printable reports whether s is all printable characters (a key that
// types, not BEL or another control).
func printable(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0
}

// beyondASCII reports whether s holds a printable character beyond
// ASCII: a key an input method typed, never part of a terminal's
// sequence typed one key at a time.
func beyondASCII(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 && unicode.IsPrint(r) }) >= 0
}

// intermediates are ECMA-35's intermediate bytes, 0x20-0x2f.
const intermediates = " !\"#$%&'()*+,-./"

// csiPrefix reports whether p could begin a CSI body: parameter bytes,
// then intermediate bytes, and no final byte yet.
func csiPrefix(p string) bool {
	j := 0
	for j < len(p) && p[j] >= 0x30 && p[j] <= 0x3f {
		j++
	}
	for j < len(p) && p[j] >= 0x20 && p[j] <= 0x2f {
		j++
	}
	return j == len(p)
}

// stringEnded reports whether something in p, a control string's payload
// as typed so far, ends the string (stringLen's rules).
func stringEnded(p string) bool {
	n := stringLen(p)
	return n < len(p) || n > 0 && (p[n-1] == 0x07 || n >= 2 && p[n-2] == 0xc2 && p[n-1] == 0x9c)
}

const (
	seqOther  = iota
	seqCSI    // ESC [, U+009B
	seqString // OSC, DCS, SOS, PM, APC, in either form
)

// introducer classifies the two bytes that open a sequence: ESC and the
// next byte, or the UTF-8 encoding of a C1 control (0xc2, 0x80-0x9f).
func introducer(b0, b1 byte) int {
	switch {
	case b0 == 0x1b && b1 == '[', b0 == 0xc2 && b1 == 0x9b:
		return seqCSI
	case b0 == 0x1b:
		switch b1 {
		case ']', 'P', 'X', '^', '_':
			return seqString
		}
	case b0 == 0xc2:
		switch b1 {
		case 0x9d, 0x90, 0x98, 0x9e, 0x9f:
			return seqString
		}
	}
	return seqOther
}

// csiLen returns the length of a complete CSI body at the start of p
// (parameters, intermediates, final byte), or 0 when p does not start with
// one: then only the introducer is dropped.
func csiLen(p string) int {
	j := 0
	for j < len(p) && p[j] >= 0x30 && p[j] <= 0x3f {
		j++
	}
	for j < len(p) && p[j] >= 0x20 && p[j] <= 0x2f {
		j++
	}
	if j < len(p) && p[j] >= 0x40 && p[j] <= 0x7e {
		return j + 1
	}
	return 0
}

// stringLen returns the length of a control string's payload at the start
// of p, with its terminator when that is BEL or ST (ESC \ is left to be
// dropped as a two-byte escape of its own).
func stringLen(p string) int {
	for j := 0; j < len(p); j++ {
		switch c := p[j]; c {
		case 0x07: // BEL
			return j + 1
		case 0x1b, 0x18, 0x1a, '\n', '\r': // ESC (ST is ESC \), CAN, SUB, the end of the line
			return j
		case 0xc2:
			if j+1 < len(p) && p[j+1] >= 0x80 && p[j+1] <= 0x9f {
				if p[j+1] == 0x9c { // ST
					return j + 2
				}
				return j // another C1 control: judged on its own
			}
		}
	}
	return len(p)
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

func isTag(r rune) bool { return r >= 0xe0000 && r <= 0xe007f }

func isBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
