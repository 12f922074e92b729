package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"gridcmd/internal/pinyin"
	"gridcmd/model"
)

// metaTownPrefix and a town's code: the prefix of the town's incident ids
// in a file of several towns, as the town's first report there gave it
// (idPrefix). A file of one town has none: its ids take the file's own
// prefix (Options.Prefix, town_prefix).
const metaTownPrefix = "prefix/"

func townPrefixKey(town model.NodeCode) []byte { return append([]byte(metaTownPrefix), town...) }

// idPrefix is the prefix of the id of an incident filed at node. In a file
// of one town it is the file's own (Options.Prefix); above the towns in a
// file of several, the node's (abovePrefix). In a file of several towns
// (a county's) each town has
// its own, given at its first report and kept in meta, so it never
// changes (nor does an id once given): the pinyin initials of its name
// without 镇, 乡 or 街道 (花街镇 HJ, 东城街道 DC), "T" and its code's
// number in letters when the name gives none (330784001 TAAB), and B, C,
// ... after the first seven letters while another town of the file or a
// federated town holds it, or the file's own when town_prefix is
// configured: a county file on the default HJ gives 花街镇 HJ, and its
// county's own reports YK.
func (s *DB) idPrefix(tx *bolt.Tx, node model.NodeCode) (string, error) {
	town := node.Town()
	if town == "" {
		return s.prefixAbove(tx, node)
	}
	if p, ok := s.wt.prefixes[town]; ok {
		return p, nil
	}
	p, err := townPrefix(tx, town, s.opts.Prefix)
	if err != nil {
		return "", err
	}
	if s.wt.prefixes == nil {
		s.wt.prefixes = map[model.NodeCode]string{}
	}
	s.wt.prefixes[town] = p
	return p, nil
}

// townPrefix is town's prefix as idPrefix says, given (and kept) now if
// the town has none yet in a file of several; own is the file's.
func townPrefix(tx *bolt.Tx, town model.NodeCode, own string) (string, error) {
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(townPrefixKey(town)); v != nil {
		return string(v), nil
	}
	if !severalTowns(tx) {
		return own, nil
	}
	taken, err := takenPrefixes(tx)
	if err != nil {
		return "", err
	}
	if own != defaultPrefix {
		taken[own] = true // the reports' above the towns (abovePrefix)
	}
	name := nodeName(tx, town)
	base := derivedPrefix(town, name)
	p, ok := freePrefix(base, taken)
	if !ok {
		return "", noFreePrefix(name, town, base, "other towns", "其他镇街", ", ask the county's administrator", "，请联系县级管理员")
	}
	return p, meta.Put(townPrefixKey(town), []byte(p))
}

// severalTowns reports whether the file holds more than one town: it
// skips each town's subtree, so it reads about as many keys as there are
// divisions above the towns.
func severalTowns(tx *bolt.Tx) bool {
	c := tx.Bucket(bucketNodes).Cursor()
	towns := 0
	for k, _ := c.First(); k != nil; {
		if model.NodeCode(k).Level() != model.LevelTown {
			k, _ = c.Next()
			continue
		}
		if towns++; towns > 1 {
			return true
		}
		k, _ = c.Seek(append(bytes.Clone(k), 0xff)) // past the town's subtree
	}
	return false
}

// takenPrefixes are the prefixes the file's towns hold (meta) and those of
// the towns federated here.
func takenPrefixes(tx *bolt.Tx) (map[string]bool, error) {
	taken := map[string]bool{}
	c := tx.Bucket(bucketMeta).Cursor()
	for k, v := c.Seek([]byte(metaTownPrefix)); k != nil && bytes.HasPrefix(k, []byte(metaTownPrefix)); k, v = c.Next() {
		taken[string(v)] = true
	}
	err := tx.Bucket(bucketFedTowns).ForEach(func(k, v []byte) error {
		var r fedTownRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("fed_towns/%s: %w", k, err)
		}
		taken[r.Prefix] = true
		return nil
	})
	return taken, err
}

// townSuffixes are the endings of a town's name that its prefix leaves
// out, longest first.
var townSuffixes = []string{"街道办事处", "民族乡", "街道", "镇", "乡"}

// derivedPrefix is the prefix a town's name gives (idPrefix), at most
// eight letters.
func derivedPrefix(town model.NodeCode, name string) string {
	for _, suf := range townSuffixes {
		if n, ok := strings.CutSuffix(name, suf); ok && n != "" {
			name = n
			break
		}
	}
	p := pinyin.Initials(name)
	if p == "" {
		digits := string(town)
		if len(digits) > 3 {
			digits = digits[len(digits)-3:]
		}
		p = "T" + strings.Map(func(r rune) rune { return 'A' + r - '0' }, digits)
	}
	if len(p) > 8 {
		p = p[:8]
	}
	return p
}

// freePrefix is want if taken does not hold it, else the first of its
// first seven letters and B, C, ... Z that it does not.
func freePrefix(want string, taken map[string]bool) (string, bool) {
	if !taken[want] {
		return want, true
	}
	base := want
	if len(base) > 7 {
		base = base[:7]
	}
	for c := 'B'; c <= 'Z'; c++ {
		if p := base + string(c); !taken[p] {
			return p, true
		}
	}
	return "", false
}

// noFreePrefix is the refusal of a report whose node (a town, or a
// division above the towns) has no free prefix: base and base's stem
// with B to Z all held by holders; nothing filed, and what to do (then).
func noFreePrefix(name string, node model.NodeCode, base, holders, holdersZh, then, thenZh string) error {
	stem := base[:min(7, len(base))]
	return model.Errorf(model.ECONFLICT, "incident id: %s (%s) has no free prefix: %s and %sB to %sZ are all held by %s; nothing was filed%s",
		name, node, base, stem, stem, holders, then).
		Zh("事件编号：%s（%s）没有可用的编号前缀（%s 及 %sB 至 %sZ 均已被%s占用）；本次未受理%s", name, node, base, stem, stem, holdersZh, thenZh)
}
