package api

import (
	"context"
	"time"

	"gridcmd/model"
)

// The local RPC's methods, one descriptor each: the name in the route
// (POST /api/v1/local/{name}), the request and the response as Go types,
// and what the server does with the request. The server's table
// (localTable) and the client's methods (call) are both built from these
// descriptors, so a method's arguments are its request type: change them
// and the compiler names every place on either end that must follow.

// method is one method of the local RPC. Req is the body of the call and
// Resp the result of the answer, both JSON.
type method[Req, Resp any] struct {
	name   string
	on     backend // which of the server's services answers it
	writes bool    // it changes the database: its success shows the disk takes writes again
	serve  func(context.Context, services, Req) (Resp, error)
}

// backend is the part of services a method needs; the server offers the
// method only when it has that part.
type backend int

const (
	onService backend = iota // model.Service
	onIntake                 // model.IntakeService
	onFile                   // maintainer: the service is the database file itself
	onKeys                   // model.KeyService: the SSH keys of the seats
)

// services is what a server answers local calls with.
type services struct {
	svc    model.Service
	intake model.IntakeService // nil: no intake methods
	file   maintainer          // nil: not a database file (no Check)
	keys   model.KeyService    // nil: no SSH key methods
	// seats counts the open seats of a person's keys or of one key
	// (Options.OpenSeats); nil: this process serves no seats.
	seats func(person model.PersonID, fingerprint string) int
}

func (s services) has(b backend) bool {
	switch b {
	case onIntake:
		return s.intake != nil
	case onFile:
		return s.file != nil
	case onKeys:
		return s.keys != nil
	}
	return true
}

// localFn is one method as the server's table holds it: the request body
// in, the result (to encode) out.
type localFn func(ctx context.Context, body []byte) (any, error)

// localMethod is a method of any request and response type, for the table.
type localMethod interface {
	methodName() string
	methodOn() backend
	methodWrites() bool
	handler(services) localFn
}

// newMethod is a method's descriptor; Req and Resp are those of serve.
func newMethod[Req, Resp any](name string, on backend, serve func(context.Context, services, Req) (Resp, error)) method[Req, Resp] {
	return method[Req, Resp]{name: name, on: on, serve: serve}
}

// writing marks the method as one that changes the database.
func (m method[Req, Resp]) writing() method[Req, Resp] {
	m.writes = true
	return m
}

// The methods of model.Service whose request is one of a few shapes are
// built from the method expression itself (model.Service.Incidents): the
// adapter serves it, one closure for every method of that shape.

// svcWhole is a method of model.Service whose one argument is the request
// as it is (a filter, a query, a report).
func svcWhole[Req, Resp any](name string, f func(model.Service, context.Context, Req) (Resp, error)) method[Req, Resp] {
	return newMethod(name, onService, func(ctx context.Context, s services, r Req) (Resp, error) {
		return f(s.svc, ctx, r)
	})
}

// svcNone is a method of model.Service without arguments.
func svcNone[Resp any](name string, f func(model.Service, context.Context) (Resp, error)) method[none, Resp] {
	return newMethod(name, onService, func(ctx context.Context, s services, _ none) (Resp, error) {
		return f(s.svc, ctx)
	})
}

// svcID is a method of model.Service whose one argument is an id.
func svcID[Resp any](name string, f func(model.Service, context.Context, string) (Resp, error)) method[idReq, Resp] {
	return newMethod(name, onService, func(ctx context.Context, s services, r idReq) (Resp, error) {
		return f(s.svc, ctx, r.ID)
	})
}

// svcNode is a method of model.Service whose one argument is a node's code.
func svcNode[Resp any](name string, f func(model.Service, context.Context, model.NodeCode) (Resp, error)) method[nodeReq, Resp] {
	return newMethod(name, onService, func(ctx context.Context, s services, r nodeReq) (Resp, error) {
		return f(s.svc, ctx, r.Code)
	})
}

func (m method[Req, Resp]) methodName() string { return m.name }
func (m method[Req, Resp]) methodOn() backend  { return m.on }
func (m method[Req, Resp]) methodWrites() bool { return m.writes }

