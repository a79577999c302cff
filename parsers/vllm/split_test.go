package vllm

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// parseBoth parses msg with Parse and with ParseSplit and fails when the events differ.
func parseBoth(t *testing.T, p *Parser, msg string) {
	t.Helper()
	want := event.NewMessage(msg, golden.Received)
	wantOK := p.Parse(want)
	got := event.NewMessage(msg, golden.Received)
	first, _, _ := strings.Cut(msg, "\n")
	l := Split(first)
	before := l
	gotOK := p.ParseSplit(got, msg, &l)
	if gotOK != wantOK {
		t.Fatalf("%q: ParseSplit = %v, Parse = %v", msg, gotOK, wantOK)
	}
	if g, w := string(got.AppendJSON(nil)), string(want.AppendJSON(nil)); g != w {
		t.Fatalf("%q:\nParseSplit: %s\nParse:      %s", msg, g, w)
	}
	if l != before {
		t.Fatalf("%q: ParseSplit changed the line it was given", msg)
	}
}

// TestParseSplitMatchesParse runs every golden line, and every case's lines joined as the parse
// processor joins a traceback, through both entry points, in every prompt mode.
func TestParseSplitMatchesParse(t *testing.T) {
	t.Parallel()
	for _, dir := range golden.Cases(t, "testdata") {
		lines := golden.Lines(t, filepath.Join(dir, "input.log"))
		for _, mode := range []PromptMode{PromptsHash, PromptsTruncate, PromptsKeep, PromptsDrop} {
			p := New(Options{Prompts: mode})
			for _, l := range lines {
				parseBoth(t, p, l)
			}
			for i := 0; i+3 <= len(lines); i += 3 {
				parseBoth(t, p, strings.Join(lines[i:i+3], "\n"))
			}
		}
	}
}

func FuzzParseSplit(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Add(receivedLine)
	f.Add("ERROR 05-01 14:39:06 [core.py:1131] x\r\nTraceback (most recent call last):\n  File \"a.py\"")
	f.Fuzz(func(t *testing.T, msg string) {
		parseBoth(t, New(Options{}), msg)
	})
}
