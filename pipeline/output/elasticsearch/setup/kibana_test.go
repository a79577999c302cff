package setup

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/output/elasticsearch"
)

// A Kibana CA file that holds no certificate used to be read into an empty pool: setup then
// failed at the handshake with "unknown authority", naming neither the setting nor the file.
// It is refused when the client is built, with both.
func TestKibanaCAFileWithoutCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	noCert := filepath.Join(dir, "kibana-ca.pem")
	if err := os.WriteFile(noCert, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := elasticsearch.NewConfig()
	cfg.Setup.Kibana = elasticsearch.Kibana{Host: "https://kibana.example.com:5601", APIKey: "a2V5"}
	cfg.Setup.Kibana.TLS.CAFile = noCert
	_, err := NewKibana(cfg)
	if err == nil || !strings.Contains(err.Error(), "tls.ca_file: "+noCert+" holds no PEM certificate") {
		t.Fatalf("error %v, want one naming tls.ca_file and %s", err, noCert)
	}
}

// The Kibana client trusts the CA file it is given, as the output does.
func TestKibanaTrustsCAFile(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"success":true,"successCount":1}`))
	}))
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := elasticsearch.NewConfig()
	cfg.Setup.Kibana = elasticsearch.Kibana{Host: srv.URL, APIKey: "a2V5"}
	cfg.Setup.Kibana.TLS.CAFile = ca
	k, err := NewKibana(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := k.Import(t.Context(), []byte("{}\n")); err != nil || n != 1 {
		t.Fatalf("import over TLS: %d, %v", n, err)
	}
}