// handler decodes the request strictly (no field the request type does
// not have) and serves it.
func (m method[Req, Resp]) handler(s services) localFn {
	return func(ctx context.Context, body []byte) (any, error) {
		var req Req
		if err := decodeLocal(m.name, body, &req); err != nil {
			return nil, err
		}
		return m.serve(ctx, s, req)
	}
}

// localMethods lists every method of the local RPC: all of model.Service
// (wartime and patrols included) but Subscribe, which is the event stream, all of
// model.IntakeService, and Check.
var localMethods = []localMethod{
	rpcNode, rpcNodes, rpcSubtree, rpcImportNodes,
	rpcPerson, rpcPeople, rpcPeopleOf, rpcImportPeople, rpcImportRoster,
	rpcReport, rpcIncident, rpcIncidents, rpcAct, rpcTimeline, rpcSweep, rpcNote, rpcFigures,
	rpcEvents, rpcStats, rpcStatsIn, rpcPolicy, rpcNow,
	rpcWartimeStatus, rpcWartimeUnit, rpcActivate, rpcActivateTowns, rpcDeactivate, rpcWiden, rpcAfterAction, rpcDraftReserve, rpcReleaseReserve,
	rpcIssueDirective, rpcIssueDirectiveAt, rpcDirective, rpcDirectives, rpcUnitDirectives,
	rpcSignDirective, rpcDirectiveProgress, rpcDirectiveProgressNote, rpcResendDirective,
	rpcPoints, rpcGrantPoints, rpcRedeemBenefit, rpcRebuildPoints, rpcPointRules, rpcScorecards,
	rpcAddShifts, rpcShifts, rpcSwapShift, rpcDuty, rpcDutyUnder, rpcHandover, rpcAcceptHandover, rpcHandovers,
	rpcCheckIn, rpcAddHeartbeat, rpcRemoveHeartbeat, rpcHeartbeats, rpcBeat,
	rpcCheck,
	rpcIssueToken, rpcRevokeTokens, rpcRevokeToken, rpcTokens, rpcAuthenticate,
	rpcReportOnce, rpcAlert,
	rpcAddKey, rpcKeys, rpcRevokeKey, rpcRevokeKeys, rpcKeyHolder, rpcRecordSeat, rpcOpenSeats,
	rpcImportAreas, rpcAreas, rpcStartPatrol, rpcPatrolCheckIn, rpcEndPatrol, rpcPatrol, rpcPatrols,
	rpcAddFinding, rpcFinding, rpcFindings, rpcPassFinding, rpcMergeFinding, rpcCloseFinding,
	rpcPatrolBoard, rpcAddRotation, rpcRotations, rpcRotationReport,
}

// localCall is one method in the server's table.
type localCall struct {
	fn     localFn
	writes bool
}

// localTable is the server's table: the methods that s can answer.
func localTable(s services) map[string]localCall {
	t := make(map[string]localCall, len(localMethods))
	for _, m := range localMethods {
		if s.has(m.methodOn()) {
			t[m.methodName()] = localCall{fn: m.handler(s), writes: m.methodWrites()}
		}
	}
	return t
}

// Requests and responses. A method with no arguments takes none; one with
// one result answers it as it is; one with two answers a struct.

// none is the request of a method without arguments.
type none struct{}

type nodeReq struct {
	Code model.NodeCode `json:"code"`
}

type subtreeReq struct {
	Code  model.NodeCode `json:"code"`
	Depth int            `json:"depth"`
}

// importReq is an import of nodes, people or patrol areas: the entries, who imports
// them and the note the event keeps.
type importReq[T any] struct {
	Entries []T            `json:"entries"`
	By      model.PersonID `json:"by"`
	Note    string         `json:"note"`
}

// importRosterReq is an import of a roster file's rows.
type importRosterReq struct {
	Rows   []model.Person `json:"rows"`
	Update bool           `json:"update"`
	DryRun bool           `json:"dry_run"`
	Keep   []string       `json:"keep,omitempty"`
	By     model.PersonID `json:"by"`
	Note   string         `json:"note"`
}

