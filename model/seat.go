package model

// Seat resolution, the minimal part the SSH seats need: which node a
// person's console opens on, and what that room is called. Issue 11 (the
// operator's own town, county and city rooms) is to grow this into the
// full rule; until then this file is the one place that says it.

// SeatRoom is the node a person's seat opens on (the console's scope): a
// duty officer's town, anyone else's own node (a village cadre's village,
// a grid leader's grid). It is Person.Scope, the subtree a person may
// report into, so that a seat shows what its person may act on.
func SeatRoom(p Person) NodeCode { return p.Scope() }

// SeatRoomName is what the header calls the room of a seat scoped to node, in
// English and Chinese: the town's comprehensive information command room;
// a village's wartime command room in wartime (村级战时指挥室) and the
// village itself (村社) in peacetime; a grid; a micro-grid.
func SeatRoomName(node NodeCode, wartime bool) (en, zh string) {
	switch node.Level() {
	case LevelVillage:
		if wartime {
			return "village wartime command room", "村级战时指挥室"
		}
		return "village room", "村社"
	case LevelGrid:
		return "grid", "网格"
	case LevelMicroGrid:
		if wartime {
			return "micro-grid team", "微网格作战单元"
		}
		return "micro-grid", "微网格"
	}
	return "town command room", "综合信息指挥室"
}
