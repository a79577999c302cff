package beats

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// Config is the beats input's configuration. The defaults suit Filebeat 7.17 with
// output.logstash and its defaults (bulk_max_size 2048, compression_level 3, timeout 30s,
// pipelining 2), so that pointing Filebeat at sluice is the whole migration.
type Config struct {
	// Address is the host:port to listen on (Logstash's beats input uses port 5044).
	Address string `mapstructure:"address"`
	// TLS enables TLS and, with a client CA, mutual TLS. Certificate files are read again when
	// they change on disk, so that cert-manager rotations apply without a restart.
	TLS tlsconfig.Server `mapstructure:"tls"`
	// MaxConnections caps concurrent clients; past it new connections are closed at once and
	// counted, so one misbehaving fleet cannot exhaust file descriptors.
	MaxConnections int `mapstructure:"max_connections"`
	// MaxWindowSize is the most events a client may announce in one window. Filebeat sends at
	// most bulk_max_size (default 2048); a larger announcement is refused before allocating.
	MaxWindowSize int `mapstructure:"max_window_size"`
	// MaxFrameSize is the most bytes of one event (one JSON frame). Filebeat's max_bytes for a
	// line defaults to 10 MiB; metadata adds a few KB.
	MaxFrameSize pipeline.ByteSize `mapstructure:"max_frame_size"`
	// MaxWindowBytes caps the decompressed bytes of one window, and so the memory a window can
	// take and the reach of a decompression bomb.
	MaxWindowBytes pipeline.ByteSize `mapstructure:"max_window_bytes"`
	// PendingWindows is how many windows of one connection may wait for their ack at once.
	// Filebeat pipelines 2 by default; reading stops (TCP backpressure) past this number.
	PendingWindows int `mapstructure:"pending_windows"`
	// MaxPendingEvents bounds the events all connections hold at once, read and not yet
	// acknowledged: a window waits, compressed in the socket, until its events fit. This is
	// what bounds the input's memory however many Filebeats connect.
	MaxPendingEvents int `mapstructure:"max_pending_events"`
	// IdleTimeout closes a connection that sends nothing while none of its windows is pending
	// (Logstash's client_inactivity_timeout). Filebeat reconnects when it has data again.
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`
	// ReadTimeout bounds the time to receive one whole window once its header arrived.
	ReadTimeout time.Duration `mapstructure:"read_timeout"`
	// WriteTimeout bounds writing one ACK frame.
	WriteTimeout time.Duration `mapstructure:"write_timeout"`
	// KeepaliveInterval is how often a pending window is answered with a keepalive ACK so that
	// Filebeat (timeout 30s by default) does not give up and resend while the output is slow.
	KeepaliveInterval time.Duration `mapstructure:"keepalive_interval"`
	// EventOriginal says what to do with an event.original field Filebeat sent: "keep" it, or
	// "drop" it (it repeats message and doubles the storage of every line).
	EventOriginal string `mapstructure:"event_original"`
}

// Options for event_original.
const (
	OriginalKeep = "keep"
	OriginalDrop = "drop"
)

// NewConfig returns the defaults.
func NewConfig() *Config {
	return &Config{
		Address:           "0.0.0.0:5044",
		MaxConnections:    2000,
		MaxWindowSize:     16384,
		MaxFrameSize:      16 << 20,
		MaxWindowBytes:    128 << 20,
		PendingWindows:    4,
		MaxPendingEvents:  8192,
		IdleTimeout:       5 * time.Minute,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      10 * time.Second,
		KeepaliveInterval: 5 * time.Second,
		EventOriginal:     OriginalKeep,
		TLS:               tlsconfig.Server{MinVersion: tlsconfig.Version12},
	}
}

// Validate reports every problem with its key.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		add("address: %v", err)
	}
	positive := []struct {
		name string
		v    int64
	}{
		{"max_connections", int64(c.MaxConnections)},
		{"max_window_size", int64(c.MaxWindowSize)},
		{"max_frame_size", int64(c.MaxFrameSize)},
		{"max_window_bytes", int64(c.MaxWindowBytes)},
		{"pending_windows", int64(c.PendingWindows)},
		{"max_pending_events", int64(c.MaxPendingEvents)},
		{"idle_timeout", int64(c.IdleTimeout)},
		{"read_timeout", int64(c.ReadTimeout)},
		{"write_timeout", int64(c.WriteTimeout)},
		{"keepalive_interval", int64(c.KeepaliveInterval)},
	}
	for _, p := range positive {
		if p.v <= 0 {
			add("%s: must be positive", p.name)
		}
	}
	if c.MaxFrameSize > c.MaxWindowBytes && c.MaxWindowBytes > 0 {
		add("max_frame_size: larger than max_window_bytes (%s)", c.MaxWindowBytes)
	}
	if c.MaxWindowBytes > 1<<31 {
		add("max_window_bytes: at most 2 GiB")
	}
	if c.KeepaliveInterval >= 30*time.Second {
		add("keepalive_interval: must be under Filebeat's default timeout of 30s")
	}
	if c.EventOriginal != OriginalKeep && c.EventOriginal != OriginalDrop {
		add("event_original: must be %q or %q, not %q", OriginalKeep, OriginalDrop, c.EventOriginal)
	}
	return errors.Join(append(errs, tlsconfig.Under("tls", c.TLS.Validate()))...)
}
