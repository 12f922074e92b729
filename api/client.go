package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"gridcmd/model"
)

// Client is model.Service (with the wartime and intake services) over the
// local RPC route of a server on this machine, for the command line while
// that server holds the database. Its methods are safe for concurrent use.
type Client struct {
	mu     sync.Mutex
	at     endpoint     // where the server is; a restarted server is found again (relocate)
	dbPath string       // the database whose local file DialLocal read; "" for NewLocalClient
	hc     *http.Client // calls
	stream *http.Client // the event stream: no overall timeout
	policy model.Policy
}

// endpoint is a server's base URL (http://127.0.0.1:7420) and its local
// credential.
type endpoint struct{ base, cred string }

var (
	_ model.Service       = (*Client)(nil)
	_ model.IntakeService = (*Client)(nil)
)

// callTimeout bounds the calls that take no context (Policy, Now) and the
// health check; callLimit any call (a county's import included).
const (
	callTimeout = 5 * time.Second
	callLimit   = 5 * time.Minute
)

// NewLocalClient connects to the server at addr (which must be a loopback
// address; an unspecified host such as 0.0.0.0 means this machine) with
// the local credential cred, checks /healthz and reads the policy.
func NewLocalClient(addr, cred string) (*Client, error) {
	at, err := localEndpoint(addr, cred)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:               nil, // never through a proxy
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConns:        16,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     60 * time.Second,
	}
	c := &Client{
		at:     at,
		hc:     &http.Client{Transport: tr, Timeout: callLimit},
		stream: &http.Client{Transport: tr},
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := c.Health(ctx); err != nil {
		c.Close()
		return nil, err
	}
	if err := c.call(ctx, "Policy", nil, &c.policy); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// localEndpoint checks a local API address (which must be a loopback
// address; an unspecified host such as 0.0.0.0 means this machine).
func localEndpoint(addr, cred string) (endpoint, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return endpoint{}, model.Errorf(model.EINVALID, "local API address %q: %v", addr, err)
	}
	ip := net.ParseIP(host)
	switch {
	case host == "" || ip != nil && ip.IsUnspecified():
		if ip != nil && ip.To4() == nil {
			host = "::1"
		} else {
			host = "127.0.0.1"
		}
	case host == "localhost":
		host = "127.0.0.1"
	case ip == nil || !ip.IsLoopback():
		return endpoint{}, model.Errorf(model.EINVALID, "local API address %q is not a loopback address; the local credential is sent over loopback only", addr)
	}
	return endpoint{base: "http://" + net.JoinHostPort(host, port), cred: cred}, nil
}

// Addr is the server's base URL.
func (c *Client) Addr() string { return c.endpoint().base }

