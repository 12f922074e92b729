package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// hasHan reports whether s has a Chinese character in it.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestFieldRefusalsSayItInChinese walks the field API's refusals of a
// request (the decoder's: malformed JSON, an array, an unknown field, a
// missing field, a too-long field; and a heartbeat name in Chinese, a
// route nobody serves, no token): each answer carries error_zh, in
// Chinese, as the domain's refusals do.
func TestFieldRefusalsSayItInChinese(t *testing.T) {
	e := newEnv(t)
	_, err := e.db.AddHeartbeat(e.ctx, model.Heartbeat{Name: "gw-duxi", Node: grid01, Every: 10 * time.Minute}, e.duty.ID)
	require.NoError(t, err)
	long := reportJSON(micro011, strings.Repeat("路", model.MaxTitleRunes+1))
	for _, tt := range []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"malformed JSON", "/api/v1/reports", `{"node": `, http.StatusBadRequest, ""},
		{"not JSON at all", "/api/v1/reports", `report`, http.StatusBadRequest, ""},
		{"an array", "/api/v1/reports", `[1, 2]`, http.StatusBadRequest, ""},
		{"an unknown field", "/api/v1/reports", `{"x": 1}`, http.StatusBadRequest, "x"},
		{"a field in another case", "/api/v1/reports", `{"NODE": "x"}`, http.StatusBadRequest, "NODE"},
		{"a wrong type", "/api/v1/reports", `{"node": 3}`, http.StatusBadRequest, "node"},
		{"a missing field", "/api/v1/alerts", `{"device": "d1", "node": "` + string(unit0111) + `"}`, http.StatusUnprocessableEntity, "kind"},
		{"a missing title", "/api/v1/reports", `{"node": "` + string(micro011) + `", "category": "traffic", "severity": "II"}`, http.StatusUnprocessableEntity, "title"},
		{"a too-long title", "/api/v1/reports", long, http.StatusUnprocessableEntity, "title"},
		{"a malformed node", "/api/v1/reports", `{"node": "x", "category": "traffic", "severity": "II", "title": "t"}`, http.StatusUnprocessableEntity, "node"},
		{"an unknown severity", "/api/v1/reports", `{"node": "` + string(micro011) + `", "category": "traffic", "severity": "V", "title": "t"}`, http.StatusUnprocessableEntity, "severity"},
		{"an alert's malformed node", "/api/v1/alerts", `{"device": "d1", "kind": "smoke", "node": "x"}`, http.StatusUnprocessableEntity, "node"},
		{"a heartbeat name in Chinese", "/api/v1/heartbeats/" + url.PathEscape("网关"), "", http.StatusUnprocessableEntity, "name"},
		{"a heartbeat with a field", "/api/v1/heartbeats/gw-duxi", `{"battery": 80}`, http.StatusBadRequest, "battery"},
		{"a route nobody serves", "/api/v1/nothing", "{}", http.StatusNotFound, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := e.post(tt.path, e.worker, "", tt.body)
			require.Equal(t, tt.status, a.status, "%s", a.body)
			m := a.json(t)
			field, _ := m["field"].(string)
			assert.Equal(t, tt.field, field, "field in %s", a.body)
			zh, _ := m["error_zh"].(string)
			assert.True(t, hasHan(zh), "error_zh in Chinese: %s", a.body)
		})
	}
	t.Run("no token", func(t *testing.T) {
		a := e.do(http.MethodPost, "/api/v1/reports", []byte("{}"), nil)
		require.Equal(t, http.StatusUnauthorized, a.status, "%s", a.body)
		zh, _ := a.json(t)["error_zh"].(string)
		assert.True(t, hasHan(zh), "error_zh in Chinese: %s", a.body)
	})
}
