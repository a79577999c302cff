package check

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Runner runs a file's checks. Checks run concurrently, each as soon as the checks it depends on
// have finished, so one slow endpoint does not hold up the rest of the report.
type Runner struct {
	// Now is the clock durations are measured with; tests give a fake one.
	Now func() time.Time
}

// Run runs every check and returns the results in the order the file declares them.
func (r Runner) Run(ctx context.Context, checks []Spec) []Result {
	now := r.Now
	if now == nil {
		now = time.Now
	}
	results := make([]Result, len(checks))
	done := make([]chan struct{}, len(checks))
	index := map[string]int{}
	for i, s := range checks {
		done[i] = make(chan struct{})
		index[s.Name] = i
	}
	for i := range checks {
		go func() {
			defer close(done[i])
			results[i] = r.runOne(ctx, checks[i], now, func(dep string) (Result, bool) {
				j, ok := index[dep]
				if !ok || j >= i {
					return Result{}, false
				}
				<-done[j]
				return results[j], true
			})
		}()
	}
	for _, d := range done {
		<-d
	}
	return results
}

// runOne waits for a check's dependencies, then runs it under its timeout.
func (r Runner) runOne(ctx context.Context, s Spec, now func() time.Time, dep func(string) (Result, bool)) Result {
	res := Result{Name: s.Name, Section: s.Section, Kind: s.Kind}
	for _, d := range s.DependsOn {
		// A warning is not a pass either: what depends on it would only repeat the failure.
		if dr, ok := dep(d); !ok || dr.Status != Passed {
			res.Status, res.Detail = Skipped, fmt.Sprintf("depends on %q, which did not pass", d)
			return res
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	start := now()
	value, err := safeRun(ctx, s.Probe)
	res.Duration = now().Sub(start)
	switch {
	case err == nil:
		res.Status, res.Detail = Passed, value
	case IsSkip(err):
		res.Status, res.Detail = Skipped, err.Error()
	default:
		res.Status, res.Detail = Failed, err.Error()
		if ctx.Err() != nil && !strings.Contains(res.Detail, "timeout") {
			res.Detail += fmt.Sprintf(" (timeout %v)", s.Timeout)
		}
		if s.Warn {
			res.Status = Warned
		}
	}
	return res
}

// safeRun turns a panic in a probe into a failed check: one broken kind must not take the
// whole report with it.
func safeRun(ctx context.Context, p Probe) (value string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return p.Run(ctx)
}

// Summary counts results by status.
type Summary struct {
	Passed, Failed, Skipped, Warned int
}

// Summarize counts results.
func Summarize(results []Result) Summary {
	var s Summary
	for _, r := range results {
		switch r.Status {
		case Passed:
			s.Passed++
		case Failed:
			s.Failed++
		case Skipped:
			s.Skipped++
		case Warned:
			s.Warned++
		}
	}
	return s
}

func (s Summary) String() string {
	out := fmt.Sprintf("%d passed, %d failed, %d skipped", s.Passed, s.Failed, s.Skipped)
	if s.Warned > 0 {
		out += fmt.Sprintf(", %d warning(s)", s.Warned)
	}
	return out
}
