//go:build unix

package federation

import "syscall"

// writeOut has the kernel write out what the files hold dirty (sync(2); on
// Linux it returns when the data is on the disk).
func writeOut() { syscall.Sync() }
