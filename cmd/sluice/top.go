package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// `sluice top` reads a running instance's /metrics (the series the runtime and components keep
// anyway, so top needs nothing enabled) and shows a table per component.

func newTopCmd() *cobra.Command {
	var file, base string
	var every time.Duration
	var once bool
	cmd := &cobra.Command{
		Use:   "top (-c FILE | --url URL)",
		Short: "Show events in, out, failed, dead-lettered and in flight per component of a running instance, refreshed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := instanceURL(file, base, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if every <= 0 {
				return fmt.Errorf("--interval: want a positive duration, got %v", every)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			out := cmd.OutOrStdout()
			if once || !isTerminal(out) {
				return topOnce(ctx, u, every, out)
			}
			return topLive(ctx, u, every, out)
		},
	}
	instanceFlags(cmd, &file, &base)
	cmd.Flags().DurationVar(&every, "interval", time.Second, "refresh interval; rates are over it")
	cmd.Flags().BoolVar(&once, "once", false, "print one table and exit (the default when stdout is not a terminal)")
	return cmd
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// topOnce scrapes twice, every apart, and prints one table, so that rates are real.
func topOnce(ctx context.Context, u string, every time.Duration, w io.Writer) error {
	prev, err := scrape(ctx, u)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(every):
	}
	cur, err := scrape(ctx, u)
	if err != nil {
		return err
	}
	render(w, u, prev, cur)
	return nil
}

// topLive redraws the table every interval until ctx ends. A failed scrape is shown and tried
// again: the instance may be restarting.
func topLive(ctx context.Context, u string, every time.Duration, w io.Writer) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	var prev *snapshot
	for {
		cur, err := scrape(ctx, u)
		var b strings.Builder
		b.WriteString("\x1b[H\x1b[2J") // home, clear screen
		if err != nil {
			fmt.Fprintf(&b, "sluice top: %v (retrying every %v)\n", err, every)
		} else {
			render(&b, u, prev, cur)
			prev = cur
		}
		_, _ = io.WriteString(w, b.String())
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// compKey names a component row; an input and an output may share an id.
type compKey struct{ kind, id string }

// compStats are one component's counters at one scrape.
type compStats struct {
	in, out, dropped, failed, dead float64
	health                         []string
}

// snapshot is what one scrape of /metrics says.
type snapshot struct {
	at                time.Time
	comps             map[compKey]*compStats
	inFlight, limit   float64
	ready             float64
	queues            map[string]float64 // by pipeline
	hasReady, hasDead bool
}

// scrape reads and parses u/metrics.
func scrape(ctx context.Context, u string) (*snapshot, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("top: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("top: %s/metrics: %s", u, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("top: %s/metrics: %w", u, err)
	}
	return parseSnapshot(fams, time.Now()), nil
}

// parseSnapshot picks the series top shows out of a scrape.
func parseSnapshot(fams map[string]*dto.MetricFamily, at time.Time) *snapshot {
	s := &snapshot{at: at, comps: map[compKey]*compStats{}, queues: map[string]float64{}}
	row := func(m *dto.Metric) *compStats {
		k := compKey{label(m, "kind"), label(m, "component")}
		if s.comps[k] == nil {
			s.comps[k] = &compStats{}
		}
		return s.comps[k]
	}
	counters := map[string]func(*compStats) *float64{
		"sluice_component_events_received_total": func(c *compStats) *float64 { return &c.in },
		"sluice_component_events_sent_total":     func(c *compStats) *float64 { return &c.out },
		"sluice_component_events_dropped_total":  func(c *compStats) *float64 { return &c.dropped },
		"sluice_component_events_failed_total":   func(c *compStats) *float64 { return &c.failed },
	}
	for name, field := range counters {
		for _, m := range fams[name].GetMetric() {
			*field(row(m)) = value(m)
		}
	}
	s.addHealth(fams)
	s.addDeadLetter(fams)
	s.inFlight = single(fams, "sluice_events_in_flight")
	s.limit = single(fams, "sluice_events_in_flight_limit")
	s.ready, s.hasReady = single(fams, "sluice_ready"), fams["sluice_ready"] != nil
	for _, m := range fams["sluice_pipeline_queue_events"].GetMetric() {
		s.queues[label(m, "pipeline")] = value(m)
	}
	return s
}

// addHealth notes what says whether an input or output works: an output's up gauge and queue,
// a Kafka input's lag, a Beats input's clients.
func (s *snapshot) addHealth(fams map[string]*dto.MetricFamily) {
	note := func(name string, show func(float64) string) {
		sums := map[compKey]float64{}
		for _, m := range fams[name].GetMetric() {
			sums[compKey{label(m, "kind"), label(m, "component")}] += value(m)
		}
		for k, v := range sums {
			if c := s.comps[k]; c != nil {
				c.health = append(c.health, show(v))
			}
		}
	}
	note("sluice_output_up", func(v float64) string { return map[bool]string{true: "up", false: "DOWN"}[v == 1] })
	note("sluice_output_queued_items", func(v float64) string { return fmt.Sprintf("queued %.0f", v) })
	note("sluice_kafka_lag", func(v float64) string { return fmt.Sprintf("lag %.0f", v) })
	note("sluice_beats_connections", func(v float64) string { return fmt.Sprintf("%.0f clients", v) })
}

// addDeadLetter adds the events each component sent to the dead letter to its rows.
func (s *snapshot) addDeadLetter(fams map[string]*dto.MetricFamily) {
	for _, m := range fams["sluice_dead_letter_events_total"].GetMetric() {
		s.hasDead = true
		for k, c := range s.comps {
			if k.id == label(m, "component") {
				c.dead += value(m)
			}
		}
	}
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Untyped != nil:
		return m.GetUntyped().GetValue()
	}
	return 0
}

