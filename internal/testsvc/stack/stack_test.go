package stack

import (
	"archive/zip"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCheckPortFreeNamesTakenPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	err = checkPortFree(port, "elasticsearch http")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)+" (elasticsearch http) is already in use") {
		t.Fatalf("checkPortFree(taken) = %v", err)
	}
	l.Close()
	// A port just freed can be taken at once by another test's listener: a free port must pass
	// at least once in a few tries, each on a port just released.
	var free error
	for range 10 {
		if free = checkPortFree(port, "x"); free == nil {
			return
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	t.Fatalf("checkPortFree(free) = %v", free)
}

// TestDaemonLifecycle starts a process group the way services are started, checks it is seen
// as running only while its command line carries the marker, and that stop ends it.
func TestDaemonLifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := daemon{name: "sleeper", dir: dir, marker: dir}
	// The marker is in the command line, as Kafka's properties path is. It rides in argv[0] of
	// a process that forks nothing: a shell that has to fork `sleep` can fail to on a loaded
	// machine and exit at once, which made this test fail there.
	cmd := exec.Command("sleep", "60")
	cmd.Args[0] = filepath.Join(dir, "sleeper")
	if err := d.start(cmd); err != nil {
		t.Fatal(err)
	}
	// Start returns once the exec has begun; the kernel fills in the new command line a moment
	// later, and a loaded machine can stretch that moment: wait for it.
	deadline := time.Now().Add(time.Minute)
	for (!d.alive() || d.pid() != cmd.Process.Pid) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !d.alive() || d.pid() != cmd.Process.Pid {
		t.Fatalf("alive=%v pid=%d, want running pid %d; its output: %q", d.alive(), d.pid(), cmd.Process.Pid, d.tail(2000))
	}
	if d.rss() <= 0 {
		t.Fatalf("rss = %d, want > 0", d.rss())
	}
	other := daemon{name: "other", dir: dir, marker: "/no/such/marker"}
	if other.pid() != 0 {
		t.Fatal("a pid whose process lacks the marker must not be treated as ours")
	}
	if err := d.stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if d.alive() {
		t.Fatal("still alive after stop")
	}
	if _, err := os.Stat(d.pidFile()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("pid file left behind: %v", err)
	}
	if err := d.stop(time.Second); err != nil {
		t.Fatalf("second stop = %v, want nil", err)
	}
}

func TestWaitForReportsEarlyExit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := daemon{name: "quitter", dir: dir, marker: dir}
	if err := d.start(exec.Command("/bin/sh", "-c", "echo boom-"+filepath.Base(dir)+"; exit 3")); err != nil {
		t.Fatal(err)
	}
	err := waitFor(d, time.Minute, func() error { return errors.New("not yet") })
	if err == nil || !strings.Contains(err.Error(), "quitter exited during start-up") {
		t.Fatalf("waitFor = %v, want early-exit error", err)
	}
}

func TestUnzipRefusesEscapes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		name, entry string
		ok          bool
	}{{"normal", "es/bin/elasticsearch", true}, {"escape", "../evil", false}} {
		archive := filepath.Join(dir, tt.name+".zip")
		f, err := os.Create(archive)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		h := &zip.FileHeader{Name: tt.entry}
		h.SetMode(0o750)
		w, _ := zw.CreateHeader(h)
		_, _ = w.Write([]byte("#!/bin/sh\n"))
		zw.Close()
		f.Close()
		out := filepath.Join(dir, tt.name)
		err = unzip(archive, out)
		if tt.ok != (err == nil) {
			t.Fatalf("%s: unzip err = %v", tt.name, err)
		}
		if tt.ok {
			st, err := os.Stat(filepath.Join(out, tt.entry))
			if err != nil || st.Mode().Perm() != 0o755 {
				t.Fatalf("%s: extracted mode = %v (%v), want 0755 (readable and executable by all)", tt.name, st.Mode(), err)
			}
		}
	}
}

