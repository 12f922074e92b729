package cli

import (
	"errors"
	"sync/atomic"

	"gridcmd/model"
	"gridcmd/store"
)

// errNoFedStore: the store of this build does not implement the
// federation's side yet (issue 16's store part lands separately).
var errNoFedStore = errors.New("federation: this build's store does not keep the federation's records yet (issue 16's store side)")

// fedTownStore is db as a town's outbox and commander.
func fedTownStore(db *store.DB) (model.FedOutbox, model.FedCommander, error) {
	out, ok1 := any(db).(model.FedOutbox)
	cmd, ok2 := any(db).(model.FedCommander)
	if !ok1 || !ok2 {
		return nil, nil, errNoFedStore
	}
	return out, cmd, nil
}

// fedHubStore is db as the hub's read model and command outbox.
func fedHubStore(db *store.DB) (model.FedReadModel, model.FedCommandOutbox, error) {
	rm, ok1 := any(db).(model.FedReadModel)
	cmds, ok2 := any(db).(model.FedCommandOutbox)
	if !ok1 || !ok2 {
		return nil, nil, errNoFedStore
	}
	return rm, cmds, nil
}

// atomicAdd is next's next value.
func atomicAdd(p *uint64) uint64 { return atomic.AddUint64(p, 1) }
