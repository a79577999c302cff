package elasticsearch

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/output/sender"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// Where documents go (Config.Target).
const (
	// TargetDataStream writes to logs-<dataset>-<namespace> data streams: Elasticsearch manages
	// rollover and retention, and Kibana finds the data without a custom data view.
	TargetDataStream = "data_stream"
	// TargetIndex writes to an index named by a pattern (dates, field references).
	TargetIndex = "index"
	// TargetField writes to the index an event field names, falling back to Index.
	TargetField = "field"
)

// Document id modes (Config.ID).
const (
	// IDDeterministic derives the _id from where the event came from (or its content) and
	// indexes with op_type create, so a replay after a crash or a Filebeat resend is a no-op.
	IDDeterministic = "deterministic"
	// IDAuto lets Elasticsearch assign ids: faster, but a replay duplicates documents.
	IDAuto = "auto"
)

// Secret is a credential. It prints as "[redacted]" however it is formatted or logged, so a
// config dump can never leak it.
type Secret string

// String hides the secret from fmt.
func (Secret) String() string { return "[redacted]" }

// GoString hides the secret from %#v.
func (Secret) GoString() string { return `"[redacted]"` }

// LogValue hides the secret from slog.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalText hides the secret from encoders (JSON, YAML dumps of the config).
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// Value returns the secret itself, for the one place that needs it: the HTTP client.
func (s Secret) Value() string { return string(s) }

// TLSConfig says how to trust the cluster and how to prove who we are: the keys every sluice
// client shares, and the CA fingerprint Elasticsearch prints on first start.
type TLSConfig struct {
	tlsconfig.Client `mapstructure:",squash"`
	// CAFingerprint is the hex SHA-256 of the cluster's CA certificate, as Elasticsearch prints
	// it on first start; an alternative to CAFile.
	CAFingerprint string `mapstructure:"ca_fingerprint"`
}

// DataStreamConfig names data streams the way Elastic's integrations do:
// <type>-<dataset>-<namespace>.
type DataStreamConfig struct {
	// Type is the data stream type: logs.
	Type string `mapstructure:"type"`
	// DatasetField is the event field holding the dataset (event.dataset, set by the parsers).
	DatasetField string `mapstructure:"dataset_field"`
	// DefaultDataset is used when the event has no dataset.
	DefaultDataset string `mapstructure:"default_dataset"`
	// Namespace separates environments or teams (default, prod, team-a is not allowed: no '-').
	Namespace string `mapstructure:"namespace"`
}

// RetryConfig is the pause after the cluster pushes back. Documents refused with 429 or 5xx go
// back to the queue and travel with the next request at once; the output pauses only while
// requests fail as a whole or most of their documents are refused.
type RetryConfig struct {
	// InitialBackoff is the first pause; it doubles, with jitter, up to MaxBackoff while the
	// pushback lasts and ends with the first request that is mostly accepted.
	InitialBackoff time.Duration `mapstructure:"initial_backoff"`
	MaxBackoff     time.Duration `mapstructure:"max_backoff"`
	// MaxAttempts bounds the attempts per document; 0 retries until shutdown, which is what a
	// shipper that must not lose a line wants. Exhausted documents are resolved Retry, so the
	// source sends them again; they are never dropped.
	MaxAttempts int `mapstructure:"max_attempts"`
}

