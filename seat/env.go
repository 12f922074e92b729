package seat

import (
	"strconv"
	"strings"
)

// Terminal is what a seat takes from its session's environment: the
// language (LC_ALL, else LANG: zh_* is Chinese, en_* English, anything else
// leaves the default) and the width settings GRIDCMD_AMBIGUOUS_WIDE and
// GRIDCMD_ASCII (true/false, 1/0), each over its default when sent.
type Terminal struct {
	Lang          string
	AmbiguousWide bool
	ASCII         bool
}

// fromEnv reads env (KEY=VALUE entries, as the client sent them) over def.
func fromEnv(env []string, def Terminal) Terminal {
	get := func(k string) (string, bool) {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v, true
			}
		}
		return "", false
	}
	t := def
	for _, k := range []string{"LC_ALL", "LANG"} {
		if v, ok := get(k); ok && v != "" {
			if l := langOf(v); l != "" {
				t.Lang = l
			}
			break
		}
	}
	if v, ok := get("GRIDCMD_AMBIGUOUS_WIDE"); ok {
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			t.AmbiguousWide = b
		}
	}
	if v, ok := get("GRIDCMD_ASCII"); ok {
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			t.ASCII = b
		}
	}
	return t
}

// langOf is the console's language for a locale name: "zh" for zh_CN.UTF-8
// and the like, "en" for en_*, "" for any other (C, POSIX, C.UTF-8, ...).
func langOf(locale string) string {
	l := strings.ToLower(locale)
	switch {
	case l == "zh" || strings.HasPrefix(l, "zh_") || strings.HasPrefix(l, "zh-") || strings.HasPrefix(l, "zh."):
		return "zh"
	case l == "en" || strings.HasPrefix(l, "en_") || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en."):
		return "en"
	}
	return ""
}
