package check

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// TLSCert checks the certificate a server presents: that it verifies, and that it stays valid
// for a while yet, so an expiry is found weeks before Filebeat or Elasticsearch clients fail.
type TLSCert struct {
	Address string `mapstructure:"address"`
	// MinDays is the fewest days the certificate must still be valid.
	MinDays int `mapstructure:"min_days"`
	TLS     TLS `mapstructure:",squash"`
}

// Validate checks the address.
func (c *TLSCert) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		errs = append(errs, fmt.Errorf("address: want host:port, got %q", c.Address))
	}
	if c.MinDays < 0 {
		errs = append(errs, errors.New("min_days: want 0 or more"))
	}
	return errors.Join(append(errs, c.TLS.Validate())...)
}

// Run handshakes and reads the leaf certificate.
func (c *TLSCert) Run(ctx context.Context) (string, error) {
	cfg, err := c.TLS.Config()
	if err != nil {
		return "", err
	}
	if cfg.ServerName == "" {
		cfg.ServerName, _, _ = net.SplitHostPort(c.Address)
	}
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", c.Address)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", errors.New("the server presented no certificate")
	}
	leaf := certs[0]
	days := int(time.Until(leaf.NotAfter).Hours() / 24)
	got := fmt.Sprintf("%s expires %s (%d days)", subject(leaf.Subject.CommonName, leaf.DNSNames),
		leaf.NotAfter.UTC().Format("2006-01-02"), days)
	if days < c.MinDays {
		return "", fmt.Errorf("%s, want at least %d", got, c.MinDays)
	}
	return got, nil
}

func subject(cn string, names []string) string {
	if cn != "" {
		return "CN=" + cn
	}
	return "DNS:" + strings.Join(names, ",")
}
