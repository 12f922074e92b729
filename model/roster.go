package model

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// RosterAction is what an import of a roster file does with one of its
// rows.
type RosterAction string

const (
	RosterAdd       RosterAction = "add"       // a new entry on the roster (PostOf: the person's posts at other nodes)
	RosterSame      RosterAction = "same"      // an entry as the row gives it already: nothing to do
	RosterChange    RosterAction = "change"    // an entry the row matches and changes (Diff)
	RosterRepeat    RosterAction = "repeat"    // an earlier row (Other) once more: imported once
	RosterClash     RosterAction = "clash"     // the entry of an earlier row (Other), given otherwise (Diff)
	RosterAmbiguous RosterAction = "ambiguous" // the name of entries at the row's node (Candidates), another phone: a new phone or a namesake?
	RosterUnknown   RosterAction = "unknown"   // the row's id names no entry on the roster
	RosterTaken     RosterAction = "taken"     // the row's id would give its entry the name, phone and node of another (Candidates)
)

// RosterImport is how an import of a roster goes (RosterService.ImportRoster).
type RosterImport struct {
	// Update writes the rows that change an entry; without it such a row
	// refuses the import.
	Update bool
	// DryRun matches the rows and writes nothing.
	DryRun bool
	// Keep are the fields (of "reserve", "on_duty", "lang") the file has
	// no column for: an entry a row matches keeps them as they stand, so
	// that a file without an on_duty column takes nobody off duty.
	Keep []string
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
	// otherwise (from Other's row), in RosterFields' order ("id" first
	// when a clash's rows name two entries).
	Diff []string
	// Other is the earlier row a repeat or a clash is of, from 1.
	Other int
	// Candidates are the entries an ambiguous row may be (of its name at
	// its node, with other phones), or the entry a taken row's name,
	// phone and node are.
	Candidates []Person
	// PostOf are the entries of an added row's name and phone at other
	// nodes: the person's other posts, which the import leaves as they
	// are.
	PostOf []Person
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
	"id": "编号", "name": "姓名", "phone": "电话", "node": "节点", "roles": "角色", "reserve": "储备类型", "on_duty": "在岗", "lang": "语言",
}

// RosterFieldZh is the Chinese name of a field Diff names.
func RosterFieldZh(f string) string { return rosterFieldZh[f] }

// PlanRoster matches rows, a roster file's people in file order (phones
// normalised, roles by their keys, ID the id column's entry or 0), to the
// entries stored, and says what an import does with each row. A person
// may hold posts at several nodes, an entry each, so an entry is a name, a
// phone and a node; an import never takes a row for another name, phone
// or node of an entry unless the row names the entry:
//
//   - a row with an ID is that entry as it should stand: the same, or a
//     change of any of its fields (a new name, phone or node too); unknown
//     when the roster has no such entry, taken when another entry has the
//     name, phone and node it gives;
//   - a row without one is the entry of its name, phone and node: the
//     same, or a change of its roles, reserve kind, on-duty flag or
//     language;
//   - a row without one that no entry has the name, phone and node of
//     adds an entry: another post of the person when entries have its
//     name and phone at other nodes (PostOf), another person on the phone
//     of an entry of another name (PhoneOf); but a row with the name of
//     an entry at its node and another phone is ambiguous (that entry's
//     new phone, or a namesake?) unless another row gives that entry
//     (then it is a namesake, added);
//   - a row with the name, phone and node of an earlier row repeats it,
//     or clashes with it when it differs otherwise (another ID too).
//
// Rows with an ID match first, then exact matches, in file order. Rows
// that add an entry, or give one another name or phone, name the other
// people with their phone (PhoneOf, PhoneRows).
func PlanRoster(stored, rows []Person, keep ...string) []RosterRow {
	pl := rosterPlanner{rows: rows, keep: keep, plan: make([]RosterRow, len(rows)), idx: newRosterIndex(stored), claimed: map[PersonID]int{}}
	pl.repeats()
	pl.byID()
	pl.exact()
	pl.rest()
	pl.taken()
	pl.phones()
	return pl.plan
}

// rosterPlanner is PlanRoster's work: the rows, their plan as it is made,
// the stored entries and the row (index) that claims each entry matched.
type rosterPlanner struct {
	rows    []Person
	keep    []string // RosterImport.Keep
	plan    []RosterRow
	idx     rosterIndex
	claimed map[PersonID]int
}

