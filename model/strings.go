package model

import (
	"fmt"
	"unicode/utf8"
)

// Strings is in as plain strings: a list of enum values (actions,
// categories, tiers) as a record or a config file stores them.
func Strings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// Typed is Strings the other way: nil for an empty list.
func Typed[T ~string](in []string) []T {
	if len(in) == 0 {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = T(v)
	}
	return out
}

// Count is n of an English noun, plural but for one: "1 directive", "2
// directives" (nouns whose plural adds an s).
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Clip is s as a refusal echoes it: whole up to n characters (runes),
// else its first n followed by "…", so that a 300-character cell does not
// fill the operator's screen.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}
