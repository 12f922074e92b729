package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// NodeNames turns what a person types for a node into its code: a code as
// it is, or a name as the console shows it ("渎溪村 02" for grid 02 of
// 渎溪村, "渎溪村 02-01", "渎溪村 02网格 01微网格", a grid's name after its
// village's, "渎溪村 02网格", a village's own or official name), within one
// subtree, the operator's town. Spaces and case do not matter. A
// micro-grid's or household unit's own name after its village's ("渎溪村
// 03微网格") is no name: every grid of the village has one so. An exact
// name wins; else a unique prefix, where a node that matches only because
// its ancestor's name does is left out ("渎溪" is the village, not also its
// grids); several are ambiguous and the refusal lists them, a town and a
// village under it whose own names both begin so too ("花街": 花街镇,
// 花街村). The command line and the console share it.
type NodeNames struct {
	within  NodeCode
	where   string      // within's name as a seat's header has it: "渎溪村 02网格", "花街镇"
	entries []nameEntry // in code order
	shown   map[NodeCode]string
}

type nameEntry struct {
	code NodeCode
	keys []string // normalised names
	bare []string // below a village: its own name and code numbers without the village ("02网格", "02")
}

// NewNodeNames indexes the names of the nodes at or beneath within ("" for
// all of them); nodes must hold the villages and grids of the others, for
// their names, those above within too (a grid's seat: its village, whose
// name its nodes' names begin with).
func NewNodeNames(nodes []Node, within NodeCode) NodeNames {
	raw := make(map[NodeCode]string, len(nodes))
	for _, n := range nodes {
		raw[n.Code] = n.Name
	}
	name := func(c NodeCode) string { return raw[c] }
	nn := NodeNames{within: within, shown: make(map[NodeCode]string, len(nodes))}
	for _, n := range nodes {
		if within != "" && !within.Contains(n.Code) {
			continue
		}
		nn.shown[n.Code] = DisplayName(n, NameByCode, name)
		if n.Code == within {
			nn.where = DisplayName(n, NameByGrid, name)
		}
		names := []string{nn.shown[n.Code], DisplayName(n, NameByGrid, name), n.Official}
		if n.Level <= LevelGrid {
			names = append(names, DisplayName(n, NameByVillage, name))
		}
		e := nameEntry{code: n.Code}
		for _, s := range names {
			if k := nameKey(s); k != "" && !slices.Contains(e.keys, k) {
				e.keys = append(e.keys, k)
			}
		}
		if n.Level > LevelVillage {
			e.bare = []string{nameKey(n.Name), nameKey(strings.TrimPrefix(string(n.Code), string(n.Code.Village())+"-"))}
		}
		nn.entries = append(nn.entries, e)
	}
	slices.SortFunc(nn.entries, func(a, b nameEntry) int { return strings.Compare(string(a.code), string(b.code)) })
	return nn
}

// nameKey is a name as it is compared: no spaces, lower case.
func nameKey(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
}

// Name is the node's name as the console shows it, "渎溪村 02-01".
func (n NodeNames) Name(c NodeCode) string { return n.shown[c] }

// VillagesBefore is the villages s may name a grid or micro-grid of: those
// one of whose names s begins with and goes on after (园丁社区 of "园丁社区
// 01", spaces and case aside), in code order. A room that has not read a
// village's grids (a county's) reads these, and resolves s again.
func (n NodeNames) VillagesBefore(s string) []NodeCode {
	key := nameKey(s)
	var out []NodeCode
	for _, e := range n.entries {
		if e.code.Level() != LevelVillage {
			continue
		}
		for _, k := range e.keys {
			if len(k) < len(key) && strings.HasPrefix(key, k) {
				out = append(out, e.code)
				break
			}
		}
	}
	return out
}

