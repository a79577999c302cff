// Package file is the output that writes events as NDJSON (one JSON document per line) to a
// local file, with size rotation. A batch is acknowledged Delivered only after its bytes are
// written to the file (and fsynced, with sync: batch), so the file is a safe end of a pipeline,
// not just a debugging aid.
package file

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/internal/backoff"
)

// Factory creates file outputs.
var Factory = pipeline.NewOutputFactory("file", NewConfig, New)

// writeFile is what the output needs of an open file; tests put failing files behind it.
type writeFile interface {
	Write(p []byte) (int, error)
	Sync() error
	Truncate(size int64) error
	Stat() (os.FileInfo, error)
	Close() error
}

func openAppend(name string) (writeFile, error) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
}

type metrics struct {
	bytes       prometheus.Counter
	rotations   prometheus.Counter
	writeErrors prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_output_bytes_total", Help: "Bytes written to output files."}),
		rotations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_output_rotations_total", Help: "Output files rotated by size."}),
		writeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_output_write_errors_total", Help: "Failed attempts to write a batch."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.bytes, m.rotations, m.writeErrors} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("file output: register metrics: %w", err)
			}
		}
	}
	return m, nil
}

// Output writes NDJSON files. Deliver calls are serialised: one file has one writer.
type Output struct {
	cfg  Config
	log  *slog.Logger
	m    *metrics
	now  func() time.Time
	open func(name string) (writeFile, error)
	wait func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	f     writeFile
	w     *bufio.Writer
	cur   string // expanded path of f
	size  int64  // bytes in f, buffered ones included
	opens int    // counts files opened, to tell a rotation happened during a batch
	buf   []byte // encoding scratch
}

var (
	_ pipeline.Output = (*Output)(nil)
	_ pipeline.Closer = (*Output)(nil)
)

// New creates a file output; the file is opened on the first batch.
func New(set pipeline.Settings, cfg *Config) (*Output, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("file output: %w", err)
	}
	set = set.WithDefaults("file")
	m, err := newMetrics(set.Registerer)
	if err != nil {
		return nil, err
	}
	return &Output{cfg: *cfg, log: set.Logger, m: m, now: time.Now, open: openAppend, wait: sleep}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Deliver writes the batch and resolves it: Delivered once its bytes are in the file, or Retry
// when writing still fails after MaxRetries tries (the error is returned too). A failed try is
// undone by truncating the file back to where the batch started, so a retry does not leave a
// torn line or a duplicate behind.
func (o *Output) Deliver(ctx context.Context, b *event.Batch) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for attempt := 0; ; attempt++ {
		err := o.write(b.Events)
		if err == nil {
			b.Resolve(event.Delivered)
			return nil
		}
		o.m.writeErrors.Inc()
		o.log.Warn("file output: write failed", "attempt", attempt+1, "events", b.Len(), "error", err)
		if attempt >= o.cfg.MaxRetries || o.wait(ctx, backoff.Exponential(o.cfg.RetryBackoff, maxRetryBackoff, attempt+1)) != nil {
			b.Resolve(event.Retry)
			return fmt.Errorf("file output: %w", err)
		}
	}
}

// maxRetryBackoff caps the doubling pause between write attempts: a disk that comes back is
// written to within half a minute whatever max_retries is.
const maxRetryBackoff = 30 * time.Second

// write appends the events to the current file and makes them durable per the sync policy. On
// failure it undoes what it wrote of the batch and closes the file, to reopen it on the next try.
func (o *Output) write(evs []*event.Event) error {
	if err := o.ensureOpen(expand(o.cfg.Path, o.now().UTC())); err != nil {
		return err
	}
	if err := o.writeOpen(evs); err != nil {
		return fmt.Errorf("write %s: %w", o.cur, err)
	}
	return nil
}

func (o *Output) writeOpen(evs []*event.Event) error {
	start, opens := o.size, o.opens
	err := o.writeEvents(evs)
	if err == nil {
		err = o.w.Flush()
	}
	if err == nil && o.cfg.Sync == SyncBatch {
		err = o.f.Sync()
	}
	if err == nil {
		return nil
	}
	// Undo the batch's bytes; after a rotation inside the batch the first part stays in the
	// rotated file and a retry writes it again (at least once).
	if o.f != nil && o.opens == opens {
		if terr := o.f.Truncate(start); terr != nil {
			o.log.Warn("file output: cannot remove a failed partial write", "path", o.cur, "error", terr)
		}
	}
	o.closeFile()
	return err
}

func (o *Output) writeEvents(evs []*event.Event) error {
	for _, e := range evs {
		o.buf = append(e.AppendJSON(o.buf[:0]), '\n')
		if o.cfg.MaxBytes > 0 && o.size > 0 && o.size+int64(len(o.buf)) > int64(o.cfg.MaxBytes) {
			if err := o.rotate(); err != nil {
				return err
			}
		}
		n, err := o.w.Write(o.buf)
		o.size += int64(n)
		o.m.bytes.Add(float64(n))
		if err != nil {
			return err
		}
	}
	return nil
}

// ensureOpen opens name for appending unless it is already the open file (a date pattern moved
// on, or a failed write closed it).
func (o *Output) ensureOpen(name string) error {
	if o.f != nil && name == o.cur && o.stillThere() {
		return nil
	}
	if o.f != nil {
		if err := o.finish(); err != nil {
			return err
		}
	}
	f, err := o.open(name)
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("open %s: %w", name, err)
	}
	o.f, o.cur, o.size = f, name, fi.Size()
	o.opens++
	if o.w == nil {
		o.w = bufio.NewWriterSize(f, int(o.cfg.BufferBytes))
	} else {
		o.w.Reset(f)
	}
	return nil
}

// stillThere reports whether the path still names the open file. When someone removed or
// renamed it (an external logrotate, a cleanup), writing on would go to a file nobody sees.
func (o *Output) stillThere() bool {
	cur, err := os.Stat(o.cur)
	if err != nil {
		return false
	}
	fi, err := o.f.Stat()
	return err == nil && os.SameFile(cur, fi)
}

// rotate closes the current file and shifts it to .1, .2, ..., dropping the oldest.
func (o *Output) rotate() error {
	name := o.cur
	if err := o.finish(); err != nil {
		return err
	}
	for i := o.cfg.MaxFiles; i >= 1; i-- {
		src := name
		if i > 1 {
			src = fmt.Sprintf("%s.%d", name, i-1)
		}
		if err := os.Rename(src, fmt.Sprintf("%s.%d", name, i)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("rotate %s: %w", name, err)
		}
	}
	o.m.rotations.Inc()
	return o.ensureOpen(name)
}

// finish flushes, syncs and closes the current file.
func (o *Output) finish() error {
	err := o.w.Flush()
	if err == nil {
		err = o.f.Sync()
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	o.f = nil
	return err
}

// closeFile drops the open file after a failure, with whatever is still buffered.
func (o *Output) closeFile() {
	if o.f != nil {
		_ = o.f.Close()
	}
	o.f = nil
	if o.w != nil {
		o.w.Reset(nil)
	}
}

// Close flushes and syncs the file. Every batch was resolved in Deliver.
func (o *Output) Close(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return nil
	}
	if err := o.finish(); err != nil {
		return fmt.Errorf("file output: close %s: %w", o.cur, err)
	}
	return nil
}
