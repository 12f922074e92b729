package model

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Level is a storey of the five-level grid tower (5级网格工作塔群), or one
// of the divisions above the town that hold several towns: the county
// (县级: 永康市), the city (地级: 金华市) and the province (浙江省). Levels are
// not stored: a node's level follows from its code.
type Level int

const (
	LevelProvince  Level = 1 // 省: a 2-digit division code (33)
	LevelCity      Level = 2 // 市 (地级): 4 digits (3307)
	LevelCounty    Level = 3 // 县 (县级市、区): 6 digits (330784)
	LevelTown      Level = 4 // 镇 / 街道: 9 digits
	LevelVillage   Level = 5 // 村 / 社区: 12 digits
	LevelGrid      Level = 6 // 网格
	LevelMicroGrid Level = 7 // 微网格
	LevelHousehold Level = 8 // 包联户: a contact person's households
)

// Levels lists the levels top-down.
var Levels = []Level{LevelProvince, LevelCity, LevelCounty, LevelTown, LevelVillage, LevelGrid, LevelMicroGrid, LevelHousehold}

var levelNames = map[Level]string{
	LevelProvince: "province", LevelCity: "city", LevelCounty: "county",
	LevelTown: "town", LevelVillage: "village", LevelGrid: "grid",
	LevelMicroGrid: "micro_grid", LevelHousehold: "household_unit",
}

var levelZh = map[Level]string{
	LevelProvince: "省", LevelCity: "市", LevelCounty: "县市",
	LevelTown: "镇", LevelVillage: "村社", LevelGrid: "网格", LevelMicroGrid: "微网格", LevelHousehold: "包联户",
}

// AboveTown reports whether l is a division that holds towns (county, city
// or province): a room there watches several towns.
func (l Level) AboveTown() bool { return l >= LevelProvince && l < LevelTown }

// Zh is the level's Chinese name.
func (l Level) Zh() string {
	if s, ok := levelZh[l]; ok {
		return s
	}
	return l.String()
}

func (l Level) String() string {
	if s, ok := levelNames[l]; ok {
		return s
	}
	return "level(" + strconv.Itoa(int(l)) + ")"
}

// NodeCode names a node of the tower. It extends the official division codes:
// a province is its 2-digit code (33), a city 4 digits (3307), a county 6
// (330784), a town 9 (330784114), a village 12 (330784114266), each starting
// with the code of the division above it; then "-GG" for a grid, "-GG-MM"
// for a micro-grid and "-GG-MM-UU" for a household contact unit. Every
// level's code has a fixed length, so a node's code is a prefix of exactly
// the codes of its subtree.
type NodeCode string

// ParseNodeCode checks s and returns it as a NodeCode.
func ParseNodeCode(s string) (NodeCode, error) {
	c := NodeCode(strings.TrimSpace(s))
	if _, err := c.level(); err != nil {
		return "", err
	}
	return c, nil
}

// Level returns the code's level, or 0 for a malformed code.
func (c NodeCode) Level() Level {
	l, _ := c.level()
	return l
}