// repeats plans the rows with the name, phone and node of an earlier row:
// a repeat, or a clash when they differ otherwise.
func (pl *rosterPlanner) repeats() {
	first := make(map[rosterKey]int, len(pl.rows))
	for i, p := range pl.rows {
		k := keyOf(p)
		j, ok := first[k]
		if !ok {
			first[k] = i
			continue
		}
		o := pl.rows[j]
		r := RosterRow{Person: p, Action: RosterRepeat, Other: j + 1, Diff: personDiff(o, p)}
		if o.ID != p.ID {
			r.Diff = append([]string{"id"}, r.Diff...)
		}
		if len(r.Diff) > 0 {
			r.Action = RosterClash
		}
		pl.plan[i] = r
	}
}

// byID plans the rows that name their entry: the same or a change of it;
// a clash with an earlier row that names it; unknown.
func (pl *rosterPlanner) byID() {
	for i, p := range pl.rows {
		if pl.plan[i].Action != "" || p.ID == 0 {
			continue
		}
		r := RosterRow{Person: p}
		at, ok := pl.idx.byID[p.ID]
		j, dup := pl.claimed[p.ID]
		switch {
		case !ok:
			r.Action = RosterUnknown
		case dup:
			r.Action, r.Other, r.Diff = RosterClash, j+1, personDiff(pl.rows[j], p)
		default:
			pl.claimed[p.ID] = i
			r = pl.sameOrChange(p, pl.idx.stored[at])
		}
		pl.plan[i] = r
	}
}

// exact plans the rows without an ID by the entry of their name, phone
// and node that no row has claimed: the same or a change of it; a clash
// with the row that names it by its ID and gives it otherwise.
func (pl *rosterPlanner) exact() {
	for i, p := range pl.rows {
		if pl.plan[i].Action != "" || p.ID != 0 {
			continue
		}
		for q := range pl.idx.exact.of(pl.idx.stored, keyOf(p)) {
			j, taken := pl.claimed[q.ID]
			if !taken {
				pl.claimed[q.ID] = i
				pl.plan[i] = pl.sameOrChange(p, q)
				break
			}
			if pl.plan[i].Action == "" {
				p.ID = q.ID
				pl.plan[i] = RosterRow{Person: p, Action: RosterClash, Other: j + 1, Diff: personDiff(pl.rows[j], p)}
			}
		}
	}
}

// sameOrChange is row p's plan as entry q: the fields the file does not
// give (keep) as q has them.
func (pl *rosterPlanner) sameOrChange(p, q Person) RosterRow {
	p.ID = q.ID
	for _, f := range pl.keep {
		switch f {
		case "reserve":
			p.Reserve = q.Reserve
		case "on_duty":
			p.OnDuty = q.OnDuty
		case "lang":
			p.Lang = q.Lang
		}
	}
	r := RosterRow{Person: p, Action: RosterSame}
	if d := personDiff(q, p); len(d) > 0 {
		r.Action, r.Was, r.Diff = RosterChange, q, d
	}
	return r
}

// rest plans the rows no entry matched: ambiguous when entries of their
// name at their node, with other phones, are not claimed by other rows;
// else an addition, and another post of the entries of the name and
// phone at other nodes.
func (pl *rosterPlanner) rest() {
	for i, p := range pl.rows {
		if pl.plan[i].Action != "" {
			continue
		}
		r := RosterRow{Person: p, Action: RosterAdd}
		for q := range pl.idx.named.of(pl.idx.stored, rosterKey{name: p.Name, node: p.Node}) {
			if _, ok := pl.claimed[q.ID]; !ok {
				r.Candidates = append(r.Candidates, q)
			}
		}
		if len(r.Candidates) > 0 {
			slices.SortFunc(r.Candidates, func(a, b Person) int { return cmp.Compare(a.ID, b.ID) })
			r.Action = RosterAmbiguous
		} else {
			r.PostOf = slices.Collect(pl.idx.posts.of(pl.idx.stored, rosterKey{name: p.Name, phone: p.Phone}))
		}
		pl.plan[i] = r
	}
}

// taken refuses a row that gives its entry the name, phone and node of
// another entry, unless a row gives that one others.
func (pl *rosterPlanner) taken() {
	for i, r := range pl.plan {
		if r.Action != RosterChange || keyOf(r.Was) == keyOf(r.Person) {
			continue
		}
		for q := range pl.idx.exact.of(pl.idx.stored, keyOf(r.Person)) {
			if j, ok := pl.claimed[q.ID]; ok && keyOf(pl.rows[j]) != keyOf(q) {
				continue // moved out of the way by row j
			}
			pl.plan[i] = RosterRow{Person: r.Person, Action: RosterTaken, Candidates: []Person{q}}
			break
		}
	}
}