type personReq struct {
	Person model.PersonID `json:"person"`
}

type peopleReq struct {
	People []model.PersonID `json:"people"`
}

// idReq names an incident, an activation or a directive by its id.
type idReq struct {
	ID string `json:"id"`
}

// idByReq is idReq with who asks.
type idByReq struct {
	ID string         `json:"id"`
	By model.PersonID `json:"by"`
}

type actReq struct {
	ID      string        `json:"id"`
	Command model.Command `json:"command"`
}

// textReq is an id, a text and who writes it: an incident's note, a
// joint rotation's report.
type textReq struct {
	ID   string         `json:"id"`
	Text string         `json:"text"`
	By   model.PersonID `json:"by"`
}

type releaseReq struct {
	Person model.PersonID `json:"person"`
	By     model.PersonID `json:"by"`
}

type eventsReq struct {
	Before uint64 `json:"before"`
	Limit  int    `json:"limit"`
}

type activateReq struct {
	Reason model.Reason     `json:"reason"`
	Scope  []model.NodeCode `json:"scope"`
	Drill  bool             `json:"drill"`
	Note   string           `json:"note"`
	By     model.PersonID   `json:"by"`
}

type widenReq struct {
	ID    string           `json:"id"`
	Scope []model.NodeCode `json:"scope"`
	By    model.PersonID   `json:"by"`
}

type draftReq struct {
	Person model.PersonID `json:"person"`
	Micro  model.NodeCode `json:"micro"`
	By     model.PersonID `json:"by"`
}

// wartimeUnitResp is a micro-grid in the live wartime of its town and
// that activation's seq.
type wartimeUnitResp struct {
	Unit       model.UnitStatus `json:"unit"`
	Activation uint64           `json:"activation"`
}

// directiveDraft is what both ways of issuing a directive send besides
// its deadline; embedded, its fields stand in the request's own JSON.
type directiveDraft struct {
	Text    string           `json:"text"`
	Targets []model.NodeCode `json:"targets"`
	By      model.PersonID   `json:"by"`
	DryRun  bool             `json:"dry_run"`
}

type issueDirectiveReq struct {
	directiveDraft
	Deadline time.Duration `json:"deadline"`
}

// issueDirectiveAtReq is issueDirectiveReq with the deadline a time.
type issueDirectiveAtReq struct {
	directiveDraft
	Due time.Time `json:"due"`
}

// directiveResp is a directive with its units' copies.
type directiveResp struct {
	Directive model.Directive       `json:"directive"`
	Units     []model.DirectiveUnit `json:"units"`
}

// directiveAnswer is the server's answer of a directive with its units.
func directiveAnswer(d model.Directive, units []model.DirectiveUnit, err error) (directiveResp, error) {
	return directiveResp{d, units}, err
}

// callDirective is the client's call of a method answering a directive
// with its units.
func callDirective[Req any](ctx context.Context, c *Client, m method[Req, directiveResp], req Req) (model.Directive, []model.DirectiveUnit, error) {
	r, err := call(ctx, c, m, req)
	return r.Directive, r.Units, err
}

// unitDirectivesResp is a micro-grid's directives and its copy of each.
type unitDirectivesResp struct {
	Directives []model.Directive     `json:"directives"`
	Units      []model.DirectiveUnit `json:"units"`
}

type signReq struct {
	ID   string         `json:"id"`
	Unit model.NodeCode `json:"unit"`
	By   model.PersonID `json:"by"`
}

type progressReq struct {
	ID   string         `json:"id"`
	Unit model.NodeCode `json:"unit"`
	Done int            `json:"done"`
	Of   int            `json:"of"`
	By   model.PersonID `json:"by"`
	Note string         `json:"note,omitempty"`
}

type tokenReq struct {
	Token string `json:"token"`
}

type prefixReq struct {
	Prefix string `json:"prefix"`
}

type reportOnceReq struct {
	Person model.PersonID `json:"person"`
	Key    string         `json:"key"`
	Report model.Report   `json:"report"`
}

