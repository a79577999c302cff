// Package deadletter keeps events sluice could not process or deliver, one JSON object per line,
// so that nothing is lost silently and an operator can inspect and replay them.
//
// Each line is {"time":..., "component":..., "reason":..., "source":..., "offset":...,
// "event":{...}} where event is the document as outputs would write it. Lines go to segment
// files dead_letter-NNNNNN.ndjson in one directory; a segment is closed at a quarter of max_bytes
// and a new one started. When the segments together would pass max_bytes, new events are not
// written: Write returns ErrFull, the event is counted in sluice_dead_letter_dropped_total and
// an error is logged (at most every 10 seconds). Deleting old segments makes room again.
// Files are readable by owner and group only: dead-lettered events may hold prompts or tokens.
package deadletter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// ErrFull is returned by Write when the dead letter has reached its size bound.
var ErrFull = errors.New("deadletter: full")

const (
	prefix = "dead_letter-"
	suffix = ".ndjson"
	// logEvery bounds how often a full dead letter is logged.
	logEvery = 10 * time.Second
)

// File is a size-bounded dead letter on disk. It is safe for concurrent use.
type File struct {
	dir     string
	max     int64
	segMax  int64
	log     *slog.Logger
	now     func() time.Time
	written *prometheus.CounterVec
	dropped *prometheus.CounterVec
	bytes   prometheus.Gauge

	mu      sync.Mutex
	f       *os.File
	seq     int
	segSize int64
	total   int64 // bytes in all segments
	buf     []byte
	lastLog time.Time
	full    int64 // events dropped since the last log line
}

var _ pipeline.DeadLetter = (*File)(nil)

// Open prepares the dead letter in dir (created if needed), counting what earlier runs left
// there against maxBytes. Metrics are registered on reg when it is not nil.
func Open(dir string, maxBytes int64, log *slog.Logger, reg prometheus.Registerer) (*File, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("deadletter: max bytes must be positive, got %d", maxBytes)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("deadletter: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &File{
		dir: dir, max: maxBytes, segMax: max(maxBytes/4, 1), log: log, now: time.Now,
		written: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sluice_dead_letter_events_total",
			Help: "Events written to the dead letter, by the component that gave up on them."}, []string{"component"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sluice_dead_letter_dropped_total",
			Help: "Events the dead letter could not keep (full or failing disk): these are lost unless their source resends."},
			[]string{"component"}),
		bytes: prometheus.NewGauge(prometheus.GaugeOpts{Name: "sluice_dead_letter_bytes",
			Help: "Bytes held in dead-letter files."}),
	}
	if reg != nil {
		if err := registerAll(reg, d.written, d.dropped, d.bytes); err != nil {
			return nil, fmt.Errorf("deadletter: %w", err)
		}
	}
	if err := d.scan(); err != nil {
		return nil, err
	}
	return d, nil
}

// Expect makes the counters of these components exist at zero before anything is written:
// Prometheus' increase() and rate() cannot see the first sample of a new series, so without
// it the first events a component dead-letters would raise no alert.
func (d *File) Expect(components ...string) {
	for _, c := range components {
		d.written.WithLabelValues(c)
		d.dropped.WithLabelValues(c)
	}
}

func registerAll(reg prometheus.Registerer, cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// scan sums the segments already on disk and picks the next sequence number.
func (d *File) scan() error {
	segs, err := d.segments()
	if err != nil {
		return err
	}
	d.total = 0
	for _, s := range segs {
		d.total += s.size
		d.seq = max(d.seq, s.seq)
	}
	d.bytes.Set(float64(d.total))
	return nil
}

type segment struct {
	seq  int
	size int64
}

func (d *File) segments() ([]segment, error) {
	ents, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, fmt.Errorf("deadletter: %w", err)
	}
	var out []segment
	for _, e := range ents {
		name := e.Name()
		num, ok := strings.CutPrefix(name, prefix)
		num, ok2 := strings.CutSuffix(num, suffix)
		seq, err := strconv.Atoi(num)
		if !ok || !ok2 || err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, segment{seq: seq, size: info.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, nil
}

// Write appends one line for e. It returns ErrFull when the bound is reached and an error when
// the disk fails; either way the event is counted as dropped and the caller should treat it as
// not kept.
func (d *File) Write(_ context.Context, e *event.Event, component, reason string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.buf = d.appendLine(d.buf[:0], e, component, reason)
	n := int64(len(d.buf))
	if d.total+n > d.max {
		// Operators may have deleted segments: look again before refusing.
		if err := d.rescan(); err != nil || d.total+n > d.max {
			return d.drop(component, ErrFull)
		}
	}
	if d.f == nil || d.segSize+n > d.segMax && d.segSize > 0 {
		if err := d.rotate(); err != nil {
			return d.drop(component, err)
		}
	}
	if _, err := d.f.Write(d.buf); err != nil {
		return d.drop(component, fmt.Errorf("deadletter: write: %w", err))
	}
	d.segSize += n
	d.total += n
	d.bytes.Set(float64(d.total))
	d.written.WithLabelValues(component).Inc()
	return nil
}

func (d *File) rescan() error {
	cur := d.total
	if err := d.scan(); err != nil {
		d.total = cur
		return err
	}
	return nil
}

func (d *File) drop(component string, err error) error {
	d.dropped.WithLabelValues(component).Inc()
	d.full++
	if now := d.now(); now.Sub(d.lastLog) >= logEvery {
		d.log.Error("DEAD LETTER CANNOT KEEP EVENTS: they are lost unless their source resends them",
			"dir", d.dir, "max_bytes", d.max, "bytes", d.total, "dropped_since_last_log", d.full, "error", err)
		d.lastLog, d.full = now, 0
	}
	return err
}

// rotate closes the current segment and opens the next.
func (d *File) rotate() error {
	if d.f != nil {
		if err := d.f.Close(); err != nil {
			d.log.Error("deadletter: close segment", "error", err)
		}
		d.f = nil
	}
	d.seq++
	path := filepath.Join(d.dir, fmt.Sprintf("%s%06d%s", prefix, d.seq, suffix))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("deadletter: open segment: %w", err)
	}
	d.f, d.segSize = f, 0
	return nil
}

func (d *File) appendLine(b []byte, e *event.Event, component, reason string) []byte {
	b = append(b, `{"time":"`...)
	b = d.now().UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","component":`...)
	b = event.AppendString(b, component)
	b = append(b, `,"reason":`...)
	b = event.AppendString(b, reason)
	b = append(b, `,"input":`...)
	b = event.AppendString(b, e.Meta.Input)
	b = append(b, `,"source":`...)
	b = event.AppendString(b, e.Meta.Source)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, e.Meta.Offset, 10)
	b = append(b, `,"event":`...)
	b = e.AppendJSON(b)
	return append(b, '}', '\n')
}

// Close syncs and closes the current segment.
func (d *File) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.f == nil {
		return nil
	}
	err := errors.Join(d.f.Sync(), d.f.Close())
	d.f = nil
	if err != nil {
		return fmt.Errorf("deadletter: close: %w", err)
	}
	return nil
}
