package model

import (
	"fmt"
	"slices"
	"strings"
)

// RosterAction is what an import of a roster file does with one of its
// rows.
type RosterAction string

const (
	RosterAdd       RosterAction = "add"       // a new entry on the roster
	RosterSame      RosterAction = "same"      // an entry as the row gives it already: nothing to do
	RosterChange    RosterAction = "change"    // an entry the row matches and changes (Diff)
	RosterRepeat    RosterAction = "repeat"    // an earlier row (Other) once more: imported once
	RosterClash     RosterAction = "clash"     // the entry of an earlier row (Other), given otherwise (Diff)
	RosterAmbiguous RosterAction = "ambiguous" // matches more than one entry (Candidates)
)

// RosterImport is how an import of a roster goes (RosterService.ImportRoster).
type RosterImport struct {
	// Update writes the rows that change an entry; without it such a row
	// refuses the import.
	Update bool
	// DryRun matches the rows and writes nothing.
	DryRun bool
}

// RosterRow is what an import of a roster does with one of its rows
// (PlanRoster).
type RosterRow struct {
	Action RosterAction
	// Person is the entry as the row gives it; its ID is the entry's on
	// the roster (same, change; add, once stored).
	Person Person
	// Was is the entry a change changes, as it stands.
	Was Person
	// Diff names the fields a change changes (from Was) or a clash gives
	// otherwise (from Other's row), in RosterFields' order.
	Diff []string
	// Other is the earlier row a repeat or a clash is of, from 1.
	Other int
	// Candidates are the entries an ambiguous row matches.
	Candidates []Person
	// PhoneOf are the entries, and PhoneRows the other rows (from 1), of
	// another name with the row's phone: two people on one phone (a
	// village office's landline), or a typo; a caller warns of them.
	PhoneOf   []Person
	PhoneRows []int
}

// RosterFields are the fields of an entry a row may change, as Diff names
// them.
var RosterFields = []string{"name", "phone", "node", "roles", "reserve", "on_duty", "lang"}

var rosterFieldZh = map[string]string{
	"name": "姓名", "phone": "电话", "node": "节点", "roles": "角色", "reserve": "储备类型", "on_duty": "在岗", "lang": "语言",
}

// RosterFieldZh is the Chinese name of a field Diff names.
func RosterFieldZh(f string) string { return rosterFieldZh[f] }

// PlanRoster matches rows, a roster file's people in file order (phones
// normalised, roles by their keys), to the entries stored, and says what
// an import does with each row. A person may hold posts at several nodes,
// an entry each, so an entry is a name, a phone and a node:
//
//   - a row with the name, phone and node of an entry is that entry: the
//     same, or a change of its roles, reserve kind, on-duty flag or
//     language;
//   - a row that shares two of the three with one entry that no row
//     matched so (the same name and phone at another node, the same name
//     and node with another phone, the same phone and node with another
//     name) changes that entry: a move, a new phone, a new name; with two
//     or more such entries it is ambiguous; with none it adds an entry;
//   - a row with the name, phone and node of an earlier row repeats it,
//     or clashes with it when it differs otherwise.
//
// Rows match in file order, exact matches first. Rows that add an entry,
// or give one another name or phone, name the other people with their
// phone (PhoneOf, PhoneRows).
func PlanRoster(stored, rows []Person) []RosterRow {
	plan := make([]RosterRow, len(rows))
	idx := newRosterIndex(stored)
	claimed := map[PersonID]bool{}
	first := map[string]int{}
	for i, p := range rows {
		plan[i] = matchExact(p, i, rows, first, idx, claimed)
	}
	for i, p := range rows {
		if plan[i].Action != "" {
			continue
		}
		plan[i] = matchTwo(p, idx, claimed)
	}
	for i := range plan {
		plan[i].PhoneOf, plan[i].PhoneRows = sharedPhone(plan, i, idx)
	}
	return plan
}

// matchExact is row i's plan by its name, phone and node: a repeat or a
// clash of an earlier row, the same or a change of the entry that has
// them; undecided (no Action) when neither.
func matchExact(p Person, i int, rows []Person, first map[string]int, idx rosterIndex, claimed map[PersonID]bool) RosterRow {
	r := RosterRow{Person: p}
	k := rosterKey(p.Name, p.Phone, string(p.Node))
	if j, ok := first[k]; ok {
		r.Action, r.Other, r.Diff = RosterRepeat, j+1, personDiff(rows[j], p)
		if len(r.Diff) > 0 {
			r.Action = RosterClash
		}
		return r
	}
	first[k] = i
	for _, q := range idx.by[k] {
		if claimed[q.ID] {
			continue
		}
		claimed[q.ID] = true
		r.Person.ID, r.Action = q.ID, RosterSame
		if d := personDiff(q, p); len(d) > 0 {
			r.Action, r.Was, r.Diff = RosterChange, q, d
		}
		return r
	}
	return r
}

