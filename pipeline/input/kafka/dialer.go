package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl/plain"
)

// newDialer builds the connection settings shared by every connection of the reader. The TLS
// files are read here, when the input is created, so that a missing or bad CA fails startup.
func newDialer(c *Config) (*kafkago.Dialer, error) {
	d := &kafkago.Dialer{ClientID: c.ClientID, Timeout: 10 * time.Second, DualStack: true}
	if c.TLS.Enabled {
		t, err := tlsConfig(c.TLS)
		if err != nil {
			return nil, err
		}
		d.TLS = t
	}
	if c.SASL.Mechanism == MechanismPlain {
		d.SASLMechanism = plain.Mechanism{Username: c.SASL.Username, Password: c.SASL.Password}
	}
	return d, nil
}

func tlsConfig(c TLSConfig) (*tls.Config, error) {
	t := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName,
		InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // opt-in, documented as tests only
	if c.CA != "" {
		pem, err := os.ReadFile(c.CA)
		if err != nil {
			return nil, fmt.Errorf("kafka: tls: read ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kafka: tls: ca %s: no PEM certificate", c.CA)
		}
		t.RootCAs = pool
	}
	if c.Certificate != "" {
		cert, err := tls.LoadX509KeyPair(c.Certificate, c.Key)
		if err != nil {
			return nil, fmt.Errorf("kafka: tls: load certificate %s: %w", c.Certificate, err)
		}
		t.Certificates = []tls.Certificate{cert}
	}
	return t, nil
}
