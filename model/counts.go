package model

import (
	"slices"
	"strings"
)

// Counts are the figures of one node's subtree that the store keeps on the
// node itself, written in the same transaction as each change (a node or a
// person imported, an incident opened, moved or closed), so that a room
// reads the roll-ups of a county without walking its million nodes. They
// change only with the file, never with the clock: how many open incidents
// are red depends on now, and is counted from the open incidents a room
// loads (Tower.RollUp).
type Counts struct {
	Children   int // nodes directly beneath
	Households int // every household held in the subtree (the node's own included)
	People     int // everyone on the roster placed in the subtree
	Staff      int // grid staff and micro-grid workers among them (Person.IsStaff)
	Villages   int // village nodes in the subtree (the node itself included)
	MicroGrids int // micro-grid nodes likewise
	// Open is the open incidents in the subtree by the tier they wait at
	// (index Tier.Rank).
	Open [TierCount]int
}

// TierCount is how many tiers there are (len(Tiers)).
const TierCount = 4

// OpenTotal is the open incidents in the subtree at every tier.
func (c Counts) OpenTotal() int {
	n := 0
	for _, x := range c.Open {
		n += x
	}
	return n
}

// Add adds d's figures to c (sign -1 takes them off).
func (c *Counts) Add(d Counts, sign int) {
	c.Children += sign * d.Children
	c.Households += sign * d.Households
	c.People += sign * d.People
	c.Staff += sign * d.Staff
	c.Villages += sign * d.Villages
	c.MicroGrids += sign * d.MicroGrids
	for i := range c.Open {
		c.Open[i] += sign * d.Open[i]
	}
}

// Zero reports whether every figure is 0.
func (c Counts) Zero() bool { return c == Counts{} }

// NodeCounts is what one node adds to its own figures and to those of
// every node above it: its households, a village or a micro-grid. (Its
// place among its parent's Children is counted apart.)
func NodeCounts(n Node) Counts {
	c := Counts{Households: n.Households}
	switch n.Level {
	case LevelVillage:
		c.Villages = 1
	case LevelMicroGrid:
		c.MicroGrids = 1
	}
	return c
}

// PersonCounts is what a person on the roster adds to the figures of the
// node they are placed at and every node above.
func PersonCounts(p Person) Counts {
	c := Counts{People: 1}
	if p.IsStaff() {
		c.Staff = 1
	}
	return c
}

// IncidentCounts is what an incident adds while it is open: one at its
// tier; nothing once resolved or closed.
func IncidentCounts(i Incident) Counts {
	var c Counts
	if r := i.Tier.Rank(); i.Status.Open() && r >= 0 {
		c.Open[r] = 1
	}
	return c
}

// CountedNode is a node with its stored figures.
type CountedNode struct {
	Node
	Counts Counts
}

// RecountTower counts every node's figures from scratch, from the whole
// file's nodes, people and incidents (open or not): what the store keeps
// must equal it (gridcmd check). nodes may come in any order.
func RecountTower(nodes []Node, people []Person, incidents []Incident) map[NodeCode]Counts {
	out := make(map[NodeCode]Counts, len(nodes))
	for _, n := range nodes {
		out[n.Code] = Counts{}
	}
	add := func(at NodeCode, d Counts) {
		for c := at; c != ""; c = c.Parent() {
			if x, ok := out[c]; ok {
				x.Add(d, 1)
				out[c] = x
			}
		}
	}
	for _, n := range nodes {
		add(n.Code, NodeCounts(n))
		if p, ok := out[n.Code.Parent()]; ok {
			p.Children++
			out[n.Code.Parent()] = p
		}
	}
	for _, p := range people {
		add(p.Node, PersonCounts(p))
	}
	for _, i := range incidents {
		add(i.Node, IncidentCounts(i))
	}
	return out
}

// BuildCountedTower links nodes, a part of the tower (a room's subtree down
// to the levels it shows), into a tree whose households, staff and people
// are the stored figures: nothing beneath what is loaded is read. A node
// whose parent is not among nodes is a root. Open incidents are put on it
// by RollUp or CountIncident, each on its node or the nearest loaded one
// above; Children lists the loaded children, Counts.Children how many are
// stored. More is loaded into it with Graft.
func BuildCountedTower(nodes []CountedNode) Tower {
	t := Tower{Nodes: make(map[NodeCode]*TowerNode, len(nodes))}
	slices.SortFunc(nodes, func(a, b CountedNode) int { return strings.Compare(string(a.Code), string(b.Code)) })
	for _, n := range nodes {
		t.Nodes[n.Code] = counted(n)
	}
	for _, n := range nodes {
		if p, ok := t.Nodes[n.Code.Parent()]; ok && n.Code.Parent() != "" {
			p.Children = append(p.Children, n.Code)
		} else {
			t.Roots = append(t.Roots, n.Code)
		}
	}
	return t
}