// matchTwo is the plan of a row no entry matches exactly: the change of
// the one entry not yet matched that shares two of its name, phone and
// node, ambiguous for more, an addition for none.
func matchTwo(p Person, idx rosterIndex, claimed map[PersonID]bool) RosterRow {
	r := RosterRow{Person: p}
	var cands []Person
	for _, k := range []string{
		rosterKey(p.Name, p.Phone, ""), rosterKey(p.Name, "", string(p.Node)), rosterKey("", p.Phone, string(p.Node)),
	} {
		for _, q := range idx.by[k] {
			if !claimed[q.ID] && !slices.ContainsFunc(cands, func(c Person) bool { return c.ID == q.ID }) {
				cands = append(cands, q)
			}
		}
	}
	switch len(cands) {
	case 0:
		r.Action = RosterAdd
	case 1:
		claimed[cands[0].ID] = true
		r.Action, r.Was, r.Diff = RosterChange, cands[0], personDiff(cands[0], p)
		r.Person.ID = cands[0].ID
	default:
		slices.SortFunc(cands, func(a, b Person) int { return int(a.ID) - int(b.ID) })
		r.Action, r.Candidates = RosterAmbiguous, cands
	}
	return r
}

// sharedPhone is who else has plan[i]'s phone under another name, if it
// adds an entry or changes one's name or phone (a sharing the roster has
// already is not news): entries (but the one it changes) and other rows
// that add or change one.
func sharedPhone(plan []RosterRow, i int, idx rosterIndex) ([]Person, []int) {
	r := plan[i]
	news := r.Action == RosterAdd || r.Action == RosterChange && (slices.Contains(r.Diff, "name") || slices.Contains(r.Diff, "phone"))
	if !news {
		return nil, nil
	}
	var of []Person
	for _, q := range idx.by[rosterKey("", r.Person.Phone, "")] {
		if q.Name != r.Person.Name && q.ID != r.Person.ID {
			of = append(of, q)
		}
	}
	var rows []int
	for j, o := range plan {
		if j != i && (o.Action == RosterAdd || o.Action == RosterChange) && o.Person.Phone == r.Person.Phone && o.Person.Name != r.Person.Name {
			rows = append(rows, j+1)
		}
	}
	return of, rows
}

// rosterIndex finds stored entries by name, phone and node, by two of
// them and by the phone alone (rosterKey with the others "").
type rosterIndex struct{ by map[string][]Person }

func newRosterIndex(stored []Person) rosterIndex {
	idx := rosterIndex{by: make(map[string][]Person, 5*len(stored))}
	for _, q := range stored {
		n, ph, nd := q.Name, q.Phone, string(q.Node)
		for _, k := range []string{
			rosterKey(n, ph, nd), rosterKey(n, ph, ""), rosterKey(n, "", nd), rosterKey("", ph, nd), rosterKey("", ph, ""),
		} {
			idx.by[k] = append(idx.by[k], q)
		}
	}
	return idx
}

func rosterKey(name, phone, node string) string { return name + "\x00" + phone + "\x00" + node }

// personDiff names the fields in which b differs from a (RosterFields);
// roles compare as a set.
func personDiff(a, b Person) []string {
	var d []string
	add := func(f string, differ bool) {
		if differ {
			d = append(d, f)
		}
	}
	add("name", a.Name != b.Name)
	add("phone", a.Phone != b.Phone)
	add("node", a.Node != b.Node)
	add("roles", !sameRoles(a.Roles, b.Roles))
	add("reserve", a.Reserve != b.Reserve)
	add("on_duty", a.OnDuty != b.OnDuty)
	add("lang", a.Lang != b.Lang)
	return d
}

func sameRoles(a, b []Role) bool {
	for _, r := range a {
		if !slices.Contains(b, r) {
			return false
		}
	}
	for _, r := range b {
		if !slices.Contains(a, r) {
			return false
		}
	}
	return true
}

// RosterChanges says what a change or a clash changes, field by field,
// from a to b: "roles grid_worker_pt → grid_worker_ft; node
// 330784114266-01 → 330784114266-02", and in Chinese ("角色 兼职网格员 →
// 专职网格员；节点 …"). node names a node for people (its code when "").
func RosterChanges(a, b Person, fields []string, node func(NodeCode) string) (en, zh string) {
	var ens, zhs []string
	for _, f := range fields {
		x, y := rosterValue(a, f, false, node), rosterValue(b, f, false, node)
		xz, yz := rosterValue(a, f, true, node), rosterValue(b, f, true, node)
		ens = append(ens, fmt.Sprintf("%s %s → %s", f, x, y))
		zhs = append(zhs, fmt.Sprintf("%s %s → %s", rosterFieldZh[f], xz, yz))
	}
	return strings.Join(ens, "; "), strings.Join(zhs, "；")
}

