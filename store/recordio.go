package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// How a record meets its bucket: putEncoded stores any record through its
// encoder; the store-private records kept as plain JSON (tokens, alerts,
// ssh keys, wartime units and drafts, room watches, federated towns) are
// read by decodeRecord and written by putRecord.

// decodeRecord reads a record stored as JSON. A value that does not decode
// is an error that names the record (format and args, "alert 7") before
// saying what is wrong; the record is returned as far as it was read.
func decodeRecord[R any](v []byte, format string, args ...any) (R, error) {
	var r R
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf(format+": %w", append(args, err)...)
	}
	return r, nil
}

// emptyBucket replaces the bucket name with an empty one, for a rewrite
// that puts every key anew.
func emptyBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if err := tx.DeleteBucket(name); err != nil {
		return nil, err
	}
	return tx.CreateBucket(name)
}

// putEncoded stores what encode makes of x under k in b.
func putEncoded[T any](b *bolt.Bucket, k []byte, x T, encode func(T) ([]byte, error)) error {
	v, err := encode(x)
	if err != nil {
		return err
	}
	return b.Put(k, v)
}

// putRecord stores r as JSON under k in b.
func putRecord(b *bolt.Bucket, k []byte, r any) error { return putEncoded(b, k, r, json.Marshal) }
