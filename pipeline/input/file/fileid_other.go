//go:build !unix

package file

import "os"

// idOf has no inode to go by on this platform; files are told apart by path only, so a rotation
// by rename is seen as truncation or growth.
func idOf(os.FileInfo) fileID { return fileID{} }

// unlinked cannot tell on this platform.
func unlinked(os.FileInfo) bool { return false }
