// Package api is gridcmd's field intake over HTTP: the JSON API the
// handheld app (掌上基层) and the sensor gateways post to, its metrics, a
// per-token rate limiter, the local RPC route the command line uses while
// another process holds the database, and Go clients for both.
//
// It speaks model only (model.Service and model.IntakeService); the store
// is wired in by the command line.
//
// # Endpoints
//
//	POST /api/v1/reports                    a field report     201 | 200 duplicate | 400 401 403 413 415 422 429 503
//	POST /api/v1/alerts                     a sensor alert     201 | 200 duplicate | 400 401 403 413 415 422 429 503
//	GET  /api/v1/units/{code}/directives    wartime directives of a micro-grid       200 | 401 403 422 429
//	POST /api/v1/directives/{id}/ack        a unit signs for a directive             200 | 400 401 403 404 409 413 415 422 429 503
//	POST /api/v1/directives/{id}/progress   a unit reports progress                  200 | 400 401 403 404 409 413 415 422 429 503
//	POST /api/v1/patrols, /patrols/{id}/checkins, /patrols/{id}/end, /findings   the patrol flow (patrols.go)
//	POST /api/v1/heartbeats/{name}          a sensor gateway's heartbeat             200 | 400 401 403 404 413 415 422 429 503
//	GET  /healthz                           200 ok | 503 draining, or degraded (disk full) until a write succeeds
//	GET  /metrics                           Prometheus text format
//	POST /api/v1/local/hello                local handshake: the server proves it holds the local credential
//	POST /api/v1/local/{method}             local RPC (loopback and the local credential only)
//	GET  /api/v1/local/subscribe            local event stream (NDJSON)
//
// Every error is JSON: {"error": "...", "field": "..."}; field names the
// offending field or header when there is one.
package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gridcmd/model"
)

// Defaults of Options.
const (
	DefaultBodyLimit  = 64 << 10
	DefaultRetryAfter = 5 * time.Second
	localBodyLimit    = 512 << 20 // local RPC: whole tower imports
)

// Options configure a Server. Zero fields take the defaults noted.
type Options struct {
	// BodyLimit is the largest request body accepted (413 beyond);
	// default 64 KiB.
	BodyLimit int64
	// Rate is how many requests per second one token may make (429 beyond),
	// with bursts of up to Burst; 0 turns the limit off.
	Rate  float64
	Burst int // default twice Rate, at least 1
	// LocalCredential enables the local RPC route for callers on loopback
	// that present it (see WriteLocal); "" leaves the route off.
	LocalCredential string
	// LocalOnly serves the local RPC alone (and /healthz): no field
	// routes, no /metrics. A console that holds the database serves it so,
	// always, for the other commands, without opening the field API.
	LocalOnly bool
	// RetryAfter is what 503 answers say while the server drains; default 5s.
	RetryAfter time.Duration
	// Logger gets the server's log lines (never a token); default none.
	Logger *slog.Logger
	// Now is the limiter's clock; default time.Now.
	Now func() time.Time
	// Metrics, if set, writes more Prometheus text after the API's own on
	// /metrics (the SSH seats' counters).
	Metrics func(w io.Writer)
	// OpenSeats, if set, counts the SSH seats this process has open now,
	// of a person's keys or of one key (the local RPC's OpenSeats, which
	// 'key revoke' asks before revoking); unset, there are none.
	OpenSeats func(person model.PersonID, fingerprint string) int
}

// Server is the field API over a service. Its Handler is safe for
// concurrent use.
type Server struct {
	svc     model.Service
	intake  model.IntakeService
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	metrics *metrics
	limiter *limiter
	local   map[string]localCall

	mu       sync.Mutex // guards draining against writes starting
	draining bool
	writes   sync.WaitGroup // requests that may write, in flight
	drainCh  chan struct{}  // closed when draining starts (ends event streams)

	diskFull atomic.Bool  // a write failed for a full disk, and none has succeeded since
	streams  atomic.Int64 // event streams being followed now (Streams)

	hsMu sync.Mutex
	hs   []*http.Server
}

// Streams is how many clients follow the local event stream now: the
// consoles attached to this one (gridcmd console on a held file), which
// lose their live link when it stops.
func (s *Server) Streams() int { return int(s.streams.Load()) }

// New makes a server over svc and intake (usually the same store).
func New(svc model.Service, intake model.IntakeService, opts Options) *Server {
	if opts.BodyLimit <= 0 {
		opts.BodyLimit = DefaultBodyLimit
	}
	if opts.Rate < 0 {
		opts.Rate = 0
	}
	if opts.Burst <= 0 {
		opts.Burst = max(1, int(2*opts.Rate))
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = DefaultRetryAfter
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		svc: svc, intake: intake, opts: opts, log: opts.Logger,
		mux: http.NewServeMux(), metrics: newMetrics(),
		drainCh: make(chan struct{}),
	}
	if opts.Rate > 0 {
		s.limiter = newLimiter(opts.Rate, opts.Burst)
	}
	s.routes()
	s.handler = s.mux
	return s
}

