package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Tests from samples: `sluice convert --samples FILE` runs the sample lines through the
// converted config's processors, as `sluice test` would, and writes a tests: key whose expected
// events are what the pipeline makes of them today. They are a starting point for review, not a
// proof: a field the conversion got wrong is expected wrong too. What differs between two runs
// (a field set from the clock) is expected to exist rather than to have its value.

// sampleCase is a test case as written for samples: only the keys it uses.
type sampleCase struct {
	Name     string         `yaml:"name"`
	Pipeline string         `yaml:"pipeline,omitempty"`
	Received string         `yaml:"received"`
	Input    []string       `yaml:"input"`
	Expect   []sampleExpect `yaml:"expect"`
}

type sampleExpect struct {
	Fields map[string]any `yaml:"fields"`
	Tags   []string       `yaml:"tags,omitempty"`
}

// withSampleTests appends to a converted config the tests: key made from the lines of samples.
func withSampleTests(ctx context.Context, converted []byte, samples string) ([]byte, error) {
	lines, err := readLines(samples)
	if err != nil {
		return nil, fmt.Errorf("convert: --samples: %w", err)
	}
	srcs := []config.Source{{Name: "converted config", Data: converted}}
	comps, _ := withStandIns(components(), srcs)
	cfg, err := config.LoadAll(srcs, comps)
	if err != nil {
		return nil, fmt.Errorf("convert: --samples: the converted config does not load, so no tests could be made (fix it, then run sluice test): %w", err)
	}
	name, err := samplePipeline(cfg)
	if err != nil {
		return nil, err
	}
	tc := testCase{Name: "samples from " + filepath.Base(samples), Pipeline: name,
		Received: time.Now().UTC().Truncate(time.Second).Format(time.RFC3339)}
	for _, l := range lines {
		tc.Input = append(tc.Input, testInput{Message: l})
	}
	// Run twice: what differs is not the pipeline's doing but the clock's.
	_, first := runCase(ctx, cfg, comps, &tc)
	_, second := runCase(ctx, cfg, comps, &tc)
	if len(first) != len(second) {
		return nil, fmt.Errorf("convert: --samples: two runs of the samples gave %d and %d events", len(first), len(second))
	}
	sc := sampleCase{Name: tc.Name, Received: tc.Received, Input: lines}
	if len(cfg.Pipelines) > 1 {
		sc.Pipeline = name
	}
	for i, ev := range first {
		sc.Expect = append(sc.Expect, expectOf(ev, second[i]))
	}
	var b bytes.Buffer
	b.Write(converted)
	fmt.Fprintf(&b, "\n# Tests made by sluice convert --samples from %s: each expected event is what the\n"+
		"# pipeline above makes of the samples today. Review every field, then: sluice test -c FILE\n", filepath.Base(samples))
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(map[string][]sampleCase{"tests": {sc}}); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// samplePipeline is the pipeline samples run through: the only one, or main.
func samplePipeline(cfg *config.Config) (string, error) {
	if len(cfg.Pipelines) == 1 {
		for name := range cfg.Pipelines {
			return name, nil
		}
	}
	if _, ok := cfg.Pipelines["main"]; ok {
		return "main", nil
	}
	return "", errors.New("convert: --samples: the converted config has several pipelines and none is main; write the tests by hand")
}

// expectOf is the expectation of ev; fields whose value differs in again exist, whatever value.
func expectOf(ev, again *event.Event) sampleExpect {
	x := sampleExpect{Fields: map[string]any{}, Tags: ev.Tags()}
	ev.Range(func(k string, v event.Value) bool {
		if w, ok := again.Get(k); !ok || !w.Equal(v) {
			x.Fields[k] = map[string]any{"exists": true}
			return true
		}
		x.Fields[k] = expectedValue(v)
		return true
	})
	return x
}

// expectedValue is v as a tests file writes it: times in RFC 3339, raw JSON as YAML.
func expectedValue(v event.Value) any {
	switch v.Kind() {
	case event.KindTime:
		return v.Time().Format(time.RFC3339Nano)
	case event.KindRaw:
		var x any
		if yaml.Unmarshal([]byte(v.Str()), &x) == nil {
			return x
		}
	}
	return v.Any()
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s: no lines", path)
	}
	return lines, nil
}