func (c NodeCode) level() (Level, error) {
	s := string(c)
	bad := func(why, zh string) (Level, error) {
		return 0, Errorf(EINVALID, "node code %q: %s", s, why).Zh("节点代码 %q：%s", s, zh).On("node")
	}
	if s == "" {
		return bad("empty", "为空")
	}
	// The parts between the dashes, read in place: Level runs for every
	// report, on the writer's side too, so it allocates nothing.
	head, rest, more := strings.Cut(s, "-")
	if !AllDigits(head) {
		return bad("must start with the official 9- or 12-digit division code (or 2, 4, 6 digits for a province, city, county)", "应以 9 位或 12 位官方区划代码开头（省、市、县为 2、4、6 位）")
	}
	if l, ok := divisionLevels[len(head)]; ok {
		if more {
			return bad(fmt.Sprintf("a %s code (%d digits) takes no grid segments", l, len(head)),
				fmt.Sprintf("%s代码（%d 位）后面不能再接网格段", l.Zh(), len(head)))
		}
		return l, nil
	}
	if len(head) != 12 {
		return bad("must start with the official 9- or 12-digit division code (or 2, 4, 6 digits for a province, city, county)", "应以 9 位或 12 位官方区划代码开头（省、市、县为 2、4、6 位）")
	}
	segs := 0
	if more {
		segs = strings.Count(rest, "-") + 1
	}
	if segs > 3 {
		return bad("too many segments (village-GG-MM-UU at most)", "段数过多（最多 村代码-GG-MM-UU）")
	}
	for more {
		var p string
		p, rest, more = strings.Cut(rest, "-")
		if len(p) != 2 || !AllDigits(p) || p == "00" {
			return bad("segments after the village code are two digits, 01-99", "村代码之后每段为两位数字 01-99")
		}
	}
	return LevelVillage + Level(segs), nil
}

// divisionLevels are the levels whose code is a division code alone, by its
// length in digits.
var divisionLevels = map[int]Level{2: LevelProvince, 4: LevelCity, 6: LevelCounty, 9: LevelTown}

// AllDigits reports whether s is one or more ASCII digits, as the parts of
// a node code are.
func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Parent returns the code of the node above c: the village of a grid, the
// town of a village, the county of a town, the city of a county, the
// province of a city; "" for a province.
func (c NodeCode) Parent() NodeCode {
	s := string(c)
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		return NodeCode(s[:i])
	}
	switch len(s) {
	case 12:
		return NodeCode(s[:9])
	case 9:
		return NodeCode(s[:6])
	case 6:
		return NodeCode(s[:4])
	case 4:
		return NodeCode(s[:2])
	}
	return ""
}

// head is the first n bytes of c, the code of the node above it at that
// length, or "" where c is shorter.
func (c NodeCode) head(n int) NodeCode {
	if len(c) < n {
		return ""
	}
	return c[:n]
}

// Town returns the code of the town c belongs to, "" above the town level.
func (c NodeCode) Town() NodeCode { return c.head(9) }

// County returns the code of the county c belongs to, "" above it.
func (c NodeCode) County() NodeCode { return c.head(6) }

// Village returns the village code of c, or "" above the village level.
func (c NodeCode) Village() NodeCode { return c.head(12) }

// Grid returns the grid code of c, or "" above the grid level.
func (c NodeCode) Grid() NodeCode { return c.head(15) }

// Contains reports whether d is c or lies beneath it.
func (c NodeCode) Contains(d NodeCode) bool {
	return c != "" && strings.HasPrefix(string(d), string(c))
}

// Over is the nearest node that is or holds every one of codes: one of
// them when it holds the rest, else the node above them all (their
// village, town, county, ...). It is where an event about all of them
// stands (an import's), so that a seat sees it when its subtree holds
// all of them, and a town's seat does not see another town's. "" when
// codes is empty, or no node holds them all (two provinces).
func Over(codes []NodeCode) NodeCode {
	if len(codes) == 0 {
		return ""
	}
	over := codes[0]
	for _, c := range codes[1:] {
		for over != "" && !over.Contains(c) {
			over = over.Parent()
		}
	}
	return over
}

// Child returns the code of the n-th child (1-99) below a village, grid or
// micro-grid code.
func (c NodeCode) Child(n int) NodeCode {
	return NodeCode(fmt.Sprintf("%s-%02d", c, n))
}

// Node is one node of the tower. Households counts the households held at the
// node itself (on household units, or on any node without children); the
// tower rolls them up.
type Node struct {
	Code       NodeCode
	Level      Level
	Name       string
	Official   string // the official name, for villages ("渎溪村委会")
	Parent     NodeCode
	Households int
	Tags       []string
}

