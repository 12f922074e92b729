package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole file to w while writes go on
// (bbolt's Tx.WriteTo in a read transaction) and returns the bytes written.
// Like any long read, it holds back a writer that must grow the file.
func (s *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a backup to path (see WriteBackupFile).
func (s *DB) BackupFile(path string) (int64, error) {
	return WriteBackupFile(path, s.Backup)
}

// WriteBackupFile writes the copy of a database that write produces (DB.Backup
// here, or a running server's through its local API) to path: to a
// temporary file beside it first, synced, opened as a bbolt file to see that
// it is one, then renamed over path, so path is either the old file or a
// complete new one.
func WriteBackupFile(path string, write func(io.Writer) (int64, error)) (int64, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	n, err := write(f)
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := openable(tmp); err != nil {
		return 0, fmt.Errorf("backup to %s: the copy does not open: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil { // make the rename durable too
		_ = d.Sync()
		_ = d.Close()
	}
	return n, nil
}

// openable opens path read-only as bbolt does (its meta pages checked) and
// closes it.
func openable(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return err
	}
	return db.Close()
}
