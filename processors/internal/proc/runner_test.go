package proc_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

type cfg struct {
	proc.Common `mapstructure:",squash"`
}

// fn fails on lines containing "bad", drops lines containing "drop", uppercases the rest.
func fn(ev *event.Event) (proc.Result, error) {
	m := ev.Message()
	switch {
	case strings.Contains(m, "bad"):
		return proc.Keep, errors.New("bad line")
	case strings.Contains(m, "drop"):
		return proc.Drop, nil
	}
	ev.SetMessage(strings.ToUpper(m))
	return proc.Keep, nil
}

func TestRunnerPolicies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		policy, cond string
		dlErr        error
		wantMsgs     []string
		wantDL       int
		outcome      map[string]float64
	}{
		{"", "", nil, []string{"OK", "bad"}, 0, map[string]float64{"ok": 1, "failed": 1, "dropped": 1}},
		{"drop", "", nil, []string{"OK"}, 0, map[string]float64{"ok": 1, "error_dropped": 1, "dropped": 1}},
		{"dead_letter", "", nil, []string{"OK"}, 1, map[string]float64{"ok": 1, "dead_lettered": 1}},
		{"dead_letter", "", errors.New("disk full"), []string{"OK", "bad"}, 0, map[string]float64{"failed": 1}},
		{"tag", `message != "ok"`, nil, []string{"ok", "bad"}, 0, map[string]float64{"skipped": 1, "failed": 1, "dropped": 1}},
	}
	for _, tc := range cases {
		set, reg, dl := proctest.Settings(t, "test/x")
		dl.Err = tc.dlErr
		c := &cfg{proc.Common{If: tc.cond, OnError: tc.policy}}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		r, err := proc.NewRunner("x", set, c.Base(), fn)
		if err != nil {
			t.Fatal(err)
		}
		out := proctest.Run(t, r, proctest.Lines("ok", "bad", "drop")...)
		var msgs []string
		for _, ev := range out {
			msgs = append(msgs, ev.Message())
			if ev.Message() == "bad" {
				if !ev.HasTag("_x_failure") || proctest.Str(ev, "error.message") != "x: bad line" {
					t.Errorf("%s: failed event not tagged: %v %q", tc.policy, ev.Tags(), proctest.Str(ev, "error.message"))
				}
			}
		}
		if strings.Join(msgs, ",") != strings.Join(tc.wantMsgs, ",") {
			t.Errorf("policy %q: got %v, want %v", tc.policy, msgs, tc.wantMsgs)
		}
		if len(dl.Entries()) != tc.wantDL {
			t.Errorf("policy %q: %d dead letters, want %d", tc.policy, len(dl.Entries()), tc.wantDL)
		}
		for o, want := range tc.outcome {
			got := testutil.ToFloat64(r.Count(o))
			if got != want {
				t.Errorf("policy %q: outcome %s = %v, want %v", tc.policy, o, got, want)
			}
		}
		if n, err := testutil.GatherAndCount(reg, "sluice_processor_events_total"); err != nil || n != 6 {
			t.Errorf("metric series: %d, %v", n, err)
		}
		// The frame's one standard counter: every event it failed on, whatever the policy did
		// with it, read from the registry as /metrics shows it.
		failed := tc.outcome["failed"] + tc.outcome["error_dropped"] + tc.outcome["dead_lettered"]
		want := fmt.Sprintf("# HELP sluice_component_events_failed_total Events a component could not handle.\n"+
			"# TYPE sluice_component_events_failed_total counter\n"+
			"sluice_component_events_failed_total{component=%q} %v\n", "test/x", failed)
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "sluice_component_events_failed_total"); err != nil {
			t.Errorf("policy %q: %v", tc.policy, err)
		}
	}
}

func TestPanicIsOneEventsFailure(t *testing.T) {
	t.Parallel()
	set, _, _ := proctest.Settings(t, "x")
	set.Logger = slog.New(slog.DiscardHandler)
	boom := func(ev *event.Event) (proc.Result, error) {
		if ev.Message() == "poison" {
			var m map[string]int
			m["x"]++ //lint:ignore SA5000 a nil-map write: the panic under test
		}
		return proc.Keep, nil
	}
	r, err := proc.NewRunner("x", set, (&cfg{}).Base(), boom)
	if err != nil {
		t.Fatal(err)
	}
	out := proctest.Run(t, r, proctest.Lines("ok", "poison", "ok")...)
	if len(out) != 3 || !out[1].HasTag("_x_failure") || out[0].HasTag("_x_failure") ||
		!strings.Contains(proctest.Str(out[1], "error.message"), "internal error") {
		t.Fatalf("got %d events, tags %v, error %q", len(out), out[1].Tags(), proctest.Str(out[1], "error.message"))
	}
}

func TestTagOnFailure(t *testing.T) {
	t.Parallel()
	set, _, _ := proctest.Settings(t, "grok")
	c := &cfg{proc.Common{TagOnFailure: "_grokparsefailure"}}
	r, err := proc.NewRunner("grok", set, c.Base(), fn)
	if err != nil {
		t.Fatal(err)
	}
	out := proctest.One(t, r, proctest.Lines("bad")[0])
	if !out.HasTag("_grokparsefailure") || out.HasTag("_grok_failure") {
		t.Errorf("tags %v", out.Tags())
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	bad := []proc.Common{{If: "a =="}, {OnError: "ignore"}}
	for _, c := range bad {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: expected an error", c)
		}
	}
}

func TestRunnerRegistersOnce(t *testing.T) {
	t.Parallel()
	set, _, _ := proctest.Settings(t, "x")
	c := &cfg{}
	for i := range 2 { // a reload creates the processor again on the same registry
		r, err := proc.NewRunner("x", set, c.Base(), fn)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Process(context.Background(), event.NewBatch(proctest.Lines("ok"), nil))
		if got := testutil.ToFloat64(r.Count(proc.OutcomeOK)); got != float64(i+1) {
			t.Fatalf("after %d runs the shared counter reads %v", i+1, got)
		}
	}
	var _ pipeline.Processor = (*proc.Runner)(nil)
}

// Validate only checks: a config validated twice, or never, makes the same runner, and
// validating a config already in use changes nothing the runner does.
func TestValidateKeepsNoState(t *testing.T) {
	t.Parallel()
	match := event.NewMessage("ok", time.Now())
	other := event.NewMessage("other", time.Now())
	for _, validations := range []int{0, 1, 2} {
		c := &cfg{proc.Common{If: `message == "ok"`}}
		before := *c
		for range validations {
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
		}
		if *c != before {
			t.Fatalf("after %d validations the config changed: %+v", validations, *c)
		}
		set, _, _ := proctest.Settings(t, "test/x")
		r, err := proc.NewRunner("x", set, c.Base(), fn)
		if err != nil {
			t.Fatal(err)
		}
		c.If = `message == "other"` // a later Validate of an edited config must not reach r
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if !r.Match(match) || r.Match(other) {
			t.Fatalf("after %d validations the runner matches the wrong events", validations)
		}
	}
	bad := &cfg{proc.Common{If: "message =="}}
	if bad.Validate() == nil {
		t.Fatal("a bad condition validates")
	}
	set, _, _ := proctest.Settings(t, "test/x")
	if _, err := proc.NewRunner("x", set, bad.Base(), fn); err == nil {
		t.Fatal("NewRunner takes a bad condition it was never told to validate")
	}
}