func counted(n CountedNode) *TowerNode {
	return &TowerNode{Node: n.Node, Counts: n.Counts, Counted: true, Households: n.Counts.Households,
		Staff: n.Counts.Staff, People: n.Counts.People}
}

// Graft puts nodes loaded later (the children of a node the officer
// opened) into t beneath their loaded parents, in code order, with no open
// incidents on them: the caller counts those again (RollUp), since
// incidents counted on the parent now belong beneath. Nodes already loaded
// get their new figures; a node whose parent is not loaded is left out.
func (t Tower) Graft(nodes []CountedNode) {
	slices.SortFunc(nodes, func(a, b CountedNode) int { return strings.Compare(string(a.Code), string(b.Code)) })
	for _, n := range nodes {
		if old, ok := t.Nodes[n.Code]; ok {
			old.Node, old.Counts = n.Node, n.Counts
			old.Households, old.Staff, old.People = n.Counts.Households, n.Counts.Staff, n.Counts.People
			continue
		}
		p, ok := t.Nodes[n.Code.Parent()]
		if !ok {
			continue
		}
		t.Nodes[n.Code] = counted(n)
		i, _ := slices.BinarySearch(p.Children, n.Code)
		p.Children = slices.Insert(p.Children, i, n.Code)
	}
}

// HasChildren reports whether the node has children, loaded or not.
func (n *TowerNode) HasChildren() bool {
	if n.Counted {
		return n.Counts.Children > 0
	}
	return len(n.Children) > 0
}

// Loaded reports whether every child of the node is in the tower.
func (n *TowerNode) Loaded() bool { return !n.Counted || len(n.Children) >= n.Counts.Children }

// Reach is what a wartime scope reaches by the stored figures, town by
// town: the confirmation before activation lists it.
type Reach struct {
	Towns                            []TownReach // in code order
	Villages, MicroGrids, Households int         // over every town
}

// TownReach is what a scope reaches in one town.
type TownReach struct {
	Town                             NodeCode
	Villages, MicroGrids, Households int
}

// Reach sums the stored figures of scope's nodes (towns, villages, or the
// counties and cities whose towns they hold), overlapping codes counted
// once, by town. Every code of the scope must be loaded in t (ENOTFOUND);
// a code above the towns reaches each of its loaded towns, and must have
// them all loaded (ENOTFOUND otherwise, naming it).
func (t Tower) Reach(scope []NodeCode) (Reach, error) {
	var r Reach
	byTown := map[NodeCode]*TownReach{}
	for _, s := range normalizeScope(append([]NodeCode(nil), scope...)) {
		n, ok := t.Nodes[s]
		if !ok {
			return Reach{}, Errorf(ENOTFOUND, "scope: no node %s in the tower", s).Zh("范围：网格塔中没有节点 %s", s).On("scope")
		}
		var parts []*TowerNode
		if n.Level.AboveTown() {
			t.Walk(s, -1, func(x *TowerNode, _ int) {
				if x.Level == LevelTown {
					parts = append(parts, x)
				}
			})
			if !n.Loaded() || len(parts) == 0 {
				return Reach{}, Errorf(ENOTFOUND, "scope: the towns of %s are not loaded", s).Zh("范围：%s 的镇街尚未载入", s).On("scope")
			}
		} else {
			parts = []*TowerNode{n}
		}
		for _, x := range parts {
			town := x.Code.Town()
			tr, ok := byTown[town]
			if !ok {
				tr = &TownReach{Town: town}
				byTown[town] = tr
			}
			v, m := x.Counts.Villages, x.Counts.MicroGrids
			if !x.Counted {
				v, m = 0, 0
			}
			tr.Villages += v
			tr.MicroGrids += m
			tr.Households += x.Households
		}
	}
	for _, tr := range byTown {
		r.Towns = append(r.Towns, *tr)
		r.Villages += tr.Villages
		r.MicroGrids += tr.MicroGrids
		r.Households += tr.Households
	}
	slices.SortFunc(r.Towns, func(a, b TownReach) int { return strings.Compare(string(a.Town), string(b.Town)) })
	return r, nil
}
