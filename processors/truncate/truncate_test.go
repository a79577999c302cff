package truncate

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestCut(t *testing.T) {
	t.Parallel()
	cases := []struct {
		s    string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 3, "hel"},
		{"héllo", 2, "h"},
		{"héllo", 3, "hé"},
		{"日本語", 4, "日"},
		{"日本語", 2, ""},
	}
	for _, tc := range cases {
		got := Cut(tc.s, tc.n)
		if got != tc.want || !utf8.ValidString(got) {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.MaxBytes = 10 })
	out := proctest.Run(t, p, proctest.Lines(strings.Repeat("x", 20), "short")...)
	if out[0].Message() != strings.Repeat("x", 10) || !out[0].HasTag("truncated") {
		t.Errorf("long line: %q %v", out[0].Message(), out[0].Tags())
	}
	if out[1].Message() != "short" || out[1].HasTag("truncated") {
		t.Errorf("short line changed")
	}
	if _, err := proctest.Create(t, Factory, func(c *Config) { c.MaxBytes = 0 }); err == nil {
		t.Errorf("max_bytes 0 must not validate")
	}
}