// phones names, on each row that adds an entry or gives one a new name or
// phone, the entries (but its own) and the other such rows of another
// name with its phone.
func (pl *rosterPlanner) phones() {
	news := func(r RosterRow) bool {
		return r.Action == RosterAdd || r.Action == RosterChange && (slices.Contains(r.Diff, "name") || slices.Contains(r.Diff, "phone"))
	}
	byPhone := map[string][]int{}
	for i, r := range pl.plan {
		if news(r) {
			byPhone[r.Person.Phone] = append(byPhone[r.Person.Phone], i)
		}
	}
	for i := range pl.plan {
		r := &pl.plan[i]
		if !news(*r) {
			continue
		}
		for q := range pl.idx.phone.of(pl.idx.stored, r.Person.Phone) {
			if q.Name != r.Person.Name && q.ID != r.Person.ID {
				r.PhoneOf = append(r.PhoneOf, q)
			}
		}
		for _, j := range byPhone[r.Person.Phone] {
			if j != i && pl.plan[j].Person.Name != r.Person.Name {
				r.PhoneRows = append(r.PhoneRows, j+1)
			}
		}
	}
}

// rosterIndex finds stored entries by id; by name, phone and node; by
// name and node; by name and phone; by phone; each in stored order.
type rosterIndex struct {
	stored              []Person
	byID                map[PersonID]int
	exact, named, posts chain[rosterKey]
	phone               chain[string]
}

// rosterKey is an entry's name, phone and node, or some of them.
type rosterKey struct {
	name, phone string
	node        NodeCode
}

func keyOf(p Person) rosterKey { return rosterKey{p.Name, p.Phone, p.Node} }

func newRosterIndex(stored []Person) rosterIndex {
	n := len(stored)
	idx := rosterIndex{stored: stored, byID: make(map[PersonID]int, n),
		exact: newChain[rosterKey](n), named: newChain[rosterKey](n), posts: newChain[rosterKey](n), phone: newChain[string](n)}
	for i := n - 1; i >= 0; i-- { // each chain is pushed to: backwards, it reads forwards
		q := stored[i]
		idx.byID[q.ID] = i
		idx.exact.push(keyOf(q), i)
		idx.named.push(rosterKey{name: q.Name, node: q.Node}, i)
		idx.posts.push(rosterKey{name: q.Name, phone: q.Phone}, i)
		idx.phone.push(q.Phone, i)
	}
	return idx
}

// chain is a multimap of keys to stored entries without a slice per key:
// head is a key's first entry, next each entry's next of its key (indexes
// from 1, 0 ending).
type chain[K comparable] struct {
	head map[K]int
	next []int
}

func newChain[K comparable](n int) chain[K] {
	return chain[K]{head: make(map[K]int, n), next: make([]int, n)}
}

// of is the entries of stored the chain holds under k.
func (c chain[K]) of(stored []Person, k K) iter.Seq[Person] {
	return func(yield func(Person) bool) {
		for i := c.head[k]; i > 0 && yield(stored[i-1]); i = c.next[i-1] {
		}
	}
}

// push puts entry i first under k.
func (c chain[K]) push(k K, i int) {
	c.next[i] = c.head[k]
	c.head[k] = i + 1
}

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
// brackets; without the id, a row's entry not stored yet.
func RosterEntry(p Person, node func(NodeCode) string) (en, zh string) {
	at := PersonPlace(p.Node, node)
	name := Clip(p.Name, 20)
	if p.ID != 0 {
		name = p.ID.String() + " " + name
	}
	return fmt.Sprintf("%s (%s, %s)", name, p.Phone, at), fmt.Sprintf("%s（%s，%s）", name, p.Phone, at)
}

// RosterTally counts the rows of an import's plan, as its summaries (the
// import's event, the command's last line) say them.
type RosterTally struct {
	Rows    int // rows read
	Added   int // entries added
	Posts   int // of Added, other posts of people on the roster (PostOf)
	Updated int // entries changed
	Same    int // rows already on the roster: the same, or a repeat of an earlier row
	Refused int // rows refused whatever Update says: a clash, an ambiguous, unknown or taken row
}

// TallyRoster counts plan's rows.
func TallyRoster(plan []RosterRow) RosterTally {
	t := RosterTally{Rows: len(plan)}
	for _, r := range plan {
		switch r.Action {
		case RosterAdd:
			t.Added++
			if len(r.PostOf) > 0 {
				t.Posts++
			}
		case RosterChange:
			t.Updated++
		case RosterSame, RosterRepeat:
			t.Same++
		default:
			t.Refused++
		}
	}
	return t
}

