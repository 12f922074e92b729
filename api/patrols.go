package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"gridcmd/model"
)

// The patrol flow on the field API and the local RPC.
//
//	POST /api/v1/patrols                  start a patrol {area}                    201 | 200 duplicate | 400 401 403 413 415 422 429 503
//	POST /api/v1/patrols/{id}/checkins    a check-in {checkpoint, location?}       201 | 200 duplicate | 400 401 403 404 409 413 415 422 429 503
//	POST /api/v1/patrols/{id}/end         end the patrol                           200 | 400 401 403 404 409 413 415 422 429 503
//	POST /api/v1/findings                 a finding {area, checkpoint?, category,  201 | 200 duplicate | 400 401 403 413 415 422 429 503
//	                                      text, location?, photo?}
//
// Tokens, Idempotency-Key, the body limit, strict JSON and the sanitiser
// are those of the reports. A patroller's token reaches the areas assigned
// to them, the liaison's (or a duty officer's) every area of their town:
// 403 otherwise (model.PatrolArea.MayPatrol).

// patrolRoutes registers the patrol flow's routes.
func (s *Server) patrolRoutes() {
	s.route("POST /api/v1/patrols", s.writing(s.handlePatrolStart))
	s.route("POST /api/v1/patrols/{id}/checkins", s.writing(s.handleCheckIn))
	s.route("POST /api/v1/patrols/{id}/end", s.writing(s.handlePatrolEnd))
	s.route("POST /api/v1/findings", s.writing(s.handleFinding))
}

// PatrolStartRequest is the body of POST /api/v1/patrols.
type PatrolStartRequest struct {
	Area string `json:"area"`
}

// CheckInRequest is the body of POST /api/v1/patrols/{id}/checkins.
type CheckInRequest struct {
	Checkpoint string    `json:"checkpoint"`
	Location   *Location `json:"location,omitempty"`
}

// FindingRequest is the body of POST /api/v1/findings.
type FindingRequest struct {
	Area       string    `json:"area"`
	Checkpoint string    `json:"checkpoint,omitempty"`
	Category   string    `json:"category"`
	Text       string    `json:"text"`
	Location   *Location `json:"location,omitempty"`
	Photo      string    `json:"photo,omitempty"`
}

