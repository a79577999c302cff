package vllm

import (
	"strings"
	"testing"
)

func FuzzByteSetIndex(f *testing.F) {
	for _, s := range []string{"", "abc", "syslog[12]:", "n=1, x)", "é(€)", "\xff:\x80,"} {
		f.Add(s)
	}
	sets := []string{"0123456789:([", "=,", ",)", " :"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, chars := range sets {
			if got, want := newByteSet(chars).index(s), strings.IndexAny(s, chars); got != want {
				t.Fatalf("index(%q) in %q = %d, strings.IndexAny = %d", s, chars, got, want)
			}
		}
	})
}
