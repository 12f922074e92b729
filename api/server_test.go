package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/internal/testclock"
	"gridcmd/model"
	"gridcmd/store"
)

func TestReportCreatedThenDuplicate(t *testing.T) {
	e := newEnv(t)
	a := e.post("/api/v1/reports", e.worker, "key-1", reportJSON(grid01, "330国道货物散落"))
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	assert.Equal(t, "application/json; charset=utf-8", a.header.Get("Content-Type"))
	m := a.json(t)
	id := m["id"].(string)
	assert.Regexp(t, `^HJ-\d{8}-\d{4}$`, id)
	assert.Equal(t, false, m["duplicate"])

	// The 201 came after the commit: the incident is there.
	inc, err := e.db.Incident(e.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, e.worker.ID, inc.Reporter)
	assert.Equal(t, model.SourceGridPatrol, inc.Source)

	again := e.post("/api/v1/reports", e.worker, "key-1", reportJSON(grid01, "330国道货物散落"))
	require.Equal(t, http.StatusOK, again.status, "%s", again.body)
	assert.Equal(t, map[string]any{"id": id, "duplicate": true}, again.json(t))
	assert.Len(t, e.incidentsTitled("330国道货物散落"), 1)

	// Without a key every post is a new report.
	for range 2 {
		a := e.post("/api/v1/reports", e.worker, "", reportJSON(grid01, "无键报告"))
		require.Equal(t, http.StatusCreated, a.status)
	}
	assert.Len(t, e.incidentsTitled("无键报告"), 2)
	e.requireClean()
}

