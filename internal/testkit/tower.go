package testkit

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Codes of the tiny tower: Huajie town, the village of Duxi (渎溪村), its
// grids and micro-grids. The store's and the API's tests build their own
// towers from them (their households and rosters differ).
const (
	Town     = model.NodeCode("330784114")
	Village  = model.NodeCode("330784114266")
	Grid01   = model.NodeCode("330784114266-01")
	Grid02   = model.NodeCode("330784114266-02")
	Grid10   = model.NodeCode("330784114266-10")
	Micro011 = model.NodeCode("330784114266-01-01")
	Micro012 = model.NodeCode("330784114266-01-02")
	Micro021 = model.NodeCode("330784114266-02-01")
	Micro101 = model.NodeCode("330784114266-10-01")
	Unit0111 = model.NodeCode("330784114266-01-01-01")
)

// Importer is the part of a service that loads a tower: the store, or a
// client of one.
type Importer interface {
	ImportNodes(ctx context.Context, nodes []model.Node, by model.PersonID, note string) (int, error)
	ImportPeople(ctx context.Context, people []model.Person, by model.PersonID, note string) ([]model.Person, error)
}

// LoadTower imports nodes and then people into s, as the system, and
// returns the people as stored (with their ids, in import order).
func LoadTower(t testing.TB, s Importer, nodes []model.Node, people []model.Person) []model.Person {
	t.Helper()
	ctx := context.Background()
	n, err := s.ImportNodes(ctx, nodes, model.System, "tiny tower")
	require.NoError(t, err)
	require.Equal(t, len(nodes), n)
	ps, err := s.ImportPeople(ctx, people, model.System, "tiny roster")
	require.NoError(t, err)
	require.Len(t, ps, len(people))
	return ps
}
