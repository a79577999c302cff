package stack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// FilebeatVersion is the beats release built for tests: the 7.17 line users still run in
// front of Logstash, whose Lumberjack client sluice's beats input must satisfy.
const FilebeatVersion = "7.17.0"

// FilebeatBinary returns the cached Filebeat binary, building it from the wrapper module in
// internal/testsvc/filebeat when the cache lacks a build of the current module files. The
// Go module and build caches make a rebuild after a cache wipe take seconds, not minutes.
func (s *Stack) FilebeatBinary() (string, error) {
	src := filepath.Join(s.RepoDir, "internal", "testsvc", "filebeat")
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum", "main.go"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", fmt.Errorf("filebeat: wrapper module: %w (%w)", err, errMissing)
		}
		h.Write(b)
	}
	bin := filepath.Join(s.CacheDir, fmt.Sprintf("filebeat-%s-%s", FilebeatVersion, hex.EncodeToString(h.Sum(nil))[:12]))
	if st, err := os.Stat(bin); err == nil && st.Mode()&0o111 != 0 {
		return bin, nil
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("filebeat: go toolchain not found: %w (%w)", err, errMissing)
	}
	if err := os.MkdirAll(s.CacheDir, 0o755); err != nil {
		return "", fmt.Errorf("filebeat: %w", err)
	}
	tmp := bin + ".tmp"
	cmd := exec.Command(gobin, "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", tmp, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("filebeat: build github.com/elastic/beats/v7@v%s: %w (%w)\n%s",
			FilebeatVersion, err, errMissing, lastLines(string(out), 30))
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("filebeat: %w", err)
	}
	return bin, nil
}
