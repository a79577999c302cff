package tlsconfig

import (
	"crypto/tls"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig/tlstest"
)

// handshake connects a client built from c to a server using srv over loopback TCP and returns
// both sides' errors and the name of the client certificate the server verified.
func handshake(t *testing.T, c *tls.Config, srv *tls.Config) (client string, clientErr, serverErr error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	deadline := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		nc, err := ln.Accept()
		if err != nil {
			serverErr = err
			return
		}
		defer nc.Close()
		_ = nc.SetDeadline(deadline)
		tc := tls.Server(nc, srv)
		if serverErr = tc.Handshake(); serverErr == nil {
			client = ClientName(tc.ConnectionState())
			// TLS 1.3 verifies the client's certificate after the client is done: read the
			// client's close so the server's answer is known to both.
			_, _ = tc.Read(make([]byte, 1))
		}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(deadline)
	tc := tls.Client(nc, c)
	if clientErr = tc.Handshake(); clientErr == nil {
		_ = tc.Close()
	}
	_ = nc.Close()
	wg.Wait()
	return client, clientErr, serverErr
}

func TestHandshakes(t *testing.T) {
	t.Parallel()
	ca, other := tlstest.NewCA(t, "cluster-ca"), tlstest.NewCA(t, "other-ca")
	srvFiles := ca.WriteFiles(t, "sluice", "sluice.example.com")
	cli := ca.WriteFiles(t, "filebeat", "node7.gpu.internal")
	foreign := other.WriteFiles(t, "laptop")
	tests := []struct {
		name       string
		client     Client
		server     Server
		wantClient string // client name the server verified
		wantErr    string // in the client's or the server's error
	}{
		{name: "server tls", client: Client{CAFile: srvFiles.CA}},
		{name: "server name override", client: Client{CAFile: srvFiles.CA, ServerName: "sluice.example.com"}},
		{name: "wrong server name", client: Client{CAFile: srvFiles.CA, ServerName: "elsewhere.example.com"},
			wantErr: "elsewhere.example.com"},
		{name: "unknown authority", client: Client{CAFile: foreign.CA}, wantErr: "unknown authority"},
		{name: "insecure skip verify", client: Client{CAFile: foreign.CA, InsecureSkipVerify: true}},
		{name: "mtls", client: Client{CAFile: srvFiles.CA, CertFile: cli.Cert, KeyFile: cli.Key},
			server: Server{ClientCAFile: srvFiles.CA}, wantClient: "filebeat"},
		{name: "mtls without certificate", client: Client{CAFile: srvFiles.CA},
			server: Server{ClientCAFile: srvFiles.CA}, wantErr: "certificate"},
		{name: "mtls foreign certificate", client: Client{CAFile: srvFiles.CA, CertFile: foreign.Cert, KeyFile: foreign.Key},
			server: Server{ClientCAFile: srvFiles.CA}, wantErr: "certificate"}, // not sent: the server names its CA
		{name: "optional without certificate", client: Client{CAFile: srvFiles.CA},
			server: Server{ClientCAFile: srvFiles.CA, ClientAuth: ClientAuthOptional}},
		{name: "allowed by wildcard", client: Client{CAFile: srvFiles.CA, CertFile: cli.Cert, KeyFile: cli.Key},
			server: Server{ClientCAFile: srvFiles.CA, AllowedNames: []string{"*.GPU.internal"}}, wantClient: "filebeat"},
		{name: "name not allowed", client: Client{CAFile: srvFiles.CA, CertFile: cli.Cert, KeyFile: cli.Key},
			server: Server{ClientCAFile: srvFiles.CA, AllowedNames: []string{"*.internal"}}, wantErr: ErrClientName.Error()},
		{name: "client wants 1.3", client: Client{CAFile: srvFiles.CA, MinVersion: Version13}},
		{name: "server wants 1.3", client: Client{CAFile: srvFiles.CA}, server: Server{MinVersion: Version13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.server.Enabled, tt.server.CertFile, tt.server.KeyFile = true, srvFiles.Cert, srvFiles.Key
			r, err := NewReloader(tt.server, ReloadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cc, err := tt.client.Config()
			if err != nil {
				t.Fatal(err)
			}
			if cc.ServerName == "" {
				cc.ServerName = "127.0.0.1"
			}
			name, cerr, serr := handshake(t, cc, r.Config())
			if tt.wantErr == "" {
				if cerr != nil || serr != nil || name != tt.wantClient {
					t.Fatalf("client error %v, server error %v, client %q, want %q", cerr, serr, name, tt.wantClient)
				}
				return
			}
			if both := errors.Join(cerr, serr); both == nil || !strings.Contains(both.Error(), tt.wantErr) {
				t.Fatalf("errors %v, want %q", both, tt.wantErr)
			}
		})
	}
}

// Minimum versions are enforced: a 1.3-only side refuses a 1.2-only peer.
func TestMinVersionRefusesOlderPeer(t *testing.T) {
	t.Parallel()
	ca := tlstest.NewCA(t, "ca")
	f := ca.WriteFiles(t, "sluice")
	r, err := NewReloader(Server{Enabled: true, CertFile: f.Cert, KeyFile: f.Key, MinVersion: Version13}, ReloadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := (&Client{CAFile: f.CA, ServerName: "127.0.0.1"}).Config()
	if err != nil {
		t.Fatal(err)
	}
	cc.MaxVersion = tls.VersionTLS12
	if _, cerr, serr := handshake(t, cc, r.Config()); cerr == nil || serr == nil {
		t.Fatalf("a 1.2 client was served by a 1.3 server: %v, %v", cerr, serr)
	}
	if c, _ := (&Client{}).Config(); c.MinVersion != tls.VersionTLS12 {
		t.Errorf("default client minimum %x", c.MinVersion)
	}
}

func TestFilesAreCheckedWithTheirKey(t *testing.T) {
	t.Parallel()
	ca := tlstest.NewCA(t, "ca")
	f := ca.WriteFiles(t, "sluice")
	dir := t.TempDir()
	empty, keyOnly := filepath.Join(dir, "empty.pem"), filepath.Join(dir, "key-only.pem")
	_ = os.WriteFile(empty, nil, 0o600)
	key, _ := os.ReadFile(f.Key)
	_ = os.WriteFile(keyOnly, key, 0o600)
	missing := filepath.Join(dir, "missing.pem")
	clients := []struct {
		name string
		c    Client
		want string
	}{
		{"missing ca", Client{CAFile: missing}, "tls.ca_file: open " + missing},
		{"empty ca", Client{CAFile: empty}, "tls.ca_file: " + empty + " holds no PEM certificate"},
		{"key as ca", Client{CAFile: keyOnly}, "tls.ca_file: " + keyOnly + " holds no PEM certificate"},
		{"cert with wrong key", Client{CertFile: f.Cert, KeyFile: keyOnly + "x"}, "tls.cert_file " + f.Cert},
		{"key as cert", Client{CertFile: f.Key, KeyFile: f.Key}, "tls.cert_file " + f.Key},
	}
	for _, tt := range clients {
		if _, err := tt.c.Config(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	servers := []struct {
		name string
		s    Server
		want string
	}{
		{"missing cert", Server{CertFile: missing, KeyFile: f.Key}, "tls: stat " + missing},
		{"empty client ca", Server{CertFile: f.Cert, KeyFile: f.Key, ClientCAFile: empty},
			"tls.client_ca_file: " + empty + " holds no PEM certificate"},
	}
	for _, tt := range servers {
		if _, err := NewReloader(tt.s, ReloadOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}
