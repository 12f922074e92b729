package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"gridcmd/internal/atomicfile"
	"gridcmd/model"
)

// The local credential file: <db>.api beside the database, mode 0600, for
// as long as a server holds the database. It tells the command line where
// the server is and how to prove it runs as the file's owner.
type localFile struct {
	Addr       string `json:"addr"`
	Credential string `json:"credential"`
	PID        int    `json:"pid"`
	DB         string `json:"db"`
}

// LocalPath is the local credential file of the database at dbPath.
func LocalPath(dbPath string) string { return dbPath + ".api" }

// localScheme is the Authorization scheme of the local RPC route.
const localScheme = "Local"

// WriteLocal writes the local credential file of dbPath, saying that the
// server at addr holds it, with a fresh random credential, and returns the
// credential (for Options.LocalCredential) and a cleanup that removes the
// file if it is still this one. The file is written beside the database
// and renamed into place, mode 0600.
func WriteLocal(dbPath, addr string) (cred string, cleanup func(), err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, fmt.Errorf("local credential: %w", err)
	}
	cred = "gcl_" + base64.RawURLEncoding.EncodeToString(raw[:])
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		abs = dbPath
	}
	b, err := json.MarshalIndent(localFile{Addr: addr, Credential: cred, PID: os.Getpid(), DB: abs}, "", "  ")
	if err != nil {
		return "", nil, err
	}
	path := LocalPath(dbPath)
	if err := atomicfile.Write(path, append(b, '\n')); err != nil { // mode 0600
		return "", nil, fmt.Errorf("local credential %s: %w", path, err)
	}
	var once sync.Once
	cleanup = func() {
		once.Do(func() {
			// Remove only our own file: a later server may have replaced it.
			if cur, err := readLocal(path); err == nil && subtle.ConstantTimeCompare([]byte(cur.Credential), []byte(cred)) == 1 {
				_ = os.Remove(path)
			}
		})
	}
	return cred, cleanup, nil
}

// readLocal reads a local credential file, refusing one that anyone but
// its owner (this user) could read or write.
func readLocal(path string) (localFile, error) {
	var lf localFile
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return lf, model.Errorf(model.ENOTFOUND, "no gridcmd server holds the database (no %s)", path).
				Zh("没有 gridcmd 服务持有该数据库（无 %s）", path)
		}
		return lf, err
	}
	if err := ownerOnly(path, fi); err != nil {
		return lf, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return lf, err
	}
	if err := json.Unmarshal(b, &lf); err != nil || lf.Addr == "" || lf.Credential == "" {
		return lf, model.Errorf(model.EINVALID, "%s: not a gridcmd local credential file", path).
			Zh("%s：不是 gridcmd 的本地凭据文件", path)
	}
	return lf, nil
}

// regularFile refuses a local credential file that is not a regular file
// (a directory, a device, a pipe).
func regularFile(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return model.Errorf(model.EINVALID, "%s is not a regular file", path).Zh("%s 不是普通文件", path)
	}
	return nil
}

// DialLocal connects to the server that holds the database at dbPath, as
// its local credential file (LocalPath) tells: the file must be this
// user's and readable by no one else, the address loopback, the process
// that wrote it alive, and the server must prove it holds the credential
// (the handshake) and answer /healthz. ENOTFOUND when there is no file (no
// server holds the database); EUNAVAIL, naming the file, when the file is
// stale (its process is gone, or what answers at its address is not that
// server, which is then sent nothing but a random nonce) or the server
// does not answer. When that server stops, the client finds the next one
// that holds the database through the same file (see Client.relocate).
func DialLocal(dbPath string) (*Client, error) {
	path := LocalPath(dbPath)
	lf, err := readLocal(path)
	if err != nil {
		return nil, err
	}
	if lf.PID > 0 && lf.PID != os.Getpid() && !processAlive(lf.PID) {
		return nil, model.Errorf(model.EUNAVAIL, "%s is stale: the gridcmd that wrote it (pid %d) is not running", path, lf.PID).
			Zh("%s 已失效：写下它的 gridcmd（pid %d）已不在运行", path, lf.PID)
	}
	c, err := NewLocalClient(lf.Addr, lf.Credential)
	if err != nil {
		var e *model.Error
		if errors.As(err, &e) && e.Code == model.EUNAVAIL {
			return nil, &model.Error{Code: e.Code, Message: fmt.Sprintf("%s may be stale: %s", path, e.Message),
				MessageZh: fmt.Sprintf("%s 可能已失效：%s", path, model.ErrorMessageZh(e))}
		}
		return nil, err
	}
	c.dbPath = dbPath
	return c, nil
}
