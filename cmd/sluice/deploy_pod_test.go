package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	lumber "github.com/elastic/go-lumber/client/v2"
	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// podContainer is the part of the sluice Deployment's container this test lays out.
type podContainer struct {
	Name string `yaml:"name"`
	Env  []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom any    `yaml:"valueFrom"`
	} `yaml:"env"`
	VolumeMounts []struct {
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

// The sluice pod as deploy/base/sluice/deployment.yaml runs it: its config (the ConfigMap's
// file), its environment, its mounts laid out as directories under a root, as uid 65532 when
// the test runs as root (the image's user; it can write only to what the pod mounts writable),
// against the test stack's Elasticsearch behind TLS with its own CA, as the cluster's is. It
// starts, becomes ready, and a vLLM line and a GPU Xid sent over Beats are indexed, then the
// same through the Filebeat DaemonSet's config run by the real Filebeat. Before the
// dead-letter volume was mounted where the config writes, it exited "permission denied".
// Changed for the test only: addresses (the Elasticsearch URL, the listen ports) and the mount
// points, which are moved under the root.
func TestDeployedPodIndexesOverTLS(t *testing.T) {
	t.Parallel()
	es := testsvc.Elasticsearch(t)
	proxy, caPEM := tlsProxy(t, es)
	pod := startDeployedPod(t, proxy.URL, caPEM)
	root, beatsAddr, exited, logs := pod.root, pod.beatsAddr, pod.exited, pod.logs
	marker := fmt.Sprintf("deploytest%d", time.Now().UnixNano())
	sendBeats(t, beatsAddr, []string{
		"INFO 11-27 10:20:00 [engine.py:310] Added request " + marker + "a.",
		"Nov 27 10:20:01 gpu-node-3 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, GPU has fallen off the bus. " + marker + "b",
	})
	// Three documents: the vLLM line, and the Xid (critical) in the logs and the errors streams.
	waitUntil(t, exited, logs, "both lines indexed", func() bool { return countDocs(es, marker) == 3 })
	// Then the DaemonSet's Filebeat config with the test stack's Filebeat: a container log and a
	// kernel log with an Xid reach sluice and Elasticsearch.
	fbMarker := marker + "fb"
	runDaemonSetFilebeat(t, root, beatsAddr, fbMarker)
	waitUntil(t, exited, logs, "Filebeat's lines indexed", func() bool { return countDocs(es, fbMarker) == 3 })
	if _, err := os.Stat(filepath.Join(root, "var/lib/sluice/dead_letter")); err != nil {
		t.Errorf("the dead letter directory was not created on its volume: %v", err)
	}
}

// deployedPod is sluice running as the Deployment runs it: see TestDeployedPodIndexesOverTLS.
type deployedPod struct {
	*podLayout
	cmd    *exec.Cmd
	exited chan error
	logs   *pipelinetest.Buffer
	killed bool // by kill: its exit is not checked when the test ends
}

// podLayout is the sluice pod laid out under a root, ready to start: the binary, the config,
// the environment and the mounts. Started again after a kill, it is the pod's container
// restarted by the kubelet: the same volumes, addresses and config.
type podLayout struct {
	root                string // the pod's filesystem: its mounts are directories under it
	bin                 string
	beatsAddr, httpAddr string // the Beats input and the HTTP server (/readyz, /metrics)
	env, writable       []string
}

// startDeployedPod starts sluice with the Deployment's config, environment and mounts, its
// Elasticsearch at esURL (https, with caPEM as the mounted CA), and waits until it is ready.
// It is stopped with SIGTERM when the test ends and must exit cleanly.
func startDeployedPod(t *testing.T, esURL string, caPEM []byte) *deployedPod {
	t.Helper()
	p := layOutDeployedPod(t, esURL, caPEM).start(t)
	p.waitReady(t)
	return p
}

// layOutDeployedPod lays the pod out (see startDeployedPod) without starting it.
func layOutDeployedPod(t *testing.T, esURL string, caPEM []byte) *podLayout {
	t.Helper()
	root := podRoot(t)
	c := deploymentContainer(t)
	// Free loopback ports (nothing listens there yet) for the Beats input and /readyz.
	l := &podLayout{root: root, beatsAddr: pipelinetest.RefusedAddr(t), httpAddr: pipelinetest.RefusedAddr(t)}
	l.writable = layOutPod(t, root, c, l.beatsAddr, caPEM)
	l.env = podEnv(c, root, esURL, l.httpAddr)
	ownDataStreams(t, l, fmt.Sprintf("pod%d", time.Now().UnixNano()))
	l.bin = buildSluice(t, root)
	return l
}

// ownDataStreams gives the pod's outputs data streams of their own (namespace ns, and errors+ns
// for the errors output), so that what it indexes meets no other test's on the shared node (a
// data stream another test sets up a template for would otherwise be made first as a plain
// index): the logs output's namespace through the environment its config reads, the errors
// output's in the config.
func ownDataStreams(t *testing.T, pod *podLayout, ns string) {
	t.Helper()
	pod.env = append(pod.env, "ES_NAMESPACE="+ns)
	path := filepath.Join(pod.root, "etc/sluice/sluice.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(raw), "\n      namespace: errors\n", "\n      namespace: errors"+ns+"\n", 1)
	if cfg == string(raw) || !strings.Contains(cfg, "${ES_NAMESPACE:-default}") {
		t.Fatal("the Deployment's sluice.yaml names its data streams' namespaces otherwise: change ownDataStreams")
	}
	writeFile(t, path, cfg)
}

// start runs sluice in the layout, without waiting for it to be ready.
func (l *podLayout) start(t *testing.T) *deployedPod {
	t.Helper()
	cmd := exec.Command(l.bin, "run", "-c", filepath.Join(l.root, "etc/sluice/sluice.yaml"))
	cmd.Env, cmd.Dir = l.env, "/"
	p := &deployedPod{podLayout: l, logs: &pipelinetest.Buffer{}}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	runAsPodUser(t, cmd, l.root, l.writable)
	p.exited = startUntilCleanup(t, cmd, func(err error) {
		if err != nil && !p.killed {
			t.Errorf("sluice exit: %v\n%s", err, p.logs.String())
		}
	})
	p.cmd = cmd
	return p
}

// waitReady waits until /readyz answers 200.
func (p *deployedPod) waitReady(t *testing.T) {
	t.Helper()
	waitUntil(t, p.exited, p.logs, "ready", func() bool {
		r, err := http.Get("http://" + p.httpAddr + "/readyz")
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == 200
	})
}

// kill ends sluice with SIGKILL, as the kernel's OOM killer or a node losing power does:
// no drain, no flush, nothing acknowledged that was not already.
func (p *deployedPod) kill(t *testing.T) {
	t.Helper()
	p.killed = true
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err := <-p.exited
	p.exited <- err // for the cleanup, which reads it again
}

// runAsPodUser makes cmd run as the pod does: as uid 65532 when the test runs as root (the
// writable volumes handed to it), and with a read-only root, writes refused everywhere but
// beneath the writable volumes (Landlock), where the kernel allows it.
func runAsPodUser(t *testing.T, cmd *exec.Cmd, root string, writable []string) {
	t.Helper()
	uid := ""
	var dirs []string
	for _, w := range writable {
		dirs = append(dirs, filepath.Join(root, w))
		if os.Getuid() == 0 {
			if err := os.Chown(filepath.Join(root, w), 65532, 65532); err != nil {
				t.Fatal(err)
			}
			uid = "65532"
		}
	}
	if os.Getuid() != 0 {
		t.Log("not root: sluice runs as the test's user, not 65532")
	}
	if !readOnlyRoot(cmd, dirs, uid) {
		t.Log("the kernel has no Landlock: the root filesystem is not made read-only")
		if uid != "" {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
		}
	}
}

// startUntilCleanup starts cmd and returns a channel that gets its exit. When the test ends,
// the process gets SIGTERM and its exit is passed to checkExit.
func startUntilCleanup(t *testing.T, cmd *exec.Cmd, checkExit func(error)) chan error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		checkExit(<-exited)
	})
	return exited
}

