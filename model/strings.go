package model

import "fmt"

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
