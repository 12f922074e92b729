package store

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Node returns one node of the tower; ENOTFOUND if there is none.
func (s *DB) Node(ctx context.Context, code model.NodeCode) (model.Node, error) {
	if err := ctx.Err(); err != nil {
		return model.Node{}, err
	}
	code, err := model.ParseNodeCode(string(code))
	if err != nil {
		return model.Node{}, err
	}
	return viewOf(ctx, s, func(tx *bolt.Tx) (model.Node, error) { return getNode(tx, code) })
}

// Nodes returns root and its subtree ("" for every tower), in code order.
func (s *DB) Nodes(ctx context.Context, root model.NodeCode) ([]model.Node, error) {
	return viewIn(ctx, s, root, func(tx *bolt.Tx, root model.NodeCode) ([]model.Node, error) {
		if root != "" {
			if _, err := getNode(tx, root); err != nil {
				return nil, err
			}
		}
		var out []model.Node
		prefix := []byte(root)
		c := tx.Bucket(bucketNodes).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			n, err := decodeNode(k, v)
			if err != nil {
				return out, err
			}
			out = append(out, n)
		}
		return out, nil
	})
}

// ImportNodes adds the nodes not stored yet, all or none, and records one
// import event. Each node must pass Node.Validate and have its parent stored
// or among nodes; a code given twice must be given the same way.
func (s *DB) ImportNodes(ctx context.Context, nodes []model.Node, by model.PersonID, note string) (int, error) {
	batch := make(map[model.NodeCode]model.Node, len(nodes))
	list := make([]model.Node, 0, len(nodes))
	for _, n := range nodes {
		n, err := cleanNode(n)
		if err != nil {
			return 0, err
		}
		if err := n.Validate(); err != nil {
			return 0, err
		}
		if prev, ok := batch[n.Code]; ok {
			if !reflect.DeepEqual(prev, n) {
				return 0, model.Errorf(model.EINVALID, "node %s is given twice, differently", n.Code).
					Zh("节点 %s 给出了两次，且两次不同", n.Code)
			}
			continue
		}
		batch[n.Code] = n
		list = append(list, n)
	}
	slices.SortFunc(list, func(a, b model.Node) int { return strings.Compare(string(a.Code), string(b.Code)) })

	var added int
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		added = 0
		actor, err := actorOf(tx, by)
		if err != nil {
			return nil, err
		}
		add, err := s.addNodes(tx, list, batch)
		if err != nil || len(add) == 0 {
			return nil, err
		}
		added = len(add)
		codes := make([]model.NodeCode, len(add))
		for i, n := range add {
			codes[i] = n.Code
		}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActImport,
			Node: model.Over(codes), Note: joinNote(note, ": ", nodeSummary(add)), NoteZh: joinNote(note, "：", nodeSummaryZh(add)),
		}}, nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// addNodes writes the nodes of list (in code order) not stored yet, with
// their counters, in the writer's transaction tx, and returns them. Each
// one's parent must be stored or in batch (a town, county or city may be a
// root).
func (s *DB) addNodes(tx *bolt.Tx, list []model.Node, batch map[model.NodeCode]model.Node) ([]model.Node, error) {
	b := tx.Bucket(bucketNodes)
	add := make([]model.Node, 0, len(list))
	c := b.Cursor() // one cursor for the lookups, in code order
	for _, n := range list {
		if k, _ := c.Seek([]byte(n.Code)); string(k) != string(n.Code) {
			add = append(add, n)
		}
	}
	for _, n := range add {
		if n.Parent == "" || n.Level <= model.LevelTown {
			continue // a town, county or city may be a root
		}
		if _, ok := batch[n.Parent]; !ok && b.Get([]byte(n.Parent)) == nil {
			return nil, model.Errorf(model.ENOTFOUND,
				"node %s: its parent %s is neither in the tower nor in this import", n.Code, n.Parent).
				Zh("节点 %s：其上级 %s 既不在网格塔中，也不在本次导入中", n.Code, n.Parent)
		}
	}
	if len(add) == 0 {
		return nil, nil
	}
	adopted, err := adoptedRoots(tx, add)
	if err != nil {
		return nil, err
	}
	for _, n := range add {
		if err := putNode(tx, n); err != nil {
			return nil, err
		}
	}
	s.wt.counts.freshTree(add)
	for _, a := range adopted {
		s.wt.counts.at(a.by, a.counts)
		if a.code.Parent() == a.by {
			s.wt.counts.child(a.by)
		}
	}
	return add, nil
}