func (s *Server) routes() {
	if !s.opts.LocalOnly {
		s.route("POST /api/v1/reports", s.writing(s.handleReport))
		s.route("POST /api/v1/alerts", s.writing(s.handleAlert))
		s.route("GET /api/v1/units/{code}/directives", s.handleUnitDirectives)
		s.route("POST /api/v1/directives/{id}/ack", s.writing(s.handleDirectiveAck))
		s.route("POST /api/v1/directives/{id}/progress", s.writing(s.handleDirectiveProgress))
		s.patrolRoutes()
		s.route("POST /api/v1/heartbeats/{name}", s.writing(s.handleHeartbeat))
		s.route("GET /metrics", s.handleMetrics)
	}
	s.route("GET /healthz", s.handleHealth)
	if s.opts.LocalCredential != "" {
		mt, _ := s.svc.(maintainer)
		keys, _ := s.svc.(model.KeyService)
		s.local = localTable(services{svc: s.svc, intake: s.intake, file: mt, keys: keys, seats: s.opts.OpenSeats})
		s.route("POST "+helloPath, s.handleHello)
		s.route("POST /api/v1/local/{method}", s.handleLocal)
		s.route("GET /api/v1/local/subscribe", s.handleSubscribe)
		s.route("GET /api/v1/local/backup", s.handleBackup)
	}
	s.mux.HandleFunc("/", s.handleUnknown)
}

// route registers h under pattern, counted and timed under that name.
func (s *Server) route(pattern string, h http.HandlerFunc) {
	s.mux.Handle(pattern, s.instrument(pattern, h))
}

// Handler is the API as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until Shutdown; it returns nil after a
// shutdown and the listener's error otherwise.
func (s *Server) Serve(ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.hsMu.Lock()
	if s.isDraining() {
		s.hsMu.Unlock()
		return nil
	}
	s.hs = append(s.hs, hs)
	s.hsMu.Unlock()
	err := hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown drains the server: from now on requests that would write get
// 503 with Retry-After (and /healthz says draining), the writes in flight
// finish, then the listeners close and idle connections with them. It
// returns when all that is done or ctx ends. The caller closes the store
// afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.draining {
		s.draining = true
		close(s.drainCh)
	}
	s.mu.Unlock()
	s.log.Info("draining: refusing new reports, finishing those in flight")

	done := make(chan struct{})
	go func() {
		s.writes.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("api: writes still in flight: %w", ctx.Err())
	}
	// No write is in flight: close the listeners and the idle connections,
	// give reads a moment, then close what is left (a connection opened
	// but never used counts as busy for its first five seconds).
	s.hsMu.Lock()
	servers := append([]*http.Server(nil), s.hs...)
	s.hsMu.Unlock()
	grace, cancel := context.WithTimeout(ctx, closeGrace)
	defer cancel()
	var errs []error
	for _, hs := range servers {
		if err := hs.Shutdown(grace); err != nil {
			errs = append(errs, hs.Close())
		}
	}
	return errors.Join(errs...)
}

// closeGrace is how long Shutdown lets reads finish once no write is in
// flight.
const closeGrace = time.Second

func (s *Server) isDraining() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.draining
}

// beginWrite admits a request that may write, or refuses it (false) once
// the server drains; endWrite must follow an admitted one.
func (s *Server) beginWrite() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return false
	}
	s.writes.Add(1)
	return true
}

func (s *Server) endWrite() { s.writes.Done() }

// writing admits h as a request that may write, or answers 503 once the
// server drains; the write ends when h returns.
func (s *Server) writing(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.admitWrite(w) {
			return
		}
		defer s.endWrite()
		h(w, r)
	}
}

// admitWrite is beginWrite answering 503 itself.
func (s *Server) admitWrite(w http.ResponseWriter) bool {
	if s.beginWrite() {
		return true
	}
	s.unavailable(w, "the server is shutting down; retry later", "服务正在关闭，请稍后重试")
	return false
}

// unavailable answers 503 with Retry-After, saying why in English and in
// Chinese (for a console in zh).
func (s *Server) unavailable(w http.ResponseWriter, msg, zh string) {
	w.Header().Set("Retry-After", strconv.Itoa(seconds(s.opts.RetryAfter)))
	writeJSON(w, http.StatusServiceUnavailable, errorJSON{Error: msg, ErrorZh: zh})
}

