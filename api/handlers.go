package api

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"time"

	"gridcmd/model"
)

// idempotencyKey reads the Idempotency-Key header: "" when absent, a 400
// answered when malformed (ok false).
func idempotencyKey(w http.ResponseWriter, r *http.Request) (string, bool) {
	vals := r.Header.Values("Idempotency-Key")
	if len(vals) == 0 {
		return "", true
	}
	if len(vals) > 1 {
		writeError(w, http.StatusBadRequest, "Idempotency-Key", model.Errorf(model.EINVALID, "Idempotency-Key: give it once").Zh("Idempotency-Key：只能给一次"))
		return "", false
	}
	if err := model.ValidIdempotencyKey(vals[0]); err != nil {
		writeError(w, http.StatusBadRequest, "Idempotency-Key", err)
		return "", false
	}
	return vals[0], true
}

// keyedRequest is how both intake routes begin, after admission: the
// token, the Idempotency-Key, the body as decode reads it, and the token
// holder's scope over the node it names. ok false: the answer is written.
func keyedRequest[T any](s *Server, w http.ResponseWriter, r *http.Request, decode func([]byte) (T, error), node func(T) model.NodeCode) (c caller, key string, v T, ok bool) {
	if c, ok = s.authenticate(w, r); !ok {
		return
	}
	if key, ok = idempotencyKey(w, r); !ok {
		return
	}
	body, err := readBody(w, r, s.opts.BodyLimit)
	if err == nil {
		v, err = decode(body)
	}
	if err != nil {
		writeRequestError(w, err)
		return c, "", v, false
	}
	return c, key, v, s.scope(r.Context(), w, c.person, node(v), "node")
}

// intakeAnswer answers what an intake route filed: 201 for a new one
// (counted by count), 200 for a retry of one already filed.
func (s *Server) intakeAnswer(w http.ResponseWriter, out any, dup bool, count func()) {
	s.wrote()
	if dup {
		s.metrics.duplicates.Add(1)
		writeJSON(w, http.StatusOK, out)
		return
	}
	count()
	writeJSON(w, http.StatusCreated, out)
}

// intakeError answers a refused report or alert: an unknown node (the
// holder was found a moment ago) or a key that filed something else is the
// request's fault (422); anything else is the server's.
func (s *Server) intakeError(w http.ResponseWriter, r *http.Request, c caller, err error) {
	switch model.ErrorCode(err) {
	case model.ENOTFOUND:
		writeError(w, http.StatusUnprocessableEntity, "node", err)
	case model.ECONFLICT:
		writeError(w, http.StatusUnprocessableEntity, "Idempotency-Key", err)
	case model.EINVALID:
		writeError(w, http.StatusUnprocessableEntity, "", err)
	default:
		s.fail(w, r, c.person.ID, "", err)
	}
}

// handleReport files a field report: 201 once it is committed, 200 for a
// retry of one already filed under the same Idempotency-Key.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	c, key, rep, ok := keyedRequest(s, w, r,
		func(body []byte) (model.Report, error) { return DecodeReport(body, s.svc.Policy()) },
		func(rep model.Report) model.NodeCode { return rep.Node })
	if !ok {
		return
	}
	// Once queued, the write is answered after its commit whatever the
	// client does, so it runs on a context of its own.
	inc, dup, err := s.intake.ReportOnce(context.WithoutCancel(r.Context()), c.person.ID, key, rep)
	if err != nil {
		s.intakeError(w, r, c, err)
		return
	}
	s.intakeAnswer(w, ReportResponse{ID: inc.ID, Duplicate: dup}, dup, func() { s.metrics.reports.Add(1) })
}

// handleAlert takes a sensor alert: 201 once stored (with what the alert
// rule made of it), 200 for a retry.
func (s *Server) handleAlert(w http.ResponseWriter, r *http.Request) {
	c, key, a, ok := keyedRequest(s, w, r, DecodeAlert,
		func(a model.Alert) model.NodeCode { return a.Node })
	if !ok {
		return
	}
	a.By, a.Key = c.person.ID, key
	res, err := s.intake.Alert(context.WithoutCancel(r.Context()), a)
	if err != nil {
		s.intakeError(w, r, c, err)
		return
	}
	out := AlertResponse{Alert: res.Seq, Incident: res.Incident, Opened: res.Opened, Attached: res.Attached,
		Count: res.Count, Duplicate: res.Duplicate}
	s.intakeAnswer(w, out, res.Duplicate, func() { s.metrics.alert(res) })
}

