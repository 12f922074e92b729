package api

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gridcmd/model"
)

// The local credential file: <db>.api beside the database, mode 0600, for
// as long as a server holds the database. It tells the command line where
// the server is and how to prove it runs as the file's owner.
type localFile struct {
	Addr       string `json:"addr"`
	Credential string `json:"credential"`
	PID        int    `json:"pid"`
	DB         string `json:"db"`
}

// LocalPath is the local credential file of the database at dbPath.
func LocalPath(dbPath string) string { return dbPath + ".api" }

// localScheme is the Authorization scheme of the local RPC route.
const localScheme = "Local"

// WriteLocal writes the local credential file of dbPath, saying that the
// server at addr holds it, with a fresh random credential, and returns the
// credential (for Options.LocalCredential) and a cleanup that removes the
// file if it is still this one. The file is written beside the database
// and renamed into place, mode 0600.
func WriteLocal(dbPath, addr string) (cred string, cleanup func(), err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, fmt.Errorf("local credential: %w", err)
	}
	cred = "gcl_" + base64.RawURLEncoding.EncodeToString(raw[:])
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		abs = dbPath
	}
	b, err := json.MarshalIndent(localFile{Addr: addr, Credential: cred, PID: os.Getpid(), DB: abs}, "", "  ")
	if err != nil {
		return "", nil, err
	}
	path := LocalPath(dbPath)
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return "", nil, fmt.Errorf("local credential %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", nil, fmt.Errorf("local credential %s: %w", path, err)
	}
	var once sync.Once
	cleanup = func() {
		once.Do(func() {
			// Remove only our own file: a later server may have replaced it.
			if cur, err := readLocal(path); err == nil && subtle.ConstantTimeCompare([]byte(cur.Credential), []byte(cred)) == 1 {
				_ = os.Remove(path)
			}
		})
	}
	return cred, cleanup, nil
}

// readLocal reads a local credential file, refusing one that anyone but
// its owner (this user) could read or write.
func readLocal(path string) (localFile, error) {
	var lf localFile
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return lf, model.Errorf(model.ENOTFOUND, "no gridcmd server holds the database (no %s)", path)
		}
		return lf, err
	}
	if err := ownerOnly(path, fi); err != nil {
		return lf, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return lf, err
	}
	if err := json.Unmarshal(b, &lf); err != nil || lf.Addr == "" || lf.Credential == "" {
		return lf, model.Errorf(model.EINVALID, "%s: not a gridcmd local credential file", path)
	}
	return lf, nil
}

// DialLocal connects to the server that holds the database at dbPath, as
// its local credential file (LocalPath) tells: the file must be this
// user's and readable by no one else, the address loopback, and the server
// must answer /healthz. ENOTFOUND when there is no file (no server holds
// the database), EUNAVAIL when the server does not answer (it may have
// died; the file is then stale). When that server stops, the client finds
// the next one that holds the database through the same file (see
// Client.relocate).
func DialLocal(dbPath string) (*Client, error) {
	lf, err := readLocal(LocalPath(dbPath))
	if err != nil {
		return nil, err
	}
	c, err := NewLocalClient(lf.Addr, lf.Credential)
	if err != nil {
		return nil, err
	}
	c.dbPath = dbPath
	return c, nil
}

// maintainer is what a service that is the database file itself can do
// besides model.Service (the store does): write a consistent copy of the
// file, and check it. The local API offers both, so that backup and check
// need not stop the console or server that holds the file.
type maintainer interface {
	Backup(w io.Writer) (int64, error)
	Check(ctx context.Context) ([]string, error)
}

// Trailers of the local backup stream: the bytes the server wrote, and the
// error that cut it short, if one did.
const (
	backupBytesTrailer = "Gridcmd-Backup-Bytes"
	backupErrorTrailer = "Gridcmd-Backup-Error"
)

