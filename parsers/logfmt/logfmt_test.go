package logfmt

import (
	"fmt"
	"strings"
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
	padded := fmt.Sprintf("%-44s ", "Starting dcgm-exporter")
	for _, c := range []struct {
		in          string
		pad         int
		msg, fields string
	}{
		{`Loaded configuration     dump="x y"`, 0, "Loaded configuration", `dump="x y"`},
		{"plain words only   ", 0, "plain words only", ""},
		{`a=b= c="d e=f`, 0, `a=b= c="d`, "e=f"},
		{"x=1 y=2", 0, "x=1", "y=2"}, // a message starting with a pair is kept whole: the split is after a space
		// logrus's terminal layout pads the message to 44 before its pairs: a pair inside those
		// columns is the message's text
		{"Walking MigConfig for (devices=all)          ", terminalPad, "Walking MigConfig for (devices=all)", ""},
		{padded + " version=4.1.1", terminalPad, "Starting dcgm-exporter", "version=4.1.1"},
		{strings.Repeat("long ", 10) + " a=b", terminalPad, strings.TrimSpace(strings.Repeat("long ", 10)), "a=b"},
	} {
		msg, fields := splitFields(c.in, c.pad)
		if msg != c.msg || fields != c.fields {
			t.Errorf("splitFields(%q, %d) = %q, %q; want %q, %q", c.in, c.pad, msg, fields, c.msg, c.fields)
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
