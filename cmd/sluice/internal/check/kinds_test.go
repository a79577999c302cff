package check

import (
	"context"
	"encoding/binary"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// run loads one check from YAML and runs it.
func run(t *testing.T, yaml string) Result {
	t.Helper()
	f, err := Parse([]byte("checks:\n"+yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return Runner{}.Run(context.Background(), f.Checks)[0]
}

func want(t *testing.T, r Result, status Status, detail string) {
	t.Helper()
	if r.Status != status || !strings.Contains(r.Detail, detail) {
		t.Errorf("%s: got %v %q, want %v containing %q", r.Name, r.Status, r.Detail, status, detail)
	}
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer k" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"green","number_of_nodes":3,"data":[{"id":"a"},{"id":"b"}]}`))
	}))
	t.Cleanup(srv.Close)
	head := "\n    headers: [{name: Authorization, value: Bearer k}]"
	cases := []struct {
		name, yaml string
		status     Status
		detail     string
	}{
		{"passes", "json: [{path: status, equals: green}, {path: number_of_nodes, min: 3}, {path: data.#.id, contains: b}]" + head, Passed, "200 in"},
		{"status", "status: [204]" + head, Failed, "status 200 in"},
		{"unauthorised", "json: [{path: status, equals: green}]", Failed, "status 401"},
		{"equals", "json: [{path: status, equals: yellow}]" + head, Failed, `json status = "green", want yellow`},
		{"min", "json: [{path: number_of_nodes, min: 5}]" + head, Failed, "json number_of_nodes = 3, want at least 5"},
		{"array length", "json: [{path: data, max: 1}]" + head, Failed, "json data = 2, want at most 1"},
		{"missing", "json: [{path: nodes.total}]" + head, Failed, "json nodes.total: not in the body"},
		{"contains", "contains: yellow" + head, Failed, `does not contain "yellow"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want(t, run(t, "  - name: x\n    kind: http\n    url: "+srv.URL+"\n    "+c.yaml+"\n"), c.status, c.detail)
		})
	}
}

func TestTCP(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	want(t, run(t, "  - {name: open, kind: tcp, address: \""+addr+"\"}\n"), Passed, "connected to "+addr)
	ln.Close()
	closed := boundNotListening(t)
	want(t, run(t, "  - {name: closed, kind: tcp, address: \""+closed+"\"}\n"), Failed, "connection refused")
}

// boundNotListening returns the address of a port this test holds bound without listening on
// it: connections to it are refused, and no other test can be given it meanwhile (a port
// closed after listening can be, and then accepts).
func boundNotListening(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}

// serveDNS is a local resolver answering A queries for one name with one address, and every
// other question with no answer, as a cluster's DNS answers a Service name.
func serveDNS(t *testing.T, name string, ip net.IP) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if reply := dnsReply(buf[:n], name, ip); reply != nil {
				_, _ = pc.WriteTo(reply, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

// dnsReply builds the answer to one query (RFC 1035 section 4): the question copied, an A
// record when the name and type match, NXDOMAIN for another name.
func dnsReply(q []byte, name string, ip net.IP) []byte {
	if len(q) < 12 {
		return nil
	}
	var labels []string
	i := 12
	for i < len(q) && q[i] != 0 {
		n := int(q[i])
		if i+1+n > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+n]))
		i += 1 + n
	}
	end := i + 5 // the root label, type and class
	if end > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i+1:])
	out := append([]byte{}, q[:2]...)
	flags, answers := uint16(0x8180), uint16(0)
	switch {
	case !strings.EqualFold(strings.Join(labels, "."), strings.TrimSuffix(name, ".")):
		flags |= 3 // NXDOMAIN
	case qtype == 1:
		answers = 1
	}
	out = binary.BigEndian.AppendUint16(out, flags)
	out = binary.BigEndian.AppendUint16(out, 1)
	out = binary.BigEndian.AppendUint16(out, answers)
	out = append(out, 0, 0, 0, 0)
	out = append(out, q[12:end]...)
	if answers == 1 {
		out = append(out, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4)
		out = append(out, ip.To4()...)
	}
	return out
}

func TestDNS(t *testing.T) {
	t.Parallel()
	server := serveDNS(t, "elasticsearch.logging.svc.cluster.local", net.IPv4(10, 96, 12, 7))
	base := "    kind: dns\n    server: \"" + server + "\"\n"
	want(t, run(t, "  - name: es\n"+base+"    host: elasticsearch.logging.svc.cluster.local\n    expect: [10.96.12.7]\n"),
		Passed, "A elasticsearch.logging.svc.cluster.local -> 10.96.12.7")
	want(t, run(t, "  - name: es\n"+base+"    host: elasticsearch.logging.svc.cluster.local\n    expect: [10.96.12.8]\n"),
		Failed, "want 10.96.12.8 among them")
	want(t, run(t, "  - name: typo\n"+base+"    host: elasticsaerch.logging.svc.cluster.local\n"),
		Failed, "no such host")
}

func TestStorage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"config.json", "model-00001-of-00002.safetensors", "tokenizer.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	base := "  - name: cache\n    kind: storage\n    path: " + dir + "\n"
	want(t, run(t, base+"    writable: true\n    min_free: 1MiB\n    files: [config.json, \"*.safetensors\"]\n"), Passed,
		"writable, ")
	want(t, run(t, base+"    files: [config.json, \"*.bin\"]\n"), Failed, "no file matches *.bin")
	want(t, run(t, base+"    min_free: 1000000TiB\n"), Failed, "want at least")
	want(t, run(t, "  - {name: gone, kind: storage, path: "+dir+"/nope, writable: true}\n"), Failed, "no such file")
	if os.Getuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		want(t, run(t, "  - {name: ro, kind: storage, path: "+ro+", writable: true}\n"), Failed, "not writable")
	}
}

func TestExec(t *testing.T) {
	t.Parallel()
	want(t, run(t, "  - {name: ok, kind: exec, command: [sh, -c, 'echo one; echo ready'], output_matches: read.}\n"), Passed, "exit 0: ready")
	want(t, run(t, "  - {name: code, kind: exec, command: [sh, -c, 'echo no GPU >&2; exit 3']}\n"), Failed, "exit status 3, want 0: no GPU")
	want(t, run(t, "  - {name: match, kind: exec, command: [echo, hi], output_matches: '^bye'}\n"), Failed, "does not match")
	want(t, run(t, "  - {name: absent, kind: exec, command: [/nonexistent/tool]}\n"), Failed, "no such file")
}

func TestAll(t *testing.T) {
	t.Parallel()
	want(t, run(t, "  - name: both\n    kind: all\n    steps:\n      - {kind: exec, command: ['true']}\n      - {kind: exec, command: ['false']}\n"),
		Failed, "step 2 (exec): exit status 1")
}

func TestTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	// httptest's certificate is for example.com and 127.0.0.1 and expires in 2084.
	want(t, run(t, "  - {name: cert, kind: tls, address: '"+addr+"', insecure_skip_verify: true}\n"), Passed, "expires 2084-")
	want(t, run(t, "  - {name: cert, kind: tls, address: '"+addr+"', insecure_skip_verify: true, min_days: 100000}\n"), Failed, "want at least 100000")
	want(t, run(t, "  - {name: cert, kind: tls, address: '"+addr+"'}\n"), Failed, "certificate signed by unknown authority")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, block, 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "  - {name: cert, kind: tls, address: '"+addr+"', ca_file: '"+ca+"'}\n"), Passed, "expires 2084-")
	// A CA file that holds no certificate is named, not taken for "trust nothing".
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "  - {name: cert, kind: tls, address: '"+addr+"', ca_file: '"+empty+"'}\n"), Failed,
		"tls.ca_file: "+empty+" holds no PEM certificate")
}
