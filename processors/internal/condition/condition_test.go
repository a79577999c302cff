package condition

import (
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/parser"

	"github.com/sluice-dev/sluice/pipeline/event"
)

func sample() *event.Event {
	ev := event.NewMessage("CUDA error: out of memory", time.Unix(0, 0))
	ev.SetString("log.level", "error")
	ev.SetString("kubernetes.namespace", "inference")
	ev.SetString("kubernetes.pod.name", "vllm-0")
	ev.Set("http.response.status_code", event.Int(503))
	ev.Set("vllm.gpu_cache_usage", event.Float(0.93))
	ev.Set("error.retryable", event.Bool(true))
	ev.AddTag("_grok_failure")
	return ev
}

func TestMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src  string
		want bool
		fast bool
	}{
		{`log.level == "error" && kubernetes.namespace == "inference"`, true, true},
		{`log.level == "error" and kubernetes.namespace == "default"`, false, true},
		{`log.level != "info" || missing.field == "x"`, true, true},
		{`missing.field == nil`, true, true},
		{`missing.field != nil`, false, true},
		{`missing.field == "x"`, false, true},
		{`missing.field > 3`, false, true},
		{`http.response.status_code >= 500`, true, true},
		{`http.response.status_code < 500.5`, false, true},
		{`vllm.gpu_cache_usage > 0.9`, true, true},
		{`vllm.gpu_cache_usage == 1`, false, true},
		{`http.response.status_code in [500, 502, 503]`, true, true},
		{`log.level not in ["debug", "info"]`, true, true},
		{`"_grok_failure" in tags`, true, true},
		{`"_other" in tags`, false, true},
		{`message contains "out of memory"`, true, true},
		{`message startsWith "CUDA"`, true, true},
		{`message endsWith "nope"`, false, true},
		{`message matches "(?i)cuda error"`, true, true},
		{`kubernetes.pod.name matches "^vllm-\\d+$"`, true, true},
		{`!(log.level == "error")`, false, true},
		{`error.retryable`, true, true},
		{`field("log.level") == "error"`, true, true},
		{`field("@timestamp") == nil`, true, true},
		{`http.response.status_code > -1`, true, true},
		{`log.level == "error" ? true : false`, true, false},
		{`lower(message) contains "cuda"`, true, false},
		{`len(tags) == 1`, true, false},
		{`http.response.status_code + 1 == 504`, true, false},
		{`missing.a + 1 == 2`, false, false},
		{`any(tags, {# startsWith "_grok"})`, true, false},
		{`upper(kubernetes.pod.name) == "VLLM-0"`, true, false},
	}
	ev := sample()
	for _, tc := range cases {
		c, err := Compile(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := c.Match(ev); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.src, got, tc.want)
		}
		if tc.fast && !c.Fast() {
			t.Errorf("%s: expected the allocation-free path", tc.src)
		}
		// The VM must agree with the fast path on every expression.
		tree, err := parser.Parse(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := compileVM(tree)
		if err != nil {
			t.Fatalf("%s: vm: %v", tc.src, err)
		}
		vmc := &Condition{src: tc.src, prog: prog}
		if got := vmc.Match(ev); got != tc.want {
			t.Errorf("%s: vm got %v, want %v", tc.src, got, tc.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{`log.level ==`, `message matches "("`, `(a == 1`, `nosuchfn(message)`} {
		if _, err := Compile(src); err == nil {
			t.Errorf("%s: expected a compile error", src)
		}
	}
	// A condition must be true or false: constants, arithmetic, text and fields that are never
	// boolean are refused at load (they used to compile and silently never, or always, match).
	notBool := map[string]string{
		`1 + 1`:                    "gives int, not true or false",
		`lower(message)`:           "gives string, not true or false",
		`message`:                  "message is text",
		`[message]`:                "message is text",
		`tags`:                     "tags is a list",
		`field("@timestamp")`:      "@timestamp is a time",
		`"error"`:                  "is a constant",
		`42`:                       "is a constant",
		`log.level == "x" && 1`:    "1 is a constant",
		`!message`:                 "message is text",
		`log.level == "x" ? 1 : 2`: "1 is a constant",
	}
	for src, want := range notBool {
		if _, err := Compile(src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", src, err, want)
		}
	}
	if c, err := Compile(""); err != nil || c != nil || !c.Match(event.New()) {
		t.Errorf("empty condition must match everything")
	}
}

func TestMatchAllocs(t *testing.T) {
	ev := sample()
	c := MustCompile(`log.level == "error" && kubernetes.namespace in ["inference", "gpu-operator"] && http.response.status_code >= 500`)
	if n := testing.AllocsPerRun(100, func() { c.Match(ev) }); n != 0 {
		t.Fatalf("Match allocates %v times per event", n)
	}
}

func BenchmarkMatch(b *testing.B) {
	ev := sample()
	for _, bc := range []struct{ name, src string }{
		{"fast", `log.level == "error" && kubernetes.namespace == "inference"`},
		{"fast_in_tags", `"_grok_failure" in tags || http.response.status_code >= 500`},
		{"vm", `lower(log.level) == "error" && kubernetes.namespace == "inference"`},
	} {
		c := MustCompile(bc.src)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Match(ev)
			}
		})
	}
}

