package ui

import "strings"

// A phone number on screen is never cut: an officer dials what they read,
// and 0579-876543 (two digits lost) rings someone else. Where a name and
// its number share a line too narrow for both, the name gives way (cut,
// ending in …); where even a few cells of the name do not fit beside the
// number, the number goes on a line of its own.

// phoneNameMin is the fewest cells a name keeps beside its phone: two Han
// characters and the ellipsis, or five letters and it.
const phoneNameMin = 6

// withPhone is name, gap, phone, then rest, in n cells at most: the phone
// whole, the name cut (ending in more) when the line is too narrow for it,
// rest cut first. ok is false when n holds the phone but not phoneNameMin
// cells of the name before it: the caller puts the phone on a line of its
// own (phoneLines). A person without a phone is their name and rest.
func withPhone(w Width, name, gap, phone, rest string, n int, more string) (string, bool) {
	if phone == "" {
		return w.Trunc(name+rest, n, more), true
	}
	room := n - w.Of(gap+phone)
	if room < min(w.Of(name), phoneNameMin) {
		return "", false
	}
	if w.Of(name) > room {
		return w.Trunc(name, room, more) + gap + phone, true
	}
	return then(w, name+gap+phone, rest, n, more), true
}

// then is line (which fits n cells) and as much of rest as fits after it,
// ending in more when rest is cut: never line itself. Rest goes whole
// when no more than the spaces it starts with would fit: more straight
// after a number would read as the number cut.
func then(w Width, line, rest string, n int, more string) string {
	room := n - w.Of(line)
	switch {
	case w.Of(rest) <= room:
		return line + rest
	case room <= len(rest)-len(strings.TrimLeft(rest, " ")):
		return line
	}
	return line + w.Trunc(rest, room, more)
}

// phoneLines is name, gap, phone and rest on one line of n cells
// (withPhone), or, too narrow for that, the name on one line and the phone
// (then rest, cut) on the next.
func phoneLines(w Width, name, gap, phone, rest string, n int, more string) []string {
	if line, ok := withPhone(w, name, gap, phone, rest, n, more); ok {
		return []string{line}
	}
	return []string{w.Trunc(name, n, more), then(w, phone, rest, n, more)}
}
