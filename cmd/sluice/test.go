package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func newTestCmd() *cobra.Command {
	var file, tests string
	cmd := &cobra.Command{
		Use:   "test -c FILE [-t TESTS]",
		Short: "Run a config's pipeline tests: input lines through the processors, expected fields checked",
		Long: `Runs the test cases of a config, as vector test does: each case feeds its input lines or
events through the processors of one pipeline (inputs and outputs are not started) and checks
the events that come out. Cases are read from the config's own tests: key, or from
<config>.tests.yaml beside it, or from the file given with -t. Exits 1 when a case fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTests(cmd.Context(), file, tests, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&file, "config", "c", "", "config file (YAML)")
	cmd.Flags().StringVarP(&tests, "tests", "t", "", "tests file (default: the config's tests: key, or <config>.tests.yaml)")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}

// runTests loads the config and its tests, runs every case and prints one line per case, with
// the differences under each failure.
func runTests(ctx context.Context, file, testsFile string, stdout, stderr io.Writer) error {
	cfgData, cases, from, err := loadTests(file, testsFile)
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return fmt.Errorf("test: %s: no test cases", from)
	}
	comps, notes := withStandIns(components(), cfgData)
	for _, n := range notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	cfg, err := config.Parse(cfgData, comps)
	var cerrs *config.Errors
	if errors.As(err, &cerrs) {
		cerrs.File = file
		fmt.Fprintln(stderr, err)
		return exitError{code: 1}
	}
	if err != nil {
		return err
	}
	failed := 0
	for i := range cases {
		tc := &cases[i]
		name := tc.Name
		if name == "" {
			name = fmt.Sprintf("case %d", i+1)
		}
		diffs, out := runCase(ctx, cfg, comps, tc)
		if len(diffs) == 0 {
			fmt.Fprintf(stdout, "PASS %s\n", name)
			continue
		}
		failed++
		fmt.Fprintf(stdout, "FAIL %s\n", name)
		for _, d := range diffs {
			fmt.Fprintf(stdout, "  - %s\n", d)
		}
		for j, ev := range out {
			fmt.Fprintf(stdout, "  got event %d: %s tags=%q routes=%q\n", j+1, ev.AppendJSON(nil), ev.Tags(), ev.Meta.Routes)
		}
	}
	fmt.Fprintf(stdout, "%s: %d passed, %d failed\n", from, len(cases)-failed, failed)
	if failed > 0 {
		return exitError{code: 1}
	}
	return nil
}

// runCase runs one case and returns the differences and the events that came out.
func runCase(ctx context.Context, cfg *config.Config, comps config.Components, tc *testCase) ([]string, []*event.Event) {
	dl := &testDeadLetter{}
	procs, err := buildProcessors(cfg, comps, tc.Pipeline, dl)
	if err != nil {
		return []string{err.Error()}, nil
	}
	in, err := tc.inputEvents()
	if err != nil {
		return []string{err.Error()}, nil
	}
	out, err := runProcessors(ctx, procs, in)
	if err != nil {
		return []string{err.Error()}, out
	}
	return compare(tc, out, dl.count()), out
}

// compare checks the output against the case's expectations.
func compare(tc *testCase, out []*event.Event, deadLettered int) []string {
	var diffs []string
	if tc.ExpectDropped && len(out) > 0 {
		diffs = append(diffs, fmt.Sprintf("want every event dropped, got %d event(s)", len(out)))
	}
	if !tc.ExpectDropped && len(out) != len(tc.Expect) {
		diffs = append(diffs, fmt.Sprintf("want %d event(s), got %d", len(tc.Expect), len(out)))
	}
	for i := range min(len(out), len(tc.Expect)) {
		for _, d := range tc.Expect[i].check(out[i]) {
			diffs = append(diffs, fmt.Sprintf("event %d: %s", i+1, d))
		}
	}
	if deadLettered != tc.ExpectDeadLettered {
		diffs = append(diffs, fmt.Sprintf("want %d dead-lettered event(s), got %d", tc.ExpectDeadLettered, deadLettered))
	}
	return diffs
}

type testProc struct {
	id string
	p  pipeline.Processor
}

// buildProcessors creates fresh processors of the named pipeline, so that state such as open
// multiline groups never leaks between cases.
func buildProcessors(cfg *config.Config, comps config.Components, name string, dl pipeline.DeadLetter) ([]testProc, error) {
	if name == "" {
		if len(cfg.Pipelines) != 1 {
			return nil, fmt.Errorf("pipeline: required, the config has %d pipelines (%s)", len(cfg.Pipelines),
				strings.Join(sortedKeys(cfg.Pipelines), ", "))
		}
		name = sortedKeys(cfg.Pipelines)[0]
	}
	pl, ok := cfg.Pipelines[name]
	if !ok {
		return nil, fmt.Errorf("pipeline %q: not in the config (%s)", name, strings.Join(sortedKeys(cfg.Pipelines), ", "))
	}
	reg := prometheus.NewRegistry()
	procs := make([]testProc, 0, len(pl.Processors))
	for _, id := range pl.Processors {
		c := cfg.Processors[id]
		set := pipeline.Settings{
			ID:         id,
			Logger:     slog.New(slog.DiscardHandler),
			Metrics:    pipeline.NewComponentMetrics(),
			Registerer: prometheus.WrapRegistererWith(prometheus.Labels{"component": id}, reg),
			DeadLetter: dl,
		}
		p, err := comps.Processors[c.Type].Create(set, c.Config)
		if err != nil {
			return nil, fmt.Errorf("processors.%s: %w", id, err)
		}
		procs = append(procs, testProc{id: id, p: p})
	}
	return procs, nil
}

// runProcessors passes the events through every processor as one batch, then drains the
// processors that hold events, each flushed batch continuing through the processors after it,
// as the runtime does when a pipeline stops.
func runProcessors(ctx context.Context, procs []testProc, in []*event.Event) ([]*event.Event, error) {
	b := event.NewBatch(in, nil)
	if err := through(ctx, procs, b); err != nil {
		return b.Events, err
	}
	out := b.Events
	for i, tp := range procs {
		f, ok := tp.p.(pipeline.Flusher)
		if !ok {
			continue
		}
		fb := f.Flush(ctx, time.Now(), true)
		if fb == nil {
			continue
		}
		if err := through(ctx, procs[i+1:], fb); err != nil {
			return out, err
		}
		out = append(out, fb.Events...)
	}
	return out, nil
}

func through(ctx context.Context, procs []testProc, b *event.Batch) error {
	for _, tp := range procs {
		if err := tp.p.Process(ctx, b); err != nil {
			return fmt.Errorf("processors.%s: %w", tp.id, err)
		}
	}
	return nil
}

// testDeadLetter counts dead-lettered events.
type testDeadLetter struct {
	mu sync.Mutex
	n  int
}

func (d *testDeadLetter) Write(context.Context, *event.Event, string, string) error {
	d.mu.Lock()
	d.n++
	d.mu.Unlock()
	return nil
}

func (d *testDeadLetter) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}

// standInConfig accepts any settings: it stands for a component type this build lacks.
type standInConfig map[string]any

// Validate accepts everything; the component's own checks run in builds that have it.
func (standInConfig) Validate() error { return nil }

// withStandIns adds stand-ins for input and output types the config names but this build does
// not have, so that the processors of a config written for a fuller build can still be tested.
// Tests never create inputs or outputs; each stand-in is reported in the notes.
func withStandIns(comps config.Components, data []byte) (config.Components, []string) {
	var doc struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
	}
	if yaml.Unmarshal(data, &doc) != nil {
		return comps, nil
	}
	var notes []string
	newConfig := func() pipeline.Config { return &standInConfig{} }
	for _, id := range sortedKeys(doc.Inputs) {
		typ, _, _ := strings.Cut(id, "/")
		if _, ok := comps.Inputs[typ]; !ok {
			comps.Inputs[typ] = pipeline.InputFactory{Type: typ, NewConfig: newConfig}
			notes = append(notes, fmt.Sprintf("input type %q is not in this build: its settings were not checked", typ))
		}
	}
	for _, id := range sortedKeys(doc.Outputs) {
		typ, _, _ := strings.Cut(id, "/")
		if _, ok := comps.Outputs[typ]; !ok {
			comps.Outputs[typ] = pipeline.OutputFactory{Type: typ, NewConfig: newConfig}
			notes = append(notes, fmt.Sprintf("output type %q is not in this build: its settings were not checked", typ))
		}
	}
	return comps, notes
}
