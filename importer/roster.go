package importer

import (
	"io"
	"slices"
	"strings"

	"gridcmd/model"
)

var rosterColumns = []column{
	{key: "name", names: []string{"name", "姓名"}, required: true},
	{key: "phone", names: []string{"phone", "mobile", "电话", "手机", "手机号", "联系电话"}, required: true},
	{key: "role", names: []string{"role", "roles", "角色"}, required: true},
	{key: "node", names: []string{"node", "node_code", "节点", "节点编码", "网格编码"}, required: true},
	{key: "reserve_kind", names: []string{"reserve_kind", "储备类型"}},
	{key: "on_duty", names: []string{"on_duty", "在岗"}},
	{key: "lang", names: []string{"lang", "language", "语言"}},
	{key: "id", names: []string{"id", "编号", "人员编号"}},
}

// ParseRoster reads a roster: a CSV file with a header line and the columns
//
//	name          姓名              required
//	phone         电话, 手机         required: an 11-digit mobile or a landline
//	role          角色              required: one or more roles, separated by
//	                                ';' or '、' (or '；'), as English keys
//	                                (grid_leader, any case) or Chinese
//	                                names (网格长)
//	node          节点, 网格编码     required: a node code known to nodes (or,
//	                                in ParseRosterNamed, what node reads)
//	reserve_kind  储备类型           party_activist, volunteer, active_villager
//	                                (or 入党积极分子, 志愿者, 热心村民); a reserve
//	                                must have one, and only a reserve may
//	on_duty       在岗              yes/no, true/false, 1/0, 是/否; empty is no
//	lang          语言              zh or en (中文, 英文): the language of the
//	                                person's seat over SSH when the session
//	                                sends none; empty is the config's
//	id            编号, 人员编号      the roster entry the row is (P12, or 12),
//	                                as people lists it: an import renames,
//	                                re-phones or moves an entry only by it;
//	                                empty for a person matched by name,
//	                                phone and node, or new (Person.ID 0)
//
// in any order (other columns are ignored; a UTF-8 BOM is skipped). nodes
// reports whether a node code exists; nil accepts every well-formed code.
// The people come back in file order, phones normalised, with the id the
// row gives or none. A bad row fails the whole file with "file:line:
// reason" (in Chinese too, "file 第 line 行：原因").
func ParseRoster(name string, r io.Reader, nodes func(model.NodeCode) bool) ([]model.Person, error) {
	return ParseRosterNamed(name, r, func(cell string) (model.NodeCode, error) {
		c, err := model.ParseNodeCode(cell)
		if err == nil && nodes != nil && !nodes(c) {
			return c, model.Errorf(model.ENOTFOUND, "node %s is not in the tower", c).Zh("节点 %s 不在网格塔中", c)
		}
		return c, err
	})
}

// ParseRosterNamed is ParseRoster with node reading the node cell: a code,
// or a name as the console shows it (渎溪村 02), as the caller resolves
// them; its refusal is the row's.
func ParseRosterNamed(name string, r io.Reader, node func(cell string) (model.NodeCode, error)) ([]model.Person, error) {
	people, _, _, err := ParseRosterLines(name, r, node)
	return people, err
}

// ParseRosterLines is ParseRosterNamed with the line of the file each
// person was read from, so that what an import says of the n-th (a
// change, a refusal: model.Error.Item) can name its line, and the fields
// the file has no column for (model.RosterImport.Keep).
func ParseRosterLines(name string, r io.Reader, node func(cell string) (model.NodeCode, error)) (_ []model.Person, _ []int, keep []string, _ error) {
	type lined struct {
		p    model.Person
		line int
	}
	rows, err := parseRows(name, r, rosterColumns, "", func(rw row) (lined, error) {
		if keep == nil {
			keep = lacking(rw)
		}
		p, err := parsePerson(rw, node)
		return lined{p, rw.line}, err
	})
	if err != nil {
		return nil, nil, nil, err
	}
	people, lines := make([]model.Person, len(rows)), make([]int, len(rows))
	for i, x := range rows {
		people[i], lines[i] = x.p, x.line
	}
	return people, lines, keep, nil
}

// lacking are the fields of an entry a roster's header gives no column
// for (of reserve_kind, on_duty, lang: model.RosterFields' names); never
// nil.
func lacking(rw row) []string {
	keep := []string{}
	for col, field := range map[string]string{"reserve_kind": "reserve", "on_duty": "on_duty", "lang": "lang"} {
		if _, ok := rw.val[col]; !ok {
			keep = append(keep, field)
		}
	}
	slices.Sort(keep)
	return keep
}

// parsePerson reads one row of a roster (ParseRoster).
func parsePerson(rw row, node func(cell string) (model.NodeCode, error)) (model.Person, error) {
	var err error
	v := rw.val
	p := model.Person{Name: v["name"]}
	if p.Name == "" {
		return p, rw.refuse(model.Errorf(model.EINVALID, "name is empty").Zh("姓名为空"))
	}
	if p.Phone, err = model.NormalizePhone(v["phone"]); err != nil {
		return p, rw.refuse(err)
	}
	if p.Node, err = node(v["node"]); err != nil {
		return p, rw.refuse(err)
	}
	if p.Roles, err = parseRoles(v["role"]); err != nil {
		return p, rw.refuse(err)
	}
	if p.Reserve, err = model.ParseReserveKind(v["reserve_kind"]); err != nil {
		return p, rw.refuse(err)
	}
	if p.OnDuty, err = parseYesNo(v["on_duty"]); err != nil {
		return p, rw.refuse(err)
	}
	if p.Lang, err = model.ParseLang(v["lang"]); err != nil {
		return p, rw.refuse(err)
	}
	if id := strings.TrimSpace(v["id"]); id != "" {
		if p.ID, err = model.ParsePersonID(id); err != nil {
			return p, rw.refuse(err)
		}
	}
	if err := p.Validate(); err != nil {
		return p, rw.refuse(err)
	}
	return p, nil
}

// parseRoles splits a role cell on ';', '；' or '、' and parses each part,
// dropping repeats.
func parseRoles(s string) ([]model.Role, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '、' })
	var roles []model.Role
	for _, part := range parts {
		if strings.TrimSpace(part) == "" {
			continue
		}
		r, err := model.ParseRole(part)
		if err != nil {
			var lerr error
			if r, lerr = model.ParseRole(strings.ToLower(part)); lerr != nil {
				return nil, err // the message quotes the cell as written
			}
		}
		dup := false
		for _, x := range roles {
			dup = dup || x == r
		}
		if !dup {
			roles = append(roles, r)
		}
	}
	if len(roles) == 0 {
		return nil, model.Errorf(model.EINVALID, "role is empty").Zh("角色为空")
	}
	return roles, nil
}

func parseYesNo(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "no", "n", "false", "0", "否":
		return false, nil
	case "yes", "y", "true", "1", "是":
		return true, nil
	}
	return false, model.Errorf(model.EINVALID, "on_duty %q: want yes or no (是/否, true/false, 1/0)", s).
		Zh("在岗 %q：应为 是/否（yes/no、true/false、1/0）", s)
}