// DirectiveJSON is one directive as a micro-grid sees it, with its copy.
type DirectiveJSON struct {
	ID       string    `json:"id"`
	Text     string    `json:"text"`
	IssuedAt time.Time `json:"issued_at"`
	SignBy   time.Time `json:"sign_by"`
	Deadline time.Time `json:"deadline"`
	Unit     string    `json:"unit"`
	unitCopy
}

// UnitJSON is a micro-grid's copy of a directive after an ack or progress.
type UnitJSON struct {
	Directive string `json:"directive"`
	Unit      string `json:"unit"`
	unitCopy
}

// unitCopy is where a micro-grid's copy of a directive stands, in both
// answers above.
type unitCopy struct {
	SignedAt    *time.Time `json:"signed_at,omitempty"`
	SignedBy    string     `json:"signed_by,omitempty"`
	OnBehalf    bool       `json:"on_behalf,omitempty"` // signed_by signed on the unit's behalf (代签)
	Done        int        `json:"done"`
	Of          int        `json:"of"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Escalated   string     `json:"escalated,omitempty"`
}

// copyOf is a unit's copy as the answers give it: of, until the unit
// reports its own, the households the live activation counted for it
// (households), as the console's directive pane shows 0/80.
func copyOf(u model.DirectiveUnit, households int) unitCopy {
	return unitCopy{SignedAt: timePtr(u.SignedAt), SignedBy: signer(u.SignedBy), OnBehalf: u.OnBehalf, Done: u.Done, Of: cmp.Or(u.Of, households),
		CompletedAt: timePtr(u.CompletedAt), Escalated: string(u.Escalated)}
}

// households is the households the live activation counted for
// micro-grid unit, and that activation; 0, 0 where none is live there. It
// reads the one unit (WartimeUnit), not the town's whole wartime: an ack
// answers with it, and many units ack at once.
func (s *Server) households(ctx context.Context, unit model.NodeCode) (n int, activation uint64) {
	u, seq, err := s.svc.WartimeUnit(ctx, unit)
	if err != nil {
		return 0, 0
	}
	return u.Households, seq
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func signer(id model.PersonID) string {
	if id == model.System {
		return ""
	}
	return id.String()
}

// unitJSON is the answer to an ack or a progress report on the directive
// the path named as id: the directive by its own id (D-0001, however the
// path spelled it), so that a retry answers as the first call did.
func (s *Server) unitJSON(ctx context.Context, id string, u model.DirectiveUnit) UnitJSON {
	if u.Directive != 0 {
		id = model.FormatDirectiveID(u.Directive)
	}
	hh := 0
	if u.Of == 0 {
		hh, _ = s.households(ctx, u.Unit) // an ack or a report is of a live directive: the live activation's
	}
	return UnitJSON{Directive: id, Unit: string(u.Unit), unitCopy: copyOf(u, hh)}
}

func (s *Server) handleUnitDirectives(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	unit, err := model.ParseNodeCode(r.PathValue("code"))
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "code", err)
		return
	}
	if !c.person.MayReportAt(unit) && !s.servesUnit(r.Context(), c.person, unit) && !s.scope(r.Context(), w, c.person, unit, "code") {
		return
	}
	ds, us, err := s.svc.UnitDirectives(r.Context(), unit)
	if err != nil {
		s.fail(w, r, c.person.ID, "code", err)
		return
	}
	out := make([]DirectiveJSON, 0, len(ds))
	hh, live := s.households(r.Context(), unit)
	for i, d := range ds {
		x := DirectiveJSON{ID: d.ID, Text: d.Text, IssuedAt: d.IssuedAt, SignBy: d.SignBy, Deadline: d.Deadline, Unit: string(unit)}
		if i < len(us) {
			of := 0
			if d.Activation == live {
				of = hh // an ended activation's households are not the live one's
			}
			x.unitCopy = copyOf(us[i], of)
		}
		out = append(out, x)
	}
	writeJSON(w, http.StatusOK, out)
}

// servesUnit reports whether p is micro-grid unit's wartime worker (a
// reserve drafted into it, from outside its own node): who may sign for
// the unit may read its directives (model.MaySignFor, the store's rule for
// an ack). Only asked of one outside the unit's scope.
func (s *Server) servesUnit(ctx context.Context, p model.Person, unit model.NodeCode) bool {
	u, _, err := s.svc.WartimeUnit(ctx, unit)
	return err == nil && u.Worker != 0 && model.MaySignFor(p, unit, u.Worker, nil) == nil
}

// unitRequest is the body of an ack or a progress report. Unit may be left
// out by a micro-grid worker, whose own micro-grid it then is.
type unitRequest struct {
	Unit string `json:"unit,omitempty"`
	Done *int   `json:"done,omitempty"`
	Of   *int   `json:"of,omitempty"`
	Note string `json:"note,omitempty"` // progress only: why done goes down
}

// directiveCall authenticates, reads the body and resolves the unit of an
// ack or progress request; ok false when it has answered. The scope is the
// store's to check.
func (s *Server) directiveCall(w http.ResponseWriter, r *http.Request) (caller, unitRequest, model.NodeCode, bool) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return c, unitRequest{}, "", false
	}
	var req unitRequest
	body, err := readBody(w, r, s.opts.BodyLimit)
	if err == nil && len(strings.TrimSpace(string(body))) > 0 {
		err = decodeStrict(body, &req)
	}
	if err != nil {
		writeRequestError(w, err)
		return c, req, "", false
	}
	unit := model.NodeCode(req.Unit)
	if unit == "" {
		if c.person.Node.Level() != model.LevelMicroGrid {
			writeError(w, http.StatusUnprocessableEntity, "unit", model.Errorf(model.EINVALID, "unit: missing (only a micro-grid worker's own micro-grid is implied)").
				Zh("unit：缺少此字段（只有网格员自己的网格可以省略）"))
			return c, req, "", false
		}
		unit = c.person.Node
	}
	if unit, err = model.ParseNodeCode(string(unit)); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "unit", err)
		return c, req, "", false
	}
	if unit.Level() != model.LevelMicroGrid {
		writeError(w, http.StatusUnprocessableEntity, "unit", model.Errorf(model.EINVALID, "unit %s: directives go to micro-grids", unit).Zh("unit %s：指令只下达到网格", unit))
		return c, req, "", false
	}
	// Who may act for the unit is the store's rule (model.MaySignFor: a
	// reserve drafted into it too, though outside its own node), refused
	// there before the unit's copy is looked for: no narrower check here.
	return c, req, unit, true
}

func (s *Server) handleDirectiveAck(w http.ResponseWriter, r *http.Request) {
	c, _, unit, ok := s.directiveCall(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	u, err := s.svc.SignDirective(context.WithoutCancel(r.Context()), id, unit, c.person.ID)
	if err != nil {
		s.fail(w, r, c.person.ID, "", err)
		return
	}
	s.wrote()
	writeJSON(w, http.StatusOK, s.unitJSON(r.Context(), id, u))
}

func (s *Server) handleDirectiveProgress(w http.ResponseWriter, r *http.Request) {
	c, req, unit, ok := s.directiveCall(w, r)
	if !ok {
		return
	}
	if req.Done == nil || req.Of == nil {
		writeError(w, http.StatusUnprocessableEntity, map[bool]string{true: "done", false: "of"}[req.Done == nil],
			model.Errorf(model.EINVALID, "done and of: both wanted, e.g. {\"done\": 40, \"of\": 62}").Zh("done 和 of：两者都要给，例如 {\"done\": 40, \"of\": 62}"))
		return
	}
	id := r.PathValue("id")
	u, err := s.svc.DirectiveProgressNote(context.WithoutCancel(r.Context()), id, unit, *req.Done, *req.Of, c.person.ID, req.Note)
	if err != nil {
		s.fail(w, r, c.person.ID, "", err)
		return
	}
	s.wrote()
	writeJSON(w, http.StatusOK, s.unitJSON(r.Context(), id, u))
}
