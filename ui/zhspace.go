package ui

import (
	"strings"
	"unicode/utf8"
)

// zhSpaced joins the parts of a Chinese sentence around a name as the
// console's Chinese does: a space where a Han character meets a letter or
// a digit ("向 22 个", "向渎溪村 02-01 的"), none between two Han
// characters ("向渎溪村的"), so that a name ending in its grid's number is
// not run into the word after it.
func zhSpaced(parts ...string) string {
	var b strings.Builder
	for i, s := range parts {
		if i > 0 && b.Len() > 0 && s != "" {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(s)
			if wide(last) && latin(first) || latin(last) && wide(first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// latin reports whether r is an ASCII letter or digit.
func latin(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}