// seconds rounds d up to whole seconds, at least 1 (Retry-After's unit).
func seconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// errorJSON is the body of every error answer.
type errorJSON struct {
	Error   string `json:"error"`
	ErrorZh string `json:"error_zh,omitempty"` // the same in Chinese, where the server says it
	Field   string `json:"field,omitempty"`
}

// writeError answers the refusal err with status: its message, its
// Chinese (error_zh) and the field it concerns (field, else err's own).
func writeError(w http.ResponseWriter, status int, field string, err error) {
	if field == "" {
		field = model.ErrorField(err)
	}
	writeJSON(w, status, errorJSON{Error: model.ErrorMessage(err), ErrorZh: zhOf(err), Field: field})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"internal error: encoding the answer"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// codeStatus pairs each domain code with the HTTP status that carries it:
// statusOf one way, codeOfStatus (the client) the other.
var codeStatus = []struct {
	code   string
	status int
}{
	{model.EINVALID, http.StatusUnprocessableEntity},
	{model.ENOTFOUND, http.StatusNotFound},
	{model.ECONFLICT, http.StatusConflict},
	{model.EFORBIDDEN, http.StatusForbidden},
	{model.EUNAUTHORIZED, http.StatusUnauthorized},
	{model.EUNAVAIL, http.StatusServiceUnavailable},
	{model.EQUEUED, http.StatusAccepted}, // sent on to a federated town (model.FedQueued)
}

// statusOf maps a domain error to an HTTP status: a full disk is 503, for
// the write can be retried once there is room.
func statusOf(err error) int {
	if isDiskFull(err) {
		return http.StatusServiceUnavailable
	}
	code := model.ErrorCode(err)
	for _, cs := range codeStatus {
		if cs.code == code {
			return cs.status
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// isDiskFull reports whether err is a write that failed for want of room
// on the disk (ENOSPC, from the store's commit): nothing was stored, and the
// same write can be retried once there is room.
func isDiskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }

// The answer to a write refused for a full disk.
const (
	diskFullMsg = "the server's disk is full: nothing was stored; retry later"
	diskFullZh  = "服务器磁盘已满：未保存；请稍后重试"
)

// noteDiskFull remembers that a write failed for a full disk: /healthz says
// degraded until a write succeeds again (wrote).
func (s *Server) noteDiskFull(route string, err error) {
	if !s.diskFull.Swap(true) {
		s.log.Error("disk full: refusing writes with 503 until one succeeds", "route", route, "err", err)
	}
}

// wrote notes a write that succeeded: the disk takes writes again.
func (s *Server) wrote() {
	if s.diskFull.Swap(false) {
		s.log.Info("a write succeeded again: no longer degraded")
	}
}

// fail answers a service error: the domain message for the caller, the
// detail of an internal one for the log only (with the person, never a
// token).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, who model.PersonID, field string, err error) {
	if isDiskFull(err) {
		s.noteDiskFull(r.Pattern, err)
		s.unavailable(w, diskFullMsg, diskFullZh)
		return
	}
	status := statusOf(err)
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("request failed", "route", r.Pattern, "person", who.String(), "err", err)
		writeError(w, status, "", model.Errorf(model.EINTERNAL, "internal error; the details are in the server's log").Zh("内部错误；详情见服务器日志"))
		return
	case http.StatusServiceUnavailable:
		s.unavailable(w, model.ErrorMessage(err), model.ErrorMessageZh(err))
		return
	}
	if field == "" {
		field = model.ErrorField(err) // the input the rule refused
	}
	writeJSON(w, status, errorJSON{Error: model.ErrorMessage(err), ErrorZh: zhOf(err), Field: field})
}

// zhOf is a domain refusal's Chinese, "" where it has none of its own.
func zhOf(err error) string {
	if zh := model.ErrorMessageZh(err); zh != model.ErrorMessage(err) {
		return zh
	}
	return ""
}

// caller is an authenticated request's token holder.
type caller struct {
	person model.Person
	key    [32]byte // the token's sha256: the rate limiter's key
}

// authenticate answers 401 (or 429) itself when it returns false.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (caller, bool) {
	if !oneAuthorization(w, r) {
		return caller{}, false
	}
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gridcmd"`)
		writeError(w, http.StatusUnauthorized, "Authorization", model.Errorf(model.EUNAUTHORIZED, "missing bearer token: send 'Authorization: Bearer <token>' (gridcmd token issue --person ID)").
			Zh("缺少 bearer 令牌：请发送 'Authorization: Bearer <令牌>'（gridcmd token issue --person ID）"))
		return caller{}, false
	}
	if s.intake == nil {
		writeError(w, http.StatusServiceUnavailable, "", model.Errorf(model.EUNAVAIL, "no token service").Zh("没有令牌服务"))
		return caller{}, false
	}
	tok = strings.TrimSpace(tok)
	p, err := s.intake.Authenticate(r.Context(), tok)
	if err != nil {
		if model.ErrorCode(err) == model.EUNAUTHORIZED {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gridcmd", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "Authorization", err)
			return caller{}, false
		}
		s.fail(w, r, 0, "", err)
		return caller{}, false
	}
	c := caller{person: p, key: sha256.Sum256([]byte(tok))}
	if s.limiter != nil {
		if ok, wait := s.limiter.allow(c.key, s.opts.Now()); !ok {
			s.metrics.limited.Add(1)
			w.Header().Set("Retry-After", strconv.Itoa(seconds(wait)))
			writeError(w, http.StatusTooManyRequests, "", model.Errorf(model.EUNAVAIL, "rate limit: at most %g requests per second per token (bursts of %d)", s.opts.Rate, s.opts.Burst).
				Zh("限流：每个令牌每秒最多 %g 个请求（突发 %d 个）", s.opts.Rate, s.opts.Burst))
			return caller{}, false
		}
	}
	return c, true
}

