package kafka

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// Config is the kafka input's configuration. The defaults suit a log topic fed by Filebeat's
// output.kafka or a node agent: read from the start of the topic for a new group (nothing is
// skipped), small fetch waits so that a quiet topic still flows, and enough messages in flight
// to keep Elasticsearch bulk requests full without holding much memory.
type Config struct {
	// Brokers are the bootstrap brokers, host:port. An entry may hold a comma-separated list,
	// so that one environment variable ("${KAFKA_BROKERS}") can fill it.
	Brokers []string `mapstructure:"brokers"`
	// Topics are read as one consumer group subscription.
	Topics []string `mapstructure:"topics"`
	// GroupID is the consumer group: replicas with the same group share the partitions, and the
	// group's committed offsets are where reading resumes.
	GroupID string `mapstructure:"group_id"`
	// ClientID names the client in the brokers' logs and quotas.
	ClientID string `mapstructure:"client_id"`
	// StartOffset is where a group with no committed offset starts: "earliest" (default, so a
	// new group loses nothing) or "latest".
	StartOffset string `mapstructure:"start_offset"`
	// MinBytes and MaxWait shape fetches: the broker answers once it has MinBytes or MaxWait
	// passed. MaxBytes caps one partition's fetch answer (a single larger record still comes
	// through); it is also about what one partition's reader buffers.
	MinBytes pipeline.ByteSize `mapstructure:"min_bytes"`
	MaxBytes pipeline.ByteSize `mapstructure:"max_bytes"`
	MaxWait  time.Duration     `mapstructure:"max_wait"`
	// BatchSize is the most messages of one partition in one batch; FlushInterval is how long a
	// batch that is not full waits for more messages before it goes.
	BatchSize     int           `mapstructure:"batch_size"`
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// MaxPending is the most messages read and not yet acknowledged downstream. Past it reading
	// stops until acks come back: memory stays bounded whatever the backlog in Kafka.
	MaxPending int `mapstructure:"max_pending"`
	// CommitTimeout bounds one offset commit; a failed commit is retried every second and on
	// the next ack.
	CommitTimeout time.Duration `mapstructure:"commit_timeout"`
	// RetryBackoff is the pause before reading again from the last committed offsets after a
	// batch came back Retry or the reader failed; it doubles (up to 2 minutes) while restarts
	// in a row commit nothing.
	RetryBackoff time.Duration `mapstructure:"retry_backoff"`
	// SessionTimeout is how long the group waits for a silent member before giving its
	// partitions to the others.
	SessionTimeout time.Duration `mapstructure:"session_timeout"`
	// OnRejected says what a batch that failed permanently (and could not be dead-lettered)
	// does to the offsets: "retry" (default) reads it again, "commit" logs it and moves on.
	OnRejected string `mapstructure:"on_rejected"`
	// DecodeFilebeat decodes values that are Filebeat events in JSON (output.kafka's default
	// codec) into their fields, as the beats input does; other values stay the message.
	DecodeFilebeat bool `mapstructure:"decode_filebeat"`
	// Headers copies record headers into kafka.headers.
	Headers bool `mapstructure:"headers"`
	// TLS and SASL secure the connection to the brokers.
	TLS  TLSConfig  `mapstructure:"tls"`
	SASL SASLConfig `mapstructure:"sasl"`
}

// TLSConfig configures TLS to the brokers: the keys every sluice client shares, and enabled,
// since a broker address says nothing of TLS.
type TLSConfig struct {
	Enabled          bool `mapstructure:"enabled"`
	tlsconfig.Client `mapstructure:",squash"`
}

// SASLConfig configures SASL authentication.
type SASLConfig struct {
	// Mechanism is "" (none) or "plain" (send it over TLS: the password travels as is).
	// SCRAM is not built in: its library is not a dependency of sluice.
	Mechanism string `mapstructure:"mechanism"`
	Username  string `mapstructure:"username"`
	Password  string `mapstructure:"password"`
}

// Options for start_offset, on_rejected and sasl.mechanism.
const (
	StartEarliest = "earliest"
	StartLatest   = "latest"

	RejectedRetry  = "retry"
	RejectedCommit = "commit"

	MechanismPlain = "plain"
)

