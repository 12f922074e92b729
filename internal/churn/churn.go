// Package churn changes one incident over and over, for what must watch
// it change: the SSH seats' bench and the seats' tests, whose consoles
// redraw on each change.
package churn

import (
	"context"

	"gridcmd/model"
)

// Change moves the incident id one step round the turn, by whom with
// note: a reported incident is acknowledged, an acknowledged or dispatched
// one resolved, a resolved one reopened.
func Change(ctx context.Context, svc model.IncidentService, id string, by model.PersonID, note string) error {
	inc, err := svc.Incident(ctx, id)
	if err != nil {
		return err
	}
	act := model.ActAcknowledge
	switch inc.Status {
	case model.StatusAcknowledged, model.StatusDispatched:
		act = model.ActResolve
	case model.StatusResolved:
		act = model.ActReopen
	}
	_, err = svc.Act(ctx, id, model.Command{Action: act, By: by, Note: note})
	return err
}