func TestStatusCodes(t *testing.T) {
	e := newEnv(t)
	good := reportJSON(grid01, "好的报告")
	long := func(n int, s string) string { return strings.Repeat(s, n) }
	body := func(fields map[string]any) string {
		m := map[string]any{"node": grid01, "category": "traffic", "severity": "II", "title": "标题", "text": "正文"}
		for k, v := range fields {
			if v == nil {
				delete(m, k)
				continue
			}
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	cases := []struct {
		name    string
		who     model.Person
		headers map[string]string // over the worker's bearer token
		body    string
		status  int
		field   string
		want    string // in the error message
	}{
		{"malformed JSON", e.worker, nil, `{"node": "330784114266-01",`, 400, "", "malformed JSON"},
		{"not an object", e.worker, nil, `[1,2]`, 400, "", "object"},
		{"trailing data", e.worker, nil, good + `{}`, 400, "", "nothing after it"},
		{"empty body", e.worker, nil, ``, 400, "", "empty body"},
		{"wrong type", e.worker, nil, body(map[string]any{"severity": 2}), 400, "severity", "want a string"},
		{"wrong nested type", e.worker, nil, body(map[string]any{"location": map[string]any{"lat": "north", "lon": 1}}), 400, "location.lat", "want a number"},
		{"unknown field", e.worker, nil, body(map[string]any{"priority": "high"}), 400, "priority", `unknown field "priority"`},
		{"unknown nested field", e.worker, nil, body(map[string]any{"location": map[string]any{"lat": 1, "lon": 1, "alt": 3}}), 400, "alt", "unknown field"},
		{"bad Idempotency-Key", e.worker, map[string]string{"Idempotency-Key": "has space"}, good, 400, "Idempotency-Key", "visible ASCII"},
		{"long Idempotency-Key", e.worker, map[string]string{"Idempotency-Key": long(256, "k")}, good, 400, "Idempotency-Key", "255"},
		{"no token", e.worker, map[string]string{"Authorization": ""}, good, 401, "Authorization", "missing bearer token"},
		{"basic auth", e.worker, map[string]string{"Authorization": "Basic dXNlcjpwdw=="}, good, 401, "Authorization", "missing bearer token"},
		{"garbage token", e.worker, map[string]string{"Authorization": "Bearer nonsense"}, good, 401, "Authorization", "malformed"},
		{"unknown token", e.worker, map[string]string{"Authorization": "Bearer gc_" + long(43, "A")}, good, 401, "Authorization", "unknown"},
		{"outside scope", e.worker, nil, reportJSON(grid02, "别人的网格"), 403, "node", "may act only within 渎溪村 01 330784114266-01; 渎溪村 02 330784114266-02 is outside it"},
		{"above scope", e.micro, nil, reportJSON(grid01, "上级网格"), 403, "node", "330784114266-01-02"},
		{"wrong content type", e.worker, map[string]string{"Content-Type": "text/plain"}, good, 415, "Content-Type", "application/json"},
		{"missing node", e.worker, nil, body(map[string]any{"node": nil}), 422, "node", "missing"},
		{"malformed node", e.worker, nil, body(map[string]any{"node": "330784114266-1"}), 422, "node", "two digits"},
		{"unknown node", e.worker, nil, body(map[string]any{"node": "330784114266-01-09"}), 422, "node", "no node 330784114266-01-09"},
		{"unknown category", e.worker, nil, body(map[string]any{"category": "aliens"}), 422, "category", "want one of"},
		{"bad severity", e.worker, nil, body(map[string]any{"severity": "V"}), 422, "severity", "I, II, III or IV"},
		{"missing title", e.worker, nil, body(map[string]any{"title": nil}), 422, "title", "missing"},
		{"title of controls only", e.worker, nil, body(map[string]any{"title": "\x1b[2J\u202e"}), 422, "title", "empty"},
		{"title too long", e.worker, nil, body(map[string]any{"title": long(201, "路")}), 422, "title", "201 characters, at most 200"},
		{"text too long", e.worker, nil, body(map[string]any{"text": long(8193, "x")}), 422, "text", "8193 bytes, at most 8192"},
		{"text with extras too long", e.worker, nil, body(map[string]any{"text": long(8180, "x"), "photo": "p1"}), 422, "text", "location and photo"},
		{"invalid UTF-8 title", e.worker, nil, `{"node":"330784114266-01","category":"traffic","severity":"II","title":"bad ` + "\xff\xfe" + `"}`, 422, "title", "invalid UTF-8"},
		{"invalid UTF-8 text", e.worker, nil, `{"node":"330784114266-01","category":"traffic","severity":"II","title":"t","text":"` + "\xc3\x28" + `"}`, 422, "text", "invalid UTF-8"},
		{"lone surrogate", e.worker, nil, `{"node":"330784114266-01","category":"traffic","severity":"II","title":"x\ud800y"}`, 422, "title", "invalid UTF-8"},
		{"latitude", e.worker, nil, body(map[string]any{"location": map[string]any{"lat": 91, "lon": 120}}), 422, "location.lat", "-90 to 90"},
		{"photo too long", e.worker, nil, body(map[string]any{"photo": long(513, "p")}), 422, "photo", "512"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := bearer(e.tok[c.who.ID])
			h["Content-Type"] = "application/json"
			for k, v := range c.headers {
				h[k] = v
			}
			a := e.do(http.MethodPost, "/api/v1/reports", []byte(c.body), h)
			require.Equal(t, c.status, a.status, "%s", a.body)
			m := a.json(t)
			assert.Contains(t, m["error"], c.want)
			if c.field != "" {
				assert.Equal(t, c.field, m["field"])
			} else {
				assert.Nil(t, m["field"])
			}
			if c.status == 401 {
				assert.Contains(t, a.header.Get("WWW-Authenticate"), "Bearer")
			}
		})
	}
	assert.Empty(t, e.incidentsTitled(""), "nothing refused was stored")

	t.Run("surrogate pair is fine", func(t *testing.T) {
		a := e.post("/api/v1/reports", e.worker, "", `{"node":"330784114266-01","category":"traffic","severity":"II","title":"emoji \ud83d\ude92"}`)
		require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
		assert.Len(t, e.incidentsTitled("emoji 🚒"), 1)
	})
	t.Run("Idempotency-Key reused for another report", func(t *testing.T) {
		require.Equal(t, 201, e.post("/api/v1/reports", e.worker, "reuse", reportJSON(grid01, "第一份")).status)
		a := e.post("/api/v1/reports", e.worker, "reuse", reportJSON(grid01, "第二份"))
		require.Equal(t, 422, a.status)
		assert.Equal(t, "Idempotency-Key", a.json(t)["field"])
		assert.Empty(t, e.incidentsTitled("第二份"))
	})
	t.Run("revoked token", func(t *testing.T) {
		tok, err := e.db.IssueToken(e.ctx, e.cadre.ID)
		require.NoError(t, err)
		_, err = e.db.RevokeToken(e.ctx, tok)
		require.NoError(t, err)
		a := e.do(http.MethodPost, "/api/v1/reports", []byte(reportJSON(village, "撤销")), bearer(tok))
		require.Equal(t, 401, a.status)
		assert.Contains(t, a.json(t)["error"], "revoked")
		assert.NotContains(t, string(a.body), tok[model.TokenPrefixLen:], "an answer never echoes a token")
	})
	t.Run("scopes", func(t *testing.T) {
		// The duty officer reports anywhere in the town; the cadre in the village.
		for _, c := range []struct {
			p    model.Person
			node model.NodeCode
		}{{e.duty, unit0111}, {e.duty, town}, {e.cadre, micro021}, {e.micro, micro012}, {e.worker, unit0111}} {
			a := e.post("/api/v1/reports", c.p, "", reportJSON(c.node, "范围内"))
			assert.Equal(t, 201, a.status, "%s at %s: %s", c.p.Name, c.node, a.body)
		}
	})
	t.Run("not found and method not allowed", func(t *testing.T) {
		a := e.do(http.MethodGet, "/api/v1/nothing", nil, nil)
		assert.Equal(t, 404, a.status)
		assert.Contains(t, a.json(t)["error"], "no such endpoint")
		a = e.do(http.MethodGet, "/api/v1/reports", nil, nil)
		assert.Equal(t, 405, a.status)
		assert.Equal(t, "POST", a.header.Get("Allow"))
		a = e.do(http.MethodPost, "/healthz", nil, nil)
		assert.Equal(t, 405, a.status)
	})
	t.Run("healthz", func(t *testing.T) {
		a := e.do(http.MethodGet, "/healthz", nil, nil)
		assert.Equal(t, 200, a.status)
		assert.Equal(t, "ok", a.json(t)["status"])
	})
	e.requireClean()
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, withBodyLimit(1024))
	big := `{"node":"330784114266-01","category":"traffic","severity":"II","title":"大","text":"` + strings.Repeat("x", 2000) + `"}`
	a := e.post("/api/v1/reports", e.worker, "", big)
	require.Equal(t, http.StatusRequestEntityTooLarge, a.status, "%s", a.body)
	assert.Contains(t, a.json(t)["error"], "limit of 1024 bytes")

	// Without a Content-Length (chunked), the limit holds while reading.
	req, err := http.NewRequest(http.MethodPost, e.url+"/api/v1/reports", struct{ *strings.Reader }{strings.NewReader(big)})
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+e.tok[e.worker.ID])
	require.Zero(t, req.ContentLength, "unknown length: sent chunked")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	// The default limit is 64 KiB.
	e2 := newEnv(t)
	a = e2.post("/api/v1/reports", e2.worker, "", `{"title":"`+strings.Repeat("x", 64<<10)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	assert.Empty(t, e.incidentsTitled(""))
}