// handleBackup sends a consistent copy of the database. The copy is taken
// first into a temporary file on this machine (one read transaction, as
// fast as a local backup, writes going on meanwhile), and only then
// streamed, so that a slow or stalled reader never holds a transaction
// open (which would hold back a write that must grow the file) nor the
// server's shutdown: streaming stops when the server drains or the reader
// takes more than backupStall over a chunk. The stream ends with trailers
// saying how many bytes were sent and whether it was cut short; a client
// must check them (Client.Backup does).
func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request) {
	if !s.localAuth(w, r) {
		return
	}
	mt, ok := s.svc.(maintainer)
	if !ok {
		writeError(w, http.StatusNotImplemented, "", "this server cannot copy its database")
		return
	}
	if !s.admitWrite(w) {
		return
	}
	tmp, n, err := snapshot(mt)
	s.endWrite()
	if err != nil {
		s.log.Error("backup: taking the copy failed", "err", err)
		writeError(w, http.StatusInternalServerError, "", "taking the copy: %v", err)
		return
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	h := w.Header()
	h.Set("Trailer", backupBytesTrailer+", "+backupErrorTrailer)
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	sent, err := io.CopyBuffer(&backupWriter{w: w, rc: http.NewResponseController(w), drain: s.drainCh}, tmp, make([]byte, 256<<10))
	h.Set(backupBytesTrailer, strconv.FormatInt(sent, 10))
	if err == nil && sent != n {
		err = fmt.Errorf("sent %d of %d bytes", sent, n)
	}
	if err != nil {
		s.log.Error("backup stream cut short", "bytes", sent, "of", n, "err", err)
		h.Set(backupErrorTrailer, err.Error())
	}
}

// backupStall is how long a backup reader may take over one chunk.
const backupStall = 30 * time.Second

// snapshot writes the copy into a temporary file and rewinds it.
func snapshot(mt maintainer) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "gridcmd-backup-*")
	if err != nil {
		return nil, 0, err
	}
	n, err := mt.Backup(f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}

// backupWriter is the response of a backup stream: each chunk must go
// within backupStall, and none goes once the server drains.
type backupWriter struct {
	w     io.Writer
	rc    *http.ResponseController
	drain <-chan struct{}
}

func (b *backupWriter) Write(p []byte) (int, error) {
	select {
	case <-b.drain:
		return 0, errors.New("the server is shutting down")
	default:
	}
	_ = b.rc.SetWriteDeadline(time.Now().Add(backupStall))
	return b.w.Write(p)
}

// localFn is one method of the local RPC: its arguments as JSON values, in
// order; its result (a slice for several).
type localFn func(ctx context.Context, args []json.RawMessage) (any, error)

// arg decodes the i-th argument.
func arg[T any](args []json.RawMessage, i int) (T, error) {
	var v T
	if i >= len(args) {
		return v, model.Errorf(model.EINVALID, "argument %d is missing", i+1)
	}
	if err := json.Unmarshal(args[i], &v); err != nil {
		return v, model.Errorf(model.EINVALID, "argument %d: %v", i+1, err)
	}
	return v, nil
}

func nargs(args []json.RawMessage, n int) error {
	if len(args) != n {
		return model.Errorf(model.EINVALID, "want %d arguments, got %d", n, len(args))
	}
	return nil
}

func fn0[R any](f func(context.Context) (R, error)) localFn {
	return func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 0); err != nil {
			return nil, err
		}
		return f(ctx)
	}
}

func fn1[A, R any](f func(context.Context, A) (R, error)) localFn {
	return func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 1); err != nil {
			return nil, err
		}
		a, err := arg[A](args, 0)
		if err != nil {
			return nil, err
		}
		return f(ctx, a)
	}
}

func fn2[A, B, R any](f func(context.Context, A, B) (R, error)) localFn {
	return func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 2); err != nil {
			return nil, err
		}
		a, err := arg[A](args, 0)
		if err != nil {
			return nil, err
		}
		b, err := arg[B](args, 1)
		if err != nil {
			return nil, err
		}
		return f(ctx, a, b)
	}
}

func fn3[A, B, C, R any](f func(context.Context, A, B, C) (R, error)) localFn {
	return func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 3); err != nil {
			return nil, err
		}
		a, err := arg[A](args, 0)
		if err != nil {
			return nil, err
		}
		b, err := arg[B](args, 1)
		if err != nil {
			return nil, err
		}
		c, err := arg[C](args, 2)
		if err != nil {
			return nil, err
		}
		return f(ctx, a, b, c)
	}
}

