package deploytest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Opt-in (deploy/README.md): the binaries `stack up kube-apiserver` builds from the Go module
// proxy. Without them the test is skipped, saying how to run it.
const (
	envKubeAPIServer = "SLUICE_TEST_KUBE_APISERVER"
	envEtcd          = "SLUICE_TEST_ETCD"
)

// Every overlay applied to a real API server (with its own etcd) with server-side apply,
// dry-run and strict field validation: the server's own schema, validation and defaulting
// accept every object, beyond what decoding into the k8s.io/api types checks.
func TestOverlaysApplyServerSide(t *testing.T) {
	apiserverBin, etcdBin := os.Getenv(envKubeAPIServer), os.Getenv(envEtcd)
	if apiserverBin == "" || etcdBin == "" {
		t.Skipf("%s and %s are not set: run `make deploy-apiserver-test` (builds kube-apiserver and etcd, minutes the first time)",
			envKubeAPIServer, envEtcd)
	}
	api := startAPIServer(t, apiserverBin, startEtcd(t, etcdBin))
	api.do(t, "POST", "/api/v1/namespaces", []byte(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"llm-observability"}}`))
	// The control: what decoding accepts and the server refuses (a selector that does not
	// match the pod template's labels) is refused here, so a pass means the server checked.
	bad := object{Kind: "Deployment", Name: "control", Namespace: "llm-observability", JSON: []byte(`{"apiVersion":"apps/v1",
		"kind":"Deployment","metadata":{"name":"control"},"spec":{"selector":{"matchLabels":{"a":"b"}},
		"template":{"metadata":{"labels":{"a":"c"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`)}
	if code, body := api.request(t, "PATCH", resourcePath(bad)+"?dryRun=All&fieldManager=deploytest", bad.JSON); code != 422 {
		t.Fatalf("control: a Deployment whose selector does not match its pods got %d, want 422: %s", code, body)
	}
	for o, objs := range render(t) {
		for _, obj := range objs {
			path := resourcePath(obj)
			q := "?dryRun=All&fieldManager=deploytest&fieldValidation=Strict&force=true"
			if code, body := api.request(t, "PATCH", path+q, obj.JSON); code/100 != 2 {
				t.Errorf("%s: %s: %d %s", o, obj, code, body)
			}
		}
	}
}

// resourcePath is the object's URL path: the plural of every kind here is its name plus "s".
func resourcePath(o object) string {
	var b strings.Builder
	apiVersion := apiVersionOf(o)
	if apiVersion == "v1" {
		b.WriteString("/api/v1")
	} else {
		b.WriteString("/apis/" + apiVersion)
	}
	if o.Namespace != "" {
		b.WriteString("/namespaces/" + o.Namespace)
	}
	b.WriteString("/" + strings.ToLower(o.Kind) + "s/" + o.Name)
	return b.String()
}

// apiVersionOf reads apiVersion back from the rendered JSON.
func apiVersionOf(o object) string {
	const key = `"apiVersion":"`
	i := bytes.Index(o.JSON, []byte(key))
	if i < 0 {
		return ""
	}
	rest := o.JSON[i+len(key):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startProcess runs bin until the test ends, its output kept for failures.
func startProcess(t *testing.T, bin string, args ...string) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), lastLines(out.String(), 40))
		}
	})
	return &out
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// startEtcd runs one etcd member on loopback and returns its client URL once healthy.
func startEtcd(t *testing.T, bin string) string {
	t.Helper()
	client := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	peer := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	startProcess(t, bin, "--name=default", "--data-dir="+t.TempDir(),
		"--listen-client-urls="+client, "--advertise-client-urls="+client,
		"--listen-peer-urls="+peer, "--initial-advertise-peer-urls="+peer, "--initial-cluster=default="+peer)
	waitFor(t, "etcd healthy", func() bool {
		r, err := http.Get(client + "/health")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	})
	return client
}

// apiServer is a running kube-apiserver and a client that is cluster admin.
type apiServer struct {
	url, token string
	client     *http.Client
}

// startAPIServer runs kube-apiserver on etcd with a static admin token, every request
// allowed, and a self-signed serving certificate, and waits until /readyz answers.
func startAPIServer(t *testing.T, bin, etcd string) *apiServer {
	t.Helper()
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	saKey := filepath.Join(dir, "sa.key")
	writeTestFile(t, saKey, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	token := fmt.Sprintf("deploytest%d", time.Now().UnixNano())
	writeTestFile(t, filepath.Join(dir, "tokens.csv"), []byte(token+",admin,admin,system:masters\n"))
	port := freePort(t)
	// The endpoint reconciler refuses a loopback address; nothing here needs the kubernetes
	// Service's endpoints.
	startProcess(t, bin, "--etcd-servers="+etcd, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		fmt.Sprintf("--secure-port=%d", port), "--cert-dir="+filepath.Join(dir, "certs"),
		"--token-auth-file="+filepath.Join(dir, "tokens.csv"), "--authorization-mode=AlwaysAllow",
		"--service-account-issuer=https://kubernetes.default.svc", "--service-account-key-file="+saKey,
		"--service-account-signing-key-file="+saKey, "--service-cluster-ip-range=10.0.0.0/24")
	api := &apiServer{url: fmt.Sprintf("https://127.0.0.1:%d", port), token: token, client: &http.Client{
		Timeout: 30 * time.Second,
		// The server's certificate is one it made itself at start; the test reaches it on loopback.
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}}
	waitFor(t, "kube-apiserver ready", func() bool {
		code, _ := api.try("GET", "/readyz", nil)
		return code == 200
	})
	return api
}

func writeTestFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// try sends one request: an apply patch when the method is PATCH.
func (a *apiServer) try(method, path string, body []byte) (int, string) {
	req, err := http.NewRequestWithContext(context.Background(), method, a.url+path, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	if method == "PATCH" {
		req.Header.Set("Content-Type", "application/apply-patch+yaml")
	}
	r, err := a.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

func (a *apiServer) request(t *testing.T, method, path string, body []byte) (int, string) {
	t.Helper()
	code, msg := a.try(method, path, body)
	if code == 0 {
		t.Fatalf("kube-apiserver: %s %s: %s", method, path, msg)
	}
	return code, msg
}

// do sends a request that must succeed.
func (a *apiServer) do(t *testing.T, method, path string, body []byte) {
	t.Helper()
	if code, msg := a.request(t, method, path, body); code/100 != 2 {
		t.Fatalf("kube-apiserver: %s %s: %d %s", method, path, code, msg)
	}
}

// waitFor polls cond for two minutes (the API server starts its controllers first).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s within two minutes", what)
		}
		<-tick.C
	}
}
