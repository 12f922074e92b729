package seat

import (
	"context"

	"gridcmd/model"
)

// Scoped is svc as a person's room sees it, for the commands run over SSH:
// the incidents (lists, one incident, its timeline) are those at the room's
// node or beneath it; an incident elsewhere is not found, and a list asked
// for a node outside the room is refused. The figures of stats are the
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

func (s scoped) Incidents(ctx context.Context, f model.IncidentFilter) ([]model.Incident, error) {
	switch {
	case f.Node == "":
		f.Node = s.room
	case !s.room.Contains(f.Node):
		return nil, s.outside(f.Node)
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
	switch {
	case scope == "":
		scope = s.room
	case !s.room.Contains(scope):
		return model.Stats{}, s.outside(scope)
	}
	return s.Service.StatsIn(ctx, scope)
}
