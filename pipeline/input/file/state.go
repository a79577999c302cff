package file

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// fileID identifies a file across renames: the device and inode.
type fileID struct {
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"inode"`
}

// chunk is one batch of a file handed to the pipeline: the bytes [start, end) it covers and how
// its delivery ended.
type chunk struct {
	start, end int64
	gen        uint64
	done       bool
	status     event.Status
}

// fileState is what the input knows about one file (one inode). Offsets move in two steps: read
// (handed to the pipeline) and committed (delivered, saved in the state file). Only committed
// offsets survive a restart, so nothing handed over but not delivered is lost.
type fileState struct {
	id        fileID
	path      string
	committed int64
	read      int64
	gen       uint64 // bumped on truncation and rewind: acks of older chunks no longer count
	pending   []*chunk
	retryAt   time.Time // when the head chunk came back with Retry
	fp        fingerprint
	active    bool // a reader holds the file
	seen      bool // matched by the latest scan, or active: kept in the state file
}

// registry tracks every file's offsets and persists the committed ones.
type registry struct {
	mu      sync.Mutex
	files   map[fileID]*fileState
	dirty   bool
	path    string        // state file, "" for none
	changed chan struct{} // closed and replaced whenever a chunk resolves
	onFail  func(fs *fileState, c *chunk, s event.Status)
}

type savedFile struct {
	Path        string      `json:"path"`
	ID          fileID      `json:"id"`
	Offset      int64       `json:"offset"`
	Fingerprint fingerprint `json:"fingerprint"`
}

type savedState struct {
	Version int         `json:"version"`
	Files   []savedFile `json:"files"`
}

// newRegistry loads the state file if there is one. A state file that exists but cannot be read
// is an error: starting over silently would send everything again, or skip data with start_at end.
func newRegistry(path string) (*registry, error) {
	r := &registry{files: map[fileID]*fileState{}, path: path, changed: make(chan struct{})}
	if path == "" {
		return r, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("file: state directory: %w", err)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("file: read state %s: %w", path, err)
	}
	var s savedState
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("file: parse state %s: %w", path, err)
	}
	for _, f := range s.Files {
		r.files[f.ID] = &fileState{id: f.ID, path: f.Path, committed: f.Offset, read: f.Offset, fp: f.Fingerprint, seen: true}
	}
	return r, nil
}

// acquire takes the file for reading and returns where to start, and whether the file is
// known (its state is used). It returns false when another reader holds the same file under
// another path (a rotated file the glob matches too). size is the file's current size and
// prefix its first bytes; atEnd says a file without state starts at its end (start_at: end, at
// startup).
func (r *registry) acquire(id fileID, path string, size int64, prefix []byte, atEnd bool) (*fileState, int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fs, ok := r.files[id]
	if ok && fs.active {
		return nil, 0, false
	}
	if !ok || !fs.fp.matches(prefix) { // new, or a new file on a reused inode
		fs = &fileState{id: id, fp: fingerprintOf(prefix)}
		if atEnd {
			fs.committed, fs.read = size, size
		}
		r.files[id] = fs
		r.dirty = true
	}
	if size < fs.read { // truncated while nobody read it
		r.resetLocked(fs, 0)
		fs.fp = fingerprintOf(prefix)
	}
	fs.path, fs.active, fs.seen = path, true, true
	return fs, fs.read, true
}

// setFingerprint extends the file's fingerprint once more of its first bytes exist.
func (r *registry) setFingerprint(fs *fileState, prefix []byte) {
	r.mu.Lock()
	if len(prefix) > fs.fp.Len && fs.fp.matches(prefix) {
		fs.fp = fingerprintOf(prefix)
		r.dirty = true
	}
	r.mu.Unlock()
}

// forget drops a removed file's state: its inode may be given to the next new file.
func (r *registry) forget(fs *fileState) {
	r.mu.Lock()
	if r.files[fs.id] == fs {
		delete(r.files, fs.id)
		r.dirty = true
	}
	r.mu.Unlock()
}

// release gives the file up; its pending chunks still commit when they resolve.
func (r *registry) release(fs *fileState) {
	r.mu.Lock()
	fs.active = false
	r.mu.Unlock()
}

// begin records a chunk about to be handed over.
func (r *registry) begin(fs *fileState, start, end int64) *chunk {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &chunk{start: start, end: end, gen: fs.gen}
	fs.pending = append(fs.pending, c)
	fs.read = end
	return c
}

// resolve records how a chunk's delivery ended and commits every delivered chunk at the head
// of the file's queue, in order: an offset is committed only when everything before it is.
// A Retry stops the queue at that chunk until the reader rewinds to it.
func (r *registry) resolve(fs *fileState, c *chunk, s event.Status) {
	r.mu.Lock()
	if c.gen == fs.gen {
		c.done, c.status = true, s
		for len(fs.pending) > 0 && fs.pending[0].done {
			h := fs.pending[0]
			if h.status == event.Retry {
				if fs.retryAt.IsZero() {
					fs.retryAt = time.Now()
				}
				break
			}
			fs.committed = h.end
			fs.pending[0] = nil
			fs.pending = fs.pending[1:]
			r.dirty = true
		}
	}
	close(r.changed)
	r.changed = make(chan struct{})
	onFail := r.onFail
	r.mu.Unlock()
	if s != event.Delivered && onFail != nil {
		onFail(fs, c, s)
	}
}

// rewind reports whether the file must be read again from its committed offset, because the
// chunk there came back with Retry at least backoff ago, and if so forgets the chunks in flight
// (their acks no longer count: they will be sent again).
func (r *registry) rewind(fs *fileState, now time.Time, backoff time.Duration) (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if fs.retryAt.IsZero() || now.Sub(fs.retryAt) < backoff {
		return 0, false
	}
	r.resetLocked(fs, fs.committed)
	return fs.committed, true
}

// truncated restarts the file at offset 0; its content is new, so is its fingerprint.
func (r *registry) truncated(fs *fileState) {
	r.mu.Lock()
	r.resetLocked(fs, 0)
	fs.fp = fingerprint{}
	r.mu.Unlock()
}

func (r *registry) resetLocked(fs *fileState, off int64) {
	fs.gen++
	fs.pending = nil
	fs.retryAt = time.Time{}
	fs.committed, fs.read = min(fs.committed, off), off
	r.dirty = true
}

// prune forgets files that the latest scan did not match and nobody reads or waits on.
func (r *registry) prune(matched map[fileID]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, fs := range r.files {
		fs.seen = matched[id] || fs.active || len(fs.pending) > 0
		if !fs.seen {
			delete(r.files, id)
			r.dirty = true
		}
	}
}

// inFlight returns how many chunks are not yet resolved, and a channel closed on the next change.
func (r *registry) inFlight() (int, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, fs := range r.files {
		for _, c := range fs.pending {
			if !c.done {
				n++
			}
		}
	}
	return n, r.changed
}

// save writes the committed offsets if they changed: to a temporary file in the same directory,
// synced, then renamed over the state file, so that a crash leaves the old state or the new one,
// never a torn one.
func (r *registry) save() error {
	r.mu.Lock()
	if r.path == "" || !r.dirty {
		r.mu.Unlock()
		return nil
	}
	s := savedState{Version: 1, Files: make([]savedFile, 0, len(r.files))}
	for _, fs := range r.files {
		if fs.seen {
			s.Files = append(s.Files, savedFile{Path: fs.path, ID: fs.id, Offset: fs.committed, Fingerprint: fs.fp})
		}
	}
	r.dirty = false
	r.mu.Unlock()
	if err := writeAtomic(r.path, s); err != nil {
		r.mu.Lock()
		r.dirty = true
		r.mu.Unlock()
		return err
	}
	return nil
}

func writeAtomic(path string, s savedState) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("file: encode state: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("file: write state %s: %w", path, err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("file: write state %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
