package beats

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // substrings of the error; none means valid
	}{
		{"defaults", func(*Config) {}, nil},
		{"bad address", func(c *Config) { c.Address = "5044" }, []string{"address:"}},
		{"zero limits", func(c *Config) { c.MaxWindowSize = 0; c.IdleTimeout = 0; c.PendingWindows = -1 },
			[]string{"max_window_size: must be positive", "idle_timeout: must be positive", "pending_windows: must be positive"}},
		{"frame larger than window", func(c *Config) { c.MaxFrameSize = 2 << 20; c.MaxWindowBytes = 1 << 20 }, []string{"max_frame_size: larger"}},
		{"keepalive too slow for filebeat", func(c *Config) { c.KeepaliveInterval = 30 * time.Second }, []string{"keepalive_interval"}},
		{"event_original", func(c *Config) { c.EventOriginal = "remove" }, []string{`event_original: must be "keep" or "drop"`}},
		{"tls without files", func(c *Config) { c.TLS.Enabled = true }, []string{"tls.cert_file: required", "tls.key_file: required"}},
		{"files without tls", func(c *Config) { c.TLS.CertFile = "a.crt" }, []string{"tls.enabled"}},
		{"allowed names need mtls", func(c *Config) {
			c.TLS = tlsconfig.Server{Enabled: true, CertFile: "a", KeyFile: "b", AllowedNames: []string{"x"}}
		}, []string{"tls.allowed_names: needs client_ca_file"}},
		{"bad client auth", func(c *Config) {
			c.TLS = tlsconfig.Server{Enabled: true, CertFile: "a", KeyFile: "b", ClientCAFile: "c", ClientAuth: "maybe", MinVersion: "1.0"}
		}, []string{"tls.client_auth: must be", "tls.min_version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := NewConfig()
			tt.mutate(c)
			pipelinetest.WantErrors(t, c.Validate(), tt.want...)
		})
	}
}

func TestNewFailsAtStartup(t *testing.T) {
	t.Parallel()
	h := start(t, nil)
	c := NewConfig()
	c.Address = h.addr // in use
	if _, err := New(defaultSettings(t), c); err == nil || !strings.Contains(err.Error(), "beats: listen") {
		t.Errorf("port in use: %v", err)
	}
	c = NewConfig()
	c.Address = "127.0.0.1:0"
	c.TLS = tlsconfig.Server{Enabled: true, CertFile: "testdata/missing.crt", KeyFile: "testdata/missing.key"}
	if _, err := New(defaultSettings(t), c); err == nil || !strings.Contains(err.Error(), "missing.crt") {
		t.Errorf("missing certificate: %v", err)
	}
}
