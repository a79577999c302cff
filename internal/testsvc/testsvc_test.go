package testsvc

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fatalTB records the message of the first Fatalf and stops the calling goroutine, as
// testing.T does, so the helpers' failure paths can be asserted.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func callFails(t *testing.T, fn func(tb testing.TB)) string {
	t.Helper()
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	return tb.msg
}

// TestHelpersFailWithoutServices checks a missing or dead service fails the test with a message
// that names the variable, never a skip or a pass. Not parallel: it sets the environment.
func TestHelpersFailWithoutServices(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	notExec := filepath.Join(t.TempDir(), "filebeat")
	if err := os.WriteFile(notExec, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, env, value, want string
		call                   func(testing.TB)
	}{
		{"es unset", EnvElasticsearch, "", "SLUICE_TEST_ES_URL is not set", func(tb testing.TB) { Elasticsearch(tb) }},
		{"es dead", EnvElasticsearch, "http://" + dead, "does not accept connections", func(tb testing.TB) { Elasticsearch(tb) }},
		{"kafka unset", EnvKafka, "", "SLUICE_TEST_KAFKA_BROKERS is not set", func(tb testing.TB) { Kafka(tb) }},
		{"kafka dead", EnvKafka, dead, "Kafka at SLUICE_TEST_KAFKA_BROKERS", func(tb testing.TB) { Kafka(tb) }},
		{"filebeat unset", EnvFilebeat, "", "SLUICE_TEST_FILEBEAT is not set", func(tb testing.TB) { Filebeat(tb) }},
		{"filebeat not executable", EnvFilebeat, notExec, "is not executable", func(tb testing.TB) { Filebeat(tb) }},
		{"prometheus unset", EnvPrometheus, "", "SLUICE_TEST_PROMETHEUS is not set", func(tb testing.TB) { Prometheus(tb) }},
		{"prometheus not executable", EnvPrometheus, notExec, "is not executable", func(tb testing.TB) { Prometheus(tb) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			msg := callFails(t, tt.call)
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "make test") {
				t.Fatalf("message = %q, want it to contain %q and how to start the stack", msg, tt.want)
			}
		})
	}
}

func TestElasticsearchHelperReturnsURL(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	t.Setenv(EnvElasticsearch, "http://"+l.Addr().String()+"/")
	if got, want := Elasticsearch(t), "http://"+l.Addr().String(); got != want {
		t.Fatalf("Elasticsearch() = %q, want %q", got, want)
	}
}

func TestFilebeatConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     FilebeatConfig
		wantErr string
		want    []string
	}{
		{name: "no paths", cfg: FilebeatConfig{Hosts: []string{"127.0.0.1:5044"}}, wantErr: "paths:"},
		{name: "no hosts", cfg: FilebeatConfig{Paths: []string{"/x/*.log"}}, wantErr: "hosts:"},
		{name: "bad input", cfg: FilebeatConfig{Paths: []string{"a"}, Hosts: []string{"h:1"}, InputType: "tcp"}, wantErr: "input_type"},
		{name: "filestream", cfg: FilebeatConfig{Paths: []string{"/l/*.log"}, Hosts: []string{"127.0.0.1:5044"},
			BulkMaxSize: 50, Workers: 2, Fields: map[string]string{"cluster": "gpu-a"}},
			want: []string{"- type: filestream", `- "/l/*.log"`, `- "127.0.0.1:5044"`, "bulk_max_size: 50",
				"worker: 2", `"cluster": "gpu-a"`, "seccomp.enabled: false", "prospector.scanner.check_interval",
				`path.data: "/home/data"`}},
		{name: "log", cfg: FilebeatConfig{Paths: []string{"/l/a.log"}, Hosts: []string{"h:1"}, InputType: "log",
			ExtraYAML: "max_procs: 1"}, want: []string{"- type: log", "scan_frequency: 200ms", "max_procs: 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate() = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			y := tt.cfg.YAML("/home")
			for _, w := range tt.want {
				if !strings.Contains(y, w) {
					t.Errorf("filebeat.yml lacks %q:\n%s", w, y)
				}
			}
		})
	}
}
