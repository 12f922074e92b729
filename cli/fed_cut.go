package cli

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gridcmd/federation"
	"gridcmd/model"
)

// queuedCut: a county command the hub queued for federated towns
// (model.FedQueued) is done here, and says where it went. When the hub's
// link to one of those towns is cut (the hub's status file, as federation
// status reads it), that reads as if the command had gone through; so the
// queued line is printed here, a line more for each such town says since
// when its link is cut and that it acts when it reconnects, and the
// command succeeds (exit 0, as a queued command always has). scope is
// what the command was for (towns, villages, units, a county); any other
// error is returned as it is.
func (a *app) queuedCut(ctx context.Context, svc model.Service, err error, scope []model.NodeCode) error {
	if !model.IsFedQueued(err) {
		return err
	}
	towns, _, terr := scopeTowns(ctx, svc, scope)
	if terr != nil {
		return err
	}
	lines := a.cutLines(ctx, svc, towns)
	if len(lines) == 0 {
		return err
	}
	fmt.Fprintln(a.errOut, "gridcmd: "+message(err, a.lang()))
	for _, l := range lines {
		fmt.Fprintln(a.errOut, "gridcmd: "+l)
	}
	return nil
}

// cutLines says, for each of towns whose link the hub's status has cut,
// since when and what happens to the command; one line when no hub runs on
// the file (every link then reads cut, for that reason).
func (a *app) cutLines(ctx context.Context, svc model.Service, towns []model.NodeCode) []string {
	st, running, err := federation.ReadStatus(a.fedStoreDir(), time.Now())
	if err != nil || st.Role != "hub" {
		return nil
	}
	if !running {
		return []string{fmt.Sprintf("no hub runs on %s now (federation status): the command goes down once 'gridcmd hub' runs and the town's link is up", a.cfg.DB)}
	}
	var out []string
	for _, l := range st.Links {
		if l.Role != "hub" || l.Connected || l.Linking || !slices.Contains(towns, l.Town) {
			continue
		}
		name := string(l.Town)
		if n, err := svc.Node(ctx, l.Town); err == nil {
			name = n.Name + " " + string(l.Town)
		}
		since := "a while"
		if !l.CutSince.IsZero() {
			since = a.local(l.CutSince, "2006-01-02 15:04:05")
		}
		out = append(out, fmt.Sprintf("the link to %s has been cut since %s (federation status): it will act on the command when it reconnects", name, since))
	}
	return out
}
