//go:build !unix

package api

import (
	"os"

	"gridcmd/model"
)

// ownerOnly checks what it can off unix: a regular file.
func ownerOnly(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return model.Errorf(model.EINVALID, "%s is not a regular file", path)
	}
	return nil
}
