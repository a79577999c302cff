package elasticsearch

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/tlsconfig/tlstest"
)

// TestAuthAndTLS: each credential kind reaches the server in its header, and the cluster's
// certificate is trusted through a CA file or a CA fingerprint, with a client certificate when
// the server asks for one; an untrusted server is refused.
func TestAuthAndTLS(t *testing.T) {
	t.Parallel()
	got := make(chan string, 16)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if len(r.TLS.PeerCertificates) > 0 {
			auth += " +client-cert " + r.TLS.PeerCertificates[0].Subject.CommonName
		}
		got <- auth
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Write([]byte(`{"errors":false}`))
	}))
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "test ca")
	client := ca.WriteFiles(t, "sluice")
	clientCAs, certFile, keyFile := x509.NewCertPool(), client.Cert, client.Key
	clientCAs.AddCert(ca.Cert)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case's handshake failure
	srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: clientCAs}
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(dir, "ca.pem")
	writePEM(t, caFile, "CERTIFICATE", srv.Certificate().Raw)
	sum := sha256.Sum256(srv.Certificate().Raw)
	fingerprint := hex.EncodeToString(sum[:])

	tests := []struct {
		name     string
		tweak    func(*Config)
		wantAuth string
		wantFail bool
	}{
		{"basic with ca file", func(c *Config) { c.Username, c.Password, c.TLS.CAFile = "u", "p", caFile }, "Basic dTpw", false},
		{"api key with fingerprint", func(c *Config) { c.APIKey, c.TLS.CAFingerprint = "a2V5", fingerprint }, "APIKey a2V5", false},
		{"bearer with client cert", func(c *Config) {
			c.BearerToken, c.TLS.CAFile, c.TLS.CertFile, c.TLS.KeyFile = "tok", caFile, certFile, keyFile
		}, "Bearer tok +client-cert sluice", false},
		{"untrusted server", func(c *Config) {}, "", true},
	}
	for _, tc := range tests {
		cfg := NewConfig()
		cfg.Hosts = []string{srv.URL}
		cfg.Retry.MaxAttempts = 1
		tc.tweak(cfg)
		o, err := New(pipeline.Settings{}, cfg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, done := makeBatch("src", 0, 1)
		if err := o.Deliver(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		o.Close(context.Background())
		st := <-done
		switch {
		case tc.wantFail && st == event.Delivered:
			t.Errorf("%s: delivered to an untrusted server", tc.name)
		case !tc.wantFail && st != event.Delivered:
			t.Errorf("%s: status %v", tc.name, st)
		case !tc.wantFail:
			if a := <-got; a != tc.wantAuth {
				t.Errorf("%s: Authorization %q, want %q", tc.name, a, tc.wantAuth)
			}
		}
	}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDeliverContextEnds: a Deliver blocked by backpressure gives up when its context ends and
// resolves the batch Retry; it does not hold the batch forever.
func TestDeliverContextEnds(t *testing.T) {
	t.Parallel()
	f := newFakeES(t)
	f.setFault(func(int, []fakeItem) fault { return fault{status: 503} })
	o := testOutput(t, f, &testClock{}, &memDL{}, func(c *Config) { c.FlushBytes, c.MaxInflightBytes = 1024, 1024 })
	first, _ := makeBatch("src", 0, 10) // fills the budget and stays in retry
	if err := o.Deliver(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	second, done := makeBatch("src", 10, 10)
	if err := o.Deliver(ctx, second); err == nil {
		t.Fatal("Deliver returned without room and without error")
	}
	if s := <-done; s != event.Retry {
		t.Errorf("status %v, want retry", s)
	}
	stop, cancelStop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancelStop()
	o.Close(stop)
}