// rosterValue is field f of p as RosterChanges shows it.
func rosterValue(p Person, f string, zh bool, node func(NodeCode) string) string {
	none := map[bool]string{false: "none", true: "无"}[zh]
	switch f {
	case "name":
		return Clip(p.Name, 20)
	case "phone":
		return p.Phone
	case "node":
		return PersonPlace(p.Node, node)
	case "roles":
		s := make([]string, len(p.Roles))
		for i, r := range p.Roles {
			s[i] = string(r)
			if zh {
				s[i] = r.Zh()
			}
		}
		return strings.Join(s, map[bool]string{false: ";", true: "、"}[zh])
	case "reserve":
		if p.Reserve == ReserveNone {
			return none
		}
		if zh {
			return p.Reserve.Zh()
		}
		return string(p.Reserve)
	case "on_duty":
		return map[bool]map[bool]string{false: {false: "no", true: "yes"}, true: {false: "否", true: "是"}}[zh][p.OnDuty]
	}
	if p.Lang == "" {
		return none
	}
	return p.Lang
}

// PersonPlace is a node as a roster message names it: its name and code
// (渎溪村 01 330784114266-01), the code alone when name gives none.
func PersonPlace(c NodeCode, name func(NodeCode) string) string {
	if name != nil {
		if n := name(c); n != "" {
			return n + " " + string(c)
		}
	}
	return string(c)
}

// RosterEntry names an entry of the roster in a message: "P4 王五
// (13905790011, 渎溪村 01 330784114266-01)", in Chinese with full-width
// brackets.
func RosterEntry(p Person, node func(NodeCode) string) (en, zh string) {
	at := PersonPlace(p.Node, node)
	name := Clip(p.Name, 20)
	return fmt.Sprintf("%s %s (%s, %s)", p.ID, name, p.Phone, at), fmt.Sprintf("%s %s（%s，%s）", p.ID, name, p.Phone, at)
}

// RosterRefusal is the refusal of a row that an import cannot take as it
// is: a clash, an ambiguous match, or, without update, a change. row
// names another row of the import (Other) for people (the file's line).
// nil for a row the import takes.
func RosterRefusal(r RosterRow, update bool, node func(NodeCode) string, row func(int) (en, zh string)) *Error {
	who := Clip(r.Person.Name, 20)
	at := PersonPlace(r.Person.Node, node)
	switch {
	case r.Action == RosterClash:
		o, oz := row(r.Other)
		var ens, zhs []string
		for _, f := range r.Diff {
			ens = append(ens, f)
			zhs = append(zhs, rosterFieldZh[f])
		}
		return Errorf(EINVALID, "%s (%s) at %s is on %s too, with other %s: give each entry once", who, r.Person.Phone, at, o, strings.Join(ens, ", ")).
			Zh("%s（%s，%s）在%s也有，%s不同：每人每个节点只写一行", who, r.Person.Phone, at, oz, strings.Join(zhs, "、"))
	case r.Action == RosterAmbiguous:
		var ens, zhs []string
		for _, c := range r.Candidates {
			e, z := RosterEntry(c, node)
			ens, zhs = append(ens, e), append(zhs, z)
		}
		return Errorf(ECONFLICT, "%s (%s) at %s matches %d entries on the roster (%s): list each of them as it should stand", who, r.Person.Phone, at, len(r.Candidates), strings.Join(ens, "; ")).
			Zh("%s（%s，%s）与名册上 %d 人都对得上（%s）：请逐一列出各人应有的一行", who, r.Person.Phone, at, len(r.Candidates), strings.Join(zhs, "；"))
	case r.Action == RosterChange && !update:
		was, wasZh := RosterEntry(r.Was, node)
		en, zh := RosterChanges(r.Was, r.Person, r.Diff, node)
		hint, hintZh := "", ""
		if slices.Contains(r.Diff, "name") || slices.Contains(r.Diff, "phone") {
			hint = fmt.Sprintf(" (if they are two people, list %s's row as it stands too)", r.Was.ID)
			hintZh = fmt.Sprintf("（若是两个人，请把 %s 原有的一行也列上）", r.Was.ID)
		}
		return Errorf(ECONFLICT, "would change %s: %s; pass --update to change it%s", was, en, hint).
			Zh("将改动 %s：%s；要改动请加 --update%s", wasZh, zh, hintZh)
	}
	return nil
}
