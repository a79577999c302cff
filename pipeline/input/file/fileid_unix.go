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

// unlinked reports whether an open file has been deleted: its inode may already belong to a
// new file at the same path, which must then be opened rather than taken for the old one.
func unlinked(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 0
}