func TestNewOverrides(t *testing.T) {
	t.Setenv("SLUICE_TEST_ES_PORT", "29200")
	t.Setenv("SLUICE_CACHE_DIR", "/c")
	s, err := New("/repo")
	if err != nil {
		t.Fatal(err)
	}
	if s.ESPort != 29200 || s.KafkaPort != 19092 || s.CacheDir != "/c" || s.StateDir != "/repo/.stack" {
		t.Fatalf("New = %+v", s)
	}
	t.Setenv("SLUICE_TEST_KAFKA_PORT", "80")
	if _, err := New("/repo"); err == nil || !strings.Contains(err.Error(), "SLUICE_TEST_KAFKA_PORT") {
		t.Fatalf("New with port 80 = %v, want an error naming the variable", err)
	}
}

func TestKafkaPropertiesLoopbackOnly(t *testing.T) {
	t.Parallel()
	p := kafkaProperties(19092, 19093, "/d")
	for _, line := range strings.Split(p, "\n") {
		if strings.Contains(line, "//") && !strings.Contains(line, "//127.0.0.1:") {
			t.Errorf("listener not on loopback: %s", line)
		}
	}
	if !strings.Contains(p, "log.dirs=/d") || !strings.Contains(p, "offsets.topic.replication.factor=1") {
		t.Fatalf("properties:\n%s", p)
	}
}

// TestReleaseWaitsForLastLiveHolder checks one holder's release leaves the stack to the others,
// and that a holder whose process has gone no longer counts.
func TestReleaseWaitsForLastLiveHolder(t *testing.T) {
	t.Parallel()
	s := &Stack{StateDir: t.TempDir()}
	gone := exec.Command("/bin/true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	for name, pid := range map[string]int{"a": os.Getpid(), "b": 0, "dead": gone.Process.Pid} {
		if err := s.Hold(name, pid); err != nil {
			t.Fatal(err)
		}
	}
	live, err := s.Release("a", false)
	if err != nil || strings.Join(live, ",") != "b" {
		t.Fatalf("Release(a) = %v, %v; want still held by b only", live, err)
	}
	if live, err := s.Release("b", false); err != nil || len(live) != 0 {
		t.Fatalf("Release(b) = %v, %v; want stopped", live, err)
	}
	if err := s.Hold("x/y", 0); err == nil {
		t.Fatal("Hold accepted a name with a slash")
	}
}

func TestReachableByOthers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	closed := filepath.Join(dir, "closed")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} { // t.TempDir's own folders are 0700
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := reachableByOthers(filepath.Join(dir, "not-yet", "es")); err != nil {
		t.Fatalf("open path: %v", err)
	}
	err := reachableByOthers(filepath.Join(closed, "clone", "es"))
	if err == nil || !strings.Contains(err.Error(), closed+" is not searchable") {
		t.Fatalf("closed path: %v", err)
	}
	if os.Geteuid() == 0 {
		got := esPlace(filepath.Join(closed, "clone"), "elasticsearch")
		if !strings.HasPrefix(got, os.TempDir()) || filepath.Base(got) != "elasticsearch" {
			t.Fatalf("esPlace under a closed folder = %q, want a folder in %s", got, os.TempDir())
		}
	}
}

// TestUpKeepsOtherServicesInEnv checks a partial Up keeps earlier Filebeat and Prometheus
// entries whose binaries still exist and drops services that are not running.
func TestUpKeepsOtherServicesInEnv(t *testing.T) {
	t.Parallel()
	s := &Stack{StateDir: t.TempDir(), ESPort: 19200, KafkaPort: 19092}
	bin := filepath.Join(t.TempDir(), "filebeat")
	if err := os.WriteFile(bin, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.writeEnv(map[string]string{"SLUICE_TEST_FILEBEAT": bin, "SLUICE_TEST_PROMETHEUS": bin,
		"SLUICE_TEST_ES_URL": "http://127.0.0.1:19200"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SLUICE_TEST_KAFKA_BROKERS": "127.0.0.1:19092"}
	s.keepRunning(env)
	if env["SLUICE_TEST_FILEBEAT"] != bin || env["SLUICE_TEST_PROMETHEUS"] != bin {
		t.Fatalf("filebeat or prometheus entry lost: %v", env)
	}
	if _, ok := env["SLUICE_TEST_ES_URL"]; ok {
		t.Fatalf("elasticsearch kept though not running: %v", env)
	}
}
