package testkit

import (
	"context"
	"fmt"
	"sync"

	"gridcmd/model"
)

// FedReadModel is a hub's read model in memory (a model.FedReadModel): the
// seq applied per town, how many times each (town, seq) reached it
// (applied or skipped), and how many records came after a hole. The
// federation's tests and the CLI's SIGKILL test read what reached the hub
// from it.
type FedReadModel struct {
	mu      sync.Mutex
	applied map[model.NodeCode]uint64
	seen    map[string]int
	gaps    int
	refuse  map[model.NodeCode]bool
}

// NewFedReadModel returns an empty read model.
func NewFedReadModel() *FedReadModel {
	return &FedReadModel{applied: map[model.NodeCode]uint64{}, seen: map[string]int{}}
}

// FedApply applies each record after its town's last, counts every one
// seen and every one past a hole; a record of a refused town fails the
// whole call, as a store's transaction does.
func (r *FedReadModel) FedApply(_ context.Context, recs []model.FedRecord) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range recs {
		if r.refuse[rec.Town] {
			return 0, fmt.Errorf("record %s: the structure is missing", model.FedMsgID(rec.Town, rec.Seq))
		}
	}
	n := 0
	for _, rec := range recs {
		r.seen[model.FedMsgID(rec.Town, rec.Seq)]++
		if rec.Seq <= r.applied[rec.Town] {
			continue
		}
		if rec.Seq != r.applied[rec.Town]+1 {
			r.gaps++
		}
		r.applied[rec.Town] = rec.Seq
		n++
	}
	return n, nil
}

// FedApplied is the last seq of town applied.
func (r *FedReadModel) FedApplied(_ context.Context, town model.NodeCode) (uint64, error) {
	return r.Applied(town), nil
}

// Applied is the last seq of town applied (0: none).
func (r *FedReadModel) Applied(town model.NodeCode) uint64 {
	return locked(r, func() uint64 { return r.applied[town] })
}

// Seen is how many times the record (town, seq) reached the read model.
func (r *FedReadModel) Seen(town model.NodeCode, seq uint64) int {
	return locked(r, func() int { return r.seen[model.FedMsgID(town, seq)] })
}

// Gaps is how many records were applied after a hole in their town's seqs.
func (r *FedReadModel) Gaps() int {
	return locked(r, func() int { return r.gaps })
}

// Doubles is how many (town, seq) reached the read model more than once.
func (r *FedReadModel) Doubles() int {
	return locked(r, func() int {
		n := 0
		for _, c := range r.seen {
			if c > 1 {
				n++
			}
		}
		return n
	})
}

// locked is what read returns, read with r locked.
func locked[T any](r *FedReadModel, read func() T) T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return read()
}

// Refuse makes every call with a record of one of towns fail whole, as a
// store missing the town's structure does; Refuse() refuses none again.
func (r *FedReadModel) Refuse(towns ...model.NodeCode) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuse = map[model.NodeCode]bool{}
	for _, t := range towns {
		r.refuse[t] = true
	}
}

// SetBack sets town's applied seq back to seq, as a hub's file restored
// from a backup taken then.
func (r *FedReadModel) SetBack(town model.NodeCode, seq uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.applied[town] = seq
}
