package main

import (
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/input/file"
)

// Progress of a long `sluice run` over files in mode read: files, bytes and events done, rates
// and time left, on one line of stderr that is redrawn in place. It is read from the file
// inputs' own metrics, so the inputs do no extra work for it. Shown when stderr is a terminal
// (--progress auto); a log or CI output gets none unless --progress on, and then one plain
// line every progressEveryPlain and a last one at the end.

const (
	progressEveryTTY   = 500 * time.Millisecond
	progressEveryPlain = 10 * time.Second
)

// progressSample is the read inputs' counters at one moment.
type progressSample struct {
	at                                 time.Time
	files, filesDone, bytes, bytesDone float64
	events                             float64 // acknowledged delivered
}

// progressLine describes cur, with rates and time left over what was done since start.
func progressLine(start, cur progressSample) string {
	pct := 100.0
	if cur.bytes > 0 {
		pct = min(100*cur.bytesDone/cur.bytes, 100)
	}
	line := fmt.Sprintf("read %.0f/%.0f files, %s of %s (%.0f%%), %.0f events delivered",
		cur.filesDone, cur.files, humanBytes(cur.bytesDone), humanBytes(cur.bytes), pct, cur.events)
	dt := cur.at.Sub(start.at).Seconds()
	if dt <= 0 {
		return line
	}
	byteRate := (cur.bytesDone - start.bytesDone) / dt
	line += fmt.Sprintf(", %s/s, %.0f events/s", humanBytes(byteRate), (cur.events-start.events)/dt)
	switch left := cur.bytes - cur.bytesDone; {
	case cur.filesDone >= cur.files:
		line += ", done"
	case byteRate > 0 && left > 0:
		line += ", " + (time.Duration(left/byteRate) * time.Second).String() + " left"
	}
	return line
}

// humanBytes writes n bytes with a binary unit and one decimal.
func humanBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", n)
	}
	return fmt.Sprintf("%.1f %s", math.Floor(n*10)/10, units[i])
}

// readInputs are the ids of the config's file inputs in mode read.
func readInputs(cfg *config.Config) map[string]bool {
	ids := map[string]bool{}
	for id, c := range cfg.Inputs {
		if fc, ok := c.Config.(*file.Config); ok && fc.Mode == file.ModeRead {
			ids[id] = true
		}
	}
	return ids
}

// sampleProgress sums the read inputs' progress series.
func sampleProgress(g prometheus.Gatherer, inputs map[string]bool, at time.Time) progressSample {
	s := progressSample{at: at}
	fams, _ := g.Gather() // a partial gather still has what progress needs
	into := map[string]*float64{
		"sluice_file_read_planned_files":     &s.files,
		"sluice_file_read_done_files_total":  &s.filesDone,
		"sluice_file_read_planned_bytes":     &s.bytes,
		"sluice_file_read_done_bytes_total":  &s.bytesDone,
		"sluice_component_events_sent_total": &s.events,
	}
	for _, f := range fams {
		v := into[f.GetName()]
		if v == nil {
			continue
		}
		for _, m := range f.GetMetric() {
			if inputs[label(m, "component")] && label(m, "kind") == "input" {
				*v += value(m)
			}
		}
	}
	return s
}

// progress shows the line and keeps the logs that go to the same stderr readable: on a
// terminal, each log line clears the progress line first and redraws it after.
type progress struct {
	w      io.Writer
	tty    bool
	inputs map[string]bool
	mu     sync.Mutex
	shown  string // the line on screen (tty)
	stop   chan struct{}
	done   chan struct{}
}

// newProgress returns the progress of a run, or nil when none is to be shown: mode is auto
// (when stderr is a terminal), on or off.
func newProgress(mode string, stderr io.Writer, cfg *config.Config) *progress {
	tty := isTerminal(stderr)
	inputs := readInputs(cfg)
	if len(inputs) == 0 || mode == "off" || (mode == "auto" && !tty) {
		return nil
	}
	return &progress{w: stderr, tty: tty, inputs: inputs}
}

// Write passes a log line through, clearing and redrawing the progress line around it.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.shown != "" {
		_, _ = io.WriteString(p.w, "\r\x1b[K")
		defer func() { _, _ = io.WriteString(p.w, p.shown) }()
	}
	return p.w.Write(b)
}

// start samples g until finish is called.
func (p *progress) start(g prometheus.Gatherer) {
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	first := sampleProgress(g, p.inputs, time.Now())
	every := progressEveryPlain
	if p.tty {
		every = progressEveryTTY
	}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				p.show(progressLine(first, sampleProgress(g, p.inputs, time.Now())), true)
				return
			case now := <-tick.C:
				p.show(progressLine(first, sampleProgress(g, p.inputs, now)), false)
			}
		}
	}()
}

// show draws line: in place on a terminal, as a line of its own otherwise; last ends it.
func (p *progress) show(line string, last bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty {
		fmt.Fprintln(p.w, line)
		return
	}
	p.shown = line
	_, _ = io.WriteString(p.w, "\r\x1b[K"+line)
	if last {
		_, _ = io.WriteString(p.w, "\n")
		p.shown = ""
	}
}

// finish draws the last line and stops; it does nothing before start.
func (p *progress) finish() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	<-p.done
}
