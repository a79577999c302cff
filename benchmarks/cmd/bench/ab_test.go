package main

import (
	"math"
	"testing"
)

func pairsOf(ratios ...float64) []abPair {
	var ps []abPair
	for _, r := range ratios {
		ps = append(ps, abPair{Base: result{EventsPerCore: 1000}, Change: result{EventsPerCore: 1000 * r}})
	}
	return ps
}

func TestRatioInterval(t *testing.T) {
	t.Parallel()
	cpu := func(r result) float64 { return r.EventsPerCore }
	// The same ratio in every pair: that ratio, and no spread.
	m, lo, hi := ratioInterval(pairsOf(1.1, 1.1, 1.1), cpu)
	if math.Abs(m-1.1) > 1e-9 || math.Abs(lo-1.1) > 1e-9 || math.Abs(hi-1.1) > 1e-9 {
		t.Fatalf("equal ratios: %v (%v, %v)", m, lo, hi)
	}
	// Pairs that disagree: the geometric mean, and an interval that holds 1.
	m, lo, hi = ratioInterval(pairsOf(0.9, 1.1, 0.95, 1.08), cpu)
	if want := math.Pow(0.9*1.1*0.95*1.08, 0.25); math.Abs(m-want) > 1e-9 || lo >= 1 || hi <= 1 {
		t.Fatalf("mixed ratios: %v (%v, %v), want %v with 1 inside", m, lo, hi, want)
	}
	// Consistent gains: an interval above 1. Two pairs of 1.2 and 1.3: log ratios 0.182 and
	// 0.262, mean 0.222, standard error 0.040, t(1) = 12.706: from 0.222-0.509 to 0.222+0.509.
	m, lo, hi = ratioInterval(pairsOf(1.2, 1.3), cpu)
	if math.Abs(lo-math.Exp(math.Log(m)-12.706*0.04002)) > 1e-3 || math.Abs(hi-math.Exp(math.Log(m)+12.706*0.04002)) > 1e-3 {
		t.Fatalf("two pairs: %v (%v, %v)", m, lo, hi)
	}
	m, lo, hi = ratioInterval(pairsOf(1.2, 1.25, 1.22, 1.21, 1.24, 1.23), cpu)
	if lo <= 1 || hi >= 1.3 || m < 1.2 || m > 1.25 {
		t.Fatalf("steady gain: %v (%v, %v)", m, lo, hi)
	}
	// A pair without figures is left out; fewer than two left gives none.
	if m, _, _ := ratioInterval(append(pairsOf(1.1), abPair{}), cpu); m != 0 {
		t.Fatalf("one usable pair gave %v", m)
	}
}
