package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The per-node counters (node_counts, see the package comment): every node
// has the figures of its subtree (model.Counts), changed in the same
// transaction as what changes them. A write notes the change as deltas on
// the node where it happens (countDeltas.at); the deltas go up the
// ancestors there, and are written once per node before the commit
// (flush), so that a batch of a thousand reports from one town writes the
// town's entry once.

var bucketNodeCounts = []byte("node_counts")

// countsVersion is the first byte of a node_counts value.
const countsVersion = 1

// encodeCounts is the version byte and the figures as signed varints, in
// the order of model.Counts, trailing zeros left out.
func encodeCounts(c model.Counts) []byte {
	vals := [...]int{c.Children, c.Households, c.People, c.Staff, c.Villages, c.MicroGrids,
		c.Open[0], c.Open[1], c.Open[2], c.Open[3]}
	n := len(vals)
	for n > 0 && vals[n-1] == 0 {
		n--
	}
	b := make([]byte, 1, 1+n*3)
	b[0] = countsVersion
	for _, v := range vals[:n] {
		b = binary.AppendVarint(b, int64(v))
	}
	return b
}

func decodeCounts(code, v []byte) (model.Counts, error) {
	var c model.Counts
	if len(v) == 0 || v[0] != countsVersion {
		return c, fmt.Errorf("node_counts/%s: not a version %d value", code, countsVersion)
	}
	ptrs := [...]*int{&c.Children, &c.Households, &c.People, &c.Staff, &c.Villages, &c.MicroGrids,
		&c.Open[0], &c.Open[1], &c.Open[2], &c.Open[3]}
	rest := v[1:]
	for _, p := range ptrs {
		if len(rest) == 0 {
			break
		}
		x, n := binary.Varint(rest)
		if n <= 0 {
			return c, fmt.Errorf("node_counts/%s: malformed value", code)
		}
		*p, rest = int(x), rest[n:]
	}
	if len(rest) > 0 {
		return c, fmt.Errorf("node_counts/%s: %d bytes too many", code, len(rest))
	}
	return c, nil
}

// countDeltas are the changes of one transaction not written yet, by node
// (each already carried up to its ancestors).
type countDeltas struct {
	m map[model.NodeCode]delta
	// pending is what at noted, by the node it happened at, not carried
	// up yet: a batch of reports from a few nodes costs one map update
	// each rather than one per ancestor; flush carries them up first.
	pending map[model.NodeCode]pendingCounts
}

// pendingCounts is a node's sum of at's changes; up marks one that was not
// zero, which at carries to the ancestors even if the sum is zero.
type pendingCounts struct {
	model.Counts
	up bool
}

// delta is one node's change; fresh marks a node written in this
// transaction, which has no entry yet, so flush writes its entry without
// looking.
type delta struct {
	model.Counts
	fresh bool
}

func (c *countDeltas) add(code model.NodeCode, d model.Counts, fresh bool) {
	if c.m == nil {
		c.m = map[model.NodeCode]delta{}
	}
	v := c.m[code]
	v.Add(d, 1)
	v.fresh = v.fresh || fresh
	c.m[code] = v
}

// at adds d to the node at code and every node above it. The node at code
// gets an entry even when d is zero (a node just added).
func (c *countDeltas) at(code model.NodeCode, d model.Counts) {
	if c.pending == nil {
		c.pending = map[model.NodeCode]pendingCounts{}
	}
	v := c.pending[code]
	v.Add(d, 1)
	v.up = v.up || !d.Zero()
	c.pending[code] = v
}

// carry adds what at noted to each node and every node above it.
func (c *countDeltas) carry() {
	for code, d := range c.pending {
		c.add(code, model.Counts{}, false)
		if !d.up {
			continue
		}
		for x := code; x != ""; x = x.Parent() {
			c.add(x, d.Counts, false)
		}
	}
	clear(c.pending)
}

