package seat

import (
	"context"

	"gridcmd/model"
)

// Scoped is svc as a person's room sees it, for the commands run over SSH:
// the incidents (lists, one incident, its timeline) are those at the room's
// node or beneath it; an incident elsewhere is not found, and a list asked
// for a node outside the room is refused. The tower's names and the
// figures of stats are the file's, as the local command line prints them.
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
