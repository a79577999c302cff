package elasticsearch

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	es "github.com/elastic/go-elasticsearch/v8"
)

// NewClient builds an Elasticsearch client from the connection part of the config (hosts,
// credentials, TLS). `sluice setup` and `sluice dlq replay` use it too, so every command
// connects the same way. The client does not retry on its own: the output retries per item.
func NewClient(c *Config, log *slog.Logger) (*es.Client, error) {
	user, pass, apiKey, bearer, err := c.credentials()
	if err != nil {
		return nil, err
	}
	tr, err := newTransport(&c.TLS, c.Timeout)
	if err != nil {
		return nil, err
	}
	if c.TLS.InsecureSkipVerify && log != nil {
		log.Warn("elasticsearch: TLS certificate verification is disabled (tls.insecure_skip_verify)")
	}
	cfg := es.Config{
		Addresses:              c.Hosts,
		Username:               user,
		Password:               pass.Value(),
		APIKey:                 apiKey.Value(),
		ServiceToken:           bearer.Value(),
		CertificateFingerprint: strings.ReplaceAll(c.TLS.CAFingerprint, ":", ""),
		DisableRetry:           true,
		Transport:              tr,
	}
	if c.TLS.CAFile != "" {
		if cfg.CACert, err = os.ReadFile(c.TLS.CAFile); err != nil {
			return nil, fmt.Errorf("elasticsearch: read tls.ca_file: %w", err)
		}
	}
	client, err := es.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: client: %w", err)
	}
	return client, nil
}

func newTransport(t *TLSConfig, timeout time.Duration) (*http.Transport, error) {
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // opt-in, warned about at start
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch: load tls.cert_file/key_file: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch: read tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("elasticsearch: tls.ca_file %s: no PEM certificate", t.CAFile)
		}
		tc.RootCAs = pool
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     false,
	}, nil
}
