package seat

import (
	"context"
	"time"

	"gridcmd/model"
)

// Scoped is svc as a person's room sees it, for the commands run over SSH:
// the incidents (lists, one incident, its timeline), the findings (lists,
// one finding) and the patrol board are those at the room's node or beneath
// it; an incident or finding elsewhere is not found, and a list or board
// asked for a node outside the room is refused. The figures of stats are the
// room's subtree's (its tower, the people placed in it, its incidents), as
// the seat's own console counts them; the tower's names are the file's, as
// the local command line prints them.
func Scoped(svc model.Service, room model.NodeCode) model.Service {
	if room == "" {
		return svc
	}
	return scoped{Service: svc, room: room}
}

type scoped struct {
	model.Service
	room model.NodeCode
}

func (s scoped) outside(node model.NodeCode) error {
	return model.Errorf(model.EFORBIDDEN, "%s is outside this seat's room (%s)", node, s.room).
		Zh("%s 不在本席位的范围（%s）内", node, s.room)
}

// within is the subtree a read asked for node reads: the room's for "",
// node itself in the room; a node outside it is refused.
func (s scoped) within(node model.NodeCode) (model.NodeCode, error) {
	switch {
	case node == "":
		return s.room, nil
	case !s.room.Contains(node):
		return "", s.outside(node)
	}
	return node, nil
}

func (s scoped) Incidents(ctx context.Context, f model.IncidentFilter) ([]model.Incident, error) {
	var err error
	if f.Node, err = s.within(f.Node); err != nil {
		return nil, err
	}
	return s.Service.Incidents(ctx, f)
}

func (s scoped) Incident(ctx context.Context, id string) (model.Incident, error) {
	inc, err := s.Service.Incident(ctx, id)
	if err == nil && !s.room.Contains(inc.Node) {
		return model.Incident{}, notFound(id)
	}
	return inc, err
}

func (s scoped) Timeline(ctx context.Context, id string) ([]model.Event, error) {
	if _, err := s.Incident(ctx, id); err != nil {
		return nil, err
	}
	return s.Service.Timeline(ctx, id)
}

// notFound is the store's answer for an id that is not there, so that an
// incident outside the room looks like one that does not exist.
func notFound(id string) error {
	return model.Errorf(model.ENOTFOUND, "no incident %s", id).Zh("没有事件 %s", id)
}

// Stats counts the room's subtree as the store's Stats counts the file:
// its nodes by level and their households, the people placed in it, its
// incidents (all of them; the open ones, and the overdue at the service's
// clock) and its figures (Figures of the room, the console header's).
func (s scoped) Stats(ctx context.Context) (model.Stats, error) {
	return s.StatsIn(ctx, "")
}

// StatsIn counts scope's subtree, the room's for ""; a scope outside the
// room is refused, as a list of incidents is.
func (s scoped) StatsIn(ctx context.Context, scope model.NodeCode) (model.Stats, error) {
	scope, err := s.within(scope)
	if err != nil {
		return model.Stats{}, err
	}
	return s.Service.StatsIn(ctx, scope)
}

// Findings lists the room's findings (by their area's village), or those
// of a node in it; a node outside it is refused.
func (s scoped) Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error) {
	var err error
	if f.Node, err = s.within(f.Node); err != nil {
		return nil, err
	}
	return s.Service.Findings(ctx, f)
}

// Finding is a finding of an area in the room; one elsewhere is not
// found, as an incident elsewhere is not.
func (s scoped) Finding(ctx context.Context, id string) (model.Finding, error) {
	f, err := s.Service.Finding(ctx, id)
	if err == nil && !s.room.Contains(f.Village) {
		return model.Finding{}, model.Errorf(model.ENOTFOUND, "no finding %s", f.ID).Zh("没有巡护发现 %s", f.ID).On("finding")
	}
	return f, err
}

// PatrolBoard is the room's board, or that of a node in it; a node outside
// it is refused.
func (s scoped) PatrolBoard(ctx context.Context, day time.Time, node model.NodeCode) (model.PatrolBoard, error) {
	node, err := s.within(node)
	if err != nil {
		return model.PatrolBoard{}, err
	}
	return s.Service.PatrolBoard(ctx, day, node)
}
