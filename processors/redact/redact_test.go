package redact

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func all() []Pattern {
	var ps []Pattern
	for _, n := range BuiltinNames() {
		ps = append(ps, Pattern{Builtin: n})
	}
	return ps
}

// newRedactor is the redactor a config with these patterns builds.
func newRedactor(tb testing.TB, ps []Pattern) *redactor {
	tb.Helper()
	pats, err := (&Config{Patterns: ps}).compile()
	if err != nil {
		tb.Fatal(err)
	}
	return &redactor{patterns: pats, hints: newHintIndex(pats), applyTo: []string{"message"}}
}

func TestBuiltins(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.Patterns = all() })
	cases := []struct{ in, want string }{
		{"user alice@example.com failed", "user [REDACTED:email] failed"},
		{"from 10.42.0.17:8000", "from [REDACTED:ipv4]:8000"},
		{"peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up", "peer [REDACTED:ipv6] up"},
		{"Authorization: Bearer abc.DEF-123_x=", "Authorization: Bearer [REDACTED:bearer_token]"},
		{"key sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAA used", "key [REDACTED:api_key] used"},
		{"HF token hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "HF token [REDACTED:api_key]"},
		{"aws AKIAIOSFODNN7EXAMPLE", "aws [REDACTED:api_key]"},
		{`password="hunter2" user=bob`, `password="[REDACTED:secret_kv]" user=bob`},
		{"card 4111 1111 1111 1111 ok", "card [REDACTED:credit_card] ok"},
		{"epoch 1732708800123 ms", "epoch 1732708800123 ms"},
		{"jwt eyJhbGciOi.eyJzdWIiOiIx.SflKxwRJSM", "jwt [REDACTED:jwt]"},
		{"INFO 11-27 Avg prompt throughput: 12.5 tokens/s, GPU KV cache usage: 0.5%", "INFO 11-27 Avg prompt throughput: 12.5 tokens/s, GPU KV cache usage: 0.5%"},
	}
	for _, tc := range cases {
		out := proctest.One(t, p, proctest.Lines(tc.in)[0])
		if out.Message() != tc.want {
			t.Errorf("%q\n got %q\nwant %q", tc.in, out.Message(), tc.want)
		}
	}
}

// TestDefaultFieldsHoldTheLine: by default the patterns reach the fields the parsers copy the
// line's text into, not only message: a secret in a parsed line is hidden in all of them.
func TestDefaultFieldsHoldTheLine(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.Patterns = []Pattern{{Builtin: "email"}} })
	ev := proctest.Lines("ERROR 05-12 08:01:39 [serving.py:12] user alice@example.com refused")[0]
	ev.SetString("log.message", "user alice@example.com refused")
	ev.SetString("error.message", "user alice@example.com refused")
	ev.SetString("error.stack_trace", "ValueError: user alice@example.com refused")
	out := proctest.One(t, p, ev)
	for _, f := range []string{"message", "log.message", "error.message", "error.stack_trace"} {
		if s, _ := out.GetString(f); strings.Contains(s, "alice@") {
			t.Errorf("%s keeps the address: %q", f, s)
		}
	}
}

func TestFieldsAndHash(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) {
		c.Fields = []string{"http.request.headers.authorization"}
		c.Patterns = []Pattern{{Name: "tenant", Regex: `tenant-\d+`}}
		c.Mode = "hash"
	})
	ev := proctest.Lines("request from tenant-42")[0]
	ev.SetString("http.request.headers.authorization", "Basic Zm9vOmJhcg==")
	out := proctest.One(t, p, ev)
	if got := out.Message(); got != "request from tenant:"+hashOf("tenant-42") {
		t.Errorf("message %q", got)
	}
	if got := proctest.Str(out, "http.request.headers.authorization"); got != "field:"+hashOf("Basic Zm9vOmJhcg==") {
		t.Errorf("field %q", got)
	}
}

func hashOf(s string) string { return (&redactor{hash: true}).replacement("", s)[1:] }

func TestCustomPrefixHint(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.Patterns = []Pattern{{Name: "node", Regex: `Node-\d+`}} })
	out := proctest.Run(t, p, proctest.Lines("on Node-12 now", "on node-12 now")...)
	if out[0].Message() != "on [REDACTED:node] now" || out[1].Message() != "on node-12 now" {
		t.Errorf("got %q, %q", out[0].Message(), out[1].Message())
	}
}

// TestCustomPrefixHintFoldsASCII: a custom pattern's literal prefix is folded as the scan folds
// text, ASCII only. Lower-cased by Unicode rules ("É" to "é"), it was never found in a text
// holding "É", and the expression never ran.
func TestCustomPrefixHintFoldsASCII(t *testing.T) {
	t.Parallel()
	r := newRedactor(t, []Pattern{{Name: "node", Regex: `ÉNODE-\d+`}})
	if got := r.Text("on ÉNODE-12 now"); got != "on [REDACTED:node] now" {
		t.Errorf("got %q", got)
	}
}

