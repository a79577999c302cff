package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
	"github.com/sluice-dev/sluice/pipeline/runtime"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// Every example config users start from validates with this build's components: every
// processor setting, pattern and expression in them is right.
func TestValidateExamples(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../configs/*.yaml")
	var examples []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".tests.yaml") {
			examples = append(examples, f)
		}
	}
	if len(examples) < 3 {
		t.Fatalf("examples found: %v", examples)
	}
	for _, f := range examples {
		code, out, errs := runCLI(t, "", "validate", "-c", f)
		if code != 0 || !strings.HasPrefix(out, "OK "+f) || !strings.Contains(out, "pipeline ") {
			t.Errorf("%s: code %d\nstdout %s\nstderr %s", f, code, out, errs)
		}
	}
}

// Every bad config fails validation with status 1, each problem on its own line naming the file.
func TestValidateBad(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../configs/testdata/*.bad.yaml")
	if len(files) == 0 {
		t.Fatal("no bad configs")
	}
	for _, f := range files {
		code, _, errs := runCLI(t, "", "validate", "-c", f)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", f, code)
		}
		for _, l := range strings.Split(strings.TrimSpace(errs), "\n") {
			if !strings.HasPrefix(l, f+": ") {
				t.Errorf("%s: line %q does not name the file", f, l)
			}
		}
	}
	code, _, errs := runCLI(t, "", "validate", "-c", "does-not-exist.yaml")
	if code != 1 || !strings.Contains(errs, "does-not-exist.yaml") {
		t.Errorf("missing file: exit %d, %q", code, errs)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "sluice ") {
		t.Fatalf("%d %q", code, out)
	}
}

// parse prints one JSON event per input line, keeping every line, recognised or not.
func TestParseStdin(t *testing.T) {
	t.Parallel()
	in := "first line\r\nsecond \"quoted\" line\n\nlast without newline"
	code, out, errs := runCLI(t, in, "parse")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var msgs []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var doc map[string]any
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		msgs = append(msgs, fmt.Sprint(doc["message"]))
	}
	want := []string{"first line", `second "quoted" line`, "", "last without newline"}
	if fmt.Sprintf("%q", msgs) != fmt.Sprintf("%q", want) {
		t.Errorf("messages %q, want %q", msgs, want)
	}
	if !strings.Contains(errs, "4 lines") {
		t.Errorf("stderr %q", errs)
	}
}

func TestParseConfigWithoutParser(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	writeFile(t, cfg, "inputs: {stdin: {}}\noutputs: {stdout: {}}\npipelines: {main: {inputs: [stdin], outputs: [stdout]}}\n")
	code, _, errs := runCLI(t, "x\n", "parse", "-c", cfg)
	if code != 1 || !strings.Contains(errs, "no parse processor") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// run on a read-mode config finishes by itself, writes every line, and prints the summary.
func TestRunFinishes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var lines []string
	for i := 0; i < 300; i++ {
		lines = append(lines, fmt.Sprintf("2026-11-27T10:15:02.118436512Z stdout F line %d", i))
	}
	writeFile(t, filepath.Join(dir, "a.log"), strings.Join(lines[:200], "\n")+"\n")
	writeFile(t, filepath.Join(dir, "b.log"), strings.Join(lines[200:], "\n")+"\n")
	out := filepath.Join(dir, "out", "events.ndjson")
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: read}}
processors: {parse: {}}
outputs: {file: {path: %q}}
pipelines: {main: {inputs: [file], processors: [parse], outputs: [file]}}
runtime: {batch_size: 64, flush_interval: 10ms}
http: {address: "127.0.0.1:0"}
dead_letter: {path: %q}
`, filepath.Join(dir, "*.log"), out, filepath.Join(dir, "dlq")))
	code, stdout, stderr := runCLI(t, "", "run", "-c", cfg)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte("\n")); n != 300 {
		t.Errorf("%d events written, want 300", n)
	}
	if !strings.Contains(stderr, "sluice: 300 events from 300 input records") || !strings.Contains(stderr, "by event.dataset") ||
		!strings.Contains(stderr, "300 input records delivered, 0 not delivered; 0 events dead-lettered") {
		t.Errorf("summary:\n%s", stderr)
	}
	if stdout != "" { // stdout is for events (`sluice run | jq`)
		t.Errorf("stdout holds more than events:\n%s", stdout)
	}
	if !strings.Contains(stderr, `"msg":"stopped"`) {
		t.Errorf("logs are not JSON or the drain did not finish:\n%s", stderr)
	}
}

// /readyz is 503 before the pipelines run and while they drain, 200 while they run; /metrics
// serves the runtime's registry.
func TestHTTPEndpoints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: follow}}
outputs: {file: {path: %q}}
pipelines: {main: {inputs: [file], outputs: [file]}}
`, filepath.Join(dir, "*.log"), filepath.Join(dir, "out.ndjson"))), components())
	if err != nil {
		t.Fatal(err)
	}
	rt, err := runtime.New(cfg, components(), runtime.Options{Logger: pipelinetest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler(rt))
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before run: %d", code)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("healthz: %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	deadline := time.Now().Add(pipelinetest.Timeout)
	for !rt.Ready() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Errorf("readyz while running: %d", code)
	}
	if _, body := get("/metrics"); !strings.Contains(body, "sluice_events_in_flight_limit 32768") ||
		!strings.Contains(body, "sluice_ready 1") {
		t.Errorf("metrics:\n%.2000s", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz after stop: %d", code)
	}
}

// A Python traceback split over CRI lines comes out of parse, even though the processor holds
// it back until the stream ends.
func TestParseFlushesHeldLines(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		`2026-11-27T10:16:44.930217311Z stderr F ERROR 11-27 10:16:44 [engine.py:165] Engine crashed`,
		`2026-11-27T10:16:44.930219000Z stderr F Traceback (most recent call last):`,
		`2026-11-27T10:16:44.930220000Z stderr F   File "/usr/lib/python3/dist-packages/vllm/engine.py", line 160, in run`,
		`2026-11-27T10:16:44.930221000Z stderr F RuntimeError: CUDA error: an illegal memory access was encountered`,
	}, "\n") + "\n"
	code, out, errs := runCLI(t, in, "parse")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "illegal memory access") {
		t.Fatalf("the last line was lost:\n%s\n%s", out, errs)
	}
	t.Logf("%s", out)
}

// A line longer than the bound comes out in pieces tagged _line_split, none lost.
func TestParseLongLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxLineBytes+10)
	code, out, errs := runCLI(t, "short\n"+long+"\nafter\n", "parse")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	total, split := 0, 0
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var doc struct {
			Message string   `json:"message"`
			Tags    []string `json:"tags"`
		}
		if err := json.Unmarshal([]byte(l), &doc); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(doc.Message, "x") {
			total += len(doc.Message)
			split++
		}
	}
	if total != len(long) || split != 2 {
		t.Errorf("long line came back as %d pieces, %d bytes", split, total)
	}
}

// A traceback at the very end of a file is held by the parse processor until the runtime's
// final flush at drain, and still reaches the output as one event.
func TestRunFlushesTracebackAtDrain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "vllm.log"), strings.Join([]string{
		`2026-11-27T10:16:44.930217311Z stderr F ERROR 11-27 10:16:44 [engine.py:165] Engine crashed`,
		`2026-11-27T10:16:44.930219000Z stderr F Traceback (most recent call last):`,
		`2026-11-27T10:16:44.930221000Z stderr F RuntimeError: CUDA error: an illegal memory access was encountered`,
	}, "\n")+"\n")
	out := filepath.Join(dir, "events.ndjson")
	cfg := filepath.Join(dir, "sluice.yaml")
	writeFile(t, cfg, fmt.Sprintf(`
inputs: {file: {paths: [%q], mode: read}}
processors: {parse: {}}
outputs: {file: {path: %q}}
pipelines: {main: {inputs: [file], processors: [parse], outputs: [file]}}
runtime: {flush_interval: 1h}
http: {address: ""}
dead_letter: {path: %q}
`, filepath.Join(dir, "*.log"), out, filepath.Join(dir, "dlq")))
	code, stdout, stderr := runCLI(t, "", "run", "-c", cfg)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte("\n")); n != 1 || !bytes.Contains(data, []byte("illegal memory access")) {
		t.Fatalf("want one joined event, got %d lines:\n%s", n, data)
	}
	if !strings.Contains(stderr, "errors found (log.level error or critical): 1") || stdout != "" {
		t.Errorf("summary:\n%s\nstdout:\n%s", stderr, stdout)
	}
}

// A problem that quotes a URL does not print the password in it.
func TestValidateRedactsURLs(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "s.yaml")
	writeFile(t, cfg, `
inputs: {stdin: {}}
outputs: {elasticsearch: {hosts: ["ftp://elastic:s3cret@host:9200"]}}
pipelines: {main: {inputs: [stdin], outputs: [elasticsearch]}}
`)
	code, _, stderr := runCLI(t, "", "validate", "-c", cfg)
	if code != 1 || !strings.Contains(stderr, "hosts[0]") {
		t.Fatalf("exit %d, want 1 with the key path\n%s", code, stderr)
	}
	if strings.Contains(stderr, "s3cret") {
		t.Errorf("password printed:\n%s", stderr)
	}
}

// The monitoring server bounds every side of a connection: a client that stalls or idles does
// not hold it forever.
func TestServeTimeouts(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse([]byte(`
inputs: {stdin: {}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [stdin], outputs: [stdout]}}
`), components())
	if err != nil {
		t.Fatal(err)
	}
	rt, err := runtime.New(cfg, components(), runtime.Options{Logger: pipelinetest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := serve(config.HTTP{Address: "127.0.0.1:0"}, rt, pipelinetest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("unbounded: read header %v, read %v, write %v, idle %v",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
}

// A folder is read as a node holds its logs: every text file under it once (a
// /var/log/containers link and the /var/log/pods file it names are one file, read under the
// link's name), rotated gzip files decompressed, and binary files and dangling links skipped with
// a note.
func TestParseFolder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	id := strings.Repeat("ab", 32)
	pods := filepath.Join(root, "var/log/pods/inference_vllm-0_5f0c1e2a-1111-2222-3333-444455556666/vllm")
	containers := filepath.Join(root, "var/log/containers")
	for _, d := range []string{pods, containers, filepath.Join(root, "var/log/journal/m")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cri := "2026-12-01T09:00:0%dZ stdout F INFO 12-01 09:00:0%d [api_server.py:1] line %d\n"
	// the rotation cut a line: its last piece (F) is the first line of the new 0.log
	writeFile(t, filepath.Join(pods, "0.log"), "2026-12-01T09:00:00.6Z stdout F across a rotation\n"+
		fmt.Sprintf(cri, 1, 1, 1)+fmt.Sprintf(cri, 2, 2, 2))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	fmt.Fprintf(zw, cri, 0, 0, 0)
	fmt.Fprint(zw, "2026-12-01T09:00:00.5Z stdout P INFO 12-01 09:00:00 [api_server.py:1] cut ")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(pods, "0.log.20261201-085959.gz"), gz.String())
	link := filepath.Join(containers, "vllm-0_inference_vllm-"+id+".log")
	if err := os.Symlink(filepath.Join(pods, "0.log"), link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/nowhere/0.log", filepath.Join(containers, "gone_inference_vllm-"+id+".log")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "var/log/journal/m/system.journal"), "LPKSHHRH\x00\x00\x01")
	writeFile(t, filepath.Join(root, "var/log/wtmp"), "\x07\x00\x00\x00tty1")
	// a container of Docker's local log driver: its entries are protobuf, no lines to read
	localLogs := filepath.Join(root, "var/lib/docker/containers", strings.Repeat("ab", 32), "local-logs")
	if err := os.MkdirAll(localLogs, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(localLogs, "container.log"), "\x00\x00\x00\x2a\x0a\x06stdout")
	// a syslog that logrotate's copytruncate truncated while it was written: NULs, then lines
	writeFile(t, filepath.Join(root, "var/log/syslog"), strings.Repeat("\x00", 9000)+
		"Dec  1 09:00:00 gpu-node-1 kernel: [ 1234.567890] NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, GPU has fallen off the bus.\n")

	code, out, errs := runCLI(t, "", "parse", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := map[string]string{} // message -> file path
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var doc struct {
			Message    string
			Log        struct{ File struct{ Path string } }
			Kubernetes struct{ Pod struct{ Name, UID string } }
			Event      struct{ Dataset string }
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		if strings.Contains(doc.Message, "NVRM: Xid") {
			if doc.Event.Dataset != "gpu.xid" || strings.ContainsRune(doc.Message, 0) {
				t.Errorf("copytruncated syslog's line: %s", sc.Text())
			}
			continue
		}
		if doc.Kubernetes.Pod.Name != "vllm-0" || doc.Event.Dataset != "vllm.server" {
			t.Errorf("event %s: want pod vllm-0 and dataset vllm.server", sc.Text())
		}
		if doc.Kubernetes.Pod.UID != "5f0c1e2a-1111-2222-3333-444455556666" {
			// (the link's name gives the container's id, its target in /var/log/pods the uid)
			t.Errorf("event %s: want the pod's uid from the link's target", sc.Text())
		}
		if _, dup := got[doc.Message]; dup {
			t.Errorf("line %q read twice", doc.Message)
		}
		got[doc.Message] = doc.Log.File.Path
	}
	// the rotation is read under the link's name, as Filebeat reports it, and before it
	want := map[string]string{
		"INFO 12-01 09:00:00 [api_server.py:1] line 0":                link,
		"INFO 12-01 09:00:00 [api_server.py:1] cut across a rotation": link,
		"INFO 12-01 09:00:01 [api_server.py:1] line 1":                link,
		"INFO 12-01 09:00:02 [api_server.py:1] line 2":                link,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lines and their files:\n got %v\nwant %v", got, want)
	}
	for _, note := range []string{"skipped 1 links", "system.journal: not a text log (a systemd journal file", "wtmp: login records, not text logs",
		"container.log: Docker's local log driver's binary entries, not text logs", "6 lines, 0 not recognised, 3 files skipped"} {
		if !strings.Contains(errs, note) {
			t.Errorf("stderr lacks %q:\n%s", note, errs)
		}
	}
}

// TestParseFileEdges: what a node's files hold besides lines. A byte-order mark before the first
// line is no part of it; a copytruncate hole longer than the line limit gives no events and
// leaves the line after it whole; a rotation's yearless stamps take the year it was written in
// (its modification time), not the year of the run.
func TestParseFileEdges(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "nv-hostengine.log"),
		"\ufeff2021-01-04 15:34:28.193 ERROR [5539:5540] Got nvmlSt 3 from nvmlDeviceGetMemoryInfo [/workspaces/dcgm/dcgmlib/src/DcgmCacheManager.cpp:7284] [DcgmCacheManager::BufferOrCacheLatestGpuValue]\n")
	writeFile(t, filepath.Join(root, "app.log"), strings.Repeat("\x00", 2*maxLineBytes+100)+"after the hole\n")
	old := filepath.Join(root, "syslog.1")
	writeFile(t, old, "Oct 24 02:14:39 gpu-node-1 kernel: [ 1234.567890] NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, GPU has fallen off the bus.\n")
	written := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(old, written, written); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "parse", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var n int
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		n++
		var doc struct {
			Timestamp string `json:"@timestamp"`
			Message   string
			Tags      []string
			Log       struct{ Level string }
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		switch {
		case strings.Contains(doc.Message, "nvmlSt"):
			if strings.HasPrefix(doc.Message, "\ufeff") || doc.Log.Level != "error" {
				t.Errorf("the line after the byte-order mark: %s", sc.Text())
			}
		case doc.Message == "after the hole":
			if len(doc.Tags) != 0 {
				t.Errorf("the line after the hole is tagged %v", doc.Tags)
			}
		case strings.Contains(doc.Message, "NVRM: Xid"):
			if !strings.HasPrefix(doc.Timestamp, "2025-10-24T02:14:39") {
				t.Errorf("the rotation's line at %s, want 2025-10-24T02:14:39", doc.Timestamp)
			}
		default:
			t.Errorf("unexpected event %s", sc.Text())
		}
	}
	if n != 3 {
		t.Errorf("%d events, want 3:\n%s", n, out)
	}
}

// TestParseDockerHost: a Docker host's containers folder. Each container's config.v2.json gives
// its name and image (and a dockershim container's pod), which say its program; the state files
// beside the log are no logs.
func TestParseDockerHost(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	vllmID, shimID := strings.Repeat("3f", 32), strings.Repeat("a9", 32)
	for id, cfg := range map[string]string{
		vllmID: `{"ID":"` + vllmID + `","Name":"/vllm-server","Config":{"Image":"vllm/vllm-openai:v0.8.5","Labels":{"com.docker.compose.service":"vllm-server"}}}`,
		shimID: `{"ID":"` + shimID + `","Name":"/k8s_nvidia-device-plugin-ctr_nvidia-device-plugin-daemonset-x2kqp_gpu-operator_1b2c_0","Config":{"Image":"nvcr.io/nvidia/k8s-device-plugin:v0.17.0","Labels":{"io.kubernetes.pod.name":"nvidia-device-plugin-daemonset-x2kqp","io.kubernetes.pod.namespace":"gpu-operator","io.kubernetes.container.name":"nvidia-device-plugin-ctr"}}}`,
	} {
		dir := filepath.Join(root, "var/lib/docker/containers", id)
		if err := os.MkdirAll(filepath.Join(dir, "mounts/shm"), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "config.v2.json"), cfg)
		writeFile(t, filepath.Join(dir, "hostconfig.json"), `{"Runtime":"nvidia"}`)
		writeFile(t, filepath.Join(dir, "hostname"), "node-1\n")
		writeFile(t, filepath.Join(dir, "mounts/shm/x"), "x\n")
	}
	// a line no parser reads, from a container whose name says vLLM (vllm-project/vllm issue
	// #13946: the RuntimeError's frames are under vllm/, the program is known by the name)
	writeFile(t, filepath.Join(root, "var/lib/docker/containers", vllmID, vllmID+"-json.log"),
		`{"log":"Special tokens have been added in the vocabulary, make sure the associated word embeddings are fine-tuned or trained.\n","stream":"stderr","time":"2025-03-01T10:00:00.000000001Z"}`+"\n")
	writeFile(t, filepath.Join(root, "var/lib/docker/containers", shimID, shimID+"-json.log"),
		`{"log":"I0301 10:00:00.000000       1 main.go:235] Starting FS watcher.\n","stream":"stderr","time":"2025-03-01T10:00:00.000000002Z"}`+"\n")

	code, out, errs := runCLI(t, "", "parse", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "2 lines, 0 not recognised") {
		t.Errorf("stderr: %s (the containers' state files are no logs)", errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var doc struct {
			Message   string
			Container struct {
				Name  string
				Image struct{ Name string }
			}
			Kubernetes struct {
				Pod       struct{ Name string }
				Namespace string
				Container struct{ Name string }
			}
			Event struct{ Dataset string }
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		switch {
		case strings.HasPrefix(doc.Message, "Special tokens"):
			if doc.Container.Name != "vllm-server" || doc.Container.Image.Name != "vllm/vllm-openai:v0.8.5" || doc.Event.Dataset != "vllm.server" {
				t.Errorf("vLLM container's line: %s", sc.Text())
			}
		default:
			if doc.Kubernetes.Pod.Name != "nvidia-device-plugin-daemonset-x2kqp" || doc.Kubernetes.Namespace != "gpu-operator" ||
				doc.Kubernetes.Container.Name != "nvidia-device-plugin-ctr" || doc.Event.Dataset != "gpu.device_plugin" {
				t.Errorf("dockershim container's line: %s", sc.Text())
			}
		}
	}
}

// A folder's rotated files come before the file they rotated, oldest first.
func TestParseRotationOrder(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for name, line := range map[string]string{
		"syslog": "4", "syslog.1": "3", "syslog.2": "2", "syslog.10": "1",
		"messages-20261202": "6", "messages-20261201": "5", "messages": "7",
		"pods/0.log": "10", "pods/0.log.20261201-090000": "9", "pods/0.log.20261201-080000": "8",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, name), "line "+line+"\n")
	}
	code, out, errs := runCLI(t, "", "parse", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var doc struct{ Message string }
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.TrimPrefix(doc.Message, "line "))
	}
	if want := "5 6 7 1 2 3 4 8 9 10"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(got, " "), want)
	}
}

// A node's /var/log copied elsewhere keeps the kubelet's absolute links
// (/var/log/containers/<pod>_<ns>_<container>-<id>.log -> /var/log/pods/...): each is read as
// the file it names inside the copy, under the link's name (its container id, the pod's uid),
// once; a link whose file the copy does not hold is left out with the note.
func TestParseCopiedNodeLinks(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	id := strings.Repeat("cd", 32)
	target := "/var/log/pods/inference_vllm-1_5f0c1e2a-1111-2222-3333-777755556666/vllm/0.log"
	if err := os.MkdirAll(filepath.Dir(filepath.Join(root, target)), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, target), "2026-12-01T09:00:01Z stdout F INFO 12-01 09:00:01 [api_server.py:1] line 1\n")
	containers := filepath.Join(root, "var/log/containers")
	if err := os.MkdirAll(containers, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(containers, "vllm-1_inference_vllm-"+id+".log")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/var/log/pods/gone_x_1/vllm/0.log", filepath.Join(containers, "x_gone_vllm-"+id+".log")); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "parse", filepath.Join(root, "var/log"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Log        struct{ File struct{ Path string } }
		Container  struct{ ID string }
		Kubernetes struct{ Pod struct{ UID string } }
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d events, want the line once: %s", len(lines), out)
	}
	if err := json.Unmarshal([]byte(lines[0]), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Log.File.Path != link || doc.Container.ID != id || doc.Kubernetes.Pod.UID != "5f0c1e2a-1111-2222-3333-777755556666" {
		t.Errorf("event %s: want the link's name, its container id and the pod's uid", lines[0])
	}
	if !strings.Contains(errs, "skipped 1 links") {
		t.Errorf("stderr lacks the note of the link whose file is not there: %s", errs)
	}
}

// A rotation the kubelet was compressing when the node was read (its ".tmp" being written, or its
// ".gz" written and the rotation not yet removed) is read once, from the one file.
func TestParseRotationInCompression(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "var/log/pods/llm_vllm-2_5f0c1e2a-1111-2222-3333-888855556666/vllm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	line := "2026-12-01T09:00:01Z stdout F INFO 12-01 09:00:01 [api_server.py:1] rotated line\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	fmt.Fprint(zw, line)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "0.log.20261201-090002"), line)
	writeFile(t, filepath.Join(dir, "0.log.20261201-090002.gz"), gz.String())
	writeFile(t, filepath.Join(dir, "0.log.20261201-090002.tmp"), gz.String()[:10])
	writeFile(t, filepath.Join(dir, "0.log"), "2026-12-01T09:00:03Z stdout F INFO 12-01 09:00:03 [api_server.py:1] live line\n")
	code, out, errs := runCLI(t, "", "parse", filepath.Dir(filepath.Dir(dir)))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, `"message":"INFO 12-01 09:00:01 [api_server.py:1] rotated line"`); n != 1 || !strings.Contains(out, "live line") {
		t.Errorf("the rotated line %d times (want once), and the live one: %s", n, out)
	}
}

// Kubernetes on Docker (cri-dockerd) links a pod's 0.log to the container's JSON log, which Docker
// rotates beside itself: the rotation is read first and under the pod's name, whether or not
// the Docker folder is among the inputs, and once.
func TestParseDockerRotationThroughPodLink(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	id := strings.Repeat("ef", 32)
	cdir := filepath.Join(root, "var/lib/docker/containers", id)
	pdir := filepath.Join(root, "var/log/pods/llm_vllm-3_5f0c1e2a-1111-2222-3333-999955556666/vllm")
	for _, d := range []string{cdir, pdir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(cdir, id+"-json.log.1"), `{"log":"INFO 12-01 09:00:01 [api_server.py:1] before the rotation\n","stream":"stdout","time":"2026-12-01T09:00:01Z"}`+"\n")
	writeFile(t, filepath.Join(cdir, id+"-json.log"), `{"log":"INFO 12-01 09:00:02 [api_server.py:1] after it\n","stream":"stdout","time":"2026-12-01T09:00:02Z"}`+"\n")
	rel, err := filepath.Rel(pdir, filepath.Join(cdir, id+"-json.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(rel, filepath.Join(pdir, "0.log")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{filepath.Join(root, "var/log")}, {filepath.Join(root, "var/log"), filepath.Join(root, "var/lib/docker/containers")}} {
		code, out, errs := runCLI(t, "", append([]string{"parse"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		before, after := strings.Index(out, "before the rotation"), strings.Index(out, "after it")
		if before < 0 || after < before || strings.Count(out, `"message":"INFO 12-01 09:00:01`) != 1 {
			t.Errorf("parse %v: the rotation's line not once before the current file's:\n%s", args, out)
		}
		if !strings.Contains(out, `"pod":{"name":"vllm-3"`) || strings.Contains(out, `"path":"`+filepath.Join(cdir, id+"-json.log.1")) {
			t.Errorf("parse %v: the rotation not read under the pod's name:\n%s", args, out)
		}
	}
}

// A request line longer than the line limit (a long-context prompt, one runtime line with
// containerd's limit off) is cut into pieces: the prompt is replaced in the first piece by the
// vllm parser, and in the pieces after it as well; none of its text reaches the output.
func TestParseLongPromptLineKeepsNoText(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "var/log/pods/llm_vllm-9_5f0c1e2a-1111-2222-3333-000055556666/vllm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	prompt := strings.Repeat("secretword ", 120000) // 1.3 MB: more than the 1 MiB limit
	writeFile(t, filepath.Join(dir, "0.log"),
		"2025-05-01T10:00:00.000000001Z stdout F INFO 05-01 10:00:00 [logger.py:39] Received request cmpl-abc123: prompt: '"+prompt+
			"', params: SamplingParams(n=1, max_tokens=16), prompt_token_ids: [1, 2], lora_request: None.\n"+
			"2025-05-01T10:00:01.000000001Z stdout F INFO 05-01 10:00:01 [async_llm_engine.py:173] Finished request cmpl-abc123.\n")
	code, out, errs := runCLI(t, "", "parse", filepath.Dir(filepath.Dir(dir)))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "secretword") {
		t.Errorf("the prompt's text reached the output")
	}
	if !strings.Contains(out, "<rest of a cut line: ") || !strings.Contains(out, "Finished request cmpl-abc123.") {
		t.Errorf("the rest of the line or the next line is missing:\n%.600s", out)
	}
}
