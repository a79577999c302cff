// Package golden holds the golden-file, fuzz-seed helpers shared by the parser and processor
// packages, so that every format is tested the same way: testdata/<case>/input.log holds real
// lines, expected.ndjson the events they must become, and `go test -update` rewrites the latter.
package golden

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/pipeline/event"
)

var update = flag.Bool("update", false, "rewrite testdata/*/expected.ndjson from the current output")

// Received is the receipt time given to every golden event, so that outputs that depend on it
// (the year of a vLLM timestamp) are stable.
var Received = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// Cases returns the case folders under dir (folders holding an input.log).
func Cases(t testing.TB, dir string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "*", "input.log"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range matches {
		out = append(out, filepath.Dir(m))
	}
	if len(out) == 0 {
		t.Fatalf("no cases under %s", dir)
	}
	return out
}

// Lines reads a file into lines without their line endings (a trailing '\r' is kept: it is
// part of what some loggers write).
func Lines(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// Golden runs run over the lines of every case under dir and compares the events it returns,
// one JSON object a line, with the case's expected.ndjson (rewritten with -update).
func Golden(t *testing.T, dir string, run func(t *testing.T, lines []string) []*event.Event) {
	t.Helper()
	for _, c := range Cases(t, dir) {
		t.Run(filepath.Base(c), func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(c, "SOURCE.md")); err != nil {
				t.Errorf("case %s says nowhere where its lines came from (SOURCE.md): %v", c, err)
			}
			var got []byte
			for _, ev := range run(t, Lines(t, filepath.Join(c, "input.log"))) {
				got = ev.AppendJSON(got)
				got = append(got, '\n')
			}
			File(t, filepath.Join(c, "expected.ndjson"), got)
		})
	}
}

// File compares got with the file at path, or rewrites the file with -update; a difference is
// reported line by line.
func File(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	exp, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, exp) {
		diffLines(t, string(exp), string(got))
	}
}

func diffLines(t *testing.T, want, got string) {
	t.Helper()
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			t.Errorf("line %d differs:\nwant %s\ngot  %s", i+1, a, b)
			return
		}
	}
}

// ParseEach parses every line on its own with p, as the default chain would one content
// parser: an unrecognised line keeps its message and gets the _parse_failure tag.
func ParseEach(p parsers.Parser, lines []string) []*event.Event {
	out := make([]*event.Event, 0, len(lines))
	for _, l := range lines {
		ev := event.NewMessage(l, Received)
		if !p.Parse(ev) {
			ev.AddTag(event.TagParseFailure)
		}
		out = append(out, ev)
	}
	return out
}

// Seed adds every line of every case under dir, and every file under dir/../testdata/fuzz
// kept from earlier crashes, to the fuzz corpus.
func Seed(f *testing.F, dir string) {
	f.Helper()
	for _, c := range Cases(f, dir) {
		for _, l := range Lines(f, filepath.Join(c, "input.log")) {
			f.Add(l)
		}
	}
}

// CheckKept fails when a parser lost the line: after Parse the event must still hold a
// message, and a non-framing parser must not have changed it.
func CheckKept(t *testing.T, ev *event.Event, line string, framing bool) {
	t.Helper()
	msg, ok := ev.GetString(event.FieldMessage)
	if !ok {
		t.Fatalf("message gone for %q", line)
	}
	if !framing && msg != line {
		t.Fatalf("message changed: %q -> %q", line, msg)
	}
}

// GoldenEach is the golden test of a parser whose lines are read one by one (ParseEach).
func GoldenEach(t *testing.T, p parsers.Parser) {
	t.Helper()
	Golden(t, "testdata", func(t *testing.T, lines []string) []*event.Event {
		return ParseEach(p, lines)
	})
}

// FuzzFraming fuzzes a framing parser seeded from testdata: it may replace the message, never
// remove it, and leaves a line it does not take unchanged.
func FuzzFraming(f *testing.F, p parsers.Parser) {
	Seed(f, "testdata")
	f.Fuzz(func(t *testing.T, line string) {
		ev := event.NewMessage(line, Received)
		ok := p.Parse(ev)
		CheckKept(t, ev, line, true)
		if !ok && ev.Message() != line {
			t.Fatalf("unrecognised line changed: %q", line)
		}
	})
}

// BenchFraming measures a framing parser's CPU time per line on line, which it must take.
func BenchFraming(b *testing.B, p parsers.Parser, line string) {
	ev := event.New()
	BenchCPU(b, func() {
		ev.Reset()
		ev.Meta.Received = Received
		ev.SetMessage(line)
		if !p.Parse(ev) {
			b.Fatal("not parsed")
		}
	})
}
