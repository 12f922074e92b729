//go:build unix

package api

import (
	"errors"
	"os"
	"syscall"

	"gridcmd/model"
)

// ownerOnly refuses a local credential file that is not this user's or
// that others may read or write.
func ownerOnly(path string, fi os.FileInfo) error {
	if err := regularFile(path, fi); err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return model.Errorf(model.EFORBIDDEN, "refusing %s: its mode is %04o; it must be readable by its owner only (0600)", path, perm).
			Zh("拒绝使用 %s：其权限为 %04o；只能由属主读写（0600）", path, perm)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return model.Errorf(model.EFORBIDDEN, "refusing %s: it belongs to uid %d, not to you (uid %d)", path, st.Uid, os.Getuid()).
			Zh("拒绝使用 %s：它属于 uid %d，不属于你（uid %d）", path, st.Uid, os.Getuid())
	}
	return nil
}

// processAlive reports whether a process with the id pid runs (perhaps
// another user's: then it may not be signalled, but it is there).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
