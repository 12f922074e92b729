package store

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The shapes of a read that the services of patrols, findings, rotations
// and the watchdog share.

// parseSet reads a field of a filter that may be left unset with parse:
// "" stays "".
func parseSet[T ~string](v T, parse func(string) (T, error)) (T, error) {
	if v == "" {
		return v, nil
	}
	return parse(string(v))
}

// parseRoot reads the root of the subtree a read is limited to: "" stays "",
// the whole file.
func parseRoot(code model.NodeCode) (model.NodeCode, error) {
	return parseSet(code, model.ParseNodeCode)
}

// viewOf runs read in one read transaction, once the context allows, and
// returns what it read.
func viewOf[T any](ctx context.Context, s *DB, read func(*bolt.Tx) (T, error)) (T, error) {
	var out T
	if err := ctx.Err(); err != nil {
		return out, err
	}
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = read(tx)
		return err
	})
	return out, err
}

// viewIn is viewOf for a read limited to the subtree of root ("" the whole
// file), which parseRoot reads first.
func viewIn[T any](ctx context.Context, s *DB, root model.NodeCode, read func(tx *bolt.Tx, root model.NodeCode) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	root, err := parseRoot(root)
	if err != nil {
		return zero, err
	}
	return viewOf(ctx, s, func(tx *bolt.Tx) (T, error) { return read(tx, root) })
}

// viewByID reads the record whose id parse reads as a sequence, with get,
// in one read transaction.
func viewByID[T any](ctx context.Context, s *DB, id string, parse func(string) (uint64, error), get func(*bolt.Tx, uint64) (T, error)) (T, error) {
	seq, err := parse(id)
	if err != nil {
		var zero T
		return zero, err
	}
	return viewOf(ctx, s, func(tx *bolt.Tx) (T, error) { return get(tx, seq) })
}

// decodeAll decodes every record of a bucket, in key order.
func decodeAll[T any](b *bolt.Bucket, decode func(k, v []byte) (T, error)) ([]T, error) {
	var out []T
	err := b.ForEach(func(k, v []byte) error {
		x, err := decode(k, v)
		if err == nil {
			out = append(out, x)
		}
		return err
	})
	return out, err
}

// heldBy reads the records of the bucket main that person holds, through
// the index byPerson whose keys are the person's id and then the record's
// key, in the index's order; for System, every record of main in key order.
// A person not on the roster is ENOTFOUND; an index entry whose record is
// gone is the error missing makes of the record's key.
func heldBy[T any](tx *bolt.Tx, main, byPerson []byte, person model.PersonID, read func(k, v []byte) (T, error), missing func(k []byte) error) ([]T, error) {
	b := tx.Bucket(main)
	if person == model.System {
		return decodeAll(b, read)
	}
	if _, err := getPerson(tx, person); err != nil {
		return nil, err
	}
	var out []T
	pk := u64(uint64(person))
	c := tx.Bucket(byPerson).Cursor()
	for k, _ := c.Seek(pk); k != nil && bytes.HasPrefix(k, pk); k, _ = c.Next() {
		v := b.Get(k[8:])
		if v == nil {
			return out, missing(k[8:])
		}
		x, err := read(k[8:], v)
		if err != nil {
			return out, err
		}
		out = append(out, x)
	}
	return out, nil
}

// oldestFirst orders what a person holds (tokens, keys) by when each was
// given, then by its name (a prefix, a fingerprint); ties on both keep
// their order.
func oldestFirst[T any](out []T, key func(T) (time.Time, string)) {
	slices.SortStableFunc(out, func(a, b T) int {
		at, an := key(a)
		bt, bn := key(b)
		return cmp.Or(at.Compare(bt), strings.Compare(an, bn))
	})
}

// newestSince reads the records of a bucket numbered in order of time
// whose time is at or after since, from the end of the bucket back, and
// returns them oldest first.
func newestSince[T any](b *bolt.Bucket, since time.Time, decode func(k, v []byte) (T, error), at func(T) time.Time) ([]T, error) {
	var out []T
	c := b.Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		x, err := decode(k, v)
		if err != nil {
			return nil, err
		}
		if at(x).Before(since) {
			break
		}
		out = append(out, x)
	}
	slices.Reverse(out)
	return out, nil
}