func single(fams map[string]*dto.MetricFamily, name string) float64 {
	var v float64
	for _, m := range fams[name].GetMetric() {
		v += value(m)
	}
	return v
}

// render writes the table. prev, when not nil, gives the rates.
func render(w io.Writer, u string, prev, cur *snapshot) {
	state := "running"
	if cur.hasReady && cur.ready != 1 {
		state = "NOT READY (starting or draining)"
	}
	fmt.Fprintf(w, "sluice top  %s  %s  %s\n", u, cur.at.Format(time.TimeOnly), state)
	fmt.Fprintf(w, "in flight %.0f of %.0f", cur.inFlight, cur.limit)
	for _, p := range sortedKeys(cur.queues) {
		fmt.Fprintf(w, "  queue %s %.0f", p, cur.queues[p])
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "KIND\tCOMPONENT\tIN\tOUT\tDROPPED\tFAILED\tDEAD\tIN FLIGHT\tOUT/S\t HEALTH\t")
	for _, k := range rowOrder(cur.comps) {
		c := cur.comps[k]
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t %s\t\n", k.kind, k.id, c.in, c.out,
			c.dropped, c.failed, c.dead, inFlight(k, c), outRate(prev, cur, k), strings.Join(c.health, ", "))
	}
	_ = tw.Flush()
}

// inFlight is what an input or output took and has not had acknowledged yet; a processor
// passes events on at once, so it shows none.
func inFlight(k compKey, c *compStats) string {
	if k.kind == "processor" {
		return "-"
	}
	return fmt.Sprintf("%.0f", max(c.in-c.out-c.failed, 0))
}

// outRate is the events a second the component passed on between two scrapes.
func outRate(prev, cur *snapshot, k compKey) string {
	if prev == nil || prev.comps[k] == nil {
		return "-"
	}
	dt := cur.at.Sub(prev.at).Seconds()
	if dt <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", (cur.comps[k].out-prev.comps[k].out)/dt)
}

// rowOrder lists inputs, then processors, then outputs, each by id.
func rowOrder(comps map[compKey]*compStats) []compKey {
	rank := map[string]int{"input": 0, "processor": 1, "output": 2}
	keys := make([]compKey, 0, len(comps))
	for k := range comps {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b compKey) int {
		if d := rank[a.kind] - rank[b.kind]; d != 0 {
			return d
		}
		return strings.Compare(a.id, b.id)
	})
	return keys
}
