package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// Base is the configuration every connection starts from: the one place that says which
// protocol versions sluice accepts. Callers that build a tls.Config from other sources (a
// kubeconfig's inline certificates) start here too.
func Base(minVersion string) *tls.Config {
	return &tls.Config{MinVersion: version(minVersion)}
}

func version(v string) uint16 {
	if v == Version13 {
		return tls.VersionTLS13
	}
	return tls.VersionTLS12
}

// Config reads the files and builds the client's tls.Config. An error names the key and the
// file, so a missing or wrong file fails startup with what to fix.
func (c *Client) Config() (*tls.Config, error) {
	t := Base(c.MinVersion)
	t.ServerName = c.ServerName
	t.InsecureSkipVerify = c.InsecureSkipVerify //nolint:gosec // opt-in, flagged by Warnings
	if c.CAFile != "" {
		pool, err := LoadPool("ca_file", c.CAFile)
		if err != nil {
			return nil, err
		}
		t.RootCAs = pool
	}
	if c.CertFile != "" {
		cert, err := loadPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, err
		}
		t.Certificates = []tls.Certificate{cert}
	}
	return t, nil
}

// LoadPool reads a PEM bundle of CA certificates for the setting key. A file that holds no
// certificate (a key, an empty file, DER) is an error: trusting nothing would fail every
// handshake later with a message that does not name the file, and trusting the system's roots
// instead would trust more than the user asked.
func LoadPool(key, path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tls.%s: %w", key, err)
	}
	pool, err := Pool(path, pem)
	if err != nil {
		return nil, fmt.Errorf("tls.%s: %w", key, err)
	}
	return pool, nil
}

// Pool is LoadPool for PEM already read (a kubeconfig's inline data); name says where it came
// from in the error.
func Pool(name string, pem []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", name)
	}
	return pool, nil
}

func loadPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls.cert_file %s, key_file %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}
