// Package putest holds the test helpers of the parsers built on parseutil: the parser contract
// check (message kept; @timestamp, event.dataset and a lowercase log.level on every parsed
// event), per-case input fields, and fuzz and benchmark drivers. Golden files themselves go
// through parsers/golden, which every parser and processor package shares.
package putest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/parsers/vllm"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Levels are the only values log.level may take.
var Levels = []string{"debug", "info", "warning", "error", "critical"}

// NewEvent makes the event a parser sees for one line, received at golden.Received, with
// extra fields (such as kubernetes.container.name) set as an input would set them.
func NewEvent(line string, fields map[string]string) *event.Event {
	ev := event.NewMessage(line, golden.Received)
	for k, v := range fields {
		ev.SetString(k, v)
	}
	return ev
}

// Parse runs p on one line and checks the contract: the message is unchanged (but for a
// terminal's escapes, which a parsed line's message leaves out), a declined line
// is left exactly as it was, and a parsed
// event has a time @timestamp, event.dataset and, when the line states one, a log.level from
// Levels. An unparsed event gets
// the _parse_failure tag, as the parse processor gives it.
func Parse(t testing.TB, p parsers.Parser, line string, fields map[string]string) (*event.Event, bool) {
	t.Helper()
	ev := NewEvent(line, fields)
	before := string(ev.AppendJSON(nil))
	ok := p.Parse(ev)
	if got := ev.Message(); got != line && !(ok && got == vllm.StripANSI(line)) { // (a terminal's escapes left out)
		t.Fatalf("message changed:\n got %q\nwant %q", got, line)
	}
	if !ok {
		if after := string(ev.AppendJSON(nil)); after != before {
			t.Fatalf("a line the parser declined was changed:\n got %s\nwant %s", after, before)
		}
		ev.AddTag(event.TagParseFailure)
		return ev, false
	}
	if v, has := ev.Get(event.FieldTimestamp); !has || v.Kind() != event.KindTime {
		t.Fatalf("parsed event without a time @timestamp: %q", line)
	}
	if d, _ := ev.GetString(event.FieldDataset); d == "" {
		t.Fatalf("parsed event without event.dataset: %q", line)
	}
	if l, has := ev.GetString(event.FieldLogLevel); has && !slices.Contains(Levels, l) {
		t.Fatalf("log.level %q not one of %v: %q", l, Levels, line)
	}
	// The document, log and fields, then at most event.MaxDepth levels from the line.
	if n := event.Nesting(string(ev.AppendJSON(nil)), 4+event.MaxDepth); n > 3+event.MaxDepth {
		t.Fatalf("event nests %d levels, more than %d: %q", n, 3+event.MaxDepth, line)
	}
	return ev, true
}

// Golden runs the shared golden test over testdata with the parser info registers, and checks
// that every field it sets is declared in info.Fields (the Elasticsearch mapping is generated
// from them). A case folder may hold fields.json, a flat object of fields its events carry before
// parsing (kubernetes.container.name, as Filebeat sets it), because several formats are told
// apart by the container that wrote them.
func Golden(t *testing.T, info parsers.Info) {
	p := info.New(parsers.Options{})
	golden.Golden(t, "testdata", func(t *testing.T, lines []string) []*event.Event {
		fields := caseFields(t, filepath.Join("testdata", filepath.Base(t.Name())))
		out := make([]*event.Event, 0, len(lines))
		for _, l := range lines {
			ev, _ := Parse(t, p, l, fields)
			Declared(t, info, ev, fields)
			out = append(out, ev)
		}
		return out
	})
}

// Declared fails for a field of ev that is neither declared in info.Fields (a flattened or
// object field covers its sub-fields) nor given beforehand (input).
func Declared(t testing.TB, info parsers.Info, ev *event.Event, input map[string]string) {
	t.Helper()
	ev.Range(func(k string, _ event.Value) bool {
		if _, ok := input[k]; ok || k == event.FieldMessage {
			return true
		}
		for _, f := range info.Fields {
			if f.Name == k || (f.Type == "flattened" || f.Type == "object") && strings.HasPrefix(k, f.Name+".") {
				return true
			}
		}
		t.Errorf("%s sets %s, which its Info.Fields does not declare", info.Name, k)
		return true
	})
}

func caseFields(t testing.TB, dir string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "fields.json"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("read fields: %v", err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s/fields.json: %v", dir, err)
	}
	return m
}

// Fuzz checks the contract for one fuzzed line, with no source and from a GPU-stack container.
func Fuzz(t *testing.T, p parsers.Parser, line string) {
	Parse(t, p, line, nil)
	Parse(t, p, line, map[string]string{"kubernetes.container.name": "nvidia-driver-ctr"})
}

// Bench measures p over lines. Events are reset and reused, so the allocations reported are the
// parser's own and not the cost of making events, which inputs pay.
func Bench(b *testing.B, p parsers.Parser, lines []string) {
	evs := make([]*event.Event, len(lines))
	for i := range evs {
		evs[i] = event.New()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev := evs[i%len(lines)]
		ev.Reset()
		ev.Meta.Received = golden.Received
		ev.SetMessage(lines[i%len(lines)])
		p.Parse(ev)
	}
}

// Rejects checks that p leaves every line alone: not parsed, message kept.
func Rejects(t *testing.T, p parsers.Parser, lines ...string) {
	t.Helper()
	for _, line := range lines {
		if _, ok := Parse(t, p, line, nil); ok {
			t.Errorf("parsed %q", line)
		}
	}
}

// FuzzParse seeds f with every line of testdata and checks the contract on every input, with no
// source and from a GPU-stack container: never a panic, never a lost or changed line.
func FuzzParse(f *testing.F, p parsers.Parser) {
	golden.Seed(f, "testdata")
	f.Fuzz(func(t *testing.T, line string) { Fuzz(t, p, line) })
}
