package beats

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig/tlstest"
)

// serverFiles issues the server's certificate and writes it, its key and the CA.
func serverFiles(t *testing.T, ca *tlstest.CA, cn string) tlstest.Files {
	return ca.WriteFiles(t, cn)
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

func clientTLS(t *testing.T, serverCA *tlstest.CA, client *tlstest.CA, cn string, dns ...string) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(serverCA.Cert)
	cfg := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	if client != nil {
		c, k := client.Issue(t, cn, dns...)
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
	ca, other := tlstest.NewCA(t, "cluster-ca"), tlstest.NewCA(t, "other-ca")
	tests := []struct {
		name       string
		mtls       string // "", required, optional
		allowed    []string
		clientCA   *tlstest.CA
		clientCN   string
		clientDNS  []string
		wantClient string // name Stats reports; "" with wantRefused
		wantRefuse string
	}{
		{name: "server tls only"},
		{name: "mtls", mtls: tlsconfig.ClientAuthRequired, clientCA: ca, clientCN: "gpu-node-1", wantClient: "gpu-node-1"},
		{name: "mtls without client cert", mtls: tlsconfig.ClientAuthRequired, wantRefuse: "tls_handshake"},
		{name: "mtls with foreign ca", mtls: tlsconfig.ClientAuthRequired, clientCA: other, clientCN: "gpu-node-1", wantRefuse: "tls_handshake"},
		{name: "optional without cert", mtls: tlsconfig.ClientAuthOptional},
		{name: "allowed by wildcard san", mtls: tlsconfig.ClientAuthRequired, allowed: []string{"*.gpu.internal"}, clientCA: ca,
			clientCN: "filebeat", clientDNS: []string{"node7.gpu.internal"}, wantClient: "filebeat"},
		{name: "allowed by cn", mtls: tlsconfig.ClientAuthRequired, allowed: []string{"Filebeat-GPU"}, clientCA: ca,
			clientCN: "filebeat-gpu", wantClient: "filebeat-gpu"},
		{name: "name not allowed", mtls: tlsconfig.ClientAuthRequired, allowed: []string{"*.gpu.internal"}, clientCA: ca,
			clientCN: "laptop", clientDNS: []string{"a.b.gpu.internal"}, wantRefuse: "client_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := serverFiles(t, ca, "sluice")
			h := start(t, func(c *Config) {
				c.TLS = tlsconfig.Server{Enabled: true, CertFile: f.Cert, KeyFile: f.Key, ClientAuth: tt.mtls, AllowedNames: tt.allowed}
				if tt.mtls != "" {
					c.TLS.ClientCAFile = f.CA
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
	ca := tlstest.NewCA(t, "cluster-ca")
	f := serverFiles(t, ca, "sluice-a")
	h := start(t, func(c *Config) { c.TLS = tlsconfig.Server{Enabled: true, CertFile: f.Cert, KeyFile: f.Key} })
	h.in.tls.SetEvery(0)
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
	c, k := ca.Issue(t, "sluice-b")
	later := time.Now().Add(time.Minute)
	tlstest.WriteFile(t, f.Cert, c, later)
	tlstest.WriteFile(t, f.Key, k, later)
	if cn := serverCN(); cn != "sluice-b" {
		t.Fatalf("after rotation the server still presents %q", cn)
	}
	// A rotation caught half-written keeps the certificate that works.
	tlstest.WriteFile(t, f.Cert, []byte("-----BEGIN CERTIFICATE-----\ncut"), later.Add(time.Minute))
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
