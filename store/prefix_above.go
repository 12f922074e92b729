package store

import (
	"bytes"
	"strings"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// defaultPrefix is town_prefix's default (Options.Prefix): 花街镇's own.
const defaultPrefix = "HJ"

// aboveSuffixes are the endings of the name of a division above the towns
// that its prefix leaves out, longest first.
var aboveSuffixes = []string{"自治县", "自治州", "自治区", "县", "市", "区", "州", "省"}

// prefixAbove is idPrefix for node, a node above the towns: the file's
// own in a file of one town, else abovePrefix; read once a transaction.
func (s *DB) prefixAbove(tx *bolt.Tx, node model.NodeCode) (string, error) {
	if p, ok := s.wt.prefixes[node]; ok {
		return p, nil
	}
	p := s.opts.Prefix
	if severalTowns(tx) {
		var err error
		if p, err = s.abovePrefix(tx, node); err != nil {
			return "", err
		}
	}
	if s.wt.prefixes == nil {
		s.wt.prefixes = map[model.NodeCode]string{}
	}
	s.wt.prefixes[node] = p
	return p, nil
}

// abovePrefix is the prefix of an incident filed at node, a node above the
// towns (the county's own reports), in a file of several towns. A
// configured town_prefix is kept, and refused while a town of the file
// holds it (ownAboveFree). On the default, HJ, which is 花街镇's, the node
// has its own, given at its first report and kept in meta as a town's is:
// its name's initials without 市, 县 or 区 (永康市 YK), the next letter
// while a town of the file or a federated town holds them. Towns given a
// prefix later avoid it (takenPrefixes), and the configured one too
// (townPrefix), so the county's ids never read as a town's.
func (s *DB) abovePrefix(tx *bolt.Tx, node model.NodeCode) (string, error) {
	if s.opts.Prefix != defaultPrefix {
		return s.opts.Prefix, ownAboveFree(tx, s.opts.Prefix)
	}
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(townPrefixKey(node)); v != nil {
		return string(v), nil
	}
	taken, err := takenPrefixes(tx)
	if err != nil {
		return "", err
	}
	name := nodeName(tx, node)
	base := derivedPrefix(node, aboveName(name))
	p, ok := freePrefix(base, taken)
	if !ok {
		return "", noFreePrefix(name, node, base, "towns", "镇街", ": set town_prefix for the reports above the towns", "：请为镇街以上的上报设置 town_prefix")
	}
	return p, meta.Put(townPrefixKey(node), []byte(p))
}

// aboveName is a division's name without the suffix its prefix leaves out
// (永康市 永康); a name that is its suffix alone is kept.
func aboveName(name string) string {
	for _, suf := range aboveSuffixes {
		if n, ok := strings.CutSuffix(name, suf); ok && n != "" {
			return n
		}
	}
	return name
}

// ownAboveFree refuses the reports above the towns under a configured
// town_prefix that a town of the file already holds (given before it was
// configured so): they would read as that town's.
func ownAboveFree(tx *bolt.Tx, prefix string) error {
	c := tx.Bucket(bucketMeta).Cursor()
	for k, v := c.Seek([]byte(metaTownPrefix)); k != nil && bytes.HasPrefix(k, []byte(metaTownPrefix)); k, v = c.Next() {
		code := model.NodeCode(k[len(metaTownPrefix):])
		if string(v) != prefix || code.Town() == "" {
			continue
		}
		name := nodeName(tx, code)
		return model.Errorf(model.ECONFLICT,
			"incident ids %s-… are those of town %s (%s) in this file: give the reports above the towns a town_prefix other than %s, or leave it at the default, %s, for one of their own", prefix, code, name, prefix, defaultPrefix).
			Zh("%s-… 开头的事件编号在本文件中属于镇街 %s（%s）：请为镇街以上的上报另设 town_prefix，不用 %s，或改回默认值 %s，由系统另取", prefix, name, code, prefix, defaultPrefix)
	}
	return nil
}
