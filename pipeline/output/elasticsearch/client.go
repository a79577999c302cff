package elasticsearch

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	es "github.com/elastic/go-elasticsearch/v8"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// NewClient builds an Elasticsearch client from the connection part of the config (hosts,
// credentials, TLS). `sluice setup` and `sluice dlq replay` use it too, so every command
// connects the same way. The client does not retry on its own: the output retries per item.
func NewClient(c *Config, log *slog.Logger) (*es.Client, error) {
	user, pass, apiKey, bearer, err := c.credentials()
	if err != nil {
		return nil, err
	}
	tr, err := newTransport(&c.TLS.Client, c.Timeout)
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
	client, err := es.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: client: %w", err)
	}
	return client, nil
}

// newTransport is the HTTP transport of every connection to the cluster; the TLS settings are
// read here, so a missing or wrong file fails startup.
func newTransport(t *tlsconfig.Client, timeout time.Duration) (*http.Transport, error) {
	tc, err := t.Config()
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %w", err)
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