// adoption is a stored root (a town, county or city whose parent was not
// stored) that a division added above it takes in: its figures go onto
// by, the deepest added node above it, and every node above that.
type adoption struct {
	code, by model.NodeCode
	counts   model.Counts
}

// adoptedRoots finds, before add is written, the stored roots beneath the
// divisions of add (only a town or a division above may be stored without
// its parent), each with the added node that becomes its nearest ancestor:
// a county imported after its towns counts them.
func adoptedRoots(tx *bolt.Tx, add []model.Node) ([]adoption, error) {
	by := map[model.NodeCode]model.NodeCode{}
	c := tx.Bucket(bucketNodes).Cursor()
	for _, n := range add {
		if !n.Level.AboveTown() {
			continue
		}
		prefix := []byte(n.Code)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(pastSubtree(k)) {
			code := model.NodeCode(k)
			if prev, ok := by[code]; !ok || len(n.Code) > len(prev) {
				by[code] = n.Code
			}
		}
	}
	out := make([]adoption, 0, len(by))
	for code, above := range by {
		cnt, err := getCounts(tx, code)
		if err != nil {
			return nil, err
		}
		cnt.Children = 0 // its own children, not the adopter's
		out = append(out, adoption{code: code, by: above, counts: cnt})
	}
	slices.SortFunc(out, func(a, b adoption) int { return strings.Compare(string(a.code), string(b.code)) })
	return out, nil
}

// cleanNode runs the names and tags through model.CleanText, in case the
// caller did not: nothing that moves a terminal's cursor reaches the file.
func cleanNode(n model.Node) (model.Node, error) {
	var err error
	clean := func(s string) string {
		c, e := model.CleanText(s, false)
		if e != nil && err == nil {
			err = model.Errorf(model.EINVALID, "node %s: %s", n.Code, model.ErrorMessage(e)).
				Zh("节点 %s：%s", n.Code, model.ErrorMessageZh(e))
		}
		return c
	}
	n.Name, n.Official = clean(n.Name), clean(n.Official)
	tags := make([]string, 0, len(n.Tags))
	for _, t := range n.Tags {
		if t = clean(t); t != "" {
			tags = append(tags, t)
		}
	}
	n.Tags = nil
	if len(tags) > 0 {
		n.Tags = tags
	}
	return n, err
}

// nodeSummary says how many nodes of each level: "27 villages, 82 grids".
func nodeSummary(add []model.Node) string {
	count := map[model.Level]int{}
	for _, n := range add {
		count[n.Level]++
	}
	names := []struct {
		l            model.Level
		one, several string
	}{
		{model.LevelProvince, "province", "provinces"}, {model.LevelCity, "city", "cities"},
		{model.LevelCounty, "county", "counties"},
		{model.LevelTown, "town", "towns"}, {model.LevelVillage, "village", "villages"},
		{model.LevelGrid, "grid", "grids"}, {model.LevelMicroGrid, "micro-grid", "micro-grids"},
		{model.LevelHousehold, "household unit", "household units"},
	}
	var parts []string
	for _, x := range names {
		switch n := count[x.l]; n {
		case 0:
		case 1:
			parts = append(parts, "1 "+x.one)
		default:
			parts = append(parts, fmt.Sprintf("%d %s", n, x.several))
		}
	}
	return strings.Join(parts, ", ")
}

// nodeSummaryZh is nodeSummary in Chinese: "27 个村社、82 个网格".
func nodeSummaryZh(add []model.Node) string {
	count := map[model.Level]int{}
	for _, n := range add {
		count[n.Level]++
	}
	var parts []string
	for l := model.LevelProvince; l <= model.LevelHousehold; l++ {
		if n := count[l]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d 个%s", n, l.Zh()))
		}
	}
	return strings.Join(parts, "、")
}

// joinNote puts the officer's note before a summary, after sep (": ", or
// "：" in Chinese).
func joinNote(note, sep, summary string) string {
	note = strings.TrimSpace(note)
	if note == "" {
		return summary
	}
	return note + sep + summary
}

// nodeNames names the nodes of tx as the console does (model.DisplayName
// by code, "渎溪村 02-03"), for the notes of events; "" for a node not
// stored.
func nodeNames(tx *bolt.Tx) func(model.NodeCode) string {
	raw := map[model.NodeCode]string{}
	name := func(c model.NodeCode) string {
		if n, ok := raw[c]; ok {
			return n
		}
		n, _ := getNode(tx, c)
		raw[c] = n.Name
		return n.Name
	}
	return func(c model.NodeCode) string {
		n, err := getNode(tx, c)
		if err != nil {
			return ""
		}
		return model.DisplayName(n, model.NameByCode, name)
	}
}

