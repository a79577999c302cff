package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

func newTestCmd() *cobra.Command {
	var (
		file  configFlags
		tests string
	)
	cmd := &cobra.Command{
		Use:   "test -c FILE|DIR|- [-e YAML] [-t TESTS]",
		Short: "Run a config's pipeline tests: input lines through the processors, expected fields checked",
		Long: `Runs the test cases of a config, as vector test does. Each case feeds its input through one
pipeline in the runtime: its processors run as configured (batching, routes, flushes when the
pipeline drains); inputs and outputs are replaced by stand-ins, so nothing is read or sent.
The events that come out are checked in order. Cases are read from <config>.tests.yaml beside
the config (every *.tests.yaml of a -c directory), from the file given with -t, or from a
top-level tests: key of the config itself (sluice validate and run accept that key and ignore it). Exits 1 when a case fails, printing what differs and the events that came out.

  config: vllm.yaml                # in a separate file: the config to test (relative path)
  tests:
    - name: OOM errors go to the errors stream
      pipeline: main               # may be left out when the config has one pipeline
      received: 2026-11-27T12:05:00Z   # receipt time: the year of year-less timestamps
      input:
        - 'ERROR 11-27 12:00:02 [engine.py:160] RuntimeError: CUDA error: out of memory'
        - message: 'INFO ...'      # or an event
          source: /var/log/containers/vllm-0_inference_vllm-1.log
          fields: {kubernetes.namespace: inference}
      expect:                      # exactly these events, in order
        - fields: {log.level: error, vllm.error.kind: cuda_oom, error.stack_trace: null}
          tags: [some_tag]         # present; no_tags: [...] absent
          routes: [elasticsearch/logs, elasticsearch/errors]    # chosen by route
          outputs: [elasticsearch/logs, elasticsearch/errors]   # where it was delivered
      expect_dropped: false        # true: nothing comes out
      expect_dead_lettered: 0

A null field value means the field must be absent; {contains: text}, {matches: regexp} and
{exists: bool} test a field instead of giving its value. Numbers compare by value, times by instant
(RFC 3339 text), lists and objects by their JSON. The tests file is read with its own YAML
decoder, so field names may be map keys there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTests(cmd.Context(), &file, tests, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	file.register(cmd, "config", true)
	cmd.Flags().StringVarP(&tests, "tests", "t", "", "tests file (default: the config's tests: key, or <config>.tests.yaml)")
	return cmd
}

// runTests loads the config and its tests, runs every case and prints one line per case, with
// the differences under each failure.
func runTests(ctx context.Context, file *configFlags, testsFile string, stdout, stderr io.Writer) error {
	srcs, cases, from, err := loadTests(file, testsFile)
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return fmt.Errorf("test: %s: no test cases", from)
	}
	comps, notes := withStandIns(components(), srcs)
	for _, n := range notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	cfg, err := config.LoadAll(srcs, comps)
	if errors.As(err, new(*config.Errors)) {
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

// runCase runs one case through the runtime, as `sluice run` would run the pipeline: a test
// input feeds the case's events as one batch and finishes; the pipeline's processors run as
// configured (batching, flushes on drain, routes); its outputs are replaced by stand-ins that
// record what reaches them. It returns the differences and the events that came out.
func runCase(ctx context.Context, cfg *config.Config, comps config.Components, tc *testCase) ([]string, []*event.Event) {
	name, err := pipelineName(cfg, tc.Pipeline)
	if err != nil {
		return []string{err.Error()}, nil
	}
	in, err := tc.inputEvents()
	if err != nil {
		return []string{err.Error()}, nil
	}
	h := newHarness(in)
	rt, err := runtime.New(h.config(cfg, name), h.components(comps), runtime.Options{
		DeadLetter: h.dl,
		Observe:    h.observe,
	})
	if err != nil {
		return []string{err.Error()}, nil
	}
	if err := rt.Run(ctx); err != nil {
		return []string{err.Error()}, h.events()
	}
	out := h.events()
	diffs := compare(tc, out, h.dl.count())
	for i := range min(len(out), len(tc.Expect)) {
		diffs = append(diffs, h.checkOutputs(i, out[i], tc.Expect[i].Outputs)...)
	}
	if st := h.ackStatus(); st != event.Delivered {
		diffs = append(diffs, fmt.Sprintf("input acknowledged as %s, want delivered", st))
	}
	return diffs, out
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

// pipelineName returns the pipeline a case runs: the named one, or the only one.
func pipelineName(cfg *config.Config, name string) (string, error) {
	if name == "" {
		if len(cfg.Pipelines) != 1 {
			return "", fmt.Errorf("pipeline: required, the config has %d pipelines (%s)", len(cfg.Pipelines),
				strings.Join(sortedKeys(cfg.Pipelines), ", "))
		}
		return sortedKeys(cfg.Pipelines)[0], nil
	}
	if _, ok := cfg.Pipelines[name]; !ok {
		return "", fmt.Errorf("pipeline %q: not in the config (%s)", name, strings.Join(sortedKeys(cfg.Pipelines), ", "))
	}
	return name, nil
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
func withStandIns(comps config.Components, srcs []config.Source) (config.Components, []string) {
	type sections struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
	}
	var doc sections
	for _, s := range srcs {
		var one sections
		if yaml.Unmarshal(s.Data, &one) != nil {
			continue
		}
		doc.Inputs = mergeKeys(doc.Inputs, one.Inputs)
		doc.Outputs = mergeKeys(doc.Outputs, one.Outputs)
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

// mergeKeys adds the keys of b to a; only the keys matter to withStandIns.
func mergeKeys(a, b map[string]any) map[string]any {
	if a == nil {
		a = map[string]any{}
	}
	for k, v := range b {
		a[k] = v
	}
	return a
}
