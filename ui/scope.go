package ui

import "gridcmd/model"

// A seat's scope is a node: its console shows that subtree of the tower
// and nothing above it. The snapshot is read scoped by the service; the
// feed and the wartime state are cut to the scope here. "" is the whole
// tower.

// inScope reports whether code lies at or under scope.
func inScope(scope, code model.NodeCode) bool { return scope == "" || scope.Contains(code) }

// scopeEvents keeps the events on nodes in scope, and those on no node.
func scopeEvents(scope model.NodeCode, evs []model.Event) []model.Event {
	if scope == "" {
		return evs
	}
	out := evs[:0:0]
	for _, e := range evs {
		if e.Node == "" || inScope(scope, e.Node) {
			out = append(out, e)
		}
	}
	return out
}

// scopeIncidents keeps the incidents on nodes in scope.
func scopeIncidents(scope model.NodeCode, incs []model.Incident) []model.Incident {
	if scope == "" {
		return incs
	}
	out := incs[:0:0]
	for _, inc := range incs {
		if inScope(scope, inc.Node) {
			out = append(out, inc)
		}
	}
	return out
}

// scopeWartime keeps the units and drafts in scope, and counts the staffed
// units and the gaps among them.
func scopeWartime(scope model.NodeCode, st model.WartimeStatus) model.WartimeStatus {
	if scope == "" {
		return st
	}
	units, drafts := st.Units[:0:0], st.Drafts[:0:0]
	st.Staffed, st.Gaps = 0, 0
	for _, u := range st.Units {
		if !inScope(scope, u.MicroGrid) {
			continue
		}
		units = append(units, u)
		if u.Worker != 0 {
			st.Staffed++
		} else {
			st.Gaps++
		}
	}
	for _, d := range st.Drafts {
		if inScope(scope, d.MicroGrid) {
			drafts = append(drafts, d)
		}
	}
	st.Units, st.Drafts = units, drafts
	return st
}

// scopeUnits keeps a directive's units in scope.
func scopeUnits(scope model.NodeCode, units []model.DirectiveUnit) []model.DirectiveUnit {
	if scope == "" {
		return units
	}
	out := units[:0:0]
	for _, u := range units {
		if inScope(scope, u.Unit) {
			out = append(out, u)
		}
	}
	return out
}