// NewConfig returns the defaults.
func NewConfig() *Config {
	return &Config{
		ClientID:       "sluice",
		StartOffset:    StartEarliest,
		MinBytes:       1,
		MaxBytes:       1 << 20,
		MaxWait:        500 * time.Millisecond,
		BatchSize:      1024,
		FlushInterval:  200 * time.Millisecond,
		MaxPending:     16384,
		CommitTimeout:  10 * time.Second,
		RetryBackoff:   5 * time.Second,
		SessionTimeout: 30 * time.Second,
		OnRejected:     RejectedRetry,
		DecodeFilebeat: true,
	}
}

// Validate reports every problem with its key.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if len(c.brokers()) == 0 {
		add("brokers: at least one broker is required")
	}
	for i, entry := range c.Brokers {
		for _, b := range strings.Split(entry, ",") {
			if _, _, err := net.SplitHostPort(strings.TrimSpace(b)); err != nil {
				add("brokers[%d]: %v", i, err)
			}
		}
	}
	if len(c.Topics) == 0 {
		add("topics: at least one topic is required")
	}
	for i, t := range c.Topics {
		if t == "" {
			add("topics[%d]: empty", i)
		}
	}
	if c.GroupID == "" {
		add("group_id: required (offsets are committed to the group)")
	}
	if c.StartOffset != StartEarliest && c.StartOffset != StartLatest {
		add("start_offset: must be %q or %q, not %q", StartEarliest, StartLatest, c.StartOffset)
	}
	if c.OnRejected != RejectedRetry && c.OnRejected != RejectedCommit {
		add("on_rejected: must be %q or %q, not %q", RejectedRetry, RejectedCommit, c.OnRejected)
	}
	positive := []struct {
		name string
		v    int64
	}{
		{"min_bytes", int64(c.MinBytes)},
		{"max_bytes", int64(c.MaxBytes)},
		{"max_wait", int64(c.MaxWait)},
		{"batch_size", int64(c.BatchSize)},
		{"flush_interval", int64(c.FlushInterval)},
		{"max_pending", int64(c.MaxPending)},
		{"commit_timeout", int64(c.CommitTimeout)},
		{"retry_backoff", int64(c.RetryBackoff)},
		{"session_timeout", int64(c.SessionTimeout)},
	}
	for _, p := range positive {
		if p.v <= 0 {
			add("%s: must be positive", p.name)
		}
	}
	if c.MinBytes > c.MaxBytes && c.MaxBytes > 0 {
		add("min_bytes: larger than max_bytes (%s)", c.MaxBytes)
	}
	if c.MaxBytes > 1<<30 {
		add("max_bytes: at most 1 GiB")
	}
	if c.BatchSize > c.MaxPending && c.MaxPending > 0 {
		add("batch_size: larger than max_pending (%d)", c.MaxPending)
	}
	if c.SessionTimeout > 0 && c.SessionTimeout < 6*time.Second {
		add("session_timeout: at least 6s (the brokers' default group.min.session.timeout.ms)")
	}
	errs = append(errs, c.TLS.validate(), c.SASL.validate())
	return errors.Join(errs...)
}

// Warnings flags SASL PLAIN without TLS: the brokers accept it, and the password crosses the
// network as is (config.Warner).
func (c *Config) Warnings() []string {
	if c.SASL.Mechanism == MechanismPlain && !c.TLS.Enabled {
		return []string{"sasl.mechanism: plain without tls.enabled sends the password unencrypted"}
	}
	if c.TLS.Enabled {
		return tlsconfig.UnderAll("tls", c.TLS.Client.Warnings())
	}
	return nil
}

// brokers returns the broker addresses, comma-separated entries split.
func (c *Config) brokers() []string {
	var out []string
	for _, entry := range c.Brokers {
		for _, b := range strings.Split(entry, ",") {
			if b = strings.TrimSpace(b); b != "" {
				out = append(out, b)
			}
		}
	}
	return out
}

func (t *TLSConfig) validate() error {
	if !t.Enabled {
		if t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" {
			return errors.New("tls.enabled: certificate files set but tls is not enabled")
		}
		return nil
	}
	return tlsconfig.Under("tls", t.Client.Validate())
}

func (s *SASLConfig) validate() error {
	switch s.Mechanism {
	case "":
		if s.Username != "" || s.Password != "" {
			return errors.New("sasl.mechanism: username set but no mechanism")
		}
		return nil
	case MechanismPlain:
		if s.Username == "" {
			return errors.New("sasl.username: required with a mechanism")
		}
		return nil
	}
	return fmt.Errorf("sasl.mechanism: must be %q (or empty), not %q", MechanismPlain, s.Mechanism)
}
