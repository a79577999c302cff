package config

import (
	"strings"
	"testing"
)

// FuzzExpand: expansion never panics, and text without "$" comes back unchanged.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"plain", "${A}", "${A:-x}", "$$", "${", "${}", "a$", "${A:-${B}}", "^x$"} {
		f.Add(s)
	}
	lookup := func(k string) (string, bool) { return "v", k == "A" }
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Expand(s, lookup)
		if !strings.Contains(s, "$") && (err != nil || out != s) {
			t.Fatalf("Expand(%q) = %q, %v", s, out, err)
		}
	})
}

// FuzzParse: any bytes give a config or *Errors, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("inputs: {stdin: {}}\npipelines: {main: {inputs: [stdin]}}"))
	f.Add([]byte("runtime: [1, 2]"))
	f.Add([]byte("inputs: 5"))
	comps := testComponents()
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseWith(data, comps, func(string) (string, bool) { return "", false })
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err != nil {
			if _, ok := err.(*Errors); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
	})
}