func TestRateLimit(t *testing.T) {
	// The limiter's clock stands still, so no token comes back while the
	// reports are filed, however slow the disk.
	still := testclock.New(time.Date(2026, 11, 29, 9, 0, 0, 0, cst))
	e := newEnv(t, withRate(1, 3), func(o *api.Options, _ *store.Options) { o.Now = still.Now })
	codes := map[int]int{}
	var retry string
	for i := range 6 {
		a := e.post("/api/v1/reports", e.worker, "", reportJSON(grid01, fmt.Sprint("限流 ", i)))
		codes[a.status]++
		if a.status == http.StatusTooManyRequests {
			retry = a.header.Get("Retry-After")
			assert.Contains(t, a.json(t)["error"], "rate limit")
		}
	}
	assert.Equal(t, 3, codes[201], "the burst")
	assert.Equal(t, 3, codes[429])
	assert.Equal(t, "1", retry)
	assert.Len(t, e.incidentsTitled("限流"), 3, "a refused report is not stored")

	// Per token: another holder is not held back.
	a := e.post("/api/v1/reports", e.duty, "", reportJSON(grid01, "另一个令牌"))
	assert.Equal(t, 201, a.status)

	m := e.do(http.MethodGet, "/metrics", nil, nil)
	assert.Contains(t, string(m.body), "gridcmd_api_rate_limited_total 3\n")
}

