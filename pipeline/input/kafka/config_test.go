package kafka

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

func validConfig() *Config {
	c := NewConfig()
	c.Brokers = []string{"kafka-0:9092"}
	c.Topics = []string{"logs"}
	c.GroupID = "sluice"
	return c
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // substrings of the error; none means valid
	}{
		{"valid", func(*Config) {}, nil},
		{"defaults need brokers topics group", func(c *Config) { *c = *NewConfig() },
			[]string{"brokers: at least one", "topics: at least one", "group_id: required"}},
		{"comma-separated brokers", func(c *Config) { c.Brokers = []string{"k0:9092, k1:9092", "k2:9092"} }, nil},
		{"bad broker in a list", func(c *Config) { c.Brokers = []string{"k0:9092,k1"} }, []string{"brokers[0]:"}},
		{"bad broker and empty topic", func(c *Config) { c.Brokers = []string{"kafka"}; c.Topics = []string{""} },
			[]string{"brokers[0]:", "topics[0]: empty"}},
		{"start offset", func(c *Config) { c.StartOffset = "beginning" }, []string{`start_offset: must be "earliest" or "latest"`}},
		{"on rejected", func(c *Config) { c.OnRejected = "drop" }, []string{"on_rejected: must be"}},
		{"zero limits", func(c *Config) { c.BatchSize = 0; c.MaxWait = 0; c.MaxPending = -1; c.CommitTimeout = 0 },
			[]string{"batch_size: must be positive", "max_wait: must be positive", "max_pending: must be positive", "commit_timeout: must be positive"}},
		{"batch over max pending", func(c *Config) { c.BatchSize = 100; c.MaxPending = 10 }, []string{"batch_size: larger than max_pending"}},
		{"min over max bytes", func(c *Config) { c.MinBytes = 2 << 20; c.MaxBytes = 1 << 20 }, []string{"min_bytes: larger"}},
		{"short session", func(c *Config) { c.SessionTimeout = time.Second }, []string{"session_timeout: at least 6s"}},
		{"tls files without tls", func(c *Config) { c.TLS.CAFile = "ca.pem" }, []string{"tls.enabled"}},
		{"cert without key", func(c *Config) { c.TLS = TLSConfig{Enabled: true, Client: tlsconfig.Client{CertFile: "c.pem"}} }, []string{"tls.cert_file: cert_file and key_file"}},
		{"sasl", func(c *Config) { c.SASL = SASLConfig{Mechanism: "scram-sha-512", Username: "u"} }, []string{`sasl.mechanism: must be "plain"`}},
		{"sasl without user", func(c *Config) { c.SASL = SASLConfig{Mechanism: "plain"} }, []string{"sasl.username: required"}},
		{"user without sasl", func(c *Config) { c.SASL = SASLConfig{Username: "u"} }, []string{"sasl.mechanism: username set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfig()
			tt.mutate(c)
			pipelinetest.WantErrors(t, c.Validate(), tt.want...)
		})
	}
}

// SASL PLAIN without TLS is valid (the brokers accept it) but sends the password as is: warned.
func TestWarnings(t *testing.T) {
	t.Parallel()
	c := validConfig()
	c.SASL = SASLConfig{Mechanism: MechanismPlain, Username: "u", Password: "p"}
	if w := c.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "sasl.mechanism: plain without tls.enabled") {
		t.Errorf("warnings %q", w)
	}
	c.TLS.Enabled = true
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("plain over tls: warnings %q", w)
	}
}

// TLS files are read at startup: a missing or bad CA fails New, not the first connection.
func TestBrokersSplitsLists(t *testing.T) {
	t.Parallel()
	c := validConfig()
	c.Brokers = []string{"k0:9092, k1:9092", "k2:9092"}
	if got := strings.Join(c.brokers(), " "); got != "k0:9092 k1:9092 k2:9092" {
		t.Errorf("brokers %q", got)
	}
}

func TestNewLoadsTLSFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ca, want string
	}{
		{"missing ca", "testdata/missing.pem", "kafka: tls.ca_file: open testdata/missing.pem"},
		{"not pem", "testdata/SOURCE.md", "no PEM certificate"},
		{"ok", "testdata/ca.pem", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := validConfig()
			c.TLS = TLSConfig{Enabled: true, Client: tlsconfig.Client{CAFile: tt.ca, ServerName: "kafka.example.com"}}
			in, err := New(pipelinetest.Settings(t, "kafka"), c)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if in.dialer.TLS == nil || in.dialer.TLS.RootCAs == nil || in.dialer.TLS.ServerName != "kafka.example.com" {
					t.Fatalf("dialer tls %+v", in.dialer.TLS)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}
