package check

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is a probe whose outcome the test sets.
type fake struct {
	value string
	err   error
	panic bool
	ran   *sync.Map
	name  string
}

func (f *fake) Validate() error { return nil }

func (f *fake) Run(context.Context) (string, error) {
	if f.ran != nil {
		f.ran.Store(f.name, true)
	}
	if f.panic {
		panic("boom")
	}
	return f.value, f.err
}

// tick is a fake clock that moves a second each time it is read.
func tick() func() time.Time {
	var mu sync.Mutex
	t := time.Unix(0, 0)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func spec(name string, p Probe, deps ...string) Spec {
	return Spec{Name: name, Kind: "fake", Section: "S", Timeout: time.Minute, Probe: p, DependsOn: deps}
}

func TestRunnerStatuses(t *testing.T) {
	t.Parallel()
	ran := &sync.Map{}
	warn := spec("warn", &fake{err: errors.New("slow disk")})
	warn.Warn = true
	checks := []Spec{
		spec("ok", &fake{value: "24 GiB"}),
		spec("bad", &fake{err: errors.New("18 GiB, want 20 GiB")}),
		spec("skip", &fake{err: Skip("no nvidia-smi here")}),
		spec("after-bad", &fake{ran: ran, name: "after-bad"}, "bad"),
		spec("after-skip", &fake{ran: ran, name: "after-skip"}, "skip"),
		spec("after-ok", &fake{value: "fine"}, "ok"),
		warn,
		spec("after-warn", &fake{ran: ran, name: "after-warn"}, "warn"),
		spec("panics", &fake{panic: true}),
	}
	res := Runner{Now: tick()}.Run(context.Background(), checks)
	want := []Status{Passed, Failed, Skipped, Skipped, Skipped, Passed, Warned, Skipped, Failed}
	for i, r := range res {
		if r.Name != checks[i].Name || r.Status != want[i] {
			t.Errorf("%d: %s %v %q, want %s %v", i, r.Name, r.Status, r.Detail, checks[i].Name, want[i])
		}
	}
	if _, ok := ran.Load("after-bad"); ok {
		t.Error("a check whose dependency failed ran")
	}
	if _, ok := ran.Load("after-skip"); ok {
		t.Error("a check whose dependency was skipped ran")
	}
	if _, ok := ran.Load("after-warn"); ok {
		t.Error("a check whose dependency warned ran")
	}
	if res[0].Duration != time.Second || res[0].Detail != "24 GiB" {
		t.Errorf("ok: %+v", res[0])
	}
	if !strings.Contains(res[8].Detail, "boom") {
		t.Errorf("panic: %q", res[8].Detail)
	}
	if s := Summarize(res).String(); s != "2 passed, 2 failed, 4 skipped, 1 warning(s)" {
		t.Errorf("summary %q", s)
	}
}

// blocker waits until its context ends, as a probe of a server that never answers.
type blocker struct{}

func (blocker) Validate() error { return nil }
func (blocker) Run(ctx context.Context) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

func TestRunnerTimeout(t *testing.T) {
	t.Parallel()
	s := spec("hang", blocker{})
	s.Timeout = time.Millisecond
	res := Runner{}.Run(context.Background(), []Spec{s})
	if res[0].Status != Failed || !strings.Contains(res[0].Detail, "timeout 1ms") {
		t.Errorf("%+v", res[0])
	}
}