// Validate checks a node's fields against its code.
func (n Node) Validate() error {
	l, err := n.Code.level()
	if err != nil {
		return err
	}
	if n.Level != l {
		return Errorf(EINVALID, "node %s: level %s does not match its code (%s)", n.Code, n.Level, l).
			Zh("节点 %s：层级%s与代码不符（%s）", n.Code, n.Level.Zh(), l.Zh()).On("level")
	}
	// A town or a division above it may come without the divisions above
	// it (a list without the county's columns): then it is a root.
	if n.Parent != n.Code.Parent() && !(n.Parent == "" && l <= LevelTown) {
		return Errorf(EINVALID, "node %s: parent %q does not match its code", n.Code, n.Parent).
			Zh("节点 %s：上级 %q 与代码不符", n.Code, n.Parent).On("parent")
	}
	if Blank(n.Name) {
		return Errorf(EINVALID, "node %s: name is empty", n.Code).Zh("节点 %s：名称为空", n.Code).On("name")
	}
	if n.Households < 0 {
		return Errorf(EINVALID, "node %s: negative households", n.Code).Zh("节点 %s：户数为负", n.Code).On("households")
	}
	return nil
}

// NameStyle is how DisplayName names a node below the village on one line.
// A town or a village is always its own name.
type NameStyle int

const (
	// NameByCode is the village's name and the code's own numbers,
	// "渎溪村 02-03", short enough for the console's columns.
	NameByCode NameStyle = iota
	// NameByVillage is the village's name and the node's, "渎溪村 02网格".
	NameByVillage
	// NameByGrid is NameByVillage with the grid's name before the name of a
	// node below a grid, "渎溪村 02网格 03微网格": the micro-grids of a
	// village are numbered within their grids.
	NameByGrid
)

// DisplayName names n on one line in style; name gives the names of n's
// village and grid ("" for one it does not know, which leaves a blank
// where the name would be).
func DisplayName(n Node, style NameStyle, name func(NodeCode) string) string {
	if n.Level <= LevelVillage {
		return n.Name
	}
	village := name(n.Code.Village())
	switch {
	case style == NameByCode:
		return village + " " + strings.TrimPrefix(string(n.Code), string(n.Code.Village())+"-")
	case style == NameByGrid && n.Level > LevelGrid:
		return village + " " + name(n.Code.Grid()) + " " + n.Name
	}
	return village + " " + n.Name
}

// DisplayNames maps the code of each of nodes to its DisplayName in style,
// the village and grid names taken from nodes.
func DisplayNames(nodes []Node, style NameStyle) map[NodeCode]string {
	raw := make(map[NodeCode]string, len(nodes))
	for _, n := range nodes {
		raw[n.Code] = n.Name
	}
	name := func(c NodeCode) string { return raw[c] }
	out := make(map[NodeCode]string, len(nodes))
	for _, n := range nodes {
		out[n.Code] = DisplayName(n, style, name)
	}
	return out
}

// TowerNode is a node with its figures rolled up from the subtree.
type TowerNode struct {
	Node
	Children   []NodeCode
	Households int // rolled up
	Staff      int // grid staff and micro-grid workers, rolled up
	People     int // everyone on the roster, rolled up
	Open       int // open incidents, rolled up
	Red        int // open incidents past their deadline, rolled up
	Worst      Light
	// Counts are the stored figures of the subtree, in a tower built from
	// them (Counted: BuildCountedTower), where Children lists only the
	// children loaded.
	Counts  Counts
	Counted bool

	lights [LightRed + 1]int // open incidents by light, rolled up: Worst is the gravest present
}

// count puts one open incident with light l on n (delta 1) or takes it off
// (delta -1).
func (n *TowerNode) count(l Light, delta int) {
	if l < LightNone || l > LightRed {
		l = LightNone
	}
	n.Open += delta
	if l == LightRed {
		n.Red += delta
	}
	n.lights[l] += delta
	n.Worst = LightNone
	for x := LightRed; x > LightNone; x-- {
		if n.lights[x] > 0 {
			n.Worst = x
			break
		}
	}
}