// fn1x2 is fn1 for a method with two results.
func fn1x2[A, R1, R2 any](f func(context.Context, A) (R1, R2, error)) localFn {
	return func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 1); err != nil {
			return nil, err
		}
		a, err := arg[A](args, 0)
		if err != nil {
			return nil, err
		}
		r1, r2, err := f(ctx, a)
		if err != nil {
			return nil, err
		}
		return []any{r1, r2}, nil
	}
}

// localMethods is the local RPC's table: every method of model.Service
// (wartime included) and of model.IntakeService, and Check when the service
// is the database file itself (maintainer).
func (s *Server) localMethods() map[string]localFn {
	svc := s.svc
	m := map[string]localFn{
		"Node":         fn1(svc.Node),
		"Nodes":        fn1(svc.Nodes),
		"ImportNodes":  fn3(svc.ImportNodes),
		"Person":       fn1(svc.Person),
		"People":       fn1(svc.People),
		"ImportPeople": fn3(svc.ImportPeople),
		"Report":       fn1(svc.Report),
		"Incident":     fn1(svc.Incident),
		"Incidents":    fn1(svc.Incidents),
		"Act":          fn2(svc.Act),
		"Timeline":     fn1(svc.Timeline),
		"Sweep":        fn0(svc.Sweep),
		"Events":       fn2(svc.Events),
		"Stats":        fn0(svc.Stats),
		"Policy": fn0(func(context.Context) (model.Policy, error) {
			return svc.Policy(), nil
		}),
		"Now": fn0(func(context.Context) (time.Time, error) {
			return svc.Now(), nil
		}),
	}
	m["WartimeStatus"] = fn0(svc.WartimeStatus)
	m["Activate"] = func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 5); err != nil {
			return nil, err
		}
		reason, e1 := arg[model.Reason](args, 0)
		scope, e2 := arg[[]model.NodeCode](args, 1)
		drill, e3 := arg[bool](args, 2)
		note, e4 := arg[string](args, 3)
		by, e5 := arg[model.PersonID](args, 4)
		if err := errors.Join(e1, e2, e3, e4, e5); err != nil {
			return nil, err
		}
		return svc.Activate(ctx, reason, scope, drill, note, by)
	}
	m["Deactivate"] = fn2(svc.Deactivate)
	m["AfterAction"] = fn1(svc.AfterAction)
	m["DraftReserve"] = fn3(svc.DraftReserve)
	m["IssueDirective"] = func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 5); err != nil {
			return nil, err
		}
		text, e1 := arg[string](args, 0)
		targets, e2 := arg[[]model.NodeCode](args, 1)
		deadline, e3 := arg[time.Duration](args, 2)
		by, e4 := arg[model.PersonID](args, 3)
		dry, e5 := arg[bool](args, 4)
		if err := errors.Join(e1, e2, e3, e4, e5); err != nil {
			return nil, err
		}
		d, units, err := svc.IssueDirective(ctx, text, targets, deadline, by, dry)
		if err != nil {
			return nil, err
		}
		return []any{d, units}, nil
	}
	m["Directive"] = fn1x2(svc.Directive)
	m["Directives"] = fn0(svc.Directives)
	m["UnitDirectives"] = fn1x2(svc.UnitDirectives)
	m["SignDirective"] = fn3(svc.SignDirective)
	m["DirectiveProgress"] = func(ctx context.Context, args []json.RawMessage) (any, error) {
		if err := nargs(args, 5); err != nil {
			return nil, err
		}
		id, e1 := arg[string](args, 0)
		unit, e2 := arg[model.NodeCode](args, 1)
		done, e3 := arg[int](args, 2)
		of, e4 := arg[int](args, 3)
		by, e5 := arg[model.PersonID](args, 4)
		if err := errors.Join(e1, e2, e3, e4, e5); err != nil {
			return nil, err
		}
		return svc.DirectiveProgress(ctx, id, unit, done, of, by)
	}
	m["ResendDirective"] = fn2(svc.ResendDirective)
	if mt, ok := svc.(maintainer); ok {
		m["Check"] = fn0(mt.Check)
	}
	if in := s.intake; in != nil {
		m["IssueToken"] = fn1(in.IssueToken)
		m["RevokeTokens"] = fn1(in.RevokeTokens)
		m["RevokeToken"] = fn1(in.RevokeToken)
		m["Tokens"] = fn1(in.Tokens)
		m["Authenticate"] = fn1(in.Authenticate)
		m["ReportOnce"] = func(ctx context.Context, args []json.RawMessage) (any, error) {
			if err := nargs(args, 3); err != nil {
				return nil, err
			}
			person, e1 := arg[model.PersonID](args, 0)
			key, e2 := arg[string](args, 1)
			r, e3 := arg[model.Report](args, 2)
			if err := errors.Join(e1, e2, e3); err != nil {
				return nil, err
			}
			inc, dup, err := in.ReportOnce(ctx, person, key, r)
			if err != nil {
				return nil, err
			}
			return []any{inc, dup}, nil
		}
		m["Alert"] = fn1(in.Alert)
	}
	return m
}