// RosterRefusal is the refusal of a row that an import cannot take as it
// is: a clash, an ambiguous, unknown or taken row, or, without update, a
// change. row names another row of the import (Other) for people (the
// file's line). nil for a row the import takes.
func RosterRefusal(r RosterRow, update bool, node func(NodeCode) string, row func(int) (en, zh string)) *Error {
	who := Clip(r.Person.Name, 20)
	if r.Person.ID != 0 {
		who = r.Person.ID.String() + " " + who
	}
	at := PersonPlace(r.Person.Node, node)
	switch {
	case r.Action == RosterClash:
		o, oz := row(r.Other)
		var zhs []string
		for _, f := range r.Diff {
			zhs = append(zhs, rosterFieldZh[f])
		}
		return Errorf(EINVALID, "%s (%s) at %s is on %s too, with other %s: give each entry once", who, r.Person.Phone, at, o, strings.Join(r.Diff, ", ")).
			Zh("%s（%s，%s）在%s也有，%s不同：每人每个节点只写一行", who, r.Person.Phone, at, oz, strings.Join(zhs, "、"))
	case r.Action == RosterAmbiguous:
		return ambiguousRefusal(r, who, at, node)
	case r.Action == RosterUnknown:
		return Errorf(ENOTFOUND, "%s (%s) at %s: the roster has no %s; the id column names an entry to change: leave it empty for a new person", who, r.Person.Phone, at, r.Person.ID).
			Zh("%s（%s，%s）：名册上没有 %s；编号列指明要改动的人员，新增人员请留空", who, r.Person.Phone, at, r.Person.ID)
	case r.Action == RosterTaken:
		c, cz := RosterEntry(r.Candidates[0], node)
		return Errorf(ECONFLICT, "%s (%s) at %s: %s has that name, phone and node already: give each entry once", who, r.Person.Phone, at, c).
			Zh("%s（%s，%s）：%s的姓名、电话、节点与此相同：每人每个节点只写一行", who, r.Person.Phone, at, cz)
	case r.Action == RosterChange && !update:
		was, wasZh := RosterEntry(r.Was, node)
		en, zh := RosterChanges(r.Was, r.Person, r.Diff, node)
		return Errorf(ECONFLICT, "would change %s: %s; pass --update to change it", was, en).
			Zh("将改动 %s：%s；要改动请加 --update", wasZh, zh)
	}
	return nil
}

// ambiguousRefusal is RosterRefusal's of an ambiguous row: a new phone of
// one of its candidates, or a namesake? It says how the file tells.
func ambiguousRefusal(r RosterRow, who, at string, node func(NodeCode) string) *Error {
	var ens, zhs, ids []string
	for _, c := range r.Candidates {
		e, z := RosterEntry(c, node)
		ens, zhs, ids = append(ens, e), append(zhs, z), append(ids, c.ID.String())
	}
	if len(r.Candidates) == 1 {
		id := ids[0]
		return Errorf(ECONFLICT, "%s (%s) at %s: %s is there with another phone: for %s's new phone, write %s in the row's id column and pass --update; for two people of one name, list %s's row as it stands too",
			who, r.Person.Phone, at, ens[0], id, id, id).
			Zh("%s（%s，%s）：%s在该处，电话不同：若是 %s 换了电话，请在该行编号列写 %s 并加 --update；若是同名的两个人，请把 %s 原有的一行也列上",
				who, r.Person.Phone, at, zhs[0], id, id, id)
	}
	return Errorf(ECONFLICT, "%s (%s) at %s: %s are there with other phones: for a new phone of one, write its id in the row's id column and pass --update; for another person of the name, list their rows as they stand too",
		who, r.Person.Phone, at, strings.Join(ens, "; ")).
		Zh("%s（%s，%s）：%s在该处，电话不同：若是其中一人换了电话，请在该行编号列写其编号并加 --update；若是另一位同名的人，请把他们原有的各行也列上",
			who, r.Person.Phone, at, strings.Join(zhs, "；"))
}

// MayKeepRoster reports whether p may import roster rows at node (add a
// person there, change one placed there): the system, or a duty officer
// who acts there (ActsIn: of node's town, or above the towns over it).
func MayKeepRoster(p Person, node NodeCode) bool {
	return p.ID == System || p.Has(RoleDutyOfficer) && p.ActsIn(node)
}

// RefuseRoster is the refusal of p importing a roster row at node
// (MayKeepRoster), by names where names knows them; nil when p may.
func RefuseRoster(p Person, node NodeCode, names func(NodeCode) string) *Error {
	switch {
	case MayKeepRoster(p, node):
		return nil
	case p.Has(RoleDutyOfficer):
		return ForeignAct(p, "import the roster", "导入名册", node, names)
	}
	at := NameNodes([]NodeCode{node}, names, "")
	return Errorf(EFORBIDDEN, "%s (%s) may not import the roster at %s: only a duty officer of its town or above it keeps the roster", p.Name, p.ID, at).
		Zh("%s（%s）不能导入 %s 的名册：名册由该镇或上级的值班员维护", p.Name, p.ID, at)
}
