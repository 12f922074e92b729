package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
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
// complete new one. Only a regular file is replaced: anything else at path
// (a directory, a symbolic link, a device, a FIFO, a socket) is refused
// with EINVALID naming what it is, before anything is written and again
// just before the rename; a link is not followed.
func WriteBackupFile(path string, write func(io.Writer) (int64, error)) (int64, error) {
	if err := BackupTarget(path); err != nil {
		return 0, err
	}
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
	if err := BackupTarget(path); err != nil {
		return 0, err
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

// BackupTarget refuses a backup target that is there and is not a regular
// file (os.Lstat: a symbolic link is refused, not followed), naming what it
// is: "FILE is a character device; backup writes only to a regular file".
// Nothing at path, or a regular file, is nil.
func BackupTarget(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if fi.Mode().IsRegular() {
		return nil
	}
	en, zh := fileKind(fi.Mode())
	return model.Errorf(model.EINVALID, "%s is %s; backup writes only to a regular file", path, en).
		Zh("%s 是%s；备份只写入普通文件", path, zh).On("file")
}

// fileKinds names the kinds of file that are not regular ones, in en and
// zh, in the order fileKind tries them.
var fileKinds = []struct {
	mode   fs.FileMode
	en, zh string
}{
	{fs.ModeDir, "a directory", "目录"},
	{fs.ModeSymlink, "a symbolic link", "符号链接"},
	{fs.ModeCharDevice, "a character device", "字符设备"},
	{fs.ModeDevice, "a block device", "块设备"},
	{fs.ModeNamedPipe, "a FIFO (named pipe)", "命名管道（FIFO）"},
	{fs.ModeSocket, "a socket", "套接字"},
}

// fileKind names what a file that is not a regular one is, in en and zh.
func fileKind(m fs.FileMode) (en, zh string) {
	for _, k := range fileKinds {
		if m&k.mode != 0 {
			return k.en, k.zh
		}
	}
	return "not a regular file", "非普通文件"
}
