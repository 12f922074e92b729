package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
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

// endpoint is a server's base URL (http://127.0.0.1:7420), its local
// credential, and the Authorization the handshake with it gave (the
// credential itself is never sent).
type endpoint struct{ base, cred, auth string }

// same reports whether e and o are one server with one credential.
func (e endpoint) same(o endpoint) bool { return e.base == o.base && e.cred == o.cred }

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
// the local credential cred: the server must first prove it holds cred
// (the handshake, handshake.go; EUNAVAIL when it does not, and nothing
// but a random nonce was sent to it), then /healthz must answer and the
// policy is read.
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
	if c.at.auth, err = hello(ctx, c.hc, at.base, at.cred); err != nil {
		c.Close()
		return nil, err
	}
	if err := c.Health(ctx); err != nil {
		c.Close()
		return nil, err
	}
	if c.policy, err = call(ctx, c, rpcPolicy, none{}); err != nil {
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
		return endpoint{}, model.Errorf(model.EINVALID, "local API address %q: %v", addr, err).
			Zh("本地接口地址 %q：%v", addr, err)
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
		return endpoint{}, model.Errorf(model.EINVALID, "local API address %q is not a loopback address; the local credential is sent over loopback only", addr).
			Zh("本地接口地址 %q 不是回环地址；本地凭据只经回环地址发送", addr)
	}
	return endpoint{base: "http://" + net.JoinHostPort(host, port), cred: cred}, nil
}

