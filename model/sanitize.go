package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText is the one sanitiser for text that enters gridcmd from outside
// (command line, CSV import, the field API). It refuses invalid UTF-8 and
// removes what could move a terminal's cursor, retitle its window or hide
// text: escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ones), C0
// and C1 control characters (U+009B included) and bidi controls. In a
// multi-line field newlines stay and tabs become spaces; in a single-line one
// both become spaces. The result is trimmed.
func CleanText(s string, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "invalid UTF-8")
	}
	if isClean(s, multiline) {
		return s, nil // the usual case: nothing to copy
	}
	return cleanValid(s, multiline), nil
}

// isClean reports whether cleaning would leave s (valid UTF-8) as it is:
// nothing to drop or replace, nothing to trim. Only the lead bytes of the
// characters it drops (C1 controls, bidi controls) send it to decoding.
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
			if (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				return false
			}
		}
	}
	return true
}

// cleanValid is CleanText's work on valid UTF-8.
func cleanValid(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b:
			i += escapeLen(s[i:])
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
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			// other C0 controls, DEL, C1 controls: dropped
		case isBidiControl(r):
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return strings.TrimSpace(b.String())
}

// escapeLen returns the length of the escape sequence at the start of s
// (which begins with ESC), or 1 when only the ESC itself can be dropped.
func escapeLen(s string) int {
	if len(s) < 2 {
		return 1
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates 0x20-0x3f, then a final byte 0x40-0x7e
		for j := 2; j < len(s); j++ {
			switch {
			case s[j] >= 0x40 && s[j] <= 0x7e:
				return j + 1
			case s[j] < 0x20 || s[j] >= 0x80:
				return j // not part of a sequence: the loop in CleanText judges it
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: up to BEL or ST
		for j := 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j + 1
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	}
	// Any other sequence (ECMA-35): intermediates 0x20-0x2f, then one final
	// byte 0x30-0x7e: ESC c, ESC 7, and the three-byte ESC ( B that tput sgr0
	// prints, ESC # 8 and the like.
	j := 1
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
		return j + 1
	}
	return j
}

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