// freshTree notes nodes just added (in code order, none stored before):
// each one's figures are summed up a chain of added parents and children
// first, as recount does, so that a node's entry is noted once rather than
// once for every node beneath it; what the top of a chain holds then goes
// onto every node above it (at), and each added node counts as a child of
// its parent.
func (c *countDeltas) freshTree(add []model.Node) {
	type frame struct {
		code model.NodeCode
		c    model.Counts
	}
	var stack []frame
	pop := func() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c.add(top.code, top.c, true)
		up := top.c
		up.Children = 0
		if len(stack) > 0 && stack[len(stack)-1].code == top.code.Parent() {
			kids := stack[len(stack)-1].c.Children
			stack[len(stack)-1].c.Add(up, 1)
			stack[len(stack)-1].c.Children = kids
		} else if p := top.code.Parent(); p != "" {
			c.at(p, up)
		}
	}
	for _, n := range add {
		for len(stack) > 0 && !stack[len(stack)-1].code.Contains(n.Code) {
			pop()
		}
		if len(stack) > 0 && stack[len(stack)-1].code == n.Code.Parent() {
			stack[len(stack)-1].c.Children++
		} else {
			c.child(n.Code.Parent())
		}
		stack = append(stack, frame{code: n.Code, c: model.NodeCounts(n)})
	}
	for len(stack) > 0 {
		pop()
	}
}

// child counts one more child on the node at parent.
func (c *countDeltas) child(parent model.NodeCode) {
	if parent == "" {
		return
	}
	c.add(parent, model.Counts{Children: 1}, false)
}

// flush writes the deltas into node_counts, in code order, and forgets
// them. A node without an entry starts from zero if it is stored (a node
// added in this transaction), and gets one even if its delta is zero; a
// code that is no node (an ancestor above the file's roots) is skipped.
func (c *countDeltas) flush(tx *bolt.Tx) error {
	c.carry()
	if len(c.m) == 0 {
		return nil
	}
	codes := make([]model.NodeCode, 0, len(c.m))
	for k := range c.m {
		codes = append(codes, k)
	}
	slices.Sort(codes)
	b := tx.Bucket(bucketNodeCounts)
	if b == nil {
		return fmt.Errorf("bucket %s is missing (run gridcmd check)", bucketNodeCounts)
	}
	nodes := tx.Bucket(bucketNodes).Cursor()
	for _, code := range codes {
		k := []byte(code)
		var cur model.Counts
		d := c.m[code]
		if d.fresh {
			cur.Add(d.Counts, 1)
			if err := b.Put(k, encodeCounts(cur)); err != nil {
				return err
			}
			continue
		}
		if v := b.Get(k); v != nil {
			if d.Zero() {
				continue
			}
			var err error
			if cur, err = decodeCounts(k, v); err != nil {
				return err
			}
		} else if nk, _ := nodes.Seek(k); string(nk) != string(code) {
			continue
		}
		cur.Add(d.Counts, 1)
		if err := b.Put(k, encodeCounts(cur)); err != nil {
			return err
		}
	}
	clear(c.m)
	return nil
}

// noteIncident notes what a saved incident changes: its open count at its
// tier comes off (old) and goes on (new). Into the transaction's deltas
// when there are (the writer's), else written at once.
func (b txBuckets) noteIncident(inc model.Incident, old *model.Incident) error {
	d := model.IncidentCounts(inc)
	if old != nil {
		if old.Node == inc.Node {
			d.Add(model.IncidentCounts(*old), -1)
		} else if o := model.IncidentCounts(*old); !o.Zero() {
			if err := b.addCounts(old.Node, o, -1); err != nil {
				return err
			}
		}
	}
	if d.Zero() {
		return nil
	}
	return b.addCounts(inc.Node, d, 1)
}