// nodeName is the name of the node c, or c itself when the tower has no
// such node.
func nodeName(tx *bolt.Tx, c model.NodeCode) string {
	if n, err := getNode(tx, c); err == nil {
		return n.Name
	}
	return string(c)
}

func getNode(tx *bolt.Tx, code model.NodeCode) (model.Node, error) {
	v := tx.Bucket(bucketNodes).Get([]byte(code))
	if v == nil {
		return model.Node{}, model.Errorf(model.ENOTFOUND, "no node %s in the tower", code).Zh("网格塔中没有节点 %s", code)
	}
	return decodeNode([]byte(code), v)
}

func hasNode(tx *bolt.Tx, code model.NodeCode) bool {
	return code != "" && tx.Bucket(bucketNodes).Get([]byte(code)) != nil
}

func putNode(tx *bolt.Tx, n model.Node) error {
	return putEncoded(tx.Bucket(bucketNodes), []byte(n.Code), n, encodeNode)
}

// Person returns one roster entry; ENOTFOUND if there is none.
func (s *DB) Person(ctx context.Context, id model.PersonID) (model.Person, error) {
	return viewOf(ctx, s, func(tx *bolt.Tx) (model.Person, error) { return getPerson(tx, id) })
}

// PeopleOf returns the roster entries of ids, read in one transaction, in
// id order and each once; ENOTFOUND (Person's) for an id the roster does
// not hold.
func (s *DB) PeopleOf(ctx context.Context, ids []model.PersonID) ([]model.Person, error) {
	list := slices.Clone(ids)
	slices.Sort(list)
	list = slices.Compact(list)
	return viewOf(ctx, s, func(tx *bolt.Tx) ([]model.Person, error) {
		out := make([]model.Person, 0, len(list))
		for _, id := range list {
			p, err := getPerson(tx, id)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	})
}

// People returns the roster entries in f.Node's subtree holding f.Role, in
// id order.
func (s *DB) People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var err error
	if f.Role, err = parseSet(f.Role, model.ParseRole); err != nil {
		return nil, err
	}
	if f.Node, err = parseRoot(f.Node); err != nil {
		return nil, err
	}
	var out []model.Person
	err = s.view(func(tx *bolt.Tx) error {
		keep := func(p model.Person) {
			if f.Role == "" || p.Has(f.Role) {
				out = append(out, p)
			}
		}
		if f.Node == "" {
			return tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
				p, err := decodePerson(getU64(k), v)
				if err == nil {
					keep(p)
				}
				return err
			})
		}
		ids := peopleIn(tx, f.Node, false)
		slices.Sort(ids)
		for _, id := range ids {
			p, err := getPerson(tx, model.PersonID(id))
			if err != nil {
				return err
			}
			keep(p)
		}
		return nil
	})
	return out, err
}

// peopleIn lists the ids in people_by_node at code itself (exact) or in its
// subtree.
func peopleIn(tx *bolt.Tx, code model.NodeCode, exact bool) []uint64 {
	return codeScan(tx.Bucket(bucketPeopleByNode), code, exact)
}

