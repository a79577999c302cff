package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

type testConfig struct{ fail bool }

func (*testConfig) Validate() error { return nil }

type otherConfig struct{}

func (otherConfig) Validate() error { return nil }

type testInput struct{ set Settings }

func (*testInput) Run(context.Context, Consumer) error { return nil }

type testOutput struct{ set Settings }

func (*testOutput) Deliver(context.Context, *event.Batch) error { return nil }

func newTestConfig() *testConfig { return &testConfig{} }

func newTestInput(set Settings, c *testConfig) (*testInput, error) {
	if c.fail {
		return nil, errors.New("refused")
	}
	return &testInput{set: set}, nil
}

func TestFactoryWrongConfigIsAnError(t *testing.T) {
	t.Parallel()
	f := NewInputFactory("t", newTestConfig, newTestInput)
	in, err := f.Create(Settings{}, otherConfig{})
	if err == nil || in != nil || !strings.Contains(err.Error(), "t: config of type pipeline.otherConfig") {
		t.Fatalf("got %v, %v; want an error naming the type", in, err)
	}
	// A failed create gives a nil interface, not one holding a nil *testInput.
	if in, err := f.Create(Settings{}, &testConfig{fail: true}); in != nil || err == nil {
		t.Fatalf("got %#v, %v", in, err)
	}
}

func TestFactoryDefaults(t *testing.T) {
	t.Parallel()
	in, err := NewInputFactory("t", newTestConfig, newTestInput).Create(Settings{}, newTestConfig())
	if err != nil {
		t.Fatal(err)
	}
	set := in.(*testInput).set
	if set.ID != "t" || set.Logger == nil || set.Registerer == nil || set.Metrics == nil || set.DeadLetter == nil {
		t.Fatalf("settings not completed: %+v", set)
	}
	if err := set.DeadLetter.Write(context.Background(), event.NewMessage("x", time.Time{}), "t", "why"); !errors.Is(err, ErrNoDeadLetter) {
		t.Fatalf("default dead letter: %v", err)
	}
	out, err := NewOutputFactory("o", newTestConfig, func(set Settings, _ *testConfig) (*testOutput, error) {
		return &testOutput{set: set}, nil
	}).Create(Settings{ID: "o/x", Metrics: NewComponentMetrics()}, newTestConfig())
	if err != nil {
		t.Fatal(err)
	}
	if set := out.(*testOutput).set; set.ID != "o/x" || set.Metrics != nil {
		t.Fatalf("output settings: id %q, metrics %v (outputs own no standard counter)", set.ID, set.Metrics)
	}
}
