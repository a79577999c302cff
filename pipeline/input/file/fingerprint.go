package file

import (
	"errors"
	"hash/fnv"
	"io"
)

// fingerprintMax is how many leading bytes identify a file's content beside its inode.
const fingerprintMax = 1024

// fingerprint is a hash of a file's first Len bytes. An inode alone does not identify a file:
// a deleted file's inode is soon given to a new one, which would then be read from the old
// file's offset. The first bytes of a log file never change while it is appended to, so a
// different hash over the same length means a different file.
type fingerprint struct {
	Len int    `json:"len"`
	Sum uint64 `json:"sum"`
}

func fingerprintOf(prefix []byte) fingerprint {
	h := fnv.New64a()
	_, _ = h.Write(prefix)
	return fingerprint{Len: len(prefix), Sum: h.Sum64()}
}

// matches reports whether prefix (a file's first bytes, up to fingerprintMax) starts like the
// file fp was taken from.
func (fp fingerprint) matches(prefix []byte) bool {
	if len(prefix) < fp.Len {
		return false
	}
	return fingerprintOf(prefix[:fp.Len]) == fp
}

// readPrefix reads a file's first n bytes (fewer if it is shorter).
func readPrefix(f io.ReaderAt, n int64) ([]byte, error) {
	buf := make([]byte, min(n, fingerprintMax))
	k, err := f.ReadAt(buf, 0)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return buf[:k], err
}