// Config is the elasticsearch output's configuration.
type Config struct {
	// Hosts are the cluster's URLs (http or https); requests are spread over them.
	Hosts []string `mapstructure:"hosts"`

	Username string `mapstructure:"username"`
	Password Secret `mapstructure:"password"`
	// PasswordFile reads the password from a file (a mounted Kubernetes secret).
	PasswordFile string `mapstructure:"password_file"`
	// APIKey is the base64 "id:key" credential Elasticsearch returns as "encoded".
	APIKey     Secret `mapstructure:"api_key"`
	APIKeyFile string `mapstructure:"api_key_file"`
	// BearerToken is a service-account token, sent as "Authorization: Bearer".
	BearerToken     Secret `mapstructure:"bearer_token"`
	BearerTokenFile string `mapstructure:"bearer_token_file"`

	TLS TLSConfig `mapstructure:"tls"`

	// Target is data_stream (default), index or field.
	Target     string           `mapstructure:"target"`
	DataStream DataStreamConfig `mapstructure:"data_stream"`
	// Index is the index pattern for target index, and the fallback for target field:
	// literal text, %{+yyyy.MM.dd} for the event's date, %{[field.name]} for a field's value.
	Index string `mapstructure:"index"`
	// IndexField is the event field that names the index, for target field.
	IndexField string `mapstructure:"index_field"`

	// ID is deterministic (default) or auto.
	ID string `mapstructure:"id"`

	// Compression is gzip (default) or none.
	Compression      string `mapstructure:"compression"`
	CompressionLevel int    `mapstructure:"compression_level"`

	// A bulk request is sent as soon as a worker is free; while every worker is busy it grows
	// until it reaches FlushBytes or FlushCount documents. How long events wait to form a batch
	// is the runtime's flush_interval, the one batching knob.
	FlushBytes pipeline.ByteSize `mapstructure:"flush_bytes"`
	FlushCount int               `mapstructure:"flush_count"`
	// FlushInterval is read only to warn that it does nothing: requests have not waited for it
	// since the sender helper sends whenever a worker is free. Configs written for older
	// versions still load.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// Workers is the most bulk requests in flight at once.
	Workers int `mapstructure:"workers"`
	// Concurrency is adaptive (default: between 1 and Workers requests in flight, fewer when
	// the cluster answers slowly or rejects documents, more while it keeps up) or fixed
	// (always Workers).
	Concurrency string `mapstructure:"concurrency"`
	// MaxInflightBytes bounds the encoded documents held (queued, in flight or waiting to be
	// retried); Deliver blocks when it is reached. This bounds memory during an outage.
	MaxInflightBytes pipeline.ByteSize `mapstructure:"max_inflight_bytes"`
	// Timeout bounds one bulk request.
	Timeout time.Duration `mapstructure:"timeout"`

	Retry RetryConfig `mapstructure:"retry"`

	// DeadLetterIndex, when set, also indexes documents Elasticsearch rejected (mapping and
	// parse errors) into this index with the reason, so they can be searched in Kibana.
	DeadLetterIndex string `mapstructure:"dead_letter_index"`

	// Setup is what `sluice setup` installs (templates, ILM, Kibana objects).
	Setup SetupConfig `mapstructure:"setup"`
}

// NewConfig returns the defaults: a local cluster, data streams, deterministic ids, gzip.
func NewConfig() *Config {
	return &Config{
		Hosts:  []string{"http://127.0.0.1:9200"},
		Target: TargetDataStream,
		DataStream: DataStreamConfig{
			Type: "logs", DatasetField: "event.dataset", DefaultDataset: "sluice", Namespace: "default",
		},
		Index:            "sluice-%{+yyyy.MM.dd}",
		ID:               IDDeterministic,
		Compression:      "gzip",
		CompressionLevel: 1,
		FlushBytes:       5 << 20,
		FlushCount:       1600,
		Workers:          4,
		Concurrency:      sender.Adaptive,
		MaxInflightBytes: 64 << 20,
		Timeout:          90 * time.Second,
		Retry:            RetryConfig{InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second},
		Setup:            defaultSetup(),
	}
}

var (
	dsPartRe  = regexp.MustCompile(`^[a-z0-9_.]+$`)
	indexBad  = `\/*?"<>| ,#:`
	fieldName = regexp.MustCompile(`^[^\s.][^\s]*$`)
)

// Validate reports every problem in the config.
func (c *Config) Validate() error {
	var errs []error
	errs = append(errs, c.validateConnection()...)
	errs = append(errs, c.validateTarget()...)
	errs = append(errs, c.validateTuning()...)
	if err := c.Setup.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *Config) validateTarget() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch c.Target {
	case TargetDataStream:
		ds := c.DataStream
		if !dsPartRe.MatchString(ds.Type) {
			add("data_stream.type: %q must be lowercase letters, digits, '_' or '.'", ds.Type)
		}
		if !dsPartRe.MatchString(ds.Namespace) || len(ds.Namespace) > 100 {
			add("data_stream.namespace: %q must be lowercase letters, digits, '_' or '.' (no '-')", ds.Namespace)
		}
		if sanitizeDataset(ds.DefaultDataset) != ds.DefaultDataset {
			add("data_stream.default_dataset: %q must be lowercase letters, digits, '_' or '.'", ds.DefaultDataset)
		}
		if !fieldName.MatchString(ds.DatasetField) {
			add("data_stream.dataset_field: %q is not a field name", ds.DatasetField)
		}
	case TargetIndex, TargetField:
		if _, err := parsePattern(c.Index); err != nil {
			add("index: %v", err)
		}
		if c.Target == TargetField && !fieldName.MatchString(c.IndexField) {
			add("index_field: %q is not a field name", c.IndexField)
		}
	default:
		add("target: %q is not data_stream, index or field", c.Target)
	}
	return errs
}

func validIndexName(s string) bool {
	return s != "" && s == strings.ToLower(s) && !strings.ContainsAny(s, indexBad) &&
		!strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "_") && !strings.HasPrefix(s, "+") && len(s) <= 255
}