type reportOnceResp struct {
	Incident  model.Incident `json:"incident"`
	Duplicate bool           `json:"duplicate"`
}

// TowerService.

var rpcNode = svcNode("Node", model.Service.Node)

var rpcNodes = svcNode("Nodes", model.Service.Nodes)

var rpcSubtree = newMethod("Subtree", onService, func(ctx context.Context, s services, r subtreeReq) ([]model.CountedNode, error) {
	return s.svc.Subtree(ctx, r.Code, r.Depth)
})

var rpcImportNodes = newMethod("ImportNodes", onService, func(ctx context.Context, s services, r importReq[model.Node]) (int, error) {
	return s.svc.ImportNodes(ctx, r.Entries, r.By, r.Note)
}).writing()

// RosterService.

var rpcPerson = newMethod("Person", onService, func(ctx context.Context, s services, r personReq) (model.Person, error) {
	return s.svc.Person(ctx, r.Person)
})

var rpcPeople = svcWhole("People", model.Service.People)

var rpcPeopleOf = newMethod("PeopleOf", onService, func(ctx context.Context, s services, r peopleReq) ([]model.Person, error) {
	return s.svc.PeopleOf(ctx, r.People)
})

var rpcImportPeople = newMethod("ImportPeople", onService, func(ctx context.Context, s services, r importReq[model.Person]) ([]model.Person, error) {
	return s.svc.ImportPeople(ctx, r.Entries, r.By, r.Note)
}).writing()

var rpcImportRoster = newMethod("ImportRoster", onService, func(ctx context.Context, s services, r importRosterReq) ([]model.RosterRow, error) {
	return s.svc.ImportRoster(ctx, r.Rows, model.RosterImport{Update: r.Update, DryRun: r.DryRun, Keep: r.Keep}, r.By, r.Note)
}).writing()

// IncidentService.

var rpcReport = svcWhole("Report", model.Service.Report).writing()

var rpcIncident = svcID("Incident", model.Service.Incident)

var rpcIncidents = svcWhole("Incidents", model.Service.Incidents)

var rpcAct = newMethod("Act", onService, func(ctx context.Context, s services, r actReq) (model.Incident, error) {
	return s.svc.Act(ctx, r.ID, r.Command)
}).writing()

var rpcTimeline = svcID("Timeline", model.Service.Timeline)

var rpcSweep = svcNone("Sweep", model.Service.Sweep).writing()

var rpcNote = newMethod("Note", onService, func(ctx context.Context, s services, r textReq) (model.Incident, error) {
	return s.svc.Note(ctx, r.ID, r.Text, r.By)
}).writing()

var rpcFigures = svcNode("Figures", model.Service.Figures)

// EventService (Subscribe is the event stream) and the rest.

var rpcEvents = newMethod("Events", onService, func(ctx context.Context, s services, r eventsReq) ([]model.Event, error) {
	return s.svc.Events(ctx, r.Before, r.Limit)
})

var rpcStats = svcNone("Stats", model.Service.Stats)

var rpcStatsIn = svcNode("StatsIn", model.Service.StatsIn)

var rpcPolicy = newMethod("Policy", onService, func(_ context.Context, s services, _ none) (model.Policy, error) {
	return s.svc.Policy(), nil
})

var rpcNow = newMethod("Now", onService, func(_ context.Context, s services, _ none) (time.Time, error) {
	return s.svc.Now(), nil
})

// WartimeService.

var rpcWartimeStatus = svcNode("WartimeStatus", model.Service.WartimeStatus)

var rpcWartimeUnit = newMethod("WartimeUnit", onService, func(ctx context.Context, s services, r nodeReq) (wartimeUnitResp, error) {
	u, seq, err := s.svc.WartimeUnit(ctx, r.Code)
	return wartimeUnitResp{u, seq}, err
})

var rpcActivate = newMethod("Activate", onService, func(ctx context.Context, s services, r activateReq) (model.Activation, error) {
	return s.svc.Activate(ctx, r.Reason, r.Scope, r.Drill, r.Note, r.By)
}).writing()

