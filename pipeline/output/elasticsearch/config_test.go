package elasticsearch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  map[string]any
		want string // "" means valid
	}{
		{"defaults", nil, ""},
		{"full", map[string]any{"hosts": []any{"https://es:9200"}, "username": "u", "password": "p",
			"flush_bytes": "2MiB", "flush_interval": "2s", "tls": map[string]any{"ca_fingerprint": strings.Repeat("ab", 32)}}, ""},
		{"not a url", map[string]any{"hosts": []any{"es:9200"}}, "hosts[0]"},
		{"two auths", map[string]any{"username": "u", "password": "p", "api_key": "k"}, "choose one"},
		{"password without user", map[string]any{"password_file": "/x"}, "username: required"},
		{"cert without key", map[string]any{"tls": map[string]any{"cert_file": "c.pem"}}, "cert_file and key_file"},
		{"bad fingerprint", map[string]any{"tls": map[string]any{"ca_fingerprint": "xyz"}}, "ca_fingerprint"},
		{"tls key of filebeat", map[string]any{"tls": map[string]any{"certificate": "c.pem"}},
			"outputs.elasticsearch.tls.certificate: unknown key; the setting is now cert_file"},
		{"tls version", map[string]any{"tls": map[string]any{"min_version": "1.1"}}, "tls.min_version"},
		{"kibana cert without key", map[string]any{"setup": map[string]any{"kibana": map[string]any{
			"host": "https://k:5601", "tls": map[string]any{"cert_file": "c.pem"}}}}, "setup.kibana.tls.cert_file"},
		{"namespace with dash", map[string]any{"data_stream": map[string]any{"namespace": "team-a"}}, "namespace"},
		{"bad target", map[string]any{"target": "s3"}, "target"},
		{"bad pattern", map[string]any{"target": "index", "index": "x-%{+QQ}"}, "index:"},
		{"field target needs field", map[string]any{"target": "field"}, "index_field"},
		{"bad compression", map[string]any{"compression": "zstd"}, "compression"},
		{"tiny flush", map[string]any{"flush_bytes": 10}, "flush_bytes"},
		{"inflight below flush", map[string]any{"max_inflight_bytes": "1MiB"}, "max_inflight_bytes"},
		{"backoff order", map[string]any{"retry": map[string]any{"initial_backoff": "2m", "max_backoff": "1m"}}, "retry"},
		{"bad concurrency", map[string]any{"concurrency": "turbo"}, "concurrency"},
		{"bad dlq index", map[string]any{"dead_letter_index": "Bad Index"}, "dead_letter_index"},
		{"unknown key", map[string]any{"bulk_max_size": 10}, "bulk_max_size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := NewConfig()
			err := config.Decode("outputs.elasticsearch", tc.raw, cfg)
			if err == nil {
				err = cfg.Validate()
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestSecretsNeverLogged: credentials do not appear in the logged config, in fmt verbs or in a
// JSON dump, and the ones read from files are used.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("file-pw-S3CRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"inline-pw-S3CRET", "apikey-S3CRET", "bearer-S3CRET", "file-pw-S3CRET"}
	cfgs := []*Config{NewConfig(), NewConfig(), NewConfig()}
	cfgs[0].Username, cfgs[0].Password = "elastic", Secret(secrets[0])
	cfgs[1].APIKey = Secret(secrets[1])
	cfgs[2].BearerToken = Secret(secrets[2])
	withFile := NewConfig()
	withFile.Username, withFile.PasswordFile = "elastic", pwFile
	cfgs = append(cfgs, withFile)
	for i, cfg := range cfgs {
		var logs bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o, err := New(pipeline.Settings{ID: "elasticsearch", Logger: log}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		o.Close(t.Context())
		js, _ := json.Marshal(cfg)
		dump := logs.String() + fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, js)
		if !strings.Contains(logs.String(), "[redacted]") && cfg.PasswordFile == "" {
			t.Errorf("config %d: logged config shows no redaction: %s", i, logs.String())
		}
		for _, s := range secrets {
			if strings.Contains(dump, s) {
				t.Errorf("config %d: secret %q leaked: %s", i, s, dump)
			}
		}
	}
	_, pass, _, _, err := withFile.credentials()
	if err != nil || pass.Value() != "file-pw-S3CRET" {
		t.Errorf("password_file: got %q, %v", pass.Value(), err)
	}
	missing := NewConfig()
	missing.Username, missing.PasswordFile = "u", filepath.Join(dir, "absent")
	if _, err := New(pipeline.Settings{}, missing); err == nil || !strings.Contains(err.Error(), "password_file") {
		t.Errorf("missing password_file: %v", err)
	}
}

// A config written for a version whose requests waited for flush_interval still loads, and is
// told that the key does nothing.
func TestFlushIntervalWarned(t *testing.T) {
	t.Parallel()
	c := NewConfig()
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("default config warned: %v", w)
	}
	c.FlushInterval = time.Second
	if err := c.Validate(); err != nil {
		t.Fatalf("flush_interval made the config invalid: %v", err)
	}
	if w := c.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "flush_interval: ignored") {
		t.Errorf("warnings %v, want one about flush_interval", w)
	}
}