// nasty is text with every kind of escape the sanitiser must remove: CSI
// (clear screen, cursor moves, colours), OSC (window title, hyperlink),
// DCS, the C1 CSI U+009B, other C1 and C0 controls, BEL, backspace, CR,
// and bidi overrides and isolates.
const nasty = "A\x1b[2J\x1b[H\x1b[31mB\x1b]0;pwned\x07C\x1b]8;;http://evil\x1b\\D\x1bP+q\x1b\\E\u009b6nF\u0085G\u0090x\u009cH\x07\x08I\rJ\u202eK\u2066L\u200fM\x00N\x1b(BO\x7fP"

func TestSanitisingEveryTextField(t *testing.T) {
	e := newEnv(t)
	body, err := json.Marshal(map[string]any{
		"node": grid01, "category": "traffic", "severity": "II",
		"title": "标题" + nasty, "text": "正文" + nasty + "\n第二行", "photo": "照片" + nasty,
		"location": map[string]any{"lat": 28.9, "lon": 120.04},
	})
	require.NoError(t, err)
	a := e.post("/api/v1/reports", e.worker, "nasty", string(body))
	require.Equal(t, 201, a.status, "%s", a.body)
	inc, err := e.db.Incident(e.ctx, a.json(t)["id"].(string))
	require.NoError(t, err)
	for name, s := range map[string]string{"title": inc.Title, "text": inc.Text} {
		for _, r := range s {
			ok := r == '\n' && name == "text" || r >= 0x20 && r != 0x7f && (r < 0x80 || r > 0x9f) &&
				!(r >= 0x202a && r <= 0x202e) && !(r >= 0x2066 && r <= 0x2069) && r != 0x200e && r != 0x200f && r != 0x061c
			assert.True(t, ok, "%s keeps %U: %q", name, r, s)
		}
		assert.NotContains(t, s, "pwned")
		assert.NotContains(t, s, "evil")
	}
	// model.CleanText treats a C1 introducer as its ESC form: U+009B 6n is
	// a CSI, U+0090 x U+009C a DCS string, both dropped whole.
	assert.Equal(t, "标题ABCDEFGHI JKLMNOP", inc.Title)
	assert.Equal(t, "正文ABCDEFGHIJKLMNOP\n第二行\n\n位置 location: 28.900000, 120.040000\n照片 photo: 照片ABCDEFGHI JKLMNOP", inc.Text)

	// Alerts too: device and text.
	ab, _ := json.Marshal(map[string]any{"device": "S-1" + nasty, "kind": "smoke", "node": micro011, "text": nasty})
	a = e.post("/api/v1/alerts", e.worker, "", string(ab))
	require.Equal(t, 201, a.status, "%s", a.body)
	e.requireClean()
}