func (b txBuckets) addCounts(at model.NodeCode, d model.Counts, sign int) error {
	if sign < 0 {
		var neg model.Counts
		neg.Add(d, -1)
		d = neg
	}
	if b.counts != nil {
		b.counts.at(at, d)
		return nil
	}
	var one countDeltas
	one.at(at, d)
	return one.flush(b.tx)
}

// getCounts reads a node's figures; the zero Counts for a node without an
// entry.
func getCounts(tx *bolt.Tx, code model.NodeCode) (model.Counts, error) {
	v := tx.Bucket(bucketNodeCounts).Get([]byte(code))
	if v == nil {
		return model.Counts{}, nil
	}
	return decodeCounts([]byte(code), v)
}

// recount counts every node's figures from the records (model.Counts'
// definitions, as model.RecountTower does), streaming: the nodes are read
// in code order, where a subtree is a run of keys, so only the chain of
// ancestors of the current node is held, with the people and the open
// incidents counted by node beforehand. emit gets each node's figures once
// its subtree is done (children before parents).
func recount(tx *bolt.Tx, emit func(code []byte, c model.Counts) error) error {
	nodes := tx.Bucket(bucketNodes)
	// nearest is the stored node at code or above it ("" if none): where
	// what is placed at a code that is no node counts.
	nearest := func(code model.NodeCode) model.NodeCode {
		for c := code; c != ""; c = c.Parent() {
			if nodes.Get([]byte(c)) != nil {
				return c
			}
		}
		return ""
	}
	placed := map[model.NodeCode]model.Counts{}
	put := func(at model.NodeCode, d model.Counts) {
		at = nearest(at)
		if at == "" {
			return
		}
		v := placed[at]
		v.Add(d, 1)
		placed[at] = v
	}
	if err := tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
		p, err := decodePerson(getU64(k), v)
		if err != nil {
			return err
		}
		put(p.Node, model.PersonCounts(p))
		return nil
	}); err != nil {
		return err
	}
	// The open incidents from the records themselves, not idx_open: check
	// verifies that index apart, and a recount must not lean on it.
	if err := tx.Bucket(bucketIncidents).ForEach(func(k, v []byte) error {
		inc, err := decodeIncident(getU64(k), v, time.UTC)
		if err != nil {
			return err
		}
		if d := model.IncidentCounts(inc); !d.Zero() {
			put(inc.Node, d)
		}
		return nil
	}); err != nil {
		return err
	}

	type frame struct {
		code []byte
		c    model.Counts
	}
	var stack []frame
	pop := func() error {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if err := emit(top.code, top.c); err != nil {
			return err
		}
		if len(stack) > 0 {
			up := &stack[len(stack)-1]
			kids := up.c.Children
			up.c.Add(top.c, 1)
			up.c.Children = kids
			if bytes.Equal(up.code, []byte(model.NodeCode(top.code).Parent())) {
				up.c.Children++
			}
		}
		return nil
	}
	nc := nodes.Cursor()
	for k, v := nc.First(); k != nil; k, v = nc.Next() {
		for len(stack) > 0 && !bytes.HasPrefix(k, stack[len(stack)-1].code) {
			if err := pop(); err != nil {
				return err
			}
		}
		n, err := decodeNode(k, v)
		if err != nil {
			return err
		}
		cnt := model.NodeCounts(n)
		cnt.Add(placed[n.Code], 1)
		stack = append(stack, frame{code: append([]byte(nil), k...), c: cnt})
	}
	for len(stack) > 0 {
		if err := pop(); err != nil {
			return err
		}
	}
	return nil
}

// buildCounts writes node_counts from a full recount (the migration that
// brings the counters to a file written before them).
func buildCounts(tx *bolt.Tx) error {
	b := tx.Bucket(bucketNodeCounts)
	return recount(tx, func(code []byte, c model.Counts) error {
		return b.Put(code, encodeCounts(c))
	})
}

