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
	recs   []lineRec // lines of the batch being built
	arena  []byte    // their bytes, reused: events get a copy
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

// readOnce reads a file to its end, partial last line included (mode read). size is what the
// file held when the run started: the progress counts it done as it is read, skipped (resumed
// from the state file) or given up on.
func (in *Input) readOnce(ctx context.Context, next pipeline.Consumer, path string, size int64) {
	var done int64
	progress := func(to int64) {
		if to > done {
			in.m.doneBytes.Add(float64(to - done))
			done = to
		}
	}
	defer func() {
		if ctx.Err() == nil {
			progress(size)
			in.m.doneFiles.Inc()
		}
	}()
	r := in.open(path, true)
	if r == nil {
		return
	}
	defer r.close()
	progress(r.rd.Offset())
	for ctx.Err() == nil {
		eof, err := r.batch(ctx, next, true)
		progress(r.rd.Offset())
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
	for len(r.recs) < cfg.BatchSize && len(r.arena) < maxBatchBytes {
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
		r.collect(l)
	}
	if eof && flush {
		for l, ok := r.rd.Flush(); ok; l, ok = r.rd.Flush() {
			r.collect(l)
		}
	}
	now := r.in.now()
	if pos := r.rd.Offset() + int64(r.rd.Buffered()); pos != r.seenAt {
		r.grown, r.seenAt = now, pos
	}
	r.in.m.bytes.Add(float64(r.rd.Offset() - start))
	r.in.m.lines.Add(float64(len(r.recs)))
	if herr := r.handOver(ctx, next, start, r.events(now)); herr != nil {
		return eof, herr
	}
	r.growFingerprint()
	return eof, err
}

// lineRec is a line collected for the batch being built: its text is arena[from:to].
type lineRec struct {
	off      int64
	from, to int
	split    bool
}

// collect copies a line into the batch's arena; empty lines carry nothing and only move the
// offset.
func (r *reader) collect(l lines.Line) {
	if len(l.Data) == 0 && !l.Split {
		return
	}
	r.recs = append(r.recs, lineRec{off: l.Offset, from: len(r.arena), to: len(r.arena) + len(l.Data), split: l.Split})
	r.arena = append(r.arena, l.Data...)
}

// events turns the collected lines into events. Their messages share one string, made with one
// allocation per batch rather than one per line.
func (r *reader) events(now time.Time) []*event.Event {
	if len(r.recs) == 0 {
		return nil
	}
	text := string(r.arena)
	evs := make([]*event.Event, len(r.recs))
	for i, rec := range r.recs {
		e := event.NewMessage(text[rec.from:rec.to], now)
		e.Meta.Input = r.in.id
		e.Meta.Source = r.path
		e.Meta.Offset = rec.off
		e.SetString(event.FieldLogFilePath, r.path)
		e.Set(event.FieldLogOffset, event.Int(rec.off))
		if rec.split {
			e.AddTag(lines.TagSplit)
		}
		evs[i] = e
	}
	r.recs, r.arena = r.recs[:0], r.arena[:0]
	return evs
}

// growFingerprint extends the file's fingerprint while the file is shorter than its length.
func (r *reader) growFingerprint() {
	if off := r.rd.Offset(); r.fs.fp.Len < fingerprintMax && off > int64(r.fs.fp.Len) {
		if prefix, err := readPrefix(r.f, off); err == nil {
			r.in.reg.setFingerprint(r.fs, prefix)
		}
	}
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
	ack := event.NewAck(func(s event.Status) { r.in.reg.resolve(st, c, s) })
	// The input reads on whatever is acknowledged: holding these events back (the parse
	// processor waiting for a split line's rest, a traceback's next lines) never stops the
	// file's next lines from coming, so they may wait for their rest up to rest_timeout.
	ack.SetWaits(event.NeverWaits)
	b := event.NewBatch(evs, ack)
	b.Key = r.path
	return next.Consume(ctx, b)
}