func TestHintScan(t *testing.T) {
	t.Parallel()
	if got := fold("Authorization: BEARER x É"); got != "authorization: bearer x É" {
		t.Errorf("fold: %q", got)
	}
	// email, bearer_token, api_key, secret_kv, a custom pattern with no literal prefix.
	r := newRedactor(t, []Pattern{{Builtin: "email"}, {Builtin: "bearer_token"}, {Builtin: "api_key"},
		{Builtin: "secret_kv"}, {Regex: `\d{3}-\d{4}`}})
	for s, want := range map[string]uint64{
		"no keys here":                       0b10000,
		"xAKIAy":                             0b10100,
		"a@b BEARER c":                       0b10011,
		"Avg prompt throughput: 12 tokens/s": 0b10000,
		"API_KEY : x and GHS_ and ann@x":     0b11101,
		"":                                   0b10000,
	} {
		if got := r.hints.scan(s); got != want {
			t.Errorf("scan(%q) = %05b, want %05b", s, got, want)
		}
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	bad := [][]Pattern{{{Builtin: "ssn"}}, {{Regex: "("}}, {{}}, {{Builtin: "email", Regex: "x"}}}
	for _, ps := range bad {
		if _, err := proctest.Create(t, Factory, func(c *Config) { c.Patterns = ps }); err == nil {
			t.Errorf("%+v: expected an error", ps)
		}
	}
}

func BenchmarkRedact(b *testing.B) {
	r := newRedactor(b, all())
	line := `INFO 11-27 12:00:00 api_server.py:600] request from 10.42.0.17 user=alice@example.com completed in 120ms`
	b.ReportAllocs()
	for b.Loop() {
		r.Text(line)
	}
}

func FuzzRedact(f *testing.F) {
	for _, s := range proctest.Seeds(f) {
		f.Add(s)
	}
	f.Add("user alice@example.com Authorization: Bearer abc password=x 4111 1111 1111 1111")
	f.Add("AKIAIOSFODNN7EXAMPLE 10.0.0.1 ::1 eyJa.eyJb.c")
	r := newRedactor(f, all())
	f.Fuzz(func(t *testing.T, s string) {
		out := r.Text(s)
		if out != s && !strings.Contains(out, "[REDACTED:") {
			t.Fatalf("changed without a marker: %q -> %q", s, out)
		}
	})
}

func TestSecretHint(t *testing.T) {
	t.Parallel()
	r := newRedactor(t, []Pattern{{Builtin: "secret_kv"}})
	for s, want := range map[string]bool{
		"Avg prompt throughput: 12 tokens/s": false,
		"token=abc":                          true,
		"API_KEY : x":                        true,
		"the secret sauce":                   false,
		"password\t= hunter2":                true,
		"tokens=3":                           false,
		"=token":                             false,
	} {
		if got := r.hints.scan(s) != 0; got != want {
			t.Errorf("secret_kv hinted by %q: %v, want %v", s, got, want)
		}
	}
}

// scanByHint is the hint scan as it was first written: the text folded, then searched once per
// hint, and once per secret key for secret_kv (lower is the folded text). The one-pass scan
// must agree with it.
func scanByHint(pats []compiled, lower []byte) uint64 {
	var found uint64
	for k, p := range pats {
		switch {
		case p.isSecretKV():
			if secretHintByKey(lower) {
				found |= 1 << k
			}
		case len(p.hints) == 0:
			found |= 1 << k
		default:
			for _, h := range p.hints {
				if bytes.Contains(lower, []byte(h)) {
					found |= 1 << k
				}
			}
		}
	}
	return found
}

// secretHintByKey reports whether a secret key is followed (spaces aside) by = or :, searching
// for each key in turn.
func secretHintByKey(lower []byte) bool {
	for _, k := range secretKeys {
		for rest := lower; ; {
			i := bytes.Index(rest, []byte(k))
			if i < 0 {
				break
			}
			after := bytes.TrimLeft(rest[i+len(k):], " \t")
			if len(after) > 0 && (after[0] == '=' || after[0] == ':') {
				return true
			}
			rest = rest[i+1:]
		}
	}
	return false
}

// FuzzHintScan holds the one-pass scan to the search per hint, for every built-in pattern and
// a custom one whose prefix starts with a separator.
func FuzzHintScan(f *testing.F) {
	for _, s := range []string{"token=abc", "API_KEY : x", "tokens=3", "password\t= hunter2", "secret", "x:token :", "apikey\t\t:",
		"Avg prompt throughput: 12 tokens/s, Running: 3 reqs", "access-key=", "passwdpassword =1",
		"a@b Bearer eyJx sk-1 HF_ akia ghp_ gho_ ghu_ ghs_ ghr_ xoxb", ":Port 1", "É:port"} {
		f.Add(s)
	}
	r := newRedactor(f, append(all(), Pattern{Regex: `:port \d+`}, Pattern{Regex: `(?i)x\d`}))
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := r.hints.scan(s), scanByHint(r.patterns, []byte(fold(s))); got != want {
			t.Fatalf("scan(%q) = %b, the search per hint says %b", s, got, want)
		}
	})
}

// The instance a tap upstream of redact applies ignores the condition and searches every text
// field: the processors in between may set what the condition reads or move the text into
// apply_to. The configured processor is unchanged.
func TestTapConfigHidesAtLeastAsMuch(t *testing.T) {
	t.Parallel()
	configure := func(c *Config) {
		c.If = `event.dataset == "vllm.request"`
		c.Patterns = []Pattern{{Builtin: "email"}}
	}
	ev := func() *event.Event {
		e := proctest.Lines("from ann@example.com")[0]
		e.SetString("user.note", "cc bob@example.com")
		return e
	}
	plain := proctest.One(t, proctest.New(t, Factory, configure), ev())
	if plain.Message() != "from ann@example.com" {
		t.Errorf("the condition is false, yet the message changed: %q", plain.Message())
	}
	tapCfg := NewConfig()
	configure(tapCfg)
	set, _, _ := proctest.Settings(t, "redact")
	tp, err := Factory.Create(set, tapCfg.TapConfig())
	if err != nil {
		t.Fatal(err)
	}
	out := proctest.One(t, tp, ev())
	if out.Message() != "from [REDACTED:email]" || proctest.Str(out, "user.note") != "cc [REDACTED:email]" {
		t.Errorf("tap instance: message %q, user.note %q", out.Message(), proctest.Str(out, "user.note"))
	}
	if tapCfg.If == "" || tapCfg.everywhere {
		t.Error("TapConfig changed the configured processor's config")
	}
}
