package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"

	"gridcmd/model"
)

// What checkFile reads of bbolt's file format (go.etcd.io/bbolt
// internal/common: page.go, meta.go): each of the two meta pages, at
// offset 0 and at one page size, is a 16-byte page header followed by the
// meta, in the machine's byte order:
//
//	magic u32, version u32, pageSize u32, flags u32, root (pgid u64,
//	sequence u64), freelist pgid u64, pgid u64 (the high-water mark: pages
//	0..pgid-1 are in use), txid u64, checksum u64 (FNV-64a of the 56 bytes
//	before it)
//
// bbolt takes the valid meta with the higher txid, as checkFile does.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltPageHeader = 16
	boltMetaSize   = 64
)

// boltMeta is what checkFile needs of a meta page.
type boltMeta struct {
	pageSize   uint32
	pgid, txid uint64
}

// readMeta reads the meta page at off; false when it is not a valid one
// (magic, version, checksum) or the file ends before it.
func readMeta(f *os.File, off int64) (boltMeta, bool) {
	var b [boltPageHeader + boltMetaSize]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		return boltMeta{}, false
	}
	m, ne := b[boltPageHeader:], binary.NativeEndian
	if ne.Uint32(m[0:]) != boltMagic || ne.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	_, _ = h.Write(m[:56])
	if h.Sum64() != ne.Uint64(m[56:]) {
		return boltMeta{}, false
	}
	meta := boltMeta{pageSize: ne.Uint32(m[8:]), pgid: ne.Uint64(m[40:]), txid: ne.Uint64(m[48:])}
	if meta.pageSize < 512 || meta.pageSize&(meta.pageSize-1) != 0 {
		return boltMeta{}, false
	}
	return meta, true
}

// checkFile looks at path before bbolt opens it. It refuses what is not a
// regular file; a path with nothing, or an empty file, when mustExist
// (noDatabase); and a file shorter than the pages its meta says are in use
// (a truncated copy, a disk that filled while copying): bbolt would read
// past the end of the file and panic, or fault. A file with no valid meta
// page is left to bbolt, which refuses it as not a bbolt file.
func checkFile(path string, mustExist bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if mustExist {
			return noDatabase(path)
		}
		return nil
	case err != nil:
		return fmt.Errorf("open database %s: %w", path, err)
	case !fi.Mode().IsRegular():
		en, zh := fileKind(fi.Mode())
		return model.Errorf(model.EINVALID, "database %s is %s, not a database file", path, en).
			Zh("数据库 %s 是%s，不是数据库文件", path, zh)
	case fi.Size() == 0:
		if mustExist {
			return noDatabase(path)
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	m, ok := fileMeta(f)
	if !ok {
		return nil
	}
	// The size is read after the meta: a writer in another process only
	// grows the file, and grows it before it writes a meta that needs it.
	if fi, err = f.Stat(); err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	size, ps := uint64(fi.Size()), uint64(m.pageSize)
	if m.pgid <= size/ps {
		return nil
	}
	need := fmt.Sprint(m.pgid * ps)
	if m.pgid > (1<<63)/ps {
		need = fmt.Sprintf("%d pages of %d bytes", m.pgid, ps)
	}
	return model.Errorf(model.EINVALID, "database %s is truncated: %d bytes, its pages need %s", path, size, need).
		Zh("数据库 %s 已被截断：%d 字节，其页面需要 %s 字节", path, size, need)
}

// fileMeta is the meta bbolt would use: the valid one of the two with the
// higher txid. The second is at the first's page size or, when the first is
// not valid, at one of the page sizes bbolt tries (1 KiB to 16 MiB).
func fileMeta(f *os.File) (boltMeta, bool) {
	m0, ok0 := readMeta(f, 0)
	var m1 boltMeta
	ok1 := false
	if ok0 {
		m1, ok1 = readMeta(f, int64(m0.pageSize))
	} else {
		for i := 0; i <= 14 && !ok1; i++ {
			off := int64(1024) << i
			m1, ok1 = readMeta(f, off)
			ok1 = ok1 && int64(m1.pageSize) == off
		}
	}
	switch {
	case ok0 && ok1 && m1.txid > m0.txid, !ok0 && ok1:
		return m1, true
	case ok0:
		return m0, true
	}
	return boltMeta{}, false
}