var rpcActivateTowns = newMethod("ActivateTowns", onService, func(ctx context.Context, s services, r activateReq) ([]model.Activation, error) {
	return s.svc.ActivateTowns(ctx, r.Reason, r.Scope, r.Drill, r.Note, r.By)
}).writing()

var rpcDeactivate = newMethod("Deactivate", onService, func(ctx context.Context, s services, r idByReq) (model.AfterAction, error) {
	return s.svc.Deactivate(ctx, r.ID, r.By)
}).writing()

var rpcWiden = newMethod("Widen", onService, func(ctx context.Context, s services, r widenReq) (model.Activation, error) {
	return s.svc.Widen(ctx, r.ID, r.Scope, r.By)
}).writing()

var rpcAfterAction = svcID("AfterAction", model.Service.AfterAction)

var rpcDraftReserve = newMethod("DraftReserve", onService, func(ctx context.Context, s services, r draftReq) (model.Draft, error) {
	return s.svc.DraftReserve(ctx, r.Person, r.Micro, r.By)
}).writing()

var rpcReleaseReserve = newMethod("ReleaseReserve", onService, func(ctx context.Context, s services, r releaseReq) (model.Draft, error) {
	return s.svc.ReleaseReserve(ctx, r.Person, r.By)
}).writing()

var rpcIssueDirective = newMethod("IssueDirective", onService, func(ctx context.Context, s services, r issueDirectiveReq) (directiveResp, error) {
	return directiveAnswer(s.svc.IssueDirective(ctx, r.Text, r.Targets, r.Deadline, r.By, r.DryRun))
}).writing()

var rpcIssueDirectiveAt = newMethod("IssueDirectiveAt", onService, func(ctx context.Context, s services, r issueDirectiveAtReq) (directiveResp, error) {
	return directiveAnswer(s.svc.IssueDirectiveAt(ctx, r.Text, r.Targets, r.Due, r.By, r.DryRun))
}).writing()

var rpcDirective = newMethod("Directive", onService, func(ctx context.Context, s services, r idReq) (directiveResp, error) {
	return directiveAnswer(s.svc.Directive(ctx, r.ID))
})

var rpcDirectives = svcNode("Directives", model.Service.Directives)

var rpcUnitDirectives = newMethod("UnitDirectives", onService, func(ctx context.Context, s services, r nodeReq) (unitDirectivesResp, error) {
	ds, units, err := s.svc.UnitDirectives(ctx, r.Code)
	return unitDirectivesResp{ds, units}, err
})

var rpcSignDirective = newMethod("SignDirective", onService, func(ctx context.Context, s services, r signReq) (model.DirectiveUnit, error) {
	return s.svc.SignDirective(ctx, r.ID, r.Unit, r.By)
}).writing()

var rpcDirectiveProgress = newMethod("DirectiveProgress", onService, func(ctx context.Context, s services, r progressReq) (model.DirectiveUnit, error) {
	return s.svc.DirectiveProgress(ctx, r.ID, r.Unit, r.Done, r.Of, r.By)
}).writing()

var rpcDirectiveProgressNote = newMethod("DirectiveProgressNote", onService, func(ctx context.Context, s services, r progressReq) (model.DirectiveUnit, error) {
	return s.svc.DirectiveProgressNote(ctx, r.ID, r.Unit, r.Done, r.Of, r.By, r.Note)
}).writing()

// resendReq is a resend, within a node ("" all the silent units; left
// out so that an older server, which would resend to all, refuses it).
type resendReq struct {
	ID     string         `json:"id"`
	Within model.NodeCode `json:"within,omitempty"`
	By     model.PersonID `json:"by"`
}

var rpcResendDirective = newMethod("ResendDirective", onService, func(ctx context.Context, s services, r resendReq) (int, error) {
	return s.svc.ResendDirective(ctx, r.ID, r.Within, r.By)
}).writing()

// The database file.

var rpcCheck = newMethod("Check", onFile, func(ctx context.Context, s services, _ none) ([]string, error) {
	return s.file.Check(ctx)
})

// IntakeService.

