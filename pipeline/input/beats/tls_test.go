package beats

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// testCA issues certificates for the TLS tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns PEM certificate and key for cn (and DNS names), usable by servers and clients.
func (ca *testCA) issue(t *testing.T, cn string, dns ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, DNSNames: dns,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

func writeFile(t *testing.T, path string, data []byte, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

type tlsFiles struct{ cert, key, ca string }

func serverFiles(t *testing.T, ca *testCA, cn string) tlsFiles {
	dir := t.TempDir()
	f := tlsFiles{filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"), filepath.Join(dir, "ca.crt")}
	c, k := ca.issue(t, cn)
	now := time.Now()
	writeFile(t, f.cert, c, now)
	writeFile(t, f.key, k, now)
	writeFile(t, f.ca, ca.pem, now)
	return f
}

func tlsDial(t *testing.T, addr string, cfg *tls.Config) (*lumber.SyncClient, *tls.Conn, error) {
	t.Helper()
	var tc *tls.Conn
	cl, err := lumber.SyncDialWith(func(network, a string) (net.Conn, error) {
		c, err := tls.Dial(network, a, cfg)
		tc = c
		return c, err
	}, addr, lumber.Timeout(10*time.Second))
	if err == nil {
		t.Cleanup(func() { _ = cl.Close() })
	}
	return cl, tc, err
}

func clientTLS(t *testing.T, serverCA *testCA, client *testCA, cn string, dns ...string) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(serverCA.cert)
	cfg := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	if client != nil {
		c, k := client.issue(t, cn, dns...)
		pair, err := tls.X509KeyPair(c, k)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg
}

func TestTLS(t *testing.T) {
	t.Parallel()
	ca, other := newTestCA(t, "cluster-ca"), newTestCA(t, "other-ca")
	tests := []struct {
		name       string
		mtls       string // "", required, optional
		allowed    []string
		clientCA   *testCA
		clientCN   string
		clientDNS  []string
		wantClient string // name Stats reports; "" with wantRefused
		wantRefuse string
	}{
		{name: "server tls only"},
		{name: "mtls", mtls: ClientAuthRequired, clientCA: ca, clientCN: "gpu-node-1", wantClient: "gpu-node-1"},
		{name: "mtls without client cert", mtls: ClientAuthRequired, wantRefuse: "tls_handshake"},
		{name: "mtls with foreign ca", mtls: ClientAuthRequired, clientCA: other, clientCN: "gpu-node-1", wantRefuse: "tls_handshake"},
		{name: "optional without cert", mtls: ClientAuthOptional},
		{name: "allowed by wildcard san", mtls: ClientAuthRequired, allowed: []string{"*.gpu.internal"}, clientCA: ca,
			clientCN: "filebeat", clientDNS: []string{"node7.gpu.internal"}, wantClient: "filebeat"},
		{name: "allowed by cn", mtls: ClientAuthRequired, allowed: []string{"Filebeat-GPU"}, clientCA: ca,
			clientCN: "filebeat-gpu", wantClient: "filebeat-gpu"},
		{name: "name not allowed", mtls: ClientAuthRequired, allowed: []string{"*.gpu.internal"}, clientCA: ca,
			clientCN: "laptop", clientDNS: []string{"a.b.gpu.internal"}, wantRefuse: "client_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := serverFiles(t, ca, "sluice")
			h := start(t, func(c *Config) {
				c.TLS = TLSConfig{Enabled: true, Certificate: f.cert, Key: f.key, ClientAuth: tt.mtls, AllowedNames: tt.allowed}
				if tt.mtls != "" {
					c.TLS.ClientCA = f.ca
				}
			})
			cl, _, err := tlsDial(t, h.addr, clientTLS(t, ca, tt.clientCA, tt.clientCN, tt.clientDNS...))
			if err == nil {
				errc := make(chan error, 1)
				go func() { _, err := cl.Send(messages(2, "tls")); errc <- err }()
				if tt.wantRefuse == "" {
					b := h.sink.next(t)
					if stats := h.in.Stats(); len(stats) != 1 || stats[0].ClientName != tt.wantClient {
						t.Errorf("stats = %+v, want client %q", stats, tt.wantClient)
					}
					b.Resolve(event.Delivered)
				}
				err = <-errc
			}
			if tt.wantRefuse == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("refused client was served")
			}
			pipelinetest.Eventually(t, "refused metric", func() bool { return value(h.in.m.refused.WithLabelValues(tt.wantRefuse)) == 1 })
		})
	}
}

func TestTLSReloadsChangedCertificate(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t, "cluster-ca")
	f := serverFiles(t, ca, "sluice-a")
	h := start(t, func(c *Config) { c.TLS = TLSConfig{Enabled: true, Certificate: f.cert, Key: f.key} })
	h.in.tls.mu.Lock()
	h.in.tls.every = 0
	h.in.tls.mu.Unlock()
	serverCN := func() string {
		_, tc, err := tlsDial(t, h.addr, clientTLS(t, ca, nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		return tc.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if cn := serverCN(); cn != "sluice-a" {
		t.Fatalf("first certificate %q", cn)
	}
	c, k := ca.issue(t, "sluice-b")
	later := time.Now().Add(time.Minute)
	writeFile(t, f.cert, c, later)
	writeFile(t, f.key, k, later)
	if cn := serverCN(); cn != "sluice-b" {
		t.Fatalf("after rotation the server still presents %q", cn)
	}
	// A rotation caught half-written keeps the certificate that works.
	writeFile(t, f.cert, []byte("-----BEGIN CERTIFICATE-----\ncut"), later.Add(time.Minute))
	if cn := serverCN(); cn != "sluice-b" {
		t.Fatalf("after a bad file the server presents %q", cn)
	}
	if got := value(h.in.m.certReloads.WithLabelValues("ok")); got != 1 {
		t.Errorf("reloads ok = %v", got)
	}
	serverCN() // the bad file is not read again until it changes
	if got := value(h.in.m.certReloads.WithLabelValues("error")); got != 1 {
		t.Errorf("reloads error = %v", got)
	}
}