// counts verifies node_counts against a full recount: every node has its
// entry with the figures counted from the records, and nothing else has one.
func (c *checker) counts(tx *bolt.Tx) error {
	b := tx.Bucket(bucketNodeCounts)
	seen := 0
	err := recount(tx, func(code []byte, want model.Counts) error {
		if err := c.tick(); err != nil {
			return err
		}
		seen++
		v := b.Get(code)
		if v == nil {
			c.add("node_counts: %s has no entry", code)
			return nil
		}
		got, err := decodeCounts(code, v)
		if err != nil {
			c.add("%v", err)
			return nil
		}
		if got != want {
			c.add("node_counts: %s holds %s, a recount gives %s", code, countsText(got), countsText(want))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n := b.Stats().KeyN; n != seen {
		nodes := tx.Bucket(bucketNodes)
		_ = b.ForEach(func(k, _ []byte) error {
			if nodes.Get(k) == nil {
				c.add("node_counts: %s is no node", k)
			}
			return nil
		})
	}
	return nil
}

func countsText(c model.Counts) string {
	return fmt.Sprintf("children %d, households %d, people %d, staff %d, villages %d, micro-grids %d, open %v",
		c.Children, c.Households, c.People, c.Staff, c.Villages, c.MicroGrids, c.Open)
}

// Subtree returns root and the nodes beneath it down to depth levels below
// (0: root alone), each with its stored figures, in code order. root "" is
// every root of the file (a node whose parent is not stored: the province,
// or the towns of a file without the levels above). It reads only what it
// returns: each node's children are found by seeking from one child's key
// past its subtree to the next, never by walking the subtrees.
func (s *DB) Subtree(ctx context.Context, root model.NodeCode, depth int) ([]model.CountedNode, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	root, err := parseRoot(root)
	if err != nil {
		return nil, err
	}
	if depth < 0 {
		return nil, model.Errorf(model.EINVALID, "depth %d: want 0 or more", depth).Zh("层数 %d：应为 0 或以上", depth)
	}
	var out []model.CountedNode
	err = s.view(func(tx *bolt.Tx) error {
		nodes := tx.Bucket(bucketNodes)
		cur := nodes.Cursor()
		add := func(k, v []byte) error {
			n, err := decodeNode(k, v)
			if err != nil {
				return err
			}
			cnt, err := getCounts(tx, n.Code)
			if err != nil {
				return err
			}
			out = append(out, model.CountedNode{Node: n, Counts: cnt})
			return nil
		}
		var below func(prefix []byte, d int) error
		below = func(prefix []byte, d int) error {
			if d <= 0 {
				return nil
			}
			var kids [][]byte
			k, v := cur.Seek(prefix)
			if k != nil && bytes.Equal(k, prefix) && len(prefix) > 0 {
				k, v = cur.Next()
			}
			for k != nil && bytes.HasPrefix(k, prefix) {
				kk := append([]byte(nil), k...)
				if err := add(kk, v); err != nil {
					return err
				}
				kids = append(kids, kk)
				k, v = cur.Seek(pastSubtree(kk))
			}
			for _, kid := range kids {
				if err := below(kid, d-1); err != nil {
					return err
				}
			}
			return nil
		}
		if root == "" {
			// Every root, and depth levels beneath each.
			return below(nil, depth+1)
		}
		v := nodes.Get([]byte(root))
		if v == nil {
			return model.Errorf(model.ENOTFOUND, "no node %s in the tower", root).Zh("网格塔中没有节点 %s", root)
		}
		if err := add([]byte(root), v); err != nil {
			return err
		}
		return below([]byte(root), depth)
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b model.CountedNode) int { return strings.Compare(string(a.Code), string(b.Code)) })
	return out, nil
}

// pastSubtree is the least key after every key that starts with k: k with
// its last byte one higher (codes are ASCII digits and '-', so it never
// overflows).
func pastSubtree(k []byte) []byte {
	out := append([]byte(nil), k...)
	out[len(out)-1]++
	return out
}
