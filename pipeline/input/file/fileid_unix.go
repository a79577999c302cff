//go:build unix

package file

import (
	"os"
	"syscall"
)

// idOf returns the identity of an open or stat'ed file: device and inode, which survive a
// rename (rotation) and change when a new file takes the path.
func idOf(fi os.FileInfo) fileID {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileID{Dev: uint64(st.Dev), Ino: uint64(st.Ino)} //nolint:unconvert // int32 on darwin
	}
	return fileID{}
}
