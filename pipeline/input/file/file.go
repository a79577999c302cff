// Package file is the input that reads log files on the local disk: once (mode read, for batch
// jobs and `sluice parse`) or continuously like tail -F (mode follow). It remembers in a state
// file how far each file has been delivered, counting only batches whose acknowledgement came
// back Delivered, so that after a crash nothing acknowledged is sent twice and nothing
// unacknowledged is lost.
package file

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// readConcurrency bounds how many files mode read has open at once.
const readConcurrency = 4

// Factory creates file inputs.
var Factory = pipeline.NewInputFactory("file", NewConfig, New)

// metrics are the file input's own metrics, beside the standard component counters.
type metrics struct {
	lines      prometheus.Counter
	bytes      prometheus.Counter
	openFiles  prometheus.Gauge
	readErrors prometheus.Counter
	// Mode read's progress (`sluice run` shows it): what the run has to read, known once the
	// paths are globbed, and how much of it is done.
	plannedFiles, plannedBytes prometheus.Gauge
	doneFiles, doneBytes       prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		lines: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_lines_read_total", Help: "Lines read from files."}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_bytes_read_total", Help: "Bytes read from files, line terminators included."}),
		openFiles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sluice_file_open_files", Help: "Files the input holds open."}),
		readErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_read_errors_total", Help: "Files that could not be opened, read or checked."}),
		plannedFiles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sluice_file_read_planned_files", Help: "Mode read: files the run reads."}),
		plannedBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sluice_file_read_planned_bytes", Help: "Mode read: the sizes of the files the run reads, when it started."}),
		doneFiles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_read_done_files_total", Help: "Mode read: files read to their end, or given up on."}),
		doneBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_file_read_done_bytes_total", Help: "Mode read: bytes of the planned files read, skipped as delivered before (state file), or given up on."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.lines, m.bytes, m.openFiles, m.readErrors,
			m.plannedFiles, m.plannedBytes, m.doneFiles, m.doneBytes} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("file: register metrics: %w", err)
			}
		}
	}
	return m, nil
}

// Input reads files. Create it with New.
type Input struct {
	id       string
	cfg      Config
	log      *slog.Logger
	m        *metrics
	reg      *registry
	now      func() time.Time
	openFile func(name string) (*os.File, error) // os.Open; tests make files unreadable
	mu       sync.Mutex
	reading  map[string]bool   // paths with a reader
	failed   map[string]string // paths whose last open failed, with the error, to log it once
	saver    sync.Once
	closing  sync.Once
	stop     chan struct{}
	saved    chan struct{}
}

var (
	_ pipeline.Input  = (*Input)(nil)
	_ pipeline.Closer = (*Input)(nil)
)

// New creates a file input and loads its state file.
func New(set pipeline.Settings, cfg *Config) (*Input, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("file: %w", err)
	}
	set = set.WithDefaults("file")
	m, err := newMetrics(set.Registerer)
	if err != nil {
		return nil, err
	}
	reg, err := newRegistry(cfg.StateFile)
	if err != nil {
		return nil, err
	}
	in := &Input{
		id: set.ID, cfg: *cfg, log: set.Logger, m: m, reg: reg, now: time.Now, openFile: os.Open,
		reading: map[string]bool{}, failed: map[string]string{},
		stop: make(chan struct{}), saved: make(chan struct{}),
	}
	reg.onFail = in.ackFailed
	return in, nil
}

func (in *Input) ackFailed(fs *fileState, c *chunk, s event.Status) {
	if s == event.Rejected {
		in.log.Error("file: lines rejected downstream and not dead-lettered; they are lost",
			"path", fs.path, "from", c.start, "to", c.end)
		return
	}
	// Debug: at shutdown every batch in flight ends so; Close and rewind log once instead.
	in.log.Debug("file: delivery ended with retry; the lines will be read again",
		"path", fs.path, "from", c.start, "to", c.end)
}