// localResponse is the body of a local RPC answer.
type localResponse struct {
	Result  json.RawMessage `json:"result,omitempty"`
	Error   string          `json:"error,omitempty"`
	ErrorZh string          `json:"error_zh,omitempty"` // the refusal in Chinese, for a console in zh
	Code    string          `json:"code,omitempty"`
}

// localAuth admits loopback callers with the local credential; it answers
// 403 or 401 itself.
func (s *Server) localAuth(w http.ResponseWriter, r *http.Request) bool {
	if !isLoopback(r.RemoteAddr) {
		writeError(w, http.StatusForbidden, "", "the local API answers loopback callers only")
		return false
	}
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, localScheme) ||
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(cred)), []byte(s.opts.LocalCredential)) != 1 {
		writeError(w, http.StatusUnauthorized, "Authorization", "the local API wants the credential of the database's .api file")
		return false
	}
	return true
}

func (s *Server) handleLocal(w http.ResponseWriter, r *http.Request) {
	if !s.localAuth(w, r) {
		return
	}
	name := r.PathValue("method")
	fn, ok := s.local[name]
	if !ok {
		writeError(w, http.StatusNotFound, "method", "no local method %q", name)
		return
	}
	if !s.admitWrite(w) {
		return
	}
	defer s.endWrite()
	body, err := readBody(w, r, localBodyLimit)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	var args []json.RawMessage
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &args); err != nil {
			writeError(w, http.StatusBadRequest, "", "want a JSON array of arguments: %v", err)
			return
		}
	}
	res, err := fn(r.Context(), args)
	if err != nil {
		code := model.ErrorCode(err)
		if code == model.EINTERNAL {
			s.log.Error("local call failed", "method", name, "err", err)
		}
		writeJSON(w, statusOf(err), localResponse{Error: model.ErrorMessage(err), ErrorZh: model.ErrorMessageZh(err), Code: code})
		return
	}
	b, err := json.Marshal(res)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, localResponse{Error: "encoding the result: " + err.Error(), Code: model.EINTERNAL})
		return
	}
	writeJSON(w, http.StatusOK, localResponse{Result: b})
}

// streamLine is one line of the local event stream.
type streamLine struct {
	Ready  bool          `json:"ready,omitempty"`
	Events []model.Event `json:"events,omitempty"`
	Lost   bool          `json:"lost,omitempty"`
}

// handleSubscribe streams the service's committed events as NDJSON: first
// {"ready":true} once subscribed, then one line per batch, {"lost":true}
// when batches were dropped. It ends when the client goes, the service's
// subscription closes or the server drains.
func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.localAuth(w, r) {
		return
	}
	if s.isDraining() {
		s.unavailable(w, "the server is shutting down", "服务正在关闭")
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "", "streaming is not supported here")
		return
	}
	sub := s.svc.Subscribe()
	defer sub.Close()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	send := func(l streamLine) bool {
		if err := enc.Encode(l); err != nil {
			return false
		}
		if err := bw.Flush(); err != nil {
			return false
		}
		fl.Flush()
		return true
	}
	if !send(streamLine{Ready: true}) {
		return
	}
	lost := false
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.drainCh:
			return
		case evs, ok := <-sub.C():
			if !ok {
				return
			}
			if !lost && sub.Lost() {
				lost = true
				if !send(streamLine{Lost: true}) {
					return
				}
			}
			if !send(streamLine{Events: evs}) {
				return
			}
		}
	}
}