// layOutPod makes the container's mounts directories under root, with the ConfigMap's
// sluice.yaml (listening on beatsAddr, writing under root) and the Secret's CA in them, and
// returns the mounts the pod may write to.
func layOutPod(t *testing.T, root string, c podContainer, beatsAddr string, caPEM []byte) []string {
	t.Helper()
	var writable []string
	for _, m := range c.VolumeMounts {
		if err := os.MkdirAll(filepath.Join(root, m.MountPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if !m.ReadOnly {
			writable = append(writable, m.MountPath)
		}
	}
	config, err := os.ReadFile("../../deploy/base/sluice/sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	config = bytes.ReplaceAll(config, []byte(`"0.0.0.0:5044"`), []byte(`"`+beatsAddr+`"`))
	config = bytes.ReplaceAll(config, []byte("path: /var/lib/sluice/"), []byte("path: "+root+"/var/lib/sluice/"))
	writeFile(t, filepath.Join(root, "etc/sluice/sluice.yaml"), string(config))
	writeFile(t, filepath.Join(root, "etc/sluice-ca/ca.crt"), string(caPEM))
	return writable
}

// podEnv is the container's environment as the kubelet resolves it, paths moved under root.
func podEnv(c podContainer, root, esURL, httpAddr string) []string {
	env := []string{"PATH=/usr/bin:/bin", "SLUICE_HTTP_ADDRESS=" + httpAddr}
	for _, e := range c.Env {
		v := e.Value
		switch {
		case e.Name == "ES_URL":
			v = esURL
		case e.ValueFrom != nil:
			v = "from-secret" // the test node has no security; the proxy passes the header on
		case strings.HasPrefix(v, "/"):
			v = filepath.Join(root, v)
		}
		env = append(env, e.Name+"="+v)
	}
	for _, m := range c.VolumeMounts {
		if m.MountPath == "/tmp" && !m.ReadOnly {
			env = append(env, "TMPDIR="+filepath.Join(root, "tmp")) // the pod's /tmp is a volume
		}
	}
	return env
}

// runDaemonSetFilebeat runs Filebeat with deploy/base/filebeat/filebeat.yml shipping to addr,
// its paths moved under root. The test stack's Filebeat is built without the journald input,
// so the config's file alternative for the kernel log (kern-log) stands in for it.
func runDaemonSetFilebeat(t *testing.T, root, addr, marker string) {
	t.Helper()
	bin := testsvc.Filebeat(t)
	raw, err := os.ReadFile("../../deploy/base/filebeat/filebeat.yml")
	if err != nil {
		t.Fatal(err)
	}
	logs := filepath.Join(root, "var/log")
	cfg := strings.NewReplacer(
		"/var/log/containers/", logs+"/containers/",
		"  - type: journald\n", "  - type: journald\n    enabled: false\n",
		"    enabled: false\n    paths: [\"/var/log/kern.log\"]", "    paths: [\""+logs+"/kern.log\"]",
		"sluice.llm-observability.svc:5044", addr,
	).Replace(string(raw))
	if err := os.MkdirAll(filepath.Join(logs, "containers"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "filebeat.yml"), cfg)
	writeFile(t, filepath.Join(logs, "containers", "vllm-0_llm_vllm-0123abcd.log"),
		"2026-11-27T10:20:00.000000001Z stderr F INFO 11-27 10:20:00 [engine.py:310] Added request "+marker+"a.\n")
	writeFile(t, filepath.Join(logs, "kern.log"),
		"Nov 27 10:20:01 gpu-node-3 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, GPU has fallen off the bus. "+marker+"b\n")
	cmd := exec.Command(bin, "-c", filepath.Join(root, "filebeat.yml"), "-e", "--strict.perms=false",
		"--path.data", filepath.Join(root, "filebeat-data"), "-E", "http.enabled=false")
	cmd.Env = []string{"NODE_NAME=node-1", "PATH=/usr/bin:/bin"}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
}

// podRoot is a directory the pod's user can traverse (t.TempDir's parents are private).
func podRoot(t *testing.T) string {
	t.Helper()
	root, err := os.MkdirTemp("", "sluice-pod-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

func deploymentContainer(t *testing.T) podContainer {
	t.Helper()
	raw, err := os.ReadFile("../../deploy/base/sluice/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var d struct {
			Kind string `yaml:"kind"`
			Spec struct {
				Template struct {
					Spec struct {
						Containers []podContainer `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("no Deployment with a sluice container: %v", err)
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			if d.Kind == "Deployment" && c.Name == "sluice" {
				return c
			}
		}
	}
}

// buildSluice builds the binary into root, readable by the pod's user.
func buildSluice(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(root, "sluice")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tlsProxy serves es over https with a certificate of a CA of its own, returning the server
// and the CA in PEM, as Elasticsearch 8 does with security on.
func tlsProxy(t *testing.T, es string) (*httptest.Server, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test ca"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "elasticsearch"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"elasticsearch"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, NotBefore: ca.NotBefore, NotAfter: ca.NotAfter}
	caCert, _ := x509.ParseCertificate(caDER)
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(es)
	srv := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(target))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

func sendBeats(t *testing.T, addr string, lines []string) {
	t.Helper()
	cl, err := lumber.SyncDial(addr, lumber.Timeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var batch []any
	for i, l := range lines {
		batch = append(batch, map[string]any{"message": l, "log": map[string]any{"file": map[string]any{"path": "/var/log/test.log"}, "offset": i}})
	}
	if n, err := cl.Send(batch); err != nil || n != len(batch) {
		t.Fatalf("beats send: %d of %d: %v", n, len(batch), err)
	}
}

// countDocs counts documents whose message holds marker, in any logs-* index.
func countDocs(es, marker string) int {
	_, _ = http.Post(es+"/logs-*/_refresh", "application/json", nil)
	r, err := http.Get(es + "/logs-*/_count?q=message:" + marker + "*")
	if err != nil {
		return -1
	}
	defer r.Body.Close()
	var res struct {
		Count int `json:"count"`
	}
	if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
		return -1
	}
	return res.Count
}

// waitUntil polls cond for a minute, failing early with sluice's logs if it exits.
func waitUntil(t *testing.T, exited chan error, logs fmt.Stringer, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, time.Minute, exited, logs, what, cond)
}

// waitWithin is waitUntil for a given time.
func waitWithin(t *testing.T, limit time.Duration, exited chan error, logs fmt.Stringer, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for !cond() {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("sluice exited before %s: %v\n%s", what, err, logs.String())
		case <-ctx.Done():
			t.Fatalf("not %s within %v\n%s", what, limit, logs.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
