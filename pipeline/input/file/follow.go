package file

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
)

// follow reads path like tail -F until ctx ends or the file is removed: it reads what is there,
// waits PollInterval at the end, and then checks for rotation (a new file at the path, read
// from its beginning once the old one is read to its end) and truncation (read again from 0).
func (in *Input) follow(ctx context.Context, next pipeline.Consumer, path string, startup bool) {
	defer in.unclaim(path)
	r := in.open(path, startup)
	if r == nil {
		return
	}
	defer func() {
		if r != nil {
			r.close()
		}
	}()
	for ctx.Err() == nil {
		if off, ok := in.reg.rewind(r.fs, in.now(), in.cfg.RetryBackoff); ok {
			in.log.Info("file: reading again from the last delivered offset", "path", path, "offset", off)
			if !r.seek(off) {
				return
			}
		}
		eof, err := r.batch(ctx, next, false)
		if !eof && err == nil {
			continue
		}
		if err == nil {
			r.flushIdle(ctx, next)
			var done bool
			if r, done = r.check(ctx, next); done {
				return
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(in.cfg.PollInterval):
		}
	}
}

// flushIdle sends a partial last line once the file has not grown for PartialLineTimeout.
func (r *reader) flushIdle(ctx context.Context, next pipeline.Consumer) {
	if r.rd.Buffered() > 0 && r.in.now().Sub(r.grown) >= r.in.cfg.PartialLineTimeout {
		_, _ = r.batch(ctx, next, true)
	}
}

// seek restarts reading at off; false if the file cannot be read any more.
func (r *reader) seek(off int64) bool {
	if _, err := r.f.Seek(off, io.SeekStart); err != nil {
		r.in.openFailed(r.path, err)
		return false
	}
	r.rd.Reset(r.f, off)
	r.seenAt = off
	return true
}

// check looks at the file after reaching its end. It returns the reader to go on with (a new one
// after rotation, nil if that cannot be opened) and done when the file is gone or cannot be read
// any more.
func (r *reader) check(ctx context.Context, next pipeline.Consumer) (*reader, bool) {
	fi, err := r.f.Stat()
	if err != nil {
		r.in.openFailed(r.path, err)
		return r, true
	}
	if pos := r.rd.Offset() + int64(r.rd.Buffered()); fi.Size() < pos {
		r.in.log.Info("file: truncated, reading from the start", "path", r.path, "size", fi.Size(), "offset", pos)
		r.in.reg.truncated(r.fs)
		return r, !r.seek(0)
	}
	cur, err := os.Stat(r.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Rotation often renames the file before creating the new one: read the old one out
		// and give the path ScanInterval to come back before letting go.
		r.drain(ctx, next)
		if r.gone.IsZero() {
			r.gone = r.in.now()
		}
		if r.in.now().Sub(r.gone) < r.in.cfg.ScanInterval {
			return r, false
		}
		r.in.log.Info("file: removed, stopped reading", "path", r.path)
		if unlinked(fi) { // not renamed to a name the glob may match: nothing will read it again
			r.in.reg.forget(r.fs)
		}
		return r, true
	case err != nil:
		r.in.openFailed(r.path, err)
		return r, false
	case os.SameFile(cur, fi) && !unlinked(fi):
		r.gone = time.Time{}
		return r, false
	}
	r.drain(ctx, next)
	r.in.log.Info("file: rotated, reading the new file", "path", r.path)
	if unlinked(fi) { // deleted, not renamed: nothing will read it again
		r.in.reg.forget(r.fs)
	}
	r.close()
	nr := r.in.open(r.path, false)
	return nr, nr == nil
}

// drain reads what is left of a file that is being left behind (rotated or removed), partial
// last line included.
func (r *reader) drain(ctx context.Context, next pipeline.Consumer) {
	for ctx.Err() == nil {
		if eof, err := r.batch(ctx, next, true); eof || err != nil {
			return
		}
	}
}