func TestLogstashSyntax(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src, translated string
		want            bool
	}{
		{`[log][level] == "error" and [kubernetes][namespace] == "inference"`,
			`field("log.level") == "error" and field("kubernetes.namespace") == "inference"`, true},
		{`[message] =~ /CUDA error: (out of memory|illegal)/`, "field(\"message\")  matches  `CUDA error: (out of memory|illegal)`", true},
		{`[message] !~ /^INFO/`, "field(\"message\")  not matches  `^INFO`", true},
		{`"_grok_failure" in [tags]`, `"_grok_failure" in field("tags")`, true},
		{`[http][response][status_code] >= 500 && message contains "[x]"`, `field("http.response.status_code") >= 500 && message contains "[x]"`, false},
		{`log.level in ["error", "warn"]`, `log.level in ["error", "warn"]`, true},
		{`kubernetes.pod.name =~ "^vllm-\\d+$"`, `kubernetes.pod.name  matches  "^vllm-\\d+$"`, true},
		{`[@timestamp] == nil`, `field("@timestamp") == nil`, true},
		{`tags[0] == "_grok_failure"`, `tags[0] == "_grok_failure"`, true},
	}
	ev := sample()
	for _, tc := range cases {
		if got := translate(tc.src); got != tc.translated {
			t.Errorf("translate(%s)\n got %s\nwant %s", tc.src, got, tc.translated)
		}
		c, err := Compile(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := c.Match(ev); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.src, got, tc.want)
		}
		if !c.Fast() && !strings.HasPrefix(tc.src, "tags[") {
			t.Errorf("%s: Logstash syntax should run on the allocation-free path", tc.src)
		}
	}
}

// FuzzCompile: any expression either fails to compile or evaluates without panicking, and the
// fast path agrees with the VM.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{`[log][level] =~ /err/ and "x" in tags`, `a.b.c > 3 || !(d in [1, "x"])`,
		`field("@t") == nil`, `message !~ /[/`, `[a][b`, "`x`"} {
		f.Add(s)
	}
	ev := sample()
	f.Fuzz(func(t *testing.T, src string) {
		c, err := Compile(src)
		if err != nil || c == nil {
			return
		}
		got := c.Match(ev)
		if c.fast != nil {
			tree, err := parser.Parse(translate(src))
			if err != nil {
				t.Fatalf("fast path compiled what the parser rejects: %q", src)
			}
			// Where the VM gives a result (it fails, for instance, ordering nil against a
			// number, which the fast path reads as false), both must agree.
			if prog, err := compileVM(tree); err == nil {
				if out, err := expr.Run(prog, &env{ev: ev}); err == nil {
					if vm, _ := out.(bool); vm != got {
						t.Fatalf("%q: fast %v, vm %v", src, got, vm)
					}
				}
			}
		}
	})
}