func (c *Client) endpoint() endpoint {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// relocate looks for the server again after the one at failed stopped
// answering or stopped taking its credential: a gridcmd that holds the
// database again (restarted, on another port, with a new credential) has
// written its own local file. It takes what the file says if that differs
// from failed, and reports whether it did. Only a client from DialLocal
// knows where to look.
func (c *Client) relocate(failed endpoint) bool {
	if c.dbPath == "" {
		return false
	}
	lf, err := readLocal(LocalPath(c.dbPath))
	if err != nil {
		return false
	}
	next, err := localEndpoint(lf.Addr, lf.Credential)
	if err != nil || next == failed {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == failed {
		c.at = next
	}
	return true
}

// unanswered reports whether err (from the HTTP client) means the request
// never reached a server: the connection was refused or never made. Such a
// request can be sent again, elsewhere, without doing anything twice.
func unanswered(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Close drops the client's idle connections.
func (c *Client) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// Health asks /healthz: nil when the server answers ok, EUNAVAIL when it
// does not answer or is shutting down.
func (c *Client) Health(ctx context.Context) error { return c.health(ctx, true) }

func (c *Client) health(ctx context.Context, again bool) error {
	at := c.endpoint()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, at.base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if again && unanswered(err) && c.relocate(at) {
			return c.health(ctx, false)
		}
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s does not answer: %v", at.base, err).
			Zh("%s 的 gridcmd 服务无应答：%v", at.base, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s is not ready (%s)", at.base, resp.Status).
			Zh("%s 的 gridcmd 服务尚未就绪（%s）", at.base, resp.Status)
	}
	return nil
}

// Backup streams a consistent copy of the server's database into w and
// returns its size. It fails unless the server says it wrote the whole
// copy and exactly the bytes w received: a copy cut short is an error,
// never a smaller file that looks whole.
func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	at := c.endpoint()
	base := at.base
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/local/backup", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", localScheme+" "+at.cred)
	resp, err := c.stream.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, model.Errorf(model.EUNAVAIL, "the gridcmd server at %s: %v", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e errorJSON
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		return 0, model.Errorf(codeOfStatus(resp.StatusCode), "backup from the gridcmd server at %s: %s", base, e.Error)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("backup from the gridcmd server at %s: cut short after %d bytes: %w", base, n, err)
	}
	if msg := resp.Trailer.Get(backupErrorTrailer); msg != "" {
		return n, fmt.Errorf("backup from the gridcmd server at %s: %s", base, msg)
	}
	if want := resp.Trailer.Get(backupBytesTrailer); want != strconv.FormatInt(n, 10) {
		return n, fmt.Errorf("backup from the gridcmd server at %s: got %d bytes, the server says it wrote %q", base, n, want)
	}
	return n, nil
}

// Check runs the database check in the server that holds the file.
func (c *Client) Check(ctx context.Context) ([]string, error) {
	var problems []string
	err := c.call(ctx, "Check", nil, &problems)
	return problems, err
}

// call runs one local method: args are sent as a JSON array; the result is
// decoded into out (one pointer), or into outs in order when the method
// has several results. A domain error comes back as a *model.Error with
// its code.
func (c *Client) call(ctx context.Context, method string, args []any, outs ...any) error {
	return c.send(ctx, method, args, true, outs...)
}

// send is call; again allows the one resend to a relocated server.
func (c *Client) send(ctx context.Context, method string, args []any, again bool, outs ...any) error {
	if args == nil {
		args = []any{}
	}
	body, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("local %s: %w", method, err)
	}
	at := c.endpoint()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, at.base+"/api/v1/local/"+method, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", localScheme+" "+at.cred)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The server is gone. If another holds the database now, a call
		// that never reached the old one goes to it; any other waits for
		// the next call, so nothing is done twice.
		if again && c.relocate(at) && unanswered(err) {
			return c.send(ctx, method, args, false, outs...)
		}
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s: %v", at.base, err).
			Zh("%s 的 gridcmd 服务已断开：%v", at.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized && again && c.relocate(at) {
		// A new server with a new credential: the old one was refused
		// before anything was done.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return c.send(ctx, method, args, false, outs...)
	}
	var lr localResponse
	dec := json.NewDecoder(resp.Body)
	if err := dec.Decode(&lr); err != nil {
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s answered %s to %s with no readable body: %v", at.base, resp.Status, method, err).
			Zh("%s 的 gridcmd 服务对 %s 的应答（%s）无法读取：%v", at.base, method, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK || lr.Error != "" {
		code := lr.Code
		if code == "" {
			code = codeOfStatus(resp.StatusCode)
		}
		msg := lr.Error
		if msg == "" {
			msg = resp.Status
		}
		return &model.Error{Code: code, Message: msg, MessageZh: lr.ErrorZh}
	}
	switch len(outs) {
	case 0:
		return nil
	case 1:
		if err := json.Unmarshal(lr.Result, outs[0]); err != nil {
			return fmt.Errorf("local %s: decoding the result: %w", method, err)
		}
		return nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(lr.Result, &parts); err != nil || len(parts) != len(outs) {
		return fmt.Errorf("local %s: want %d results, got %s", method, len(outs), lr.Result)
	}
	for i, p := range parts {
		if err := json.Unmarshal(p, outs[i]); err != nil {
			return fmt.Errorf("local %s: decoding result %d: %w", method, i+1, err)
		}
	}
	return nil
}

// codeOfStatus is the domain code of an error status without a body that
// names one (a proxy's or the server's own 401, 413, 503).
func codeOfStatus(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return model.EINVALID
	case http.StatusTooManyRequests:
		return model.EUNAVAIL
	}
	for _, cs := range codeStatus {
		if cs.status == status {
			return cs.code
		}
	}
	return model.EINTERNAL
}

// TowerService.

func (c *Client) Node(ctx context.Context, code model.NodeCode) (n model.Node, err error) {
	err = c.call(ctx, "Node", []any{code}, &n)
	return n, err
}

func (c *Client) Nodes(ctx context.Context, root model.NodeCode) (ns []model.Node, err error) {
	err = c.call(ctx, "Nodes", []any{root}, &ns)
	return ns, err
}

func (c *Client) ImportNodes(ctx context.Context, nodes []model.Node, by model.PersonID, note string) (n int, err error) {
	err = c.call(ctx, "ImportNodes", []any{nodes, by, note}, &n)
	return n, err
}

// RosterService.

func (c *Client) Person(ctx context.Context, id model.PersonID) (p model.Person, err error) {
	err = c.call(ctx, "Person", []any{id}, &p)
	return p, err
}

func (c *Client) People(ctx context.Context, f model.PeopleFilter) (ps []model.Person, err error) {
	err = c.call(ctx, "People", []any{f}, &ps)
	return ps, err
}

func (c *Client) ImportPeople(ctx context.Context, people []model.Person, by model.PersonID, note string) (ps []model.Person, err error) {
	err = c.call(ctx, "ImportPeople", []any{people, by, note}, &ps)
	return ps, err
}

// IncidentService.

func (c *Client) Report(ctx context.Context, r model.Report) (inc model.Incident, err error) {
	err = c.call(ctx, "Report", []any{r}, &inc)
	return inc, err
}

func (c *Client) Incident(ctx context.Context, id string) (inc model.Incident, err error) {
	err = c.call(ctx, "Incident", []any{id}, &inc)
	return inc, err
}

func (c *Client) Incidents(ctx context.Context, f model.IncidentFilter) (list []model.Incident, err error) {
	err = c.call(ctx, "Incidents", []any{f}, &list)
	return list, err
}

func (c *Client) Act(ctx context.Context, id string, cmd model.Command) (inc model.Incident, err error) {
	err = c.call(ctx, "Act", []any{id, cmd}, &inc)
	return inc, err
}

func (c *Client) Timeline(ctx context.Context, id string) (evs []model.Event, err error) {
	err = c.call(ctx, "Timeline", []any{id}, &evs)
	return evs, err
}

func (c *Client) Sweep(ctx context.Context) (evs []model.Event, err error) {
	err = c.call(ctx, "Sweep", nil, &evs)
	return evs, err
}

// EventService.

func (c *Client) Events(ctx context.Context, before uint64, limit int) (evs []model.Event, err error) {
	err = c.call(ctx, "Events", []any{before, limit}, &evs)
	return evs, err
}

// Subscribe follows the server's event stream. It returns once the server
// has subscribed, so every batch committed after it returns is delivered
// (unless the reader falls behind: then Lost turns true). If the stream
// cannot be opened, or ends (the server went away), the channel closes.
func (c *Client) Subscribe() model.Subscription {
	ctx, cancel := context.WithCancel(context.Background())
	x := &clientSub{ch: make(chan []model.Event, 256), cancel: cancel}
	ready := make(chan struct{})
	go x.run(ctx, c, ready)
	select {
	case <-ready:
	case <-time.After(callTimeout):
		x.lost.Store(true)
		x.Close()
	}
	return x
}

// clientSub is a Subscription over the local event stream.
type clientSub struct {
	ch     chan []model.Event
	lost   atomic.Bool
	cancel context.CancelFunc
	once   sync.Once
}

func (x *clientSub) C() <-chan []model.Event { return x.ch }
func (x *clientSub) Lost() bool              { return x.lost.Swap(false) }

// Close ends the subscription; its channel closes soon after.
func (x *clientSub) Close() { x.cancel() }

func (x *clientSub) run(ctx context.Context, c *Client, ready chan struct{}) {
	readyOnce := sync.OnceFunc(func() { close(ready) })
	defer readyOnce()
	defer x.once.Do(func() { close(x.ch) })
	resp, err := c.openStream(ctx, true)
	if err != nil {
		x.lost.Store(true)
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 256<<20)
	for sc.Scan() {
		var l streamLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			x.lost.Store(true)
			return
		}
		switch {
		case l.Ready:
			readyOnce()
		case l.Lost:
			x.lost.Store(true)
		case len(l.Events) > 0:
			select {
			case x.ch <- l.Events:
			default:
				x.lost.Store(true)
			}
		}
	}
}

// openStream opens the event stream; again, once, at a server found by
// relocate if the first answer says the server is gone or was replaced.
func (c *Client) openStream(ctx context.Context, again bool) (*http.Response, error) {
	at := c.endpoint()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, at.base+"/api/v1/local/subscribe", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", localScheme+" "+at.cred)
	resp, err := c.stream.Do(req)
	if err == nil && resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	if err == nil {
		_ = resp.Body.Close()
		err = fmt.Errorf("event stream: %s", resp.Status)
	}
	if again && c.relocate(at) {
		return c.openStream(ctx, false)
	}
	return nil, err
}

// The rest of model.Service.

func (c *Client) Stats(ctx context.Context) (st model.Stats, err error) {
	err = c.call(ctx, "Stats", nil, &st)
	return st, err
}

// Policy is the server's policy, as read when the client connected.
func (c *Client) Policy() model.Policy { return c.policy }

// Now is the server's clock; if the server does not answer, this
// machine's (they are the same machine).
func (c *Client) Now() time.Time {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var t time.Time
	if err := c.call(ctx, "Now", nil, &t); err != nil {
		return time.Now()
	}
	return t
}

// WartimeService.

func (c *Client) WartimeStatus(ctx context.Context) (st model.WartimeStatus, err error) {
	err = c.call(ctx, "WartimeStatus", nil, &st)
	return st, err
}

func (c *Client) Activate(ctx context.Context, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) (a model.Activation, err error) {
	err = c.call(ctx, "Activate", []any{reason, scope, drill, note, by}, &a)
	return a, err
}

func (c *Client) Deactivate(ctx context.Context, id string, by model.PersonID) (aa model.AfterAction, err error) {
	err = c.call(ctx, "Deactivate", []any{id, by}, &aa)
	return aa, err
}

func (c *Client) AfterAction(ctx context.Context, id string) (aa model.AfterAction, err error) {
	err = c.call(ctx, "AfterAction", []any{id}, &aa)
	return aa, err
}

func (c *Client) DraftReserve(ctx context.Context, person model.PersonID, micro model.NodeCode, by model.PersonID) (d model.Draft, err error) {
	err = c.call(ctx, "DraftReserve", []any{person, micro, by}, &d)
	return d, err
}

func (c *Client) IssueDirective(ctx context.Context, text string, targets []model.NodeCode, deadline time.Duration, by model.PersonID, dryRun bool) (d model.Directive, units []model.DirectiveUnit, err error) {
	err = c.call(ctx, "IssueDirective", []any{text, targets, deadline, by, dryRun}, &d, &units)
	return d, units, err
}

func (c *Client) Directive(ctx context.Context, id string) (d model.Directive, units []model.DirectiveUnit, err error) {
	err = c.call(ctx, "Directive", []any{id}, &d, &units)
	return d, units, err
}

func (c *Client) Directives(ctx context.Context) (ds []model.Directive, err error) {
	err = c.call(ctx, "Directives", nil, &ds)
	return ds, err
}

func (c *Client) UnitDirectives(ctx context.Context, unit model.NodeCode) (ds []model.Directive, units []model.DirectiveUnit, err error) {
	err = c.call(ctx, "UnitDirectives", []any{unit}, &ds, &units)
	return ds, units, err
}

func (c *Client) SignDirective(ctx context.Context, id string, unit model.NodeCode, by model.PersonID) (u model.DirectiveUnit, err error) {
	err = c.call(ctx, "SignDirective", []any{id, unit, by}, &u)
	return u, err
}

func (c *Client) DirectiveProgress(ctx context.Context, id string, unit model.NodeCode, done, of int, by model.PersonID) (u model.DirectiveUnit, err error) {
	err = c.call(ctx, "DirectiveProgress", []any{id, unit, done, of, by}, &u)
	return u, err
}

func (c *Client) ResendDirective(ctx context.Context, id string, by model.PersonID) (n int, err error) {
	err = c.call(ctx, "ResendDirective", []any{id, by}, &n)
	return n, err
}

// IntakeService.

func (c *Client) IssueToken(ctx context.Context, person model.PersonID) (tok string, err error) {
	err = c.call(ctx, "IssueToken", []any{person}, &tok)
	return tok, err
}

func (c *Client) RevokeTokens(ctx context.Context, person model.PersonID) (n int, err error) {
	err = c.call(ctx, "RevokeTokens", []any{person}, &n)
	return n, err
}

func (c *Client) RevokeToken(ctx context.Context, prefix string) (ti model.TokenInfo, err error) {
	err = c.call(ctx, "RevokeToken", []any{prefix}, &ti)
	return ti, err
}

func (c *Client) Tokens(ctx context.Context, person model.PersonID) (list []model.TokenInfo, err error) {
	err = c.call(ctx, "Tokens", []any{person}, &list)
	return list, err
}

func (c *Client) Authenticate(ctx context.Context, token string) (p model.Person, err error) {
	err = c.call(ctx, "Authenticate", []any{token}, &p)
	return p, err
}

func (c *Client) ReportOnce(ctx context.Context, person model.PersonID, key string, r model.Report) (inc model.Incident, dup bool, err error) {
	err = c.call(ctx, "ReportOnce", []any{person, key, r}, &inc, &dup)
	return inc, dup, err
}

func (c *Client) Alert(ctx context.Context, a model.Alert) (res model.AlertResult, err error) {
	err = c.call(ctx, "Alert", []any{a}, &res)
	return res, err
}