// Run reads the files. In mode read it returns once every file has been read to its end and
// handed over; in mode follow it returns when ctx ends.
func (in *Input) Run(ctx context.Context, next pipeline.Consumer) error {
	in.saver.Do(func() { go in.saveLoop() })
	paths := in.glob()
	if in.cfg.Mode == ModeRead {
		return in.readAll(ctx, next, paths)
	}
	var wg sync.WaitGroup
	start := func(paths []string, startup bool) {
		for _, p := range paths {
			if in.claim(p) {
				wg.Go(func() { in.follow(ctx, next, p, startup) })
			}
		}
	}
	start(paths, true)
	tick := time.NewTicker(in.cfg.ScanInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-tick.C:
			start(in.glob(), false)
		}
	}
}

// readAll reads each file once, a few at a time.
func (in *Input) readAll(ctx context.Context, next pipeline.Consumer, paths []string) error {
	if len(paths) == 0 {
		in.log.Warn("file: no file matches the paths", "paths", in.cfg.Paths)
	}
	sizes := make([]int64, len(paths))
	var total int64
	for i, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			sizes[i] = fi.Size()
			total += sizes[i]
		}
	}
	in.m.plannedFiles.Set(float64(len(paths)))
	in.m.plannedBytes.Set(float64(total))
	sem := make(chan struct{}, readConcurrency)
	var wg sync.WaitGroup
	for i, p := range paths {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			in.readOnce(ctx, next, p, sizes[i])
		})
	}
	wg.Wait()
	return nil
}

// glob expands the configured paths to the regular files they match, sorted, and forgets the
// state of files that no longer match.
func (in *Input) glob() []string {
	var out []string
	matched := map[fileID]bool{}
	for _, pat := range in.cfg.Paths {
		ms, err := filepath.Glob(pat)
		if err != nil { // patterns are checked by Validate
			continue
		}
		for _, p := range ms {
			if in.excluded(p) {
				continue
			}
			fi, err := os.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			matched[idOf(fi)] = true
			out = append(out, p)
		}
	}
	in.reg.prune(matched)
	slices.Sort(out)
	out = slices.Compact(out)
	in.mu.Lock()
	for p := range in.failed { // forget errors of files that are gone
		if _, found := slices.BinarySearch(out, p); !found {
			delete(in.failed, p)
		}
	}
	in.mu.Unlock()
	return out
}

// excluded reports whether a matched path is one of the files not to read.
func (in *Input) excluded(path string) bool {
	base := filepath.Base(path)
	for _, pat := range in.cfg.Exclude {
		if ok, _ := filepath.Match(pat, path); ok {
			return true
		}
		if ok, _ := filepath.Match(pat, base); ok {
			return true
		}
	}
	return false
}

// claim marks a path as having a reader; false if it already has one.
func (in *Input) claim(path string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.reading[path] {
		return false
	}
	in.reading[path] = true
	return true
}

func (in *Input) unclaim(path string) {
	in.mu.Lock()
	delete(in.reading, path)
	in.mu.Unlock()
}

// openFailed logs a file that cannot be opened or read, once per distinct error, and counts
// every failure.
func (in *Input) openFailed(path string, err error) {
	in.m.readErrors.Inc()
	in.mu.Lock()
	repeat := in.failed[path] == err.Error()
	in.failed[path] = err.Error()
	in.mu.Unlock()
	if !repeat {
		in.log.Error("file: cannot read file", "path", path, "error", err)
	}
}

func (in *Input) openOK(path string) {
	in.mu.Lock()
	delete(in.failed, path)
	in.mu.Unlock()
}

// saveLoop writes the state file every StateInterval until Close.
func (in *Input) saveLoop() {
	defer close(in.saved)
	tick := time.NewTicker(in.cfg.StateInterval)
	defer tick.Stop()
	for {
		select {
		case <-in.stop:
			return
		case <-tick.C:
			if err := in.reg.save(); err != nil {
				in.log.Error("file: save state", "error", err)
			}
		}
	}
}

// Close waits (until ctx ends) for the acknowledgements of batches already handed over, then
// writes the state file a last time.
func (in *Input) Close(ctx context.Context) error {
	in.waitAcks(ctx)
	in.closing.Do(func() {
		in.saver.Do(func() { close(in.saved) })
		close(in.stop)
	})
	<-in.saved
	return in.reg.save()
}

func (in *Input) waitAcks(ctx context.Context) {
	for {
		n, changed := in.reg.inFlight()
		if n == 0 {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			in.log.Warn("file: closing with batches not acknowledged; they will be read again", "batches", n)
			return
		}
	}
}