// request is a request to the server at path, with the local credential.
func (at endpoint) request(ctx context.Context, verb, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, verb, at.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", at.auth)
	return req, nil
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
// from failed and the server there proves it holds the new credential
// (the handshake), and reports whether it did. Only a client from
// DialLocal knows where to look.
func (c *Client) relocate(failed endpoint) bool {
	if c.dbPath == "" {
		return false
	}
	lf, err := readLocal(LocalPath(c.dbPath))
	if err != nil {
		return false
	}
	next, err := localEndpoint(lf.Addr, lf.Credential)
	if err != nil || next.same(failed) {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if next.auth, err = hello(ctx, c.hc, next.base, next.cred); err != nil {
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

// gone is the refusal of a request the server at base never answered, as
// one plain sentence naming the address, never the HTTP client's text
// (`Post "http://…/api/v1/local/Act": dial tcp …: connection refused`),
// which the operator cannot act on: nothing answers there (nothing was
// done), it did not answer in time, or the connection broke before the
// answer came. acted: the request may have done something (a call, see
// send), so a timeout or a break says to look before trying again.
func gone(base string, err error, acted bool) error {
	addr := strings.TrimPrefix(base, "http://")
	var ne net.Error
	switch {
	case unanswered(err):
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s is not running (nothing answers there); start gridcmd again (serve, hub, or a console on the file)", addr).
			Zh("%s 的 gridcmd 服务未在运行（该地址无应答），请重新启动 gridcmd（serve、hub 或持有数据库的控制台）", addr)
	case !acted:
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s stopped answering", addr).
			Zh("%s 的 gridcmd 服务已无应答", addr)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s did not answer in time; what was asked may have been done, so look before you try again", addr).
			Zh("%s 的 gridcmd 服务未能及时应答，所请求的可能已办理，请先查看再重试", addr).MaybeDone()
	}
	return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s stopped before it answered; what was asked may have been done, so look before you try again", addr).
		Zh("%s 的 gridcmd 服务在应答前中断，所请求的可能已办理，请先查看再重试", addr).MaybeDone()
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
		return gone(at.base, err, false)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s is not ready (%s)", at.base, resp.Status).
			Zh("%s 的 gridcmd 服务尚未就绪（%s）", at.base, resp.Status)
	}
	return nil
}

// call runs the local method m with req and returns its result. A domain
// error comes back as a *model.Error with its code and its Chinese.
func call[Req, Resp any](ctx context.Context, c *Client, m method[Req, Resp], req Req) (Resp, error) {
	var resp Resp
	body, err := json.Marshal(req)
	if err != nil {
		return resp, fmt.Errorf("local %s: %w", m.name, err)
	}
	err = c.send(ctx, m.name, body, &resp, true)
	return resp, err
}

// send posts body to the local method name and decodes the result into
// out; again allows the one resend to a relocated server.
func (c *Client) send(ctx context.Context, name string, body []byte, out any, again bool) error {
	at := c.endpoint()
	req, err := at.request(ctx, http.MethodPost, "/api/v1/local/"+name, bytes.NewReader(body))
	if err != nil {
		return err
	}
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
			return c.send(ctx, name, body, out, false)
		}
		return gone(at.base, err, true)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized && again && c.relocate(at) {
		// A new server with a new credential: the old one was refused
		// before anything was done.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return c.send(ctx, name, body, out, false)
	}
	var lr localResponse
	dec := json.NewDecoder(resp.Body)
	if err := dec.Decode(&lr); err != nil {
		return model.Errorf(model.EUNAVAIL, "the gridcmd server at %s answered %s to %s with no readable body: %v", at.base, resp.Status, name, err).
			Zh("%s 的 gridcmd 服务对 %s 的应答（%s）无法读取：%v", at.base, name, resp.Status, err).MaybeDone()
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
		return &model.Error{Code: code, Message: msg, MessageZh: lr.ErrorZh, Item: lr.Item, Other: lr.Other, Field: lr.Field}
	}
	if err := json.Unmarshal(lr.Result, out); err != nil {
		return fmt.Errorf("local %s: decoding the result: %w", name, err)
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

// The methods of model.Service and model.IntakeService, each a call
// through its descriptor in methods.go.

// TowerService.

func (c *Client) Node(ctx context.Context, code model.NodeCode) (model.Node, error) {
	return call(ctx, c, rpcNode, nodeReq{Code: code})
}

func (c *Client) Nodes(ctx context.Context, root model.NodeCode) ([]model.Node, error) {
	return call(ctx, c, rpcNodes, nodeReq{Code: root})
}

func (c *Client) Subtree(ctx context.Context, root model.NodeCode, depth int) ([]model.CountedNode, error) {
	return call(ctx, c, rpcSubtree, subtreeReq{Code: root, Depth: depth})
}

func (c *Client) ImportNodes(ctx context.Context, nodes []model.Node, by model.PersonID, note string) (int, error) {
	return call(ctx, c, rpcImportNodes, importReq[model.Node]{Entries: nodes, By: by, Note: note})
}

// RosterService.

func (c *Client) Person(ctx context.Context, id model.PersonID) (model.Person, error) {
	return call(ctx, c, rpcPerson, personReq{Person: id})
}

func (c *Client) People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error) {
	return call(ctx, c, rpcPeople, f)
}

func (c *Client) PeopleOf(ctx context.Context, ids []model.PersonID) ([]model.Person, error) {
	return call(ctx, c, rpcPeopleOf, peopleReq{People: ids})
}

func (c *Client) ImportPeople(ctx context.Context, people []model.Person, by model.PersonID, note string) ([]model.Person, error) {
	return call(ctx, c, rpcImportPeople, importReq[model.Person]{Entries: people, By: by, Note: note})
}

func (c *Client) ImportRoster(ctx context.Context, rows []model.Person, opts model.RosterImport, by model.PersonID, note string) ([]model.RosterRow, error) {
	return call(ctx, c, rpcImportRoster, importRosterReq{Rows: rows, Update: opts.Update, DryRun: opts.DryRun, Keep: opts.Keep, By: by, Note: note})
}

// IncidentService.

func (c *Client) Report(ctx context.Context, r model.Report) (model.Incident, error) {
	return call(ctx, c, rpcReport, r)
}

func (c *Client) Incident(ctx context.Context, id string) (model.Incident, error) {
	return call(ctx, c, rpcIncident, idReq{ID: id})
}

func (c *Client) Incidents(ctx context.Context, f model.IncidentFilter) ([]model.Incident, error) {
	return call(ctx, c, rpcIncidents, f)
}

func (c *Client) Act(ctx context.Context, id string, cmd model.Command) (model.Incident, error) {
	return call(ctx, c, rpcAct, actReq{ID: id, Command: cmd})
}

func (c *Client) Timeline(ctx context.Context, id string) ([]model.Event, error) {
	return call(ctx, c, rpcTimeline, idReq{ID: id})
}

func (c *Client) Sweep(ctx context.Context) ([]model.Event, error) {
	return call(ctx, c, rpcSweep, none{})
}

func (c *Client) Note(ctx context.Context, id string, text string, by model.PersonID) (model.Incident, error) {
	return call(ctx, c, rpcNote, textReq{ID: id, Text: text, By: by})
}

func (c *Client) Figures(ctx context.Context, scope model.NodeCode) (model.Figures, error) {
	return call(ctx, c, rpcFigures, nodeReq{Code: scope})
}

// EventService (Subscribe is in stream.go) and the rest of model.Service.

func (c *Client) Events(ctx context.Context, before uint64, limit int) ([]model.Event, error) {
	return call(ctx, c, rpcEvents, eventsReq{Before: before, Limit: limit})
}

func (c *Client) Stats(ctx context.Context) (model.Stats, error) {
	return call(ctx, c, rpcStats, none{})
}

func (c *Client) StatsIn(ctx context.Context, scope model.NodeCode) (model.Stats, error) {
	return call(ctx, c, rpcStatsIn, nodeReq{Code: scope})
}

// Policy is the server's policy, as read when the client connected.
func (c *Client) Policy() model.Policy { return c.policy }

// Now is the server's clock; if the server does not answer, this
// machine's (they are the same machine).
func (c *Client) Now() time.Time {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	t, err := call(ctx, c, rpcNow, none{})
	if err != nil {
		return time.Now()
	}
	return t
}

// WartimeService.

func (c *Client) WartimeStatus(ctx context.Context, scope model.NodeCode) (model.WartimeStatus, error) {
	return call(ctx, c, rpcWartimeStatus, nodeReq{Code: scope})
}

func (c *Client) WartimeUnit(ctx context.Context, unit model.NodeCode) (model.UnitStatus, uint64, error) {
	r, err := call(ctx, c, rpcWartimeUnit, nodeReq{Code: unit})
	return r.Unit, r.Activation, err
}

func (c *Client) Activate(ctx context.Context, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) (model.Activation, error) {
	return call(ctx, c, rpcActivate, activateReq{Reason: reason, Scope: scope, Drill: drill, Note: note, By: by})
}

func (c *Client) ActivateTowns(ctx context.Context, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) ([]model.Activation, error) {
	return call(ctx, c, rpcActivateTowns, activateReq{Reason: reason, Scope: scope, Drill: drill, Note: note, By: by})
}

func (c *Client) Deactivate(ctx context.Context, id string, by model.PersonID) (model.AfterAction, error) {
	return call(ctx, c, rpcDeactivate, idByReq{ID: id, By: by})
}

func (c *Client) Widen(ctx context.Context, id string, scope []model.NodeCode, by model.PersonID) (model.Activation, error) {
	return call(ctx, c, rpcWiden, widenReq{ID: id, Scope: scope, By: by})
}

func (c *Client) AfterAction(ctx context.Context, id string) (model.AfterAction, error) {
	return call(ctx, c, rpcAfterAction, idReq{ID: id})
}

func (c *Client) DraftReserve(ctx context.Context, person model.PersonID, micro model.NodeCode, by model.PersonID) (model.Draft, error) {
	return call(ctx, c, rpcDraftReserve, draftReq{Person: person, Micro: micro, By: by})
}

func (c *Client) ReleaseReserve(ctx context.Context, person model.PersonID, by model.PersonID) (model.Draft, error) {
	return call(ctx, c, rpcReleaseReserve, releaseReq{Person: person, By: by})
}

func (c *Client) IssueDirective(ctx context.Context, text string, targets []model.NodeCode, deadline time.Duration, by model.PersonID, dryRun bool) (model.Directive, []model.DirectiveUnit, error) {
	return callDirective(ctx, c, rpcIssueDirective, issueDirectiveReq{directiveDraft{text, targets, by, dryRun}, deadline})
}

func (c *Client) IssueDirectiveAt(ctx context.Context, text string, targets []model.NodeCode, due time.Time, by model.PersonID, dryRun bool) (model.Directive, []model.DirectiveUnit, error) {
	return callDirective(ctx, c, rpcIssueDirectiveAt, issueDirectiveAtReq{directiveDraft{text, targets, by, dryRun}, due})
}

func (c *Client) Directive(ctx context.Context, id string) (model.Directive, []model.DirectiveUnit, error) {
	return callDirective(ctx, c, rpcDirective, idReq{ID: id})
}

func (c *Client) Directives(ctx context.Context, scope model.NodeCode) ([]model.Directive, error) {
	return call(ctx, c, rpcDirectives, nodeReq{Code: scope})
}

func (c *Client) UnitDirectives(ctx context.Context, unit model.NodeCode) ([]model.Directive, []model.DirectiveUnit, error) {
	r, err := call(ctx, c, rpcUnitDirectives, nodeReq{Code: unit})
	return r.Directives, r.Units, err
}

func (c *Client) SignDirective(ctx context.Context, id string, unit model.NodeCode, by model.PersonID) (model.DirectiveUnit, error) {
	return call(ctx, c, rpcSignDirective, signReq{ID: id, Unit: unit, By: by})
}

func (c *Client) DirectiveProgress(ctx context.Context, id string, unit model.NodeCode, done, of int, by model.PersonID) (model.DirectiveUnit, error) {
	return call(ctx, c, rpcDirectiveProgress, progressReq{ID: id, Unit: unit, Done: done, Of: of, By: by})
}

func (c *Client) DirectiveProgressNote(ctx context.Context, id string, unit model.NodeCode, done, of int, by model.PersonID, note string) (model.DirectiveUnit, error) {
	return call(ctx, c, rpcDirectiveProgressNote, progressReq{ID: id, Unit: unit, Done: done, Of: of, By: by, Note: note})
}

func (c *Client) ResendDirective(ctx context.Context, id string, within model.NodeCode, by model.PersonID) (int, error) {
	return call(ctx, c, rpcResendDirective, resendReq{ID: id, Within: within, By: by})
}

// Check runs the database check in the server that holds the file.
func (c *Client) Check(ctx context.Context) ([]string, error) {
	return call(ctx, c, rpcCheck, none{})
}

// IntakeService.

func (c *Client) IssueToken(ctx context.Context, person model.PersonID) (string, error) {
	return call(ctx, c, rpcIssueToken, personReq{Person: person})
}

func (c *Client) RevokeTokens(ctx context.Context, person model.PersonID) (int, error) {
	return call(ctx, c, rpcRevokeTokens, personReq{Person: person})
}

func (c *Client) RevokeToken(ctx context.Context, prefix string) (model.TokenInfo, error) {
	return call(ctx, c, rpcRevokeToken, prefixReq{Prefix: prefix})
}

func (c *Client) Tokens(ctx context.Context, person model.PersonID) ([]model.TokenInfo, error) {
	return call(ctx, c, rpcTokens, personReq{Person: person})
}

func (c *Client) Authenticate(ctx context.Context, token string) (model.Person, error) {
	return call(ctx, c, rpcAuthenticate, tokenReq{Token: token})
}

func (c *Client) ReportOnce(ctx context.Context, person model.PersonID, key string, r model.Report) (model.Incident, bool, error) {
	res, err := call(ctx, c, rpcReportOnce, reportOnceReq{Person: person, Key: key, Report: r})
	return res.Incident, res.Duplicate, err
}

func (c *Client) Alert(ctx context.Context, a model.Alert) (model.AlertResult, error) {
	return call(ctx, c, rpcAlert, a)
}

// KeyService.

var _ model.KeyService = (*Client)(nil)

func (c *Client) AddKey(ctx context.Context, person model.PersonID, key model.SSHKey) (model.SSHKey, error) {
	return call(ctx, c, rpcAddKey, addKeyReq{Person: person, Key: key})
}

func (c *Client) Keys(ctx context.Context, person model.PersonID) ([]model.SSHKey, error) {
	return call(ctx, c, rpcKeys, personReq{Person: person})
}

func (c *Client) RevokeKey(ctx context.Context, fingerprint string) (model.SSHKey, error) {
	return call(ctx, c, rpcRevokeKey, fingerprintReq{Fingerprint: fingerprint})
}

func (c *Client) RevokeKeys(ctx context.Context, person model.PersonID) ([]model.SSHKey, error) {
	return call(ctx, c, rpcRevokeKeys, personReq{Person: person})
}

func (c *Client) KeyHolder(ctx context.Context, fingerprint string) (model.SSHKey, model.Person, error) {
	r, err := call(ctx, c, rpcKeyHolder, fingerprintReq{Fingerprint: fingerprint})
	return r.Key, r.Person, err
}

// OpenSeats is how many SSH seats the server holding the database has
// open now: person's (every key of theirs), or, with fingerprint, that
// key's.
func (c *Client) OpenSeats(ctx context.Context, person model.PersonID, fingerprint string) (int, error) {
	return call(ctx, c, rpcOpenSeats, openSeatsReq{Person: person, Fingerprint: fingerprint})
}

func (c *Client) RecordSeat(ctx context.Context, r model.SeatRecord) error {
	_, err := call(ctx, c, rpcRecordSeat, r)
	return err
}