// PatrolResponse is a patrol as the answers give it.
type PatrolResponse struct {
	ID          string     `json:"id"`
	Area        string     `json:"area"`
	Patroller   string     `json:"patroller"`
	StartedAt   time.Time  `json:"started_at"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Checkpoints int        `json:"checkpoints"`
	Checked     int        `json:"checked"`
	Complete    bool       `json:"complete"`
	Duplicate   bool       `json:"duplicate"`
}

// FindingResponse is the answer to a finding.
type FindingResponse struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Duplicate bool   `json:"duplicate"`
}

func patrolResponse(p model.Patrol, dup bool) PatrolResponse {
	return PatrolResponse{
		ID: p.ID, Area: p.Area, Patroller: p.Patroller.String(), StartedAt: p.Started,
		EndedAt: timePtr(p.Ended), CompletedAt: timePtr(p.Completed),
		Checkpoints: p.Checkpoints, Checked: p.Checked(), Complete: p.Complete(), Duplicate: dup,
	}
}

// latLon checks a request's location (422 naming location.lat or .lon).
func latLon(l *Location) (*model.LatLon, error) {
	if l == nil {
		return nil, nil
	}
	ll := &model.LatLon{Lat: l.Lat, Lon: l.Lon}
	if err := ll.Validate(); err != nil {
		return nil, invalid(err)
	}
	return ll, nil
}

// patrolCall authenticates, reads the Idempotency-Key and decodes the body
// into v (an empty body leaves v as it is when emptyOK), then refuses a
// field of needs(v) that is missing (422 naming it); ok false when it has
// answered.
func patrolCall[T any](s *Server, w http.ResponseWriter, r *http.Request, v *T, emptyOK bool, needs func(*T) []named) (caller, string, bool) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return c, "", false
	}
	key, ok := idempotencyKey(w, r)
	if !ok {
		return c, "", false
	}
	body, err := readBody(w, r, s.opts.BodyLimit)
	if err == nil && (!emptyOK || len(strings.TrimSpace(string(body))) > 0) {
		err = decodeStrict(body, v)
	}
	if err == nil && needs != nil {
		err = required(needs(v)...)
	}
	if err != nil {
		writeRequestError(w, err)
		return c, "", false
	}
	return c, key, true
}

// patrolArea parses a request's area: 422 on area, in both languages,
// when it is no area's code; ok false when it has answered.
func patrolArea(w http.ResponseWriter, s string) (string, bool) {
	area, err := model.ParseAreaCode(s)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Error: model.ErrorMessage(err), ErrorZh: zhOf(err), Field: "area"})
		return "", false
	}
	return area, true
}

// patrolError answers a refused patrol call: a key that made something
// else is the request's fault (422 on Idempotency-Key); an area or a
// checkpoint that is not there is a bad value (422); a patrol or finding
// that is not there is 404; the rest as every refusal.
func (s *Server) patrolError(w http.ResponseWriter, r *http.Request, c caller, err error) {
	field := model.ErrorField(err)
	switch {
	case field == "Idempotency-Key":
		writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Error: model.ErrorMessage(err), ErrorZh: zhOf(err), Field: field})
	case model.ErrorCode(err) == model.ENOTFOUND && field == "area":
		writeJSON(w, http.StatusUnprocessableEntity, errorJSON{Error: model.ErrorMessage(err), ErrorZh: zhOf(err), Field: field})
	default:
		s.fail(w, r, c.person.ID, "", err)
	}
}

func (s *Server) handlePatrolStart(w http.ResponseWriter, r *http.Request) {
	var req PatrolStartRequest
	c, key, ok := patrolCall(s, w, r, &req, false, func(q *PatrolStartRequest) []named {
		return []named{{"area", q.Area}}
	})
	if !ok {
		return
	}
	area, ok := patrolArea(w, req.Area)
	if !ok {
		return
	}
	p, dup, err := s.svc.StartPatrol(context.WithoutCancel(r.Context()), area, c.person.ID, key)
	if err != nil {
		s.patrolError(w, r, c, err)
		return
	}
	s.intakeAnswer(w, patrolResponse(p, dup), dup, func() {})
}

func (s *Server) handleCheckIn(w http.ResponseWriter, r *http.Request) {
	var req CheckInRequest
	c, key, ok := patrolCall(s, w, r, &req, false, func(q *CheckInRequest) []named {
		return []named{{"checkpoint", q.Checkpoint}}
	})
	if !ok {
		return
	}
	loc, err := latLon(req.Location)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	id := r.PathValue("id")
	p, dup, err := s.svc.PatrolCheckIn(context.WithoutCancel(r.Context()), id, req.Checkpoint, loc, c.person.ID, key)
	if err != nil {
		s.patrolError(w, r, c, err)
		return
	}
	s.intakeAnswer(w, patrolResponse(p, dup), dup, func() {})
}

func (s *Server) handlePatrolEnd(w http.ResponseWriter, r *http.Request) {
	var req struct{}
	c, key, ok := patrolCall(s, w, r, &req, true, nil)
	if !ok {
		return
	}
	p, dup, err := s.svc.EndPatrol(context.WithoutCancel(r.Context()), r.PathValue("id"), c.person.ID, key)
	if err != nil {
		s.patrolError(w, r, c, err)
		return
	}
	s.wrote()
	if dup {
		s.metrics.duplicates.Add(1)
	}
	writeJSON(w, http.StatusOK, patrolResponse(p, dup))
}

func (s *Server) handleFinding(w http.ResponseWriter, r *http.Request) {
	var req FindingRequest
	c, key, ok := patrolCall(s, w, r, &req, false, func(q *FindingRequest) []named {
		return []named{{"area", q.Area}, {"category", q.Category}, {"text", q.Text}}
	})
	if !ok {
		return
	}
	area, ok := patrolArea(w, req.Area)
	if !ok {
		return
	}
	loc, err := latLon(req.Location)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	f, dup, err := s.svc.AddFinding(context.WithoutCancel(r.Context()), model.FindingReport{
		Area: area, Checkpoint: req.Checkpoint, Category: req.Category, Text: req.Text, Loc: loc, Photo: req.Photo, By: c.person.ID,
	}, key)
	if err != nil {
		s.patrolError(w, r, c, err)
		return
	}
	s.intakeAnswer(w, FindingResponse{ID: f.ID, Status: string(f.Status), Duplicate: dup}, dup, func() {})
}

// The local RPC's patrol methods (model.PatrolService), listed in
// localMethods (methods.go).

type importAreasResp struct {
	Added    int `json:"added"`
	Replaced int `json:"replaced"`
}

type patrolStartReq struct {
	Area string         `json:"area"`
	By   model.PersonID `json:"by"`
	Key  string         `json:"key"`
}

type checkInReq struct {
	Patrol     string         `json:"patrol"`
	Checkpoint string         `json:"checkpoint"`
	Loc        *model.LatLon  `json:"loc"`
	By         model.PersonID `json:"by"`
	Key        string         `json:"key"`
}

type patrolEndReq struct {
	Patrol string         `json:"patrol"`
	By     model.PersonID `json:"by"`
	Key    string         `json:"key"`
}

// patrolResp is a patrol and whether the call was a retry of one already
// taken (the key seen before).
type patrolResp struct {
	Patrol    model.Patrol `json:"patrol"`
	Duplicate bool         `json:"duplicate"`
}

// patrolAnswer is the server's answer of a patrol method.
func patrolAnswer(p model.Patrol, dup bool, err error) (patrolResp, error) {
	return patrolResp{p, dup}, err
}

// callPatrol is the client's call of a patrol method.
func callPatrol[Req any](ctx context.Context, c *Client, m method[Req, patrolResp], req Req) (model.Patrol, bool, error) {
	r, err := call(ctx, c, m, req)
	return r.Patrol, r.Duplicate, err
}

type addFindingReq struct {
	Report model.FindingReport `json:"report"`
	Key    string              `json:"key"`
}

type findingResp struct {
	Finding   model.Finding `json:"finding"`
	Duplicate bool          `json:"duplicate"`
}

type passReq struct {
	ID       string         `json:"id"`
	Node     model.NodeCode `json:"node"`
	Category string         `json:"category"`
	Severity model.Severity `json:"severity"`
	By       model.PersonID `json:"by"`
}

type passResp struct {
	Finding  model.Finding  `json:"finding"`
	Incident model.Incident `json:"incident"`
}

type mergeReq struct {
	ID       string         `json:"id"`
	Incident string         `json:"incident"`
	By       model.PersonID `json:"by"`
}

type closeFindingReq struct {
	ID     string         `json:"id"`
	Reason string         `json:"reason"`
	By     model.PersonID `json:"by"`
}

type boardReq struct {
	Day  time.Time      `json:"day"`
	Node model.NodeCode `json:"node,omitempty"` // the subtree; absent: the whole file
}

type addRotationReq struct {
	Rotation model.JointRotation `json:"rotation"`
	By       model.PersonID      `json:"by"`
	Note     string              `json:"note"`
}

var rpcImportAreas = newMethod("ImportAreas", onService, func(ctx context.Context, s services, r importReq[model.PatrolArea]) (importAreasResp, error) {
	a, n, err := s.svc.ImportAreas(ctx, r.Entries, r.By, r.Note)
	return importAreasResp{a, n}, err
}).writing()

var rpcAreas = svcNone("Areas", model.Service.Areas)

var rpcStartPatrol = newMethod("StartPatrol", onService, func(ctx context.Context, s services, r patrolStartReq) (patrolResp, error) {
	return patrolAnswer(s.svc.StartPatrol(ctx, r.Area, r.By, r.Key))
}).writing()

var rpcPatrolCheckIn = newMethod("PatrolCheckIn", onService, func(ctx context.Context, s services, r checkInReq) (patrolResp, error) {
	return patrolAnswer(s.svc.PatrolCheckIn(ctx, r.Patrol, r.Checkpoint, r.Loc, r.By, r.Key))
}).writing()

var rpcEndPatrol = newMethod("EndPatrol", onService, func(ctx context.Context, s services, r patrolEndReq) (patrolResp, error) {
	return patrolAnswer(s.svc.EndPatrol(ctx, r.Patrol, r.By, r.Key))
}).writing()

var rpcPatrol = svcID("Patrol", model.Service.Patrol)

var rpcPatrols = svcWhole("Patrols", model.Service.Patrols)

var rpcAddFinding = newMethod("AddFinding", onService, func(ctx context.Context, s services, r addFindingReq) (findingResp, error) {
	f, dup, err := s.svc.AddFinding(ctx, r.Report, r.Key)
	return findingResp{f, dup}, err
}).writing()

var rpcFinding = svcID("Finding", model.Service.Finding)

var rpcFindings = svcWhole("Findings", model.Service.Findings)

var rpcPassFinding = newMethod("PassFinding", onService, func(ctx context.Context, s services, r passReq) (passResp, error) {
	f, inc, err := s.svc.PassFinding(ctx, r.ID, r.Node, r.Category, r.Severity, r.By)
	return passResp{f, inc}, err
}).writing()

var rpcMergeFinding = newMethod("MergeFinding", onService, func(ctx context.Context, s services, r mergeReq) (model.Finding, error) {
	return s.svc.MergeFinding(ctx, r.ID, r.Incident, r.By)
}).writing()

var rpcCloseFinding = newMethod("CloseFinding", onService, func(ctx context.Context, s services, r closeFindingReq) (model.Finding, error) {
	return s.svc.CloseFinding(ctx, r.ID, r.Reason, r.By)
}).writing()

var rpcPatrolBoard = newMethod("PatrolBoard", onService, func(ctx context.Context, s services, r boardReq) (model.PatrolBoard, error) {
	return s.svc.PatrolBoard(ctx, r.Day, r.Node)
})

var rpcAddRotation = newMethod("AddRotation", onService, func(ctx context.Context, s services, r addRotationReq) (model.JointRotation, error) {
	return s.svc.AddRotation(ctx, r.Rotation, r.By, r.Note)
}).writing()

var rpcRotations = svcNone("Rotations", model.Service.Rotations)

var rpcRotationReport = newMethod("RotationReport", onService, func(ctx context.Context, s services, r textReq) (model.Event, error) {
	return s.svc.RotationReport(ctx, r.ID, r.Text, r.By)
}).writing()

// The client's side: model.PatrolService over the local RPC.

func (c *Client) ImportAreas(ctx context.Context, areas []model.PatrolArea, by model.PersonID, note string) (int, int, error) {
	r, err := call(ctx, c, rpcImportAreas, importReq[model.PatrolArea]{Entries: areas, By: by, Note: note})
	return r.Added, r.Replaced, err
}

func (c *Client) Areas(ctx context.Context) ([]model.PatrolArea, error) {
	return call(ctx, c, rpcAreas, none{})
}

func (c *Client) StartPatrol(ctx context.Context, area string, by model.PersonID, key string) (model.Patrol, bool, error) {
	return callPatrol(ctx, c, rpcStartPatrol, patrolStartReq{Area: area, By: by, Key: key})
}

func (c *Client) PatrolCheckIn(ctx context.Context, patrol, checkpoint string, loc *model.LatLon, by model.PersonID, key string) (model.Patrol, bool, error) {
	return callPatrol(ctx, c, rpcPatrolCheckIn, checkInReq{Patrol: patrol, Checkpoint: checkpoint, Loc: loc, By: by, Key: key})
}

func (c *Client) EndPatrol(ctx context.Context, patrol string, by model.PersonID, key string) (model.Patrol, bool, error) {
	return callPatrol(ctx, c, rpcEndPatrol, patrolEndReq{Patrol: patrol, By: by, Key: key})
}

func (c *Client) Patrol(ctx context.Context, id string) (model.Patrol, error) {
	return call(ctx, c, rpcPatrol, idReq{ID: id})
}

func (c *Client) Patrols(ctx context.Context, f model.PatrolFilter) ([]model.Patrol, error) {
	return call(ctx, c, rpcPatrols, f)
}

func (c *Client) AddFinding(ctx context.Context, r model.FindingReport, key string) (model.Finding, bool, error) {
	res, err := call(ctx, c, rpcAddFinding, addFindingReq{Report: r, Key: key})
	return res.Finding, res.Duplicate, err
}

func (c *Client) Finding(ctx context.Context, id string) (model.Finding, error) {
	return call(ctx, c, rpcFinding, idReq{ID: id})
}

func (c *Client) Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error) {
	return call(ctx, c, rpcFindings, f)
}

func (c *Client) PassFinding(ctx context.Context, id string, node model.NodeCode, category string, sev model.Severity, by model.PersonID) (model.Finding, model.Incident, error) {
	r, err := call(ctx, c, rpcPassFinding, passReq{ID: id, Node: node, Category: category, Severity: sev, By: by})
	return r.Finding, r.Incident, err
}

func (c *Client) MergeFinding(ctx context.Context, id, incident string, by model.PersonID) (model.Finding, error) {
	return call(ctx, c, rpcMergeFinding, mergeReq{ID: id, Incident: incident, By: by})
}

func (c *Client) CloseFinding(ctx context.Context, id, reason string, by model.PersonID) (model.Finding, error) {
	return call(ctx, c, rpcCloseFinding, closeFindingReq{ID: id, Reason: reason, By: by})
}

func (c *Client) PatrolBoard(ctx context.Context, day time.Time, node model.NodeCode) (model.PatrolBoard, error) {
	return call(ctx, c, rpcPatrolBoard, boardReq{Day: day, Node: node})
}

func (c *Client) AddRotation(ctx context.Context, r model.JointRotation, by model.PersonID, note string) (model.JointRotation, error) {
	return call(ctx, c, rpcAddRotation, addRotationReq{Rotation: r, By: by, Note: note})
}

func (c *Client) Rotations(ctx context.Context) ([]model.JointRotation, error) {
	return call(ctx, c, rpcRotations, none{})
}

func (c *Client) RotationReport(ctx context.Context, id, text string, by model.PersonID) (model.Event, error) {
	return call(ctx, c, rpcRotationReport, textReq{ID: id, Text: text, By: by})
}
