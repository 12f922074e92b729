package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"gridcmd/model"
)

// HeartbeatResponse answers a gateway's heartbeat.
type HeartbeatResponse struct {
	Name   string    `json:"name"`
	Node   string    `json:"node"`
	Every  string    `json:"every"`
	LastAt time.Time `json:"last_at"`
	State  string    `json:"state"`
}

// heartbeatBody is what a heartbeat may carry: nothing yet. An empty body
// or {} is a heartbeat; any field is refused, so a gateway that sends one
// learns it is not read.
type heartbeatBody struct{}

// handleHeartbeat takes a sensor gateway's heartbeat: 200 once it is
// stored, and the silence it ended (if any) resolved by itself. 404 for a
// name nobody added (gridcmd heartbeat add), 403 for a token holder
// outside the gateway's node.
func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	body, err := readBody(w, r, s.opts.BodyLimit)
	if err == nil && len(strings.TrimSpace(string(body))) > 0 {
		err = decodeStrict(body, &heartbeatBody{})
	}
	if err != nil {
		writeRequestError(w, err)
		return
	}
	name := r.PathValue("name")
	if err := model.CheckHeartbeatName(name); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "name", err)
		return
	}
	h, err := s.svc.Beat(context.WithoutCancel(r.Context()), name, c.person.ID)
	if err != nil {
		s.fail(w, r, c.person.ID, "", err)
		return
	}
	s.wrote()
	writeJSON(w, http.StatusOK, HeartbeatResponse{Name: h.Name, Node: string(h.Node), Every: model.ShortDuration(h.Every),
		LastAt: h.LastAt, State: h.State(h.LastAt)})
}
