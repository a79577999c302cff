//go:build linux || darwin || freebsd

package check

import "syscall"

// freeBytes is the space available to an unprivileged writer, as a pod sees it.
func freeBytes(path string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil //nolint:unconvert // field types differ by OS
}