// codeScan lists the ids of a code-keyed index at code (exact) or in its
// subtree, in key order.
func codeScan(b *bolt.Bucket, code model.NodeCode, exact bool) []uint64 {
	prefix := []byte(code)
	if exact {
		prefix = exactPrefix(code)
	}
	var ids []uint64
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if _, id, ok := splitCodeKey(k); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// ImportPeople adds people, all or none, and records one import event. Each
// must pass Person.Validate and belong to a stored node; phones are stored
// normalised and roles by their keys. An entry with the same name, phone and
// node as a stored one (or an earlier one of people) is skipped.
func (s *DB) ImportPeople(ctx context.Context, people []model.Person, by model.PersonID, note string) ([]model.Person, error) {
	list, err := cleanPeople(people)
	if err != nil {
		return nil, err
	}

	var added []model.Person
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		added = nil
		actor, err := actorOf(tx, by)
		if err != nil {
			return nil, err
		}
		// Check everything first, write after.
		seen := map[string]bool{}
		var add []model.Person
		for _, p := range list {
			if !hasNode(tx, p.Node) {
				return nil, model.Errorf(model.ENOTFOUND, "person %s: no node %s in the tower", p.Name, p.Node).
					Zh("人员 %s：网格塔中没有节点 %s", p.Name, p.Node)
			}
			key := p.Name + "\x00" + p.Phone + "\x00" + string(p.Node)
			if seen[key] {
				continue
			}
			seen[key] = true
			dup, err := onRoster(tx, p)
			if err != nil {
				return nil, err
			}
			if !dup {
				add = append(add, p)
			}
		}
		if len(add) == 0 {
			return nil, nil
		}
		b := tx.Bucket(bucketPeople)
		for i := range add {
			id, err := b.NextSequence()
			if err != nil {
				return nil, err
			}
			add[i].ID = model.PersonID(id)
			if err := putPerson(tx, add[i]); err != nil {
				return nil, err
			}
			s.wt.counts.at(add[i].Node, model.PersonCounts(add[i]))
		}
		added = add
		codes := make([]model.NodeCode, len(add))
		for i, p := range add {
			codes[i] = p.Node
		}
		summary, summaryZh := fmt.Sprintf("%d people", len(add)), fmt.Sprintf("%d 人", len(add))
		if len(add) == 1 {
			summary = "1 person"
		}
		if skipped := len(list) - len(add); skipped > 0 {
			summary += fmt.Sprintf(" (%d skipped, already on the roster)", skipped)
			summaryZh += fmt.Sprintf("（%d 人已在名册，跳过）", skipped)
		}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActImport,
			Node: model.Over(codes), Note: joinNote(note, ": ", summary), NoteZh: joinNote(note, "：", summaryZh),
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// canonicalPerson stores the phone, roles and reserve kind in their
// canonical forms (a role given twice once; a reserve kind given by its
// Chinese name by its key).
func canonicalPerson(p model.Person) (model.Person, error) {
	p.ID = 0
	phone, err := model.NormalizePhone(p.Phone)
	if err != nil {
		return p, err
	}
	p.Phone = phone
	roles := make([]model.Role, 0, len(p.Roles))
	for _, r := range p.Roles {
		c, err := model.ParseRole(string(r))
		if err != nil {
			return p, err
		}
		if !slices.Contains(roles, c) {
			roles = append(roles, c)
		}
	}
	p.Roles = roles
	k, err := model.ParseReserveKind(string(p.Reserve))
	if err != nil {
		return p, err
	}
	p.Reserve = k
	return p, nil
}

// onRoster reports whether someone with p's name and phone is stored at p's
// node.
func onRoster(tx *bolt.Tx, p model.Person) (bool, error) {
	for _, id := range peopleIn(tx, p.Node, true) {
		q, err := getPerson(tx, model.PersonID(id))
		if err != nil {
			return false, err
		}
		if q.Name == p.Name && q.Phone == p.Phone {
			return true, nil
		}
	}
	return false, nil
}

func getPerson(tx *bolt.Tx, id model.PersonID) (model.Person, error) {
	v := tx.Bucket(bucketPeople).Get(u64(uint64(id)))
	if v == nil {
		return model.Person{}, model.Errorf(model.ENOTFOUND, "no person %s on the roster", id).Zh("名册中没有人员 %s", id)
	}
	return decodePerson(uint64(id), v)
}

// actorOf is the roster entry of who acts: the system, or a stored person.
func actorOf(tx *bolt.Tx, id model.PersonID) (model.Person, error) {
	if id == model.System {
		return model.Person{ID: model.System}, nil
	}
	p, err := getPerson(tx, id)
	if err != nil {
		return p, err
	}
	return p, refuseFedPerson(tx, p)
}

func putPerson(tx *bolt.Tx, p model.Person) error {
	if err := putEncoded(tx.Bucket(bucketPeople), u64(uint64(p.ID)), p, encodePerson); err != nil {
		return err
	}
	if err := bumpRosterRev(tx); err != nil {
		return err
	}
	return tx.Bucket(bucketPeopleByNode).Put(codeKey(p.Node, uint64(p.ID)), []byte{})
}

// rosterRev is meta "roster/rev": it moves with every write of a person.
func rosterRev(tx *bolt.Tx) uint64 {
	if v := tx.Bucket(bucketMeta).Get(metaRosterRev); len(v) == 8 {
		return getU64(v)
	}
	return 0
}

// bumpRosterRev moves rosterRev on, as a person is written.
func bumpRosterRev(tx *bolt.Tx) error {
	return tx.Bucket(bucketMeta).Put(metaRosterRev, u64(rosterRev(tx)+1))
}
