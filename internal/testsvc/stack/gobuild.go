package stack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// goBinary says how to build a program from a wrapper module of its own under
// internal/testsvc: the module pins the upstream release (and its replace directives) without
// touching sluice's go.mod.
type goBinary struct {
	name    string   // the cached binary's prefix, and the wrapper module's directory unless dir is set
	dir     string   // the wrapper module's directory under internal/testsvc, when not name
	version string   // the upstream release, for the file name and errors
	from    string   // what is built, for errors: module@version
	files   []string // the wrapper module's files: a change to any of them rebuilds
	pkg     string   // the package to build: "." or an import path the module requires
	tags    string   // build tags, "" for none
}

// cachedGoBuild returns the cached binary of b, building it when the cache lacks a build of
// the current module files. The Go module and build caches make a rebuild after a cache wipe
// take seconds, not minutes.
func (s *Stack) cachedGoBuild(b goBinary) (string, error) {
	dir := b.dir
	if dir == "" {
		dir = b.name
	}
	src := filepath.Join(s.RepoDir, "internal", "testsvc", dir)
	h := sha256.New()
	for _, f := range b.files {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			return "", fmt.Errorf("%s: wrapper module: %w (%w)", b.name, err, errMissing)
		}
		h.Write(data)
	}
	h.Write([]byte(b.tags))
	bin := filepath.Join(s.CacheDir, fmt.Sprintf("%s-%s-%s", b.name, b.version, hex.EncodeToString(h.Sum(nil))[:12]))
	if st, err := os.Stat(bin); err == nil && st.Mode()&0o111 != 0 {
		return bin, nil
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("%s: go toolchain not found: %w (%w)", b.name, err, errMissing)
	}
	if err := os.MkdirAll(s.CacheDir, 0o755); err != nil {
		return "", fmt.Errorf("%s: %w", b.name, err)
	}
	tmp := bin + ".tmp"
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", tmp}
	if b.tags != "" {
		args = append(args, "-tags", b.tags)
	}
	cmd := exec.Command(gobin, append(args, b.pkg)...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s: build %s: %w (%w)\n%s", b.name, b.from, err, errMissing, lastLines(string(out), 30))
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("%s: %w", b.name, err)
	}
	return bin, nil
}