// credentials resolves the secrets, reading *_file settings. It is called once at start-up so
// that a missing file fails the start, not the first request.
func (c *Config) credentials() (user string, pass, apiKey, bearer Secret, err error) {
	read := func(inline Secret, file, what string) (Secret, error) {
		if file == "" {
			return inline, nil
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("elasticsearch: read %s: %w", what, err)
		}
		return Secret(strings.TrimRight(string(b), "\r\n")), nil
	}
	if pass, err = read(c.Password, c.PasswordFile, "password_file"); err != nil {
		return
	}
	if apiKey, err = read(c.APIKey, c.APIKeyFile, "api_key_file"); err != nil {
		return
	}
	bearer, err = read(c.BearerToken, c.BearerTokenFile, "bearer_token_file")
	return c.Username, pass, apiKey, bearer, err
}

// Warnings flags TLS settings that turn certificate checks off, and settings that load but do
// nothing (config.Warner).
func (c *Config) Warnings() []string {
	w := tlsconfig.UnderAll("tls", c.TLS.Client.Warnings())
	w = append(w, tlsconfig.UnderAll("setup.kibana.tls", c.Setup.Kibana.TLS.Warnings())...)
	if c.FlushInterval != 0 {
		w = append(w, "flush_interval: ignored: a bulk request leaves as soon as a worker is free; runtime.flush_interval sets how long events wait to form a batch")
	}
	return w
}

// validateConnection checks hosts, credentials and TLS.
func (c *Config) validateConnection() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if len(c.Hosts) == 0 {
		add("hosts: at least one URL is required")
	}
	for i, h := range c.Hosts {
		u, err := url.Parse(h)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("hosts[%d]: %q is not an http(s) URL", i, h)
		}
	}
	auth := 0
	for _, set := range []bool{c.Password != "" || c.PasswordFile != "", c.APIKey != "" || c.APIKeyFile != "",
		c.BearerToken != "" || c.BearerTokenFile != ""} {
		if set {
			auth++
		}
	}
	if auth > 1 {
		add("password, api_key and bearer_token: choose one way to authenticate")
	}
	if c.Password != "" && c.PasswordFile != "" {
		add("password_file: set either password or password_file")
	}
	if (c.Password != "" || c.PasswordFile != "") && c.Username == "" {
		add("username: required with a password")
	}
	errs = append(errs, tlsconfig.Under("tls", c.TLS.Client.Validate()))
	if c.TLS.CAFingerprint != "" && !regexp.MustCompile(`^[0-9a-fA-F:]{64,95}$`).MatchString(c.TLS.CAFingerprint) {
		add("tls.ca_fingerprint: want the hex SHA-256 of the CA certificate")
	}
	return errs
}

// validateTuning checks ids, compression, batching, retry and the dead-letter index.
func (c *Config) validateTuning() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch c.ID {
	case IDDeterministic, IDAuto:
	default:
		add("id: %q is not deterministic or auto", c.ID)
	}
	switch c.Compression {
	case "gzip", "none":
	default:
		add("compression: %q is not gzip or none", c.Compression)
	}
	if c.CompressionLevel < 1 || c.CompressionLevel > 9 {
		add("compression_level: %d is not in 1..9", c.CompressionLevel)
	}
	if c.FlushBytes < 1024 {
		add("flush_bytes: %d is below 1024", c.FlushBytes)
	}
	if c.FlushCount < 1 {
		add("flush_count: must be positive")
	}
	if c.Workers < 1 {
		add("workers: must be at least 1")
	}
	if c.Concurrency != sender.Adaptive && c.Concurrency != sender.Fixed {
		add("concurrency: %q is not adaptive or fixed", c.Concurrency)
	}
	if c.MaxInflightBytes < c.FlushBytes {
		add("max_inflight_bytes: %d is below flush_bytes (%d)", c.MaxInflightBytes, c.FlushBytes)
	}
	if c.Timeout <= 0 {
		add("timeout: must be positive")
	}
	if c.Retry.InitialBackoff <= 0 || c.Retry.MaxBackoff < c.Retry.InitialBackoff {
		add("retry: want 0 < initial_backoff <= max_backoff")
	}
	if c.Retry.MaxAttempts < 0 {
		add("retry.max_attempts: must not be negative")
	}
	if c.DeadLetterIndex != "" && !validIndexName(c.DeadLetterIndex) {
		add("dead_letter_index: %q is not a valid index name", c.DeadLetterIndex)
	}
	return errs
}

// senderConfig is the part of the config the shared output machinery reads.
func (c *Config) senderConfig() sender.Config {
	return sender.Config{
		Workers: c.Workers, Concurrency: c.Concurrency, MaxItems: c.FlushCount, MaxBytes: int(c.FlushBytes),
		MaxHeldBytes: int64(c.MaxInflightBytes), InitialBackoff: c.Retry.InitialBackoff,
		MaxBackoff: c.Retry.MaxBackoff, MaxAttempts: c.Retry.MaxAttempts,
	}
}