// Tower is the tree of nodes with rolled-up figures, built once from a
// snapshot and then read.
type Tower struct {
	Roots []NodeCode
	Nodes map[NodeCode]*TowerNode
}

// BuildTower links nodes into a tree and rolls up households, staff and open
// incidents (with their worst SLA light at now).
func BuildTower(nodes []Node, people []Person, open []Incident, lights func(Incident) Light) Tower {
	t := Tower{Nodes: make(map[NodeCode]*TowerNode, len(nodes))}
	for _, n := range nodes {
		t.Nodes[n.Code] = &TowerNode{Node: n, Households: n.Households}
	}
	codes := make([]NodeCode, 0, len(nodes))
	for c := range t.Nodes {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i] < codes[j] })
	for _, c := range codes {
		n := t.Nodes[c]
		if p, ok := t.Nodes[n.Parent]; ok && n.Parent != "" {
			p.Children = append(p.Children, c)
		} else {
			t.Roots = append(t.Roots, c)
		}
	}
	// Households: deepest first, so each parent sums finished children.
	sort.Slice(codes, func(i, j int) bool { return len(codes[i]) > len(codes[j]) })
	for _, c := range codes {
		n := t.Nodes[c]
		if len(n.Children) > 0 {
			sum := 0
			for _, k := range n.Children {
				sum += t.Nodes[k].Households
			}
			n.Households = n.Node.Households + sum
		}
	}
	for _, p := range people {
		staff := p.IsStaff()
		t.walkUp(p.Node, func(n *TowerNode) {
			n.People++
			if staff {
				n.Staff++
			}
		})
	}
	t.RollUp(slices.Values(open), lights)
	return t
}

// RollUp recounts the open incidents (and their worst light) on every node,
// leaving the tree, households and staff as they are: the part of the tower
// that changes as incidents move and clocks run.
func (t Tower) RollUp(open iter.Seq[Incident], lights func(Incident) Light) {
	for _, n := range t.Nodes {
		n.Open, n.Red, n.Worst, n.lights = 0, 0, LightNone, [LightRed + 1]int{}
	}
	for inc := range open {
		if !inc.Status.Open() {
			continue
		}
		l := LightNone
		if lights != nil {
			l = lights(inc)
		}
		t.CountIncident(inc.Node, l, 1)
	}
}

// CountIncident puts one open incident with light l on the node at code and
// every node above it (delta 1), or takes it off (delta -1), as RollUp
// counts it: what changes when one incident moves, without counting all
// again. A caller that takes an incident off must give the light it was put
// on with.
func (t Tower) CountIncident(code NodeCode, l Light, delta int) {
	t.walkUp(code, func(n *TowerNode) { n.count(l, delta) })
}

// walkUp calls f on the node at c (or its nearest stored ancestor) and every
// ancestor above it.
func (t Tower) walkUp(c NodeCode, f func(*TowerNode)) {
	for c != "" {
		if n, ok := t.Nodes[c]; ok {
			f(n)
		}
		c = c.Parent()
	}
}

// Count returns how many nodes of each level lie at or below root ("" for all).
func (t Tower) Count(root NodeCode) map[Level]int {
	out := map[Level]int{}
	for c, n := range t.Nodes {
		if root == "" || root.Contains(c) {
			out[n.Level]++
		}
	}
	return out
}

// Walk visits root and its subtree depth-first in code order, down to depth
// levels below root (depth < 0 for all). root "" walks every tower.
func (t Tower) Walk(root NodeCode, depth int, f func(n *TowerNode, d int)) {
	var visit func(c NodeCode, d int)
	visit = func(c NodeCode, d int) {
		n, ok := t.Nodes[c]
		if !ok {
			return
		}
		f(n, d)
		if depth >= 0 && d >= depth {
			return
		}
		for _, k := range n.Children {
			visit(k, d+1)
		}
	}
	if root == "" {
		for _, r := range t.Roots {
			visit(r, 0)
		}
		return
	}
	visit(root, 0)
}
