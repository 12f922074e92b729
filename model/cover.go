package model

import (
	"iter"
	"slices"
)

// ScopeCover is what a wartime scope covers: its villages, its micro-grids
// (the working units of wartime) and every household in it. The
// confirmation before activation, the activation itself and its
// after-action summary all read these figures.
type ScopeCover struct {
	Villages   int
	Households int           // every household held at a node in scope
	Units      []CoveredUnit // the micro-grids, in code order
}

// CoveredUnit is a micro-grid in a scope, with the households held in its
// subtree (at the micro-grid and its household contact units).
type CoveredUnit struct {
	Code       NodeCode
	Households int
}

// MicroGrids is how many micro-grids the scope covers.
func (c ScopeCover) MicroGrids() int { return len(c.Units) }

// Gaps lists the covered micro-grids that have no micro-grid worker
// placed at the micro-grid itself, in code order: the gaps reserves are
// drafted into.
func (c ScopeCover) Gaps(people []Person) []NodeCode {
	staffed := map[NodeCode]bool{}
	for _, p := range people {
		if p.Has(RoleMicroGridWorker) {
			staffed[p.Node] = true
		}
	}
	var out []NodeCode
	for _, u := range c.Units {
		if !staffed[u.Code] {
			out = append(out, u.Code)
		}
	}
	return out
}

// Cover is what scope (town or village codes) covers in the tower: every
// node whose code lies under one of its codes counts once, whether or not
// the tower links it to its parent. A code of the scope that is not in the
// tower is ENOTFOUND.
func (t Tower) Cover(scope []NodeCode) (ScopeCover, error) {
	for _, s := range scope {
		if _, ok := t.Nodes[s]; !ok {
			return ScopeCover{}, Errorf(ENOTFOUND, "scope: no node %s in the tower", s).Zh("范围：网格塔中没有节点 %s", s).On("scope")
		}
	}
	codes := make([]NodeCode, 0, len(t.Nodes))
	for c := range t.Nodes {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return CoverNodes(scope, func(yield func(Node) bool) {
		for _, c := range codes {
			if !yield(t.Nodes[c].Node) {
				return
			}
		}
	}), nil
}

// CoverNodes is Cover over nodes given in code order, as a store's cursor
// over the scope's subtrees gives them: nodes outside scope are skipped,
// and a node's households count as its own (not rolled up).
func CoverNodes(scope []NodeCode, nodes iter.Seq[Node]) ScopeCover {
	roots := normalizeScope(append([]NodeCode(nil), scope...))
	var c ScopeCover
	for n := range nodes {
		if !slices.ContainsFunc(roots, func(r NodeCode) bool { return r.Contains(n.Code) }) {
			continue
		}
		c.Households += n.Households
		switch {
		case n.Level == LevelVillage:
			c.Villages++
		case n.Level == LevelMicroGrid:
			c.Units = append(c.Units, CoveredUnit{Code: n.Code, Households: n.Households})
		case n.Level > LevelMicroGrid && len(c.Units) > 0 && c.Units[len(c.Units)-1].Code.Contains(n.Code):
			c.Units[len(c.Units)-1].Households += n.Households
		}
	}
	return c
}
