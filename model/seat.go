package model

// A seat is where a console sits: a room of the chain, at a node, held by a
// person. The town's duty officers sit in the town command room; a duty
// officer placed at a county, city or province node (roster node 330784,
// 3307, 33) sits in that division's social-governance centre, which
// watches every town beneath it; anyone else sits at their own node (a
// village cadre's village room, a grid leader's grid). Without a person the
// console still opens, read-only, and says why.

// Seat is the room a console opens on and who holds it. Node is the
// console's scope: it shows that subtree and nothing above it. The local
// console (cli) and the SSH seats (package seat) both make theirs with
// SeatOf or NoSeat.
type Seat struct {
	Person Person   // who acts; the zero Person when read-only
	Node   NodeCode // the room's node, the scope
	// Town is the town that "the town" (全镇 in a wartime scope or a
	// directive, the header, the chain's figures) means at this seat: the
	// node's town, "" for a room above the towns (county, city, province)
	// until it turns to one (Focus).
	Town NodeCode
	// ReadOnly is why the seat may not act (nil when it may): every action
	// is refused with it.
	ReadOnly error
}

// SeatOf is p's seat. A duty officer sits at their node if it is a town or
// a division above (the town room, or a county, city or province room),
// else in their node's town room; anyone else at their node.
func SeatOf(p Person) Seat {
	node := p.Scope()
	return Seat{Person: p, Node: node, Town: node.Town()}
}

// NoSeat is the read-only seat of a console with no operator, over root
// ("" for the whole file), refusing every action with why.
func NoSeat(root NodeCode, why error) Seat {
	return Seat{Node: root, Town: root.Town(), ReadOnly: why}
}

// ReadOnlySeat is the seat of a console with no operator over a file whose
// roots are roots: the one root when there is one (a province, a county, a
// town: the console then reads that room as a seat there would, its start
// not growing with the file), else the whole file.
func ReadOnlySeat(roots []NodeCode, why error) Seat {
	if len(roots) == 1 {
		return NoSeat(roots[0], why)
	}
	return NoSeat("", why)
}

// NoOperator is why a console without an operator is read-only, and what
// to do about it.
func NoOperator() *Error {
	// Short enough for the console's status line at 80 columns.
	return Errorf(EFORBIDDEN, "read-only (no operator): gridcmd import roster FILE.csv, then --as P..").
		Zh("只读（无值班员）：gridcmd import roster 文件.csv，再以 --as P.. 启动")
}

// Level is the level of the seat's node: the kind of room.
func (s Seat) Level() Level { return s.Node.Level() }

// AboveTown reports whether the seat is a county, city or province room,
// watching several towns.
func (s Seat) AboveTown() bool { return s.Level().AboveTown() }

// Acts reports whether actions may be taken from the seat.
func (s Seat) Acts() bool { return s.ReadOnly == nil }

// Focus turns a room above the towns to one of its towns (Town = town);
// "" turns it back. A seat at or below a town cannot leave its town:
// EFORBIDDEN, as for a town outside the room. A refusal names the nodes
// by name (names; the codes alone when nil or it has none).
func (s Seat) Focus(town NodeCode, names func(NodeCode) string) (Seat, error) {
	named := func(c NodeCode) string { return NameNodes([]NodeCode{c}, names, "") }
	switch {
	case town == "" && s.AboveTown():
		s.Town = ""
		return s, nil
	case town == "" || !s.AboveTown():
		if town == s.Town {
			return s, nil
		}
		return s, Errorf(EFORBIDDEN, "this seat is the room of %s: it cannot leave its town", named(s.Node)).
			Zh("本席位是 %s 的指挥室，不能离开本镇", named(s.Node))
	case town.Level() != LevelTown:
		return s, Errorf(EINVALID, "%s is not a town", named(town)).Zh("%s 不是镇街", named(town)).On("town")
	case s.Node != "" && !s.Node.Contains(town):
		return s, Errorf(EFORBIDDEN, "%s is not under this room (%s)", named(town), named(s.Node)).
			Zh("%s 不在本指挥中心（%s）辖区内", named(town), named(s.Node)).On("town")
	}
	s.Town = town
	return s, nil
}

// Scope is the subtree the console shows now: the town a room above the
// towns has turned to, else the room's node (a village room shows its
// village, not its town).
func (s Seat) Scope() NodeCode {
	if s.AboveTown() && s.Town != "" {
		return s.Town
	}
	return s.Node
}

// SeatRoom is the node a person's seat opens on (SeatOf's Node): a duty
// officer's town, or the county, city or province they are placed at;
// anyone else's own node (a village cadre's village, a grid leader's
// grid). It is Person.Scope, the subtree a person may report into, so that
// a seat shows what its person may act on.
func SeatRoom(p Person) NodeCode { return SeatOf(p).Node }

// SeatRoomName is what the header calls the room of a seat scoped to node, in
// English and Chinese: the social-governance centre (社会治理中心) of a
// county, city or province; all towns for a read-only console over the
// whole file; the town's comprehensive information command room;
// a village's wartime command room in wartime (村级战时指挥室) and the
// village itself (村社) in peacetime; a grid; a micro-grid.
func SeatRoomName(node NodeCode, wartime bool) (en, zh string) {
	switch l := node.Level(); {
	case node == "":
		return "all towns", "全部镇街"
	case l.AboveTown():
		return l.String() + " governance centre", "社会治理中心"
	case l == LevelVillage:
		if wartime {
			return "village wartime command room", "村级战时指挥室"
		}
		return "village room", "村社"
	case l == LevelGrid:
		return "grid", "网格"
	case l == LevelMicroGrid:
		if wartime {
			return "micro-grid team", "微网格作战单元"
		}
		return "micro-grid", "微网格"
	}
	return "town command room", "综合信息指挥室"
}