func TestConcurrentRetriesFileOnce(t *testing.T) {
	e := newEnv(t)
	const keys, retries = 10, 12
	type got struct {
		status int
		id     string
	}
	res := make([][]got, keys)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for k := range keys {
		res[k] = make([]got, retries)
		for r := range retries {
			wg.Go(func() {
				fc := api.NewFieldClient(e.url, e.tok[e.worker.ID], nil)
				out, status, err := fc.Report(context.Background(), fmt.Sprint("retry-", k), api.ReportRequest{
					Node: string(grid01), Category: "hazard", Severity: "III", Title: fmt.Sprint("并发 ", k),
				})
				assert.NoError(t, err)
				mu.Lock()
				res[k][r] = got{status, out.ID}
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	for k := range keys {
		created := 0
		for _, g := range res[k] {
			assert.Equal(t, res[k][0].id, g.id)
			if g.status == 201 {
				created++
			} else {
				assert.Equal(t, 200, g.status)
			}
		}
		assert.Equal(t, 1, created, "key %d: exactly one 201", k)
		assert.Len(t, e.incidentsTitled(fmt.Sprint("并发 ", k)), 1)
	}
	e.requireClean()
}

func TestAlertsOverHTTP(t *testing.T) {
	clock := testclock.New(t0)
	e := newEnv(t, withClock(clock))
	alert := e.chargerAlert
	a := alert("P-1", "a1")
	require.Equal(t, 201, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"alert": 1.0, "opened": false, "attached": false, "count": 1.0, "duplicate": false}, a.json(t))
	clock.Advance(3 * time.Minute)
	assert.Equal(t, 200, alert("P-1", "a1").status, "a retry counts once")
	alert("P-2", "a2")
	clock.Advance(3 * time.Minute)
	a = alert("P-1", "a3")
	require.Equal(t, 201, a.status)
	m := a.json(t)
	assert.Equal(t, true, m["opened"])
	assert.Equal(t, 3.0, m["count"])
	id := m["incident"].(string)
	inc, err := e.db.Incident(e.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, model.Category("fire"), inc.Category)
	assert.Equal(t, model.SourceSensor, inc.Source)

	clock.Advance(20 * time.Minute)
	a = alert("P-3", "")
	m = a.json(t)
	assert.Equal(t, true, m["attached"])
	assert.Equal(t, id, m["incident"])
	tl, err := e.db.Timeline(e.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, model.ActAlert, tl[len(tl)-1].Action)

	for _, c := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"device":"X","kind":"smoke","node":"330784114266-02-01"}`, 403, "node"},
		{`{"device":"X","kind":"smoke","node":"330784114266-01-01-09"}`, 422, "node"},
		{`{"device":"X","kind":"sm oke","node":"330784114266-01-01"}`, 422, "kind"},
		{`{"device":"","kind":"smoke","node":"330784114266-01-01"}`, 422, "device"},
		{`{"device":"X","kind":"smoke","node":"330784114266-01-01","level":3}`, 400, "level"},
	} {
		a := e.post("/api/v1/alerts", e.worker, "", c.body)
		assert.Equal(t, c.status, a.status, "%s: %s", c.body, a.body)
		assert.Equal(t, c.field, a.json(t)["field"], "%s", c.body)
	}
	e.requireClean()
}

var metricLine = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+$|^[a-z_][a-z0-9_]*(\{le="\+Inf"\})? [0-9]+$`)

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	require.Equal(t, 201, e.post("/api/v1/reports", e.worker, "m1", reportJSON(grid01, "指标")).status)
	require.Equal(t, 200, e.post("/api/v1/reports", e.worker, "m1", reportJSON(grid01, "指标")).status)
	require.Equal(t, 401, e.do(http.MethodPost, "/api/v1/reports", []byte("{}"), nil).status)
	a := e.do(http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, 200, a.status)
	assert.True(t, strings.HasPrefix(a.header.Get("Content-Type"), "text/plain; version=0.0.4"))
	text := string(a.body)
	for _, want := range []string{
		`gridcmd_api_requests_total{route="POST /api/v1/reports",code="201"} 1`,
		`gridcmd_api_requests_total{route="POST /api/v1/reports",code="200"} 1`,
		`gridcmd_api_requests_total{route="POST /api/v1/reports",code="401"} 1`,
		"gridcmd_api_reports_total 1",
		"gridcmd_api_duplicates_total 1",
		"# TYPE gridcmd_api_intake_duration_seconds histogram",
		`gridcmd_api_intake_duration_seconds_bucket{le="+Inf"} 3`,
		"gridcmd_api_intake_duration_seconds_count 3",
		"gridcmd_api_in_flight_requests 1", // this request
		"gridcmd_api_draining 0",
		`gridcmd_api_alerts_total{outcome="opened"} 0`,
	} {
		assert.Contains(t, text, want+"\n")
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "# HELP ") || strings.HasPrefix(l, "# TYPE ") {
			continue
		}
		assert.Regexp(t, metricLine, l)
	}
}

// blockingIntake holds ReportOnce until released, to catch a request in
// flight.
type blockingIntake struct {
	model.IntakeService
	entered chan struct{}
	release chan struct{}
}

func (b *blockingIntake) ReportOnce(ctx context.Context, p model.PersonID, key string, r model.Report) (model.Incident, bool, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.IntakeService.ReportOnce(ctx, p, key, r)
}

