package grok

import (
	"regexp"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

const apacheLine = `10.42.0.7 - alice [27/Nov/2026:12:00:00 +0000] "POST /v1/completions HTTP/1.1" 200 512 "-" "python-requests/2.31"`

func TestGrok(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  func(*Config)
		line string
		want map[string]event.Value
		fail bool
	}{
		{"vllm custom pattern", func(c *Config) {
			c.PatternDefinitions = []Definition{{Name: "VLLM_TS", Pattern: `\d{2}-\d{2} \d{2}:\d{2}:\d{2}`}}
			c.Patterns = []string{`%{LOGLEVEL:log.level} %{VLLM_TS:vllm.ts} %{NOTSPACE:log.origin.file.name}:%{INT:log.origin.file.line:int}\] %{GREEDYDATA:vllm.msg}`}
		}, "WARNING 11-27 12:00:01 scheduler.py:1089] Sequence group 0 is preempted",
			map[string]event.Value{"log.level": event.String("WARNING"), "vllm.ts": event.String("11-27 12:00:01"),
				"log.origin.file.name": event.String("scheduler.py"), "log.origin.file.line": event.Int(1089),
				"vllm.msg": event.String("Sequence group 0 is preempted")}, false},
		{"ecs pattern set", func(c *Config) { c.Patterns = []string{`%{COMBINEDAPACHELOG}`} }, apacheLine,
			map[string]event.Value{"source.address": event.String("10.42.0.7"), "http.request.method": event.String("POST"),
				"http.response.status_code": event.Int(200), "http.response.body.size": event.Int(512), "user.name": event.String("alice"),
				"user_agent.original": event.String("python-requests/2.31")}, false},
		{"legacy pattern set", func(c *Config) { c.Patterns, c.PatternSet = []string{`%{COMBINEDAPACHELOG}`}, "legacy" }, apacheLine,
			map[string]event.Value{"clientip": event.String("10.42.0.7"), "verb": event.String("POST"), "response": event.String("200"),
				"auth": event.String("alice"), "source.address": {}}, false},
		{"bracket refs and target", func(c *Config) {
			c.Patterns, c.Target = []string{`%{WORD:[http][method]} %{NUMBER:[http][status]:int}`}, "parsed"
		}, "GET 404", map[string]event.Value{"parsed.http.method": event.String("GET"), "parsed.http.status": event.Int(404)}, false},
		{"first match wins", func(c *Config) {
			c.Patterns = []string{`^ERROR %{GREEDYDATA:a}`, `^%{WORD:level} %{GREEDYDATA:b}`}
		}, "INFO ok", map[string]event.Value{"level": event.String("INFO"), "b": event.String("ok"), "a": {}}, false},
		{"message capture keeps original", func(c *Config) {
			c.Patterns = []string{`^\[%{WORD:tag}\] %{GREEDYDATA:message}`}
		}, "[gpu] Xid 79", map[string]event.Value{"message": event.String("Xid 79"), "event.original": event.String("[gpu] Xid 79")}, false},
		{"no match", func(c *Config) { c.Patterns = []string{`^%{IP:ip} `} }, "not an ip",
			map[string]event.Value{"message": event.String("not an ip")}, true},
		{"match with only empty captures", func(c *Config) { c.Patterns = []string{`^(?:%{WORD:w})?$`} }, "",
			map[string]event.Value{}, false},
	}
	for _, tc := range cases {
		p := proctest.New(t, Factory, tc.cfg)
		out := proctest.One(t, p, proctest.Lines(tc.line)[0])
		for k, want := range tc.want {
			if got, _ := out.Get(k); !got.Equal(want) {
				t.Errorf("%s: %s = %#v, want %#v", tc.name, k, got.Any(), want.Any())
			}
		}
		if out.HasTag("_grok_failure") != tc.fail {
			t.Errorf("%s: tags %v", tc.name, out.Tags())
		}
	}
}

func TestBadPatterns(t *testing.T) {
	t.Parallel()
	for i, f := range []func(*Config){
		func(c *Config) { c.Patterns = []string{`%{NO_SUCH_PATTERN:x}`} },
		func(c *Config) { c.Patterns = []string{`%{WORD:x} (`} },
		func(c *Config) { c.Patterns = nil },
		func(c *Config) { c.Patterns, c.PatternSet = []string{`%{WORD}`}, "v7" },
		func(c *Config) { c.Patterns, c.PatternDefinitions = []string{`%{WORD}`}, []Definition{{Name: "X"}} },
	} {
		if _, err := proctest.Create(t, Factory, f); err == nil {
			t.Errorf("case %d: expected an error at load", i)
		}
	}
}

func FuzzGrok(f *testing.F) {
	for _, s := range proctest.Seeds(f) {
		f.Add(s)
	}
	f.Add(apacheLine)
	f.Add("WARNING 11-27 12:00:01 scheduler.py:1089] x")
	p := proctest.New(f, Factory, func(c *Config) {
		c.Patterns = []string{`%{COMBINEDAPACHELOG}`, `%{LOGLEVEL:log.level} %{GREEDYDATA:rest}`}
	})
	f.Fuzz(func(t *testing.T, line string) {
		out := proctest.Run(t, p, proctest.Lines(line)...)
		if len(out) != 1 {
			t.Fatalf("lost the line")
		}
	})
}

const benchLine = "INFO 11-27 12:00:01 metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Running: 3 reqs"

// BenchmarkGrok matches the same line and fields as the dissect benchmark, with go-grok and with
// a hand-written Go regexp of the same shape, to show what grok's pattern expansion costs.
func BenchmarkGrok(b *testing.B) {
	m := &matcher{field: "message"}
	m.groks, _ = compileAll(&Config{PatternSet: "ecs", Patterns: []string{`^%{LOGLEVEL:log.level} %{DATA:ts} %{NOTSPACE:file}:%{INT:line}\] %{GREEDYDATA:msg}$`}})
	ev := event.NewMessage(benchLine, event.New().Meta.Received)
	b.Run("go-grok", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := m.event(ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	re := regexp.MustCompile(`^(?P<level>[A-Za-z]+) (?P<ts>.*?) (?P<file>\S+):(?P<line>[+-]?\d+)\] (?P<msg>.*)$`)
	names := re.SubexpNames()
	b.Run("regexp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sm := re.FindStringSubmatch(benchLine)
			if sm == nil {
				b.Fatal("no match")
			}
			for i := 1; i < len(sm); i++ {
				ev.SetString(names[i], sm[i])
			}
		}
	})
}