var rpcIssueToken = newMethod("IssueToken", onIntake, func(ctx context.Context, s services, r personReq) (string, error) {
	return s.intake.IssueToken(ctx, r.Person)
}).writing()

var rpcRevokeTokens = newMethod("RevokeTokens", onIntake, func(ctx context.Context, s services, r personReq) (int, error) {
	return s.intake.RevokeTokens(ctx, r.Person)
}).writing()

var rpcRevokeToken = newMethod("RevokeToken", onIntake, func(ctx context.Context, s services, r prefixReq) (model.TokenInfo, error) {
	return s.intake.RevokeToken(ctx, r.Prefix)
}).writing()

var rpcTokens = newMethod("Tokens", onIntake, func(ctx context.Context, s services, r personReq) ([]model.TokenInfo, error) {
	return s.intake.Tokens(ctx, r.Person)
})

var rpcAuthenticate = newMethod("Authenticate", onIntake, func(ctx context.Context, s services, r tokenReq) (model.Person, error) {
	return s.intake.Authenticate(ctx, r.Token)
})

var rpcReportOnce = newMethod("ReportOnce", onIntake, func(ctx context.Context, s services, r reportOnceReq) (reportOnceResp, error) {
	inc, dup, err := s.intake.ReportOnce(ctx, r.Person, r.Key, r.Report)
	return reportOnceResp{inc, dup}, err
}).writing()

var rpcAlert = newMethod("Alert", onIntake, func(ctx context.Context, s services, a model.Alert) (model.AlertResult, error) {
	return s.intake.Alert(ctx, a)
}).writing()

// KeyService: the SSH keys of the seats.

type addKeyReq struct {
	Person model.PersonID `json:"person"`
	Key    model.SSHKey   `json:"key"`
}

type fingerprintReq struct {
	Fingerprint string `json:"fingerprint"`
}

type keyHolderResp struct {
	Key    model.SSHKey `json:"key"`
	Person model.Person `json:"person"`
}

var rpcAddKey = newMethod("AddKey", onKeys, func(ctx context.Context, s services, r addKeyReq) (model.SSHKey, error) {
	return s.keys.AddKey(ctx, r.Person, r.Key)
}).writing()

var rpcKeys = newMethod("Keys", onKeys, func(ctx context.Context, s services, r personReq) ([]model.SSHKey, error) {
	return s.keys.Keys(ctx, r.Person)
})

var rpcRevokeKey = newMethod("RevokeKey", onKeys, func(ctx context.Context, s services, r fingerprintReq) (model.SSHKey, error) {
	return s.keys.RevokeKey(ctx, r.Fingerprint)
}).writing()

var rpcRevokeKeys = newMethod("RevokeKeys", onKeys, func(ctx context.Context, s services, r personReq) ([]model.SSHKey, error) {
	return s.keys.RevokeKeys(ctx, r.Person)
}).writing()

var rpcKeyHolder = newMethod("KeyHolder", onKeys, func(ctx context.Context, s services, r fingerprintReq) (keyHolderResp, error) {
	k, p, err := s.keys.KeyHolder(ctx, r.Fingerprint)
	return keyHolderResp{k, p}, err
})

// openSeatsReq names whose open seats to count: a person's (every key of
// theirs) or one key's (Fingerprint).
type openSeatsReq struct {
	Person      model.PersonID `json:"person,omitempty"`
	Fingerprint string         `json:"fingerprint,omitempty"`
}

// rpcOpenSeats counts the seats open now in the server that holds the
// database: 0 when it serves none. 'key revoke' asks it before revoking.
var rpcOpenSeats = newMethod("OpenSeats", onKeys, func(_ context.Context, s services, r openSeatsReq) (int, error) {
	if s.seats == nil {
		return 0, nil
	}
	return s.seats(r.Person, r.Fingerprint), nil
})

var rpcRecordSeat = newMethod("RecordSeat", onKeys, func(ctx context.Context, s services, r model.SeatRecord) (struct{}, error) {
	return struct{}{}, s.keys.RecordSeat(ctx, r)
}).writing()