func TestGracefulShutdown(t *testing.T) {
	db, _, ps := openStore(t, storeOptions())
	worker := ps[1]
	tok, err := db.IssueToken(context.Background(), worker.ID)
	require.NoError(t, err)
	bi := &blockingIntake{IntakeService: db, entered: make(chan struct{}), release: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := api.New(db, bi, api.Options{RetryAfter: 7 * time.Second})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	fc := api.NewFieldClient(url, tok, &http.Client{Transport: &http.Transport{}})

	// A report in flight.
	type res struct {
		out    api.ReportResponse
		status int
		err    error
	}
	inflight := make(chan res, 1)
	go func() {
		out, status, err := fc.Report(context.Background(), "in-flight", api.ReportRequest{Node: string(grid01), Category: "fire", Severity: "I", Title: "在途"})
		inflight <- res{out, status, err}
	}()
	<-bi.entered

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	// While it drains: /healthz says so, and a new report gets 503 with
	// Retry-After. (Wait for the draining first: a report sent before it
	// began would reach the intake, which holds every report here.)
	require.Eventually(t, func() bool {
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	}, 5*time.Second, 10*time.Millisecond)
	other := api.NewFieldClient(url, tok, &http.Client{Transport: &http.Transport{}})
	_, status, err := other.Report(context.Background(), "late", api.ReportRequest{Node: string(grid01), Category: "fire", Severity: "I", Title: "太晚"})
	assert.Equal(t, http.StatusServiceUnavailable, status)
	var ae *api.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 7*time.Second, ae.RetryAfter)
	// The refusal says it in Chinese too, for a console in zh.
	req, err := http.NewRequest(http.MethodPost, url+"/api/v1/reports", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "服务正在关闭，请稍后重试", body["error_zh"])
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned with a report in flight: %v", err)
	default:
	}

	// The report in flight finishes, with its 201, and only then does
	// Shutdown return.
	close(bi.release)
	r := <-inflight
	require.NoError(t, r.err)
	assert.Equal(t, 201, r.status)
	require.NoError(t, <-shut)
	require.NoError(t, <-served)
	require.NoError(t, db.Close())
	_, err = http.Get(url + "/healthz")
	assert.Error(t, err, "the listener is closed")
}

func storeOptions() store.Options { return store.Options{Timeout: time.Second, Location: cst} }

// TestMetricsFigures: /metrics has the command room's figures, the same as
// gridcmd stats (store.Stats) reports.
func TestMetricsFigures(t *testing.T) {
	e := newEnv(t)
	for i, a := range []model.Action{model.ActAcknowledge, model.ActEscalate} {
		inc, err := e.db.Report(e.ctx, model.Report{Node: grid01, Category: "traffic", Severity: model.SeverityIII,
			Title: fmt.Sprintf("f%d", i), Reporter: e.worker.ID})
		require.NoError(t, err)
		_, err = e.db.Act(e.ctx, inc.ID, model.Command{Action: a, By: e.duty.ID})
		require.NoError(t, err)
	}
	st, err := e.db.Stats(e.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Incidents.EscalationsLastHour)
	require.Equal(t, 2, st.Incidents.PassOnReports)
	text := string(e.do(http.MethodGet, "/metrics", nil, nil).body)
	for _, want := range []string{
		fmt.Sprintf("gridcmd_escalations_last_hour %d", st.Incidents.EscalationsLastHour),
		fmt.Sprintf("gridcmd_pass_on_p50_seconds %d", st.Incidents.PassOnP50Seconds),
		fmt.Sprintf("gridcmd_pass_on_reports %d", st.Incidents.PassOnReports),
		"# TYPE gridcmd_pass_on_p50_seconds gauge",
	} {
		assert.Contains(t, text, want+"\n")
	}
}

// A field given as white space alone is empty, not missing: "title:
// empty", 标题：为空 (a QA saw a title of three spaces refused as missing).
func TestBlankFieldIsEmptyNotMissing(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ body, field, want, zh string }{
		{`{"node":"330784114266-01","category":"traffic","severity":"II","title":"   "}`, "title", "title: empty", "标题：为空"},
		{`{"node":"  ","category":"traffic","severity":"II","title":"t"}`, "node", "node: empty", "地点：为空"},
		{`{"node":"330784114266-01","category":"traffic","severity":"II","title":"\u200b\u3000"}`, "title", "title: empty", "标题：为空"},
		{`{"node":"330784114266-01","category":"traffic","severity":"II","title":""}`, "title", "title: missing", "title：缺少此字段"},
	} {
		a := e.post("/api/v1/reports", e.worker, "", c.body)
		require.Equal(t, http.StatusUnprocessableEntity, a.status, "%s", a.body)
		m := a.json(t)
		assert.Equal(t, c.want, m["error"], c.body)
		assert.Equal(t, c.zh, m["error_zh"], c.body)
		assert.Equal(t, c.field, m["field"], c.body)
	}
	a := e.post("/api/v1/alerts", e.worker, "", `{"device":" ","kind":"door","node":"330784114266-01"}`)
	require.Equal(t, http.StatusUnprocessableEntity, a.status, "%s", a.body)
	assert.Equal(t, "设备：为空", a.json(t)["error_zh"])
}
