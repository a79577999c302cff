package kafka

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/testsvc"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// The real Filebeat 7.17 ships a file with output.kafka (its default JSON codec) to the real
// broker; the input decodes each record as the beats input would: message is the line, and
// Filebeat's fields (log.file.path, log.offset, agent.*) are fields of the event.
func TestFilebeatOutputKafka(t *testing.T) {
	t.Parallel()
	bin := testsvc.Filebeat(t)
	f := newFixture(t, 1)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "vllm.log")
	lines := make([]string, 20)
	var sb strings.Builder
	for i := range lines {
		lines[i] = fmt.Sprintf("INFO 11-27 10:00:%02d [engine.py:310] Added request cmpl-%d.", i, i)
		sb.WriteString(lines[i] + "\n")
	}
	if err := os.WriteFile(logPath, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Kafka 4 refuses the protocol versions of Filebeat's default (1.0.0); 2.6.0 is accepted.
	yml := fmt.Sprintf(`filebeat.inputs:
  - type: log
    paths: [%q]
    tags: [vllm]
output.kafka:
  hosts: [%q]
  topic: %q
  version: "2.6.0"
  required_acks: -1
seccomp.enabled: false
path.data: %q
path.logs: %q
logging.level: warning
`, logPath, f.brokers[0], f.topic, filepath.Join(dir, "data"), filepath.Join(dir, "logs"))
	cfgPath := filepath.Join(dir, "filebeat.yml")
	if err := os.WriteFile(cfgPath, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", cfgPath, "--strict.perms=false", "-e")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("filebeat output:\n%s", out.String())
		}
	})

	in, r := f.start(f.config(), pipelinetest.Settings(t, "kafka"))
	r.AutoResolve(event.Delivered)
	evs := waitEvents(t, r.Collector, len(lines))
	offset := int64(0)
	for i, ev := range evs {
		if ev.Message() != lines[i] {
			t.Fatalf("event %d: message %q, want %q", i, ev.Message(), lines[i])
		}
		checkField(t, ev, "log.file.path", logPath)
		checkField(t, ev, "log.offset", offset)
		checkField(t, ev, "agent.type", "filebeat")
		checkField(t, ev, FieldOffset, int64(i))
		checkField(t, ev, "@metadata.beat", nil)
		if !ev.HasTag("vllm") || ev.Timestamp().IsZero() {
			t.Errorf("event %d: tags %v, @timestamp %v", i, ev.Tags(), ev.Timestamp())
		}
		offset += int64(len(lines[i]) + 1)
	}
	f.waitCommitted(int64(len(lines)))
	stop(t, in, r)
}