// oneAuthorization answers 400 itself when the request has more than one
// Authorization header: which one a server, a proxy or a log reads is
// anyone's guess.
func oneAuthorization(w http.ResponseWriter, r *http.Request) bool {
	if len(r.Header.Values("Authorization")) > 1 {
		writeError(w, http.StatusBadRequest, "Authorization", model.Errorf(model.EINVALID, "Authorization: give it once").Zh("Authorization：只能给一次"))
		return false
	}
	return true
}

// scope answers 403 itself when p may not act at node, naming p's scope
// and node by their names (nodeNamer): "P1 (金建兰) may act only within
// 花街镇 330784114; 园丁社区 330784001001 is outside it".
func (s *Server) scope(ctx context.Context, w http.ResponseWriter, p model.Person, node model.NodeCode, field string) bool {
	if p.MayReportAt(node) {
		return true
	}
	writeError(w, http.StatusForbidden, field, model.OutOfScopeNamed(p, node, s.nodeNamer(ctx)))
	return false
}

// nodeNamer names the nodes of a refusal as the console does
// (model.DisplayName: "渎溪村 02"), each read from the service when asked:
// "" for one it does not hold, which the refusal gives by its code.
func (s *Server) nodeNamer(ctx context.Context) func(model.NodeCode) string {
	raw := func(c model.NodeCode) string {
		n, _ := s.svc.Node(ctx, c)
		return n.Name
	}
	return func(c model.NodeCode) string {
		n, err := s.svc.Node(ctx, c)
		if err != nil {
			return ""
		}
		return model.DisplayName(n, model.NameByCode, raw)
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if s.isDraining() {
		w.Header().Set("Retry-After", strconv.Itoa(seconds(s.opts.RetryAfter)))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	if s.diskFull.Load() {
		w.Header().Set("Retry-After", strconv.Itoa(seconds(s.opts.RetryAfter)))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "degraded", "reason": "disk full"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleUnknown answers what no route matched: 405 with Allow for a known
// path, 404 otherwise.
func (s *Server) handleUnknown(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pat := s.mux.Handler(r2); pat != "" && pat != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "", model.Errorf(model.EINVALID, "%s %s: method not allowed; want %s", r.Method, r.URL.Path, strings.Join(allow, " or ")).
			Zh("%s %s：不允许此方法；应为 %s", r.Method, r.URL.Path, strings.Join(allow, " 或 ")))
		s.metrics.request("other", http.StatusMethodNotAllowed)
		return
	}
	writeError(w, http.StatusNotFound, "", model.Errorf(model.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path).Zh("没有这个接口：%s %s", r.Method, r.URL.Path))
	s.metrics.request("other", http.StatusNotFound)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument counts the route's requests by status, times the intake
// routes, tracks requests in flight and turns a panic into a 500.
func (s *Server) instrument(route string, h http.HandlerFunc) http.Handler {
	timed := route == "POST /api/v1/reports" || route == "POST /api/v1/alerts"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inFlight.Add(1)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			s.metrics.inFlight.Add(-1)
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("handler panicked", "route", route, "panic", fmt.Sprint(p))
				if rec.status == 0 {
					writeError(rec, http.StatusInternalServerError, "", model.Errorf(model.EINTERNAL, "internal error").Zh("内部错误"))
				}
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			s.metrics.request(route, rec.status)
			if timed {
				s.metrics.latency.observe(time.Since(start))
			}
		}()
		h(rec, r)
	})
}

// closeAfter asks for the connection to close after the answer (a body
// over the limit is not read to its end).
func closeAfter(w http.ResponseWriter) { w.Header().Set("Connection", "close") }

// isLoopback reports whether addr (host:port) is a loopback address.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
