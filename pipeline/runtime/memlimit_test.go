package runtime

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRoot lays out /proc/self/cgroup and cgroup files under a temporary directory.
func fakeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestResolveMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	v2 := map[string]string{
		"proc/self/cgroup":                           "0::/kubepods/pod1/ctr\n",
		"sys/fs/cgroup/kubepods/pod1/ctr/memory.max": "536870912\n",
	}
	v1 := map[string]string{
		"proc/self/cgroup": "4:memory:/kubepods/pod1/ctr\n3:cpuset:/\n0::/\n",
		"sys/fs/cgroup/memory/kubepods/pod1/ctr/memory.limit_in_bytes": "268435456\n",
	}
	tests := []struct {
		name    string
		setting string
		env     string
		files   map[string]string
		want    int64
		from    string
	}{
		{"auto, cgroup v2", "auto", "", v2, 512 * mib * 9 / 10, "cgroup memory limit 512MiB"},
		{"auto, cgroup v1", "auto", "", v1, 256 * mib * 9 / 10, "cgroup memory limit 256MiB"},
		{"auto, v2 unlimited", "auto", "", map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "max\n"}, math.MaxInt64, "no cgroup memory limit"},
		{"auto, v1 unlimited", "auto", "", map[string]string{"proc/self/cgroup": "4:memory:/\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, math.MaxInt64, "no cgroup memory limit"},
		{"auto, no cgroup files", "auto", "", nil, math.MaxInt64, "no cgroup memory limit"},
		{"auto, tiny cgroup", "auto", "", map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "1048576\n"}, 16 * mib, "cgroup memory limit 1MiB"},
		{"explicit size wins over cgroup", "200MiB", "", v2, 200 * mib, "runtime.memory_limit"},
		{"off", "off", "", v2, math.MaxInt64, "off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := fakeRoot(t, tt.files)
			got := ResolveMemoryLimit(tt.setting, func(string) string { return tt.env }, root)
			if got.Bytes != tt.want || !strings.Contains(got.From, tt.from) || got.Env {
				t.Fatalf("got %d from %q (env %v), want %d from ...%s...", got.Bytes, got.From, got.Env, tt.want, tt.from)
			}
		})
	}
}

// GOMEMLIMIT is Go's own knob: when the environment sets it, sluice leaves the limit the Go
// runtime applied at start, whatever the config says.
func TestGOMEMLIMITWins(t *testing.T) {
	root := fakeRoot(t, map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "536870912\n"})
	got := ResolveMemoryLimit("100MiB", func(k string) string {
		if k == "GOMEMLIMIT" {
			return "300MiB"
		}
		return ""
	}, root)
	if !got.Env || got.From != "GOMEMLIMIT=300MiB" {
		t.Fatalf("got %+v, want the environment's limit", got)
	}
}
