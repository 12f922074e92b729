package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"gridcmd/model"
)

// maintainer is what a service that is the database file itself can do
// besides model.Service (the store does): write a consistent copy of the
// file, and check it. The local API offers both, so that backup and check
// need not stop the console or server that holds the file.
type maintainer interface {
	Backup(w io.Writer) (int64, error)
	Check(ctx context.Context) ([]string, error)
}

// Trailers of the local backup stream: the bytes the server wrote, and the
// error that cut it short, if one did.
const (
	backupBytesTrailer = "Gridcmd-Backup-Bytes"
	backupErrorTrailer = "Gridcmd-Backup-Error"
)

// handleBackup sends a consistent copy of the database. The copy is taken
// first into a temporary file on this machine (one read transaction, as
// fast as a local backup, writes going on meanwhile), and only then
// streamed, so that a slow or stalled reader never holds a transaction
// open (which would hold back a write that must grow the file) nor the
// server's shutdown: streaming stops when the server drains or the reader
// takes more than backupStall over a chunk. The stream ends with trailers
// saying how many bytes were sent and whether it was cut short; a client
// must check them (Client.Backup does).
func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request) {
	if !s.localAuth(w, r) {
		return
	}
	mt, ok := s.svc.(maintainer)
	if !ok {
		writeJSON(w, http.StatusNotImplemented, errorJSON{Error: "this server cannot copy its database",
			ErrorZh: "此服务无法复制其数据库"})
		return
	}
	if !s.admitWrite(w) {
		return
	}
	tmp, n, err := snapshot(mt)
	s.endWrite()
	if err != nil {
		s.log.Error("backup: taking the copy failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, errorJSON{Error: fmt.Sprintf("taking the copy: %v", err),
			ErrorZh: fmt.Sprintf("复制数据库失败：%v", err)})
		return
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
	}()
	h := w.Header()
	h.Set("Trailer", backupBytesTrailer+", "+backupErrorTrailer)
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	sent, err := io.CopyBuffer(&backupWriter{w: w, rc: http.NewResponseController(w), drain: s.drainCh}, tmp, make([]byte, 256<<10))
	h.Set(backupBytesTrailer, strconv.FormatInt(sent, 10))
	if err == nil && sent != n {
		err = fmt.Errorf("sent %d of %d bytes", sent, n)
	}
	if err != nil {
		s.log.Error("backup stream cut short", "bytes", sent, "of", n, "err", err)
		h.Set(backupErrorTrailer, err.Error())
	}
}

// backupStall is how long a backup reader may take over one chunk.
const backupStall = 30 * time.Second

// snapshot writes the copy into a temporary file and rewinds it.
func snapshot(mt maintainer) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "gridcmd-backup-*")
	if err != nil {
		return nil, 0, err
	}
	n, err := mt.Backup(f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}

// backupWriter is the response of a backup stream: each chunk must go
// within backupStall, and none goes once the server drains.
type backupWriter struct {
	w     io.Writer
	rc    *http.ResponseController
	drain <-chan struct{}
}

func (b *backupWriter) Write(p []byte) (int, error) {
	select {
	case <-b.drain:
		return 0, errors.New("the server is shutting down")
	default:
	}
	_ = b.rc.SetWriteDeadline(time.Now().Add(backupStall))
	return b.w.Write(p)
}

// Backup streams a consistent copy of the server's database into w and
// returns its size. It fails unless the server says it wrote the whole
// copy and exactly the bytes w received: a copy cut short is an error,
// never a smaller file that looks whole.
func (c *Client) Backup(ctx context.Context, w io.Writer) (int64, error) {
	at := c.endpoint()
	base := at.base
	req, err := at.request(ctx, http.MethodGet, "/api/v1/local/backup", nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.stream.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, gone(base, err, false)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e errorJSON
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		if e.ErrorZh == "" {
			e.ErrorZh = e.Error
		}
		return 0, model.Errorf(codeOfStatus(resp.StatusCode), "backup from the gridcmd server at %s: %s", base, e.Error).
			Zh("从 %s 的 gridcmd 服务备份：%s", base, e.ErrorZh)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("backup from the gridcmd server at %s: cut short after %d bytes: %w", base, n, err)
	}
	if msg := resp.Trailer.Get(backupErrorTrailer); msg != "" {
		return n, fmt.Errorf("backup from the gridcmd server at %s: %s", base, msg)
	}
	if want := resp.Trailer.Get(backupBytesTrailer); want != strconv.FormatInt(n, 10) {
		return n, fmt.Errorf("backup from the gridcmd server at %s: got %d bytes, the server says it wrote %q", base, n, want)
	}
	return n, nil
}
