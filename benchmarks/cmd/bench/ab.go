package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// A/B runs (-against BASE -pairs N): the machine this project measures on changes speed by half
// within an hour, so two binaries compare only when their runs alternate. Each pair runs both
// binaries on one scenario back to back, the order swapped from pair to pair so that a drift in
// speed favours neither; the ratio of each pair is what is kept. The mean of the log ratios, with
// a Student t interval, says how far apart the two are and whether the runs can tell.

// abPair is one pair of runs of a scenario.
type abPair struct {
	Base   result `json:"base"`
	Change result `json:"change"`
}

// abSummary is what the pairs of one scenario say.
type abSummary struct {
	Scenario string   `json:"scenario"`
	Pairs    []abPair `json:"pairs"`
	// Ratios of change to base: geometric mean and 95 % interval over the pairs, of events per
	// CPU-second and of peak RSS.
	CPURatio float64 `json:"events_per_cpu_sec_ratio"`
	CPULow   float64 `json:"events_per_cpu_sec_ratio_low"`
	CPUHigh  float64 `json:"events_per_cpu_sec_ratio_high"`
	RSSRatio float64 `json:"peak_rss_ratio"`
	RSSLow   float64 `json:"peak_rss_ratio_low"`
	RSSHigh  float64 `json:"peak_rss_ratio_high"`
}

func runAB(o options, work string) error {
	if o.pairs < 2 {
		return errors.New("-pairs must be at least 2: one pair has no interval")
	}
	change := o
	base := o
	base.bin = o.against
	var all []abSummary
	for _, sc := range scenarios() {
		if o.only != "" && !contains(strings.Split(o.only, ","), sc.Name) {
			continue
		}
		if sc.Peer || sc.Workload == "idle" || sc.Workload == "pushback" {
			continue // no events per CPU-second to compare
		}
		fmt.Fprintf(os.Stderr, "bench: %s, %d pairs: %s against %s\n", sc.Name, o.pairs, change.bin, base.bin)
		s := abSummary{Scenario: sc.Name}
		for i := range o.pairs {
			first, second := base, change
			if i%2 == 1 {
				first, second = change, base
			}
			a, err := runScenario(first, work, sc)
			if err != nil {
				return fmt.Errorf("%s pair %d: %w", sc.Name, i+1, err)
			}
			b, err := runScenario(second, work, sc)
			if err != nil {
				return fmt.Errorf("%s pair %d: %w", sc.Name, i+1, err)
			}
			p := abPair{Base: a, Change: b}
			if i%2 == 1 {
				p = abPair{Base: b, Change: a}
			}
			s.Pairs = append(s.Pairs, p)
			fmt.Fprintf(os.Stderr, "  pair %d: %.0f -> %.0f events/cpu-s, %.1f -> %.1f MiB\n", i+1,
				p.Base.EventsPerCore, p.Change.EventsPerCore, p.Base.PeakRSSMiB, p.Change.PeakRSSMiB)
		}
		s.CPURatio, s.CPULow, s.CPUHigh = ratioInterval(s.Pairs, func(r result) float64 { return r.EventsPerCore })
		s.RSSRatio, s.RSSLow, s.RSSHigh = ratioInterval(s.Pairs, func(r result) float64 { return r.PeakRSSMiB })
		all = append(all, s)
	}
	printAB(os.Stdout, all)
	return writeJSON(o.out, all)
}

// ratioInterval returns the geometric mean of the pairs' ratios change/base of f and its 95 %
// interval (Student t on the log ratios).
func ratioInterval(pairs []abPair, f func(result) float64) (mean, low, high float64) {
	var logs []float64
	for _, p := range pairs {
		if b, c := f(p.Base), f(p.Change); b > 0 && c > 0 {
			logs = append(logs, math.Log(c/b))
		}
	}
	n := len(logs)
	if n < 2 {
		return 0, 0, 0 // not enough pairs with figures: printed as n/a
	}
	var sum float64
	for _, x := range logs {
		sum += x
	}
	m := sum / float64(n)
	var ss float64
	for _, x := range logs {
		ss += (x - m) * (x - m)
	}
	half := tQuantile975(n-1) * math.Sqrt(ss/float64(n-1)/float64(n))
	return math.Exp(m), math.Exp(m - half), math.Exp(m + half)
}

// tQuantile975 is the 97.5th percentile of Student's t with df degrees of freedom.
func tQuantile975(df int) float64 {
	table := []float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}
	if df >= 1 && df <= len(table) {
		return table[df-1]
	}
	return 1.96
}

func printAB(w io.Writer, all []abSummary) {
	fmt.Fprintf(w, "%-14s %6s %34s %30s\n", "scenario", "pairs", "events/cpu-s, change/base (95%)", "peak RSS, change/base (95%)")
	for _, s := range all {
		fmt.Fprintf(w, "%-14s %6d %34s %30s\n", s.Scenario, len(s.Pairs),
			change(s.CPURatio, s.CPULow, s.CPUHigh), change(s.RSSRatio, s.RSSLow, s.RSSHigh))
	}
	fmt.Fprintln(w, "(an interval that holds 0 means these runs cannot tell the binaries apart)")
}

// change writes a ratio and its interval as percentages.
func change(r, low, high float64) string {
	if r == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f %% (%+.1f to %+.1f)", 100*(r-1), 100*(low-1), 100*(high-1))
}
