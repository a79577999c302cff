package logging

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain text, no url", "plain text, no url"},
		{"http://es:9200", "http://es:9200"},
		{"http://elastic:secret@es:9200/_bulk", "http://elastic:xxxxx@es:9200/_bulk"},
		{`hosts ["https://u:p%40ss@a:9200", "https://b:9200"]`, `hosts ["https://u:xxxxx@a:9200", "https://b:9200"]`},
		{"dial https://abcdef123@kibana:5601 failed", "dial https://xxxxx@kibana:5601 failed"},
		{"https://h/p?index=x&token=abc&api_key=k#f", "https://h/p?index=x&token=xxxxx&api_key=xxxxx#f"},
		{"https://h/p?X-Amz-Signature=00ff&a=b", "https://h/p?X-Amz-Signature=xxxxx&a=b"},
		{"user@host.example has no scheme", "user@host.example has no scheme"},
		{"two: http://a:1@x and http://b:2@y", "two: http://a:xxxxx@x and http://b:xxxxx@y"},
		{"http://x/path@notuser", "http://x/path@notuser"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

type hostsConfig struct {
	Hosts    []string      `mapstructure:"hosts"`
	Password string        `mapstructure:"password"`
	Timeout  time.Duration `mapstructure:"timeout"`
	Retry    struct {
		MaxBackoff time.Duration `mapstructure:"max_backoff"`
	} `mapstructure:"retry"`
	internal int //lint:ignore U1000 an unexported field the handler must not print
}

// Every handler sluice makes, JSON or text, writes no credential: not in the message, a string,
// an error, a config or a group; and settings appear under their key names in human units.
func TestHandlerRedacts(t *testing.T) {
	t.Parallel()
	cfg := hostsConfig{Hosts: []string{"http://elastic:s3cret@es:9200"}, Password: "s3cret", Timeout: 90 * time.Second}
	cfg.Retry.MaxBackoff = time.Minute
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		var h slog.Handler = slog.NewJSONHandler(&buf, nil)
		if format == "text" {
			h = slog.NewTextHandler(&buf, nil)
		}
		log := slog.New(NewHandler(h)).With("url", "https://u:s3cret@k:5601")
		log.Info("connect http://a:s3cret@b", "error", errors.New("get http://a:s3cret@b: refused"),
			"config", Config(&cfg), slog.Group("g", "u", "http://x?token=s3cret"),
			"hosts", []string{"http://a:s3cret@b"},
			// Logged raw, a settings struct is rendered as Config renders it; any other value
			// holding a credential is logged as redacted text.
			"raw", cfg, "map", map[string]any{"u": "http://a:s3cret@b"})
		out := buf.String()
		if strings.Contains(out, "s3cret") {
			t.Errorf("%s: secret in log line: %s", format, out)
		}
		for _, want := range []string{"hosts", "max_backoff", "1m0s", "1m30s", "timeout"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q missing from %s", format, want, out)
			}
		}
		if strings.Contains(out, "MaxBackoff") || strings.Contains(out, "90000000000") || strings.Contains(out, "internal") {
			t.Errorf("%s: Go names or raw nanoseconds in %s", format, out)
		}
	}
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	l := &Limiter{Burst: 2, Every: time.Minute, Now: func() time.Time { return now }}
	var written, suppressed int
	for range 100 {
		if ok, _ := l.Allow("bad frame"); ok {
			written++
		}
	}
	if ok, _ := l.Allow("other key"); !ok {
		t.Error("a different key is throttled by the first")
	}
	if written != 2 {
		t.Fatalf("written %d in one window, want 2", written)
	}
	now = now.Add(time.Minute)
	ok, suppressed := l.Allow("bad frame")
	if !ok || suppressed != 98 {
		t.Fatalf("next window: ok=%v suppressed=%d, want true 98", ok, suppressed)
	}
	// Distinct keys cannot grow the limiter without bound.
	for i := range 3 * maxLimitKeys {
		l.Allow(strings.Repeat("k", i%7) + string(rune(i)))
	}
	if n := len(l.seen); n > maxLimitKeys {
		t.Fatalf("limiter holds %d keys", n)
	}
}
