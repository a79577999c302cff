package file

import "testing"

// onlyID returns the id of the one file the registry knows.
func (r *registry) onlyID(t testing.TB) fileID {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.files) != 1 {
		t.Fatalf("registry knows %d files, want 1", len(r.files))
	}
	for id := range r.files {
		return id
	}
	return fileID{}
}

// committedOffset returns the committed offset of a file.
func (r *registry) committedOffset(id fileID) (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fs, ok := r.files[id]
	if !ok {
		return 0, false
	}
	return fs.committed, true
}
