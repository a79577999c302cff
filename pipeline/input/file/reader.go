package file

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/input/file/lines"
)

// maxBatchBytes bounds the bytes of one batch, whatever batch_size says, so that long lines do
// not make huge batches.
const maxBatchBytes = 4 << 20

// reader reads one open file.
type reader struct {
	in     *Input
	path   string
	f      *os.File
	fs     *fileState
	rd     *lines.Reader
	grown  time.Time // when the file last gave us bytes
	seenAt int64     // offset+buffered at that time
	gone   time.Time // when the path was first found missing (follow mode)
}

// open opens path and takes it in the registry. It returns nil when the file cannot be opened
// (logged and counted) or another reader holds it.
func (in *Input) open(path string, startup bool) *reader {
	f, err := in.openFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			in.openFailed(path, err)
		}
		return nil
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		_ = f.Close()
		in.openFailed(path, err)
		return nil
	}
	prefix, err := readPrefix(f, fi.Size())
	if err != nil {
		_ = f.Close()
		in.openFailed(path, err)
		return nil
	}
	atEnd := startup && in.cfg.StartAt == StartEnd
	st, off, ok := in.reg.acquire(idOf(fi), path, fi.Size(), prefix, atEnd)
	if !ok {
		_ = f.Close()
		return nil
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		in.reg.release(st)
		_ = f.Close()
		in.openFailed(path, err)
		return nil
	}
	in.openOK(path)
	in.m.openFiles.Inc()
	r := &reader{in: in, path: path, f: f, fs: st, grown: in.now(), seenAt: off}
	r.rd = lines.NewReader(f, off, int(in.cfg.MaxLineBytes))
	return r
}

func (r *reader) close() {
	r.in.reg.release(r.fs)
	r.in.m.openFiles.Dec()
	_ = r.f.Close()
}

// readOnce reads a file to its end, partial last line included (mode read).
func (in *Input) readOnce(ctx context.Context, next pipeline.Consumer, path string) {
	r := in.open(path, true)
	if r == nil {
		return
	}
	defer r.close()
	for ctx.Err() == nil {
		eof, err := r.batch(ctx, next, true)
		if err != nil || eof {
			return
		}
	}
}

// batch reads up to a batch of lines and hands them over. flush sends a partial last line at
// the end of the file. It returns eof when the file had no more complete lines, and an error
// when reading failed or ctx ended.
func (r *reader) batch(ctx context.Context, next pipeline.Consumer, flush bool) (eof bool, err error) {
	cfg := &r.in.cfg
	start := r.rd.Offset()
	now := r.in.now()
	evs := make([]*event.Event, 0, min(cfg.BatchSize, 64))
	size := 0
	for len(evs) < cfg.BatchSize && size < maxBatchBytes {
		l, rerr := r.rd.Next()
		if errors.Is(rerr, io.EOF) {
			eof = true
			break
		}
		if rerr != nil {
			r.in.openFailed(r.path, rerr)
			err = rerr
			break
		}
		size += len(l.Data)
		evs = r.add(evs, l, now)
	}
	if eof && flush {
		for l, ok := r.rd.Flush(); ok; l, ok = r.rd.Flush() {
			evs = r.add(evs, l, now)
		}
	}
	if pos := r.rd.Offset() + int64(r.rd.Buffered()); pos != r.seenAt {
		r.grown, r.seenAt = now, pos
	}
	if herr := r.handOver(ctx, next, start, evs); herr != nil {
		return eof, herr
	}
	r.growFingerprint()
	return eof, err
}

// growFingerprint extends the file's fingerprint while the file is shorter than its length.
func (r *reader) growFingerprint() {
	if off := r.rd.Offset(); r.fs.fp.Len < fingerprintMax && off > int64(r.fs.fp.Len) {
		if prefix, err := readPrefix(r.f, off); err == nil {
			r.in.reg.setFingerprint(r.fs, prefix)
		}
	}
}

// add turns a line into an event; empty lines carry nothing and only move the offset.
func (r *reader) add(evs []*event.Event, l lines.Line, now time.Time) []*event.Event {
	r.in.m.bytes.Add(float64(l.End - l.Offset))
	if len(l.Data) == 0 && !l.Split {
		return evs
	}
	r.in.m.lines.Inc()
	e := event.NewMessage(string(l.Data), now)
	e.Meta.Input = r.in.id
	e.Meta.Source = r.path
	e.Meta.Offset = l.Offset
	e.SetString(FieldFilePath, r.path)
	e.Set(FieldOffset, event.Int(l.Offset))
	if l.Split {
		e.AddTag(lines.TagSplit)
	}
	return append(evs, e)
}

// handOver gives the events read from [start, current offset) to the pipeline, with an ack that
// commits that range once delivered.
func (r *reader) handOver(ctx context.Context, next pipeline.Consumer, start int64, evs []*event.Event) error {
	end := r.rd.Offset()
	if end == start {
		return nil
	}
	c := r.in.reg.begin(r.fs, start, end)
	st := r.fs
	if len(evs) == 0 { // only empty lines: nothing to deliver
		r.in.reg.resolve(st, c, event.Delivered)
		return nil
	}
	b := event.NewBatch(evs, event.NewAck(func(s event.Status) { r.in.reg.resolve(st, c, s) }))
	b.Key = r.path
	r.in.cm.Received.Add(float64(len(evs)))
	if err := next.Consume(ctx, b); err != nil {
		return err
	}
	r.in.cm.Sent.Add(float64(len(evs)))
	return nil
}