// Resolve is the code s names: a code (checked for its form only), or a
// node's name at one of levels (any level when none are given). ENOTFOUND
// when nothing is named so, EINVALID when s is blank or ambiguous, or a
// grid's or micro-grid's name without its village ("01网格"): the refusal
// lists the nodes it could be. A word that starts with a digit and holds
// nothing but ASCII ("33078411426", "330784114266-2") is a code: when it
// names nothing, the refusal says what is wrong with the code
// (ParseNodeCode). The one rule of the command line's node flags, a
// sheet's node cells and the console's forms.
func (n NodeNames) Resolve(s string, levels ...Level) (NodeCode, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Errorf(EINVALID, "node: empty; give a code or a name such as 渎溪村 02").Zh("地点：为空；请填写代码或名称，如 渎溪村 02").On("node")
	}
	c, codeErr := ParseNodeCode(s)
	if codeErr == nil {
		return c, nil
	}
	c, err := n.named(s, levels)
	if ErrorCode(err) == ENOTFOUND && CodeLike(s) {
		return "", codeErr
	}
	return c, err
}

// CodeLike reports whether s starts with a digit and is ASCII throughout:
// a code, mistyped or not, rather than a name.
func CodeLike(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// named is the node named s (trimmed, not blank) at one of levels, as
// Resolve reads a name.
func (n NodeNames) named(s string, levels []Level) (NodeCode, error) {
	key := nameKey(s)
	var exact []NodeCode
	var prefix []nameEntry // the matching keys only
	for _, e := range n.entries {
		if len(levels) > 0 && !slices.Contains(levels, e.code.Level()) {
			continue
		}
		if slices.Contains(e.keys, key) {
			exact = append(exact, e.code)
			continue
		}
		m := nameEntry{code: e.code}
		for _, k := range e.keys {
			if strings.HasPrefix(k, key) {
				m.keys = append(m.keys, k)
			}
		}
		if len(m.keys) > 0 {
			prefix = append(prefix, m)
		}
	}
	found := exact
	if len(found) == 0 {
		found = ownMatches(prefix)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		if bare := n.bare(key, levels); len(bare) > 0 {
			return "", Errorf(EINVALID, "node %q: a grid or micro-grid is named after its village, as the console shows it: %s", s, n.list(bare, ", ")).
				Zh("地点 %q：网格、微网格的名称前应有所属村名，如界面所示：%s", s, n.list(bare, "，")).On("node")
		}
		if len(levels) > 0 {
			if c, ok := n.exactly(key); ok {
				// It is a node's name, whole, of a level this does not take.
				var en, zh []string
				for _, l := range levels {
					en, zh = append(en, l.String()), append(zh, l.Zh())
				}
				last := len(en) - 1
				if last > 0 {
					en[last-1], zh[last-1] = en[last-1]+" or "+en[last], zh[last-1]+"或"+zh[last]
					en, zh = en[:last], zh[:last]
				}
				return "", Errorf(EINVALID, "node %q is a %s (%s); this takes a %s", s, c.Level(), c, strings.Join(en, ", ")).
					Zh("地点 %q 是%s（%s）；此处应为%s", s, c.Level().Zh(), c, strings.Join(zh, "、")).On("node")
			}
		}
		where, whereZh := "", ""
		if n.where != "" {
			where, whereZh = " in "+n.where, "在"+n.where
		}
		return "", Errorf(ENOTFOUND, "node %q: no node%s is named so; give its code or its name as the console shows it (渎溪村 02)", s, where).
			Zh("地点 %q：%s没有这个名称的节点；请填写代码或界面上显示的名称（如 渎溪村 02）", s, whereZh).On("node")
	}
	return "", Errorf(EINVALID, "node %q is ambiguous: %s; type more of the name", s, n.list(found, ", ")).
		Zh("地点 %q 不唯一：%s；请输入更完整的名称", s, n.list(found, "，")).On("node")
}

// exactly is the one node, at any level, whose name is key whole (not a
// prefix of it).
func (n NodeNames) exactly(key string) (NodeCode, bool) {
	var found []NodeCode
	for _, e := range n.entries {
		if slices.Contains(e.keys, key) {
			found = append(found, e.code)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// bare is the codes at one of levels (any when none) whose own name or
// code numbers, without their village, are key ("01网格", "02-03"): what
// was typed without the village's name.
func (n NodeNames) bare(key string, levels []Level) []NodeCode {
	var out []NodeCode
	for _, e := range n.entries {
		if slices.Contains(e.bare, key) && (len(levels) == 0 || slices.Contains(levels, e.code.Level())) {
			out = append(out, e.code)
		}
	}
	return out
}

// list names the first five of codes with their codes ("渎溪村 02
// 330784114266-02"), then how many more, joined by sep.
func (n NodeNames) list(codes []NodeCode, sep string) string {
	out := make([]string, 0, 6)
	for i, c := range codes {
		if i == 5 {
			out = append(out, fmt.Sprintf("+%d", len(codes)-5))
			break
		}
		out = append(out, n.shown[c]+" "+string(c))
	}
	return strings.Join(out, sep)
}

// ownMatches is the codes of the prefix matches ms (in code order) that
// match by their own names: a node beneath another match whose every
// matching name begins with a matching name of that ancestor ("渎溪村 02"
// under 渎溪村) matches only through it and is left out; one whose own name
// matches (花街村 under 花街镇, for 花街) stays, so the prefix is ambiguous.
func ownMatches(ms []nameEntry) []NodeCode {
	var kept []nameEntry
	for _, m := range ms {
		if !slices.ContainsFunc(kept, func(a nameEntry) bool { return a.code.Contains(m.code) && derived(m.keys, a.keys) }) {
			kept = append(kept, m)
		}
	}
	out := make([]NodeCode, len(kept))
	for i, m := range kept {
		out[i] = m.code
	}
	return out
}

// derived reports whether every one of keys begins with one of from.
func derived(keys, from []string) bool {
	for _, k := range keys {
		if !slices.ContainsFunc(from, func(f string) bool { return strings.HasPrefix(k, f) }) {
			return false
		}
	}
	return true
}

// topmost leaves out the codes that lie beneath another of codes (codes in
// code order: an ancestor comes first).
func topmost(codes []NodeCode) []NodeCode {
	var out []NodeCode
	for _, c := range codes {
		if len(out) > 0 && out[len(out)-1].Contains(c) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// SplitTargets splits a list of targets typed by a person: at commas and
// semicolons (, ; ， ； 、), then, within a part, at spaces when every word
// is a code or the town's word ("330784114266 330784114268"); a part with
// anything else is one name, spaces and all ("渎溪村 02").
func SplitTargets(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', ';', '，', '；', '、':
			return true
		}
		return false
	}) {
		words := SplitCodes(part)
		list := true
		for _, w := range words {
			if _, err := ParseNodeCode(w); err != nil && !WholeTown(w) {
				list = false
			}
		}
		if list {
			out = append(out, words...)
		} else if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Scope reads a wartime scope or a directive's targets as ParseScope does,
// names of towns and villages allowed as well as codes ("渎溪村,小界岭村"),
// and of the county, city or province above them standing for their towns
// (永康市, as a room above the towns names itself).
func (n NodeNames) Scope(args []string, town NodeCode) ([]NodeCode, error) {
	var words []string
	for _, a := range args {
		for _, f := range SplitTargets(a) {
			if WholeTown(f) {
				words = append(words, f)
				continue
			}
			c, err := n.Resolve(f, LevelProvince, LevelCity, LevelCounty, LevelTown, LevelVillage)
			if err != nil {
				return nil, Errorf(ErrorCode(err), "scope: %s", ErrorMessage(err)).Zh("范围：%s", ErrorMessageZh(err)).On("scope")
			}
			words = append(words, string(c))
		}
	}
	return ParseScope(words, town)
}

// Targets reads a directive's targets as typed: the town (全镇, town), or
// nodes at any level by their code or name as the console shows them
// (渎溪村, 渎溪村 02, 渎溪村 02-01), however SplitTargets separates them;
// a refusal names the field "to".
func (n NodeNames) Targets(args []string, town NodeCode) ([]NodeCode, error) {
	var out []NodeCode
	for _, a := range args {
		for _, f := range SplitTargets(a) {
			if WholeTown(f) {
				if town == "" {
					return nil, Errorf(EINVALID, "to: %q means no town here; name the town or its villages", f).
						Zh("下达至：%q 在此不指任何镇；请写明镇或村社", f).On("to")
				}
				out = append(out, town)
				continue
			}
			c, err := n.Resolve(f)
			if err != nil {
				return nil, Errorf(ErrorCode(err), "to: %s", ErrorMessage(err)).Zh("下达至：%s", ErrorMessageZh(err)).On("to")
			}
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "to: empty; give the town, or villages, grids or micro-grids").
			Zh("下达至：未填写；请填写全镇，或村社、网格、微网格").On("to")
	}
	return out, nil
}

// ParseDeadline reads when a directive is to be done: a duration ("2h",
// "90m") from now, or a clock time in loc ("04:40": today, or tomorrow if
// that time has passed). It returns the duration from now.
func ParseDeadline(s string, now time.Time, loc *time.Location) (time.Duration, error) {
	due, err := ParseDue(s, now, loc)
	if err != nil {
		return 0, err
	}
	return due.Sub(now), nil
}

// ParseDue is ParseDeadline's time: now plus the duration, or the clock
// time to the minute (04:40:00), in loc. The console resolves a deadline
// so when it asks, and the directive keeps that time (IssueDirectiveAt),
// however long the question waits.
func ParseDue(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.Local
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, Errorf(EINVALID, "deadline %q: want a positive duration (2h, 90m) or a clock time (04:40)", s).
				Zh("完成时限 %q：应为正的时长（2h、90m）或时刻（04:40）", s).On("deadline")
		}
		return now.Add(d).In(loc), nil
	}
	t, err := time.Parse("15:04", strings.Replace(s, "：", ":", 1))
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "deadline %q: want a duration (2h, 90m) or a clock time (04:40)", s).
			Zh("完成时限 %q：应为时长（2h、90m）或时刻（04:40）", s).On("deadline")
	}
	local := now.In(loc)
	at := time.Date(local.Year(), local.Month(), local.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	if !at.After(now) {
		at = time.Date(local.Year(), local.Month(), local.Day()+1, t.Hour(), t.Minute(), 0, 0, loc)
	}
	return at, nil
}

// TownNamed is the town arg names among towns: the one whose name (white
// space and case aside) or code it is, else the one alone whose name
// begins with it (as --node takes a unique prefix: 花街 for 花街镇), else
// a town's code typed whole; in is what the refusal says the towns are
// ("in this room" / "本指挥中心"). A prefix of several names is refused
// naming them, a node that is not a town as not found.
func TownNamed(towns []Node, arg, in, inZh string) (NodeCode, error) {
	arg = strings.TrimSpace(arg)
	key := townKey(arg)
	var prefixed []Node
	for _, t := range towns {
		if townKey(t.Name) == key || string(t.Code) == arg {
			return t.Code, nil
		}
		if key != "" && strings.HasPrefix(townKey(t.Name), key) {
			prefixed = append(prefixed, t)
		}
	}
	switch {
	case len(prefixed) == 1:
		return prefixed[0].Code, nil
	case len(prefixed) > 1:
		return "", Errorf(EINVALID, "town: %s: several towns begin so: %s; type more of the name", arg, namedTowns(prefixed, ", ")).
			Zh("镇街：%s：有多个镇街以此开头：%s；请输入更完整的名称", arg, namedTowns(prefixed, "，"))
	}
	c, err := ParseNodeCode(arg)
	if err != nil || c.Level() != LevelTown {
		return "", Errorf(ENOTFOUND, "town: %s: no such town %s; give a town's name or its 9-digit code", arg, in).
			Zh("镇街：%s：%s没有这个镇街；请给出镇街名称或 9 位代码", arg, inZh)
	}
	return c, nil
}

// townKey is a town's name as TownNamed compares it: no spaces, lower case.
func townKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// namedTowns names the first five of towns with their codes, then how many
// more, joined by sep.
func namedTowns(towns []Node, sep string) string {
	var out []string
	for i, t := range towns {
		if i == 5 {
			out = append(out, fmt.Sprintf("+%d", len(towns)-5))
			break
		}
		out = append(out, t.Name+" "+string(t.Code))
	}
	return strings.Join(out, sep)
}
