package testkit

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// RequireCode fails unless err is a domain error with code and a message
// containing every one of parts.
func RequireCode(t testing.TB, err error, code string, parts ...string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, model.ErrorCode(err), "error: %v", err)
	for _, p := range parts {
		require.Contains(t, model.ErrorMessage(err), p)
	}
}

// RequireZh checks that a refusal an officer can meet at the console says
// it in Chinese too, naming what the English names (the parts given).
func RequireZh(t testing.TB, err error, parts ...string) {
	t.Helper()
	var e *model.Error
	require.ErrorAs(t, err, &e)
	require.NotEmpty(t, e.MessageZh, "no Chinese for %q", e.Message)
	require.NotEqual(t, e.Message, e.MessageZh, "no Chinese for %q", e.Message)
	require.True(t, strings.ContainsFunc(e.MessageZh, func(r rune) bool { return unicode.Is(unicode.Han, r) }),
		"%q is not Chinese", e.MessageZh)
	require.Equal(t, e.MessageZh, model.ErrorMessageZh(err))
	for _, p := range parts {
		require.Contains(t, e.MessageZh, p)
	}
}
