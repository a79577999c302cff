package runtime

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// cgroupShare is the part of a container's memory limit that "auto" gives the Go heap: the
// rest is for what the limit counts outside it (goroutine stacks, the runtime's own structures,
// page cache of the dead letter file), so the collector tightens before the kernel kills.
const cgroupShare = 0.9

// noLimit is the value of a cgroup limit, and of the Go runtime's, that means none.
const noLimit = math.MaxInt64

// MemoryLimit is the soft memory limit a setting resolves to, and where it came from.
type MemoryLimit struct {
	// Bytes is the limit; noLimit (math.MaxInt64) when there is none.
	Bytes int64
	// From says where it came from, for the startup log.
	From string
	// Env is true when GOMEMLIMIT set it: the Go runtime has applied it already.
	Env bool
}

// ResolveMemoryLimit reads runtime.memory_limit (validated by config): GOMEMLIMIT in env wins,
// then an explicit size or "off"; "auto" reads the cgroup memory limit under root ("/" in a
// running sluice; tests pass a directory laid out like it).
func ResolveMemoryLimit(setting string, getenv func(string) string, root string) MemoryLimit {
	if v := getenv("GOMEMLIMIT"); v != "" {
		return MemoryLimit{Bytes: debug.SetMemoryLimit(-1), From: "GOMEMLIMIT=" + v, Env: true}
	}
	n, err := config.ParseMemoryLimit(setting)
	switch {
	case err != nil: // config validates it; keep the Go default rather than guess
		return MemoryLimit{Bytes: noLimit, From: "none (runtime.memory_limit invalid)"}
	case n < 0:
		return MemoryLimit{Bytes: noLimit, From: "none (runtime.memory_limit: off)"}
	case n > 0:
		return MemoryLimit{Bytes: n, From: "runtime.memory_limit"}
	}
	limit, file := cgroupMemoryLimit(root)
	if limit <= 0 {
		return MemoryLimit{Bytes: noLimit, From: "none (runtime.memory_limit: auto, and no cgroup memory limit)"}
	}
	soft := max(int64(float64(limit)*cgroupShare), config.MinMemoryLimit)
	return MemoryLimit{Bytes: soft, From: fmt.Sprintf("90%% of the cgroup memory limit %s (%s)",
		pipeline.ByteSize(limit), file)}
}

// ApplyMemoryLimit sets the Go runtime's soft memory limit from the setting and logs it once.
// It is called at every (re)load, so a changed setting takes effect without a restart.
func ApplyMemoryLimit(setting string, log *slog.Logger) MemoryLimit {
	m := ResolveMemoryLimit(setting, os.Getenv, "/")
	if !m.Env {
		debug.SetMemoryLimit(m.Bytes)
	}
	if m.Bytes == noLimit {
		log.Info("memory limit: none", "from", m.From)
	} else {
		log.Info("memory limit: "+pipeline.ByteSize(m.Bytes).String(), "bytes", m.Bytes, "from", m.From)
	}
	return m
}

// cgroupMemoryLimit returns the memory limit of this process's cgroup (v2 memory.max, or v1
// memory.limit_in_bytes) and the file it read, or 0 when there is none.
func cgroupMemoryLimit(root string) (int64, string) {
	v2, v1 := cgroupPaths(root)
	var candidates []string
	if v2 != "" {
		candidates = append(candidates, filepath.Join(root, "sys/fs/cgroup", v2, "memory.max"))
	}
	candidates = append(candidates, filepath.Join(root, "sys/fs/cgroup/memory.max"))
	if v1 != "" {
		candidates = append(candidates, filepath.Join(root, "sys/fs/cgroup/memory", v1, "memory.limit_in_bytes"))
	}
	candidates = append(candidates, filepath.Join(root, "sys/fs/cgroup/memory/memory.limit_in_bytes"))
	for _, f := range candidates {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(b))
		if s == "max" {
			return 0, f
		}
		n, err := strconv.ParseInt(s, 10, 64)
		// cgroup v1 writes "no limit" as the largest page-aligned int64.
		if err != nil || n <= 0 || n >= 1<<60 {
			return 0, f
		}
		return n, f
	}
	return 0, ""
}

// cgroupPaths reads /proc/self/cgroup: the v2 path ("0::/path") and the v1 memory controller's.
func cgroupPaths(root string) (v2, v1 string) {
	b, err := os.ReadFile(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		return "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			v2 = parts[2]
		case strings.Contains(","+parts[1]+",", ",memory,"):
			v1 = parts[2]
		}
	}
	return v2, v1
}
