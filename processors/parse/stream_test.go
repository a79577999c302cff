package parse

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers/cri"
)

// TestUpstreamStreamSeparatesGroups sends unframed lines whose stream an upstream input set
// (Filebeat's container input does): a traceback continues the error line of its own stream
// only, whether that stream came from upstream or from the CRI frame.
func TestUpstreamStreamSeparatesGroups(t *testing.T) {
	t.Parallel()
	lines := []struct{ msg, stream string }{
		{"ERROR 06-01 11:59:58 [core.py:1] engine failed", "stdout"},
		{"Traceback (most recent call last):", "stderr"},
		{`  File "a.py", line 1, in <module>`, "stderr"},
		{"ValueError: boom", "stderr"},
		{"2025-06-01T12:00:00Z stdout F Traceback (most recent call last):", ""},
		{`2025-06-01T12:00:00Z stdout F   File "b.py", line 2, in <module>`, ""},
		{"2025-06-01T12:00:00Z stdout F KeyError: 'x'", ""},
	}
	var msgs []string
	for _, l := range lines {
		msgs = append(msgs, l.msg)
	}
	p := newProc(t, nil)
	evs := events("s", msgs)
	for i, l := range lines {
		if l.stream != "" {
			evs[i].SetString(cri.FieldStream, l.stream)
		}
	}
	out := processAll(t, p, evs)
	var got []string
	for _, ev := range out {
		s, _ := ev.GetString(cri.FieldStream)
		got = append(got, s+": "+strings.ReplaceAll(ev.Message(), "\n", " | "))
	}
	want := []string{
		`stdout: ERROR 06-01 11:59:58 [core.py:1] engine failed | Traceback (most recent call last): |   File "b.py", line 2, in <module> | KeyError: 'x'`,
		`stderr: Traceback (most recent call last): |   File "a.py", line 1, in <module> | ValueError: boom`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
