package model

import (
	"testing"
	"unicode/utf8"
)

// FuzzCleanTextFastPath holds the fast path to the slow one: whatever
// isClean lets through unchanged, cleaning it the long way leaves it as it
// is too.
func FuzzCleanTextFastPath(f *testing.F) {
	for _, s := range []string{
		"", "渎溪村", " x", "x ", "\u3000渎溪", "渎溪\u3000", "a\nb", "a\rb", "a\tb", "\x7f", "\u0085x",
		"x\u0085", "\u009b", "a\u061cb", "a\u200eb", "a\u202eb", "a\u2066b", "a\u2069b", "a\u2028b",
		"a\u2070b", "a\u00a0b", "\u00a0", "330国道渎溪村段货物散落", "\x1b[31m",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if !utf8.ValidString(s) {
			return
		}
		if isClean(s, multiline) {
			if got := cleanValid(s, multiline); got != s {
				t.Fatalf("isClean(%q, %v) but cleaning gives %q", s, multiline, got)
			}
		}
	})
}
