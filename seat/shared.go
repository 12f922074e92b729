package seat

import (
	"context"
	"sync"

	"gridcmd/model"
)

// shared is the service the seats' consoles read through: the tower's
// nodes and the roster, which every seat of a room loads whole when it
// opens and again after an import or a wartime step, are read once per
// room and the same slices handed to every seat (the consoles only read
// them). The cache is dropped whenever a batch carries what changes nodes
// or people (the same events on which a console reloads), before the seats
// see the batch.
type shared struct {
	model.Service

	mu     sync.Mutex
	nodes  map[model.NodeCode][]model.Node
	people map[model.PeopleFilter][]model.Person
}

func newShared(svc model.Service) *shared {
	return &shared{Service: svc, nodes: map[model.NodeCode][]model.Node{}, people: map[model.PeopleFilter][]model.Person{}}
}

// changesRoster reports whether e changes the nodes or the people (their
// on-duty flags included).
func changesRoster(e model.Event) bool {
	switch e.Action {
	case model.ActImport, model.ActActivate, model.ActWiden, model.ActDeactivate, model.ActDraft:
		return true
	}
	return false
}

func (s *shared) forget() {
	s.mu.Lock()
	clear(s.nodes)
	clear(s.people)
	s.mu.Unlock()
}

func (s *shared) Nodes(ctx context.Context, root model.NodeCode) ([]model.Node, error) {
	return cached(s, s.nodes, root, func() ([]model.Node, error) { return s.Service.Nodes(ctx, root) })
}

func (s *shared) People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error) {
	return cached(s, s.people, f, func() ([]model.Person, error) { return s.Service.People(ctx, f) })
}

// cached is what m holds at k, or else what load reads, kept in m unless
// it failed; under s's lock.
func cached[K comparable, V any](s *shared, m map[K]V, k K, load func() (V, error)) (V, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := m[k]; ok {
		return v, nil
	}
	v, err := load()
	if err == nil {
		m[k] = v
	}
	return v, err
}
