package check

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluice-dev/sluice/pipeline"
)

// Storage checks a directory: that it can be written (sluice's dead letter, a model cache a
// download job fills), that it has room, and that a model cache holds the files vLLM loads.
type Storage struct {
	Path string `mapstructure:"path"`
	// Writable creates, syncs and removes a probe file.
	Writable bool `mapstructure:"writable"`
	// MinFree is the least free space that passes ("50GiB").
	MinFree pipeline.ByteSize `mapstructure:"min_free"`
	// Files are glob patterns relative to Path that must each match a file (config.json,
	// "*.safetensors", tokenizer.json).
	Files []string `mapstructure:"files"`
}

// Validate checks the path and patterns.
func (s *Storage) Validate() error {
	var errs []error
	if s.Path == "" {
		errs = append(errs, errors.New("path: missing"))
	}
	for i, f := range s.Files {
		if _, err := filepath.Match(f, ""); err != nil {
			errs = append(errs, fmt.Errorf("files[%d]: bad pattern %q", i, f))
		}
	}
	if !s.Writable && s.MinFree == 0 && len(s.Files) == 0 {
		errs = append(errs, errors.New("nothing to check: set writable, min_free or files"))
	}
	return errors.Join(errs...)
}

// Run checks the directory.
func (s *Storage) Run(context.Context) (string, error) {
	fi, err := os.Stat(s.Path)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", s.Path)
	}
	var got []string
	if s.Writable {
		if err := writeProbe(s.Path); err != nil {
			return "", fmt.Errorf("not writable: %w", err)
		}
		got = append(got, "writable")
	}
	if s.MinFree > 0 {
		free, err := freeBytes(s.Path)
		if err != nil {
			return "", err
		}
		if free < int64(s.MinFree) {
			return "", fmt.Errorf("%s free, want at least %s", gib(free), gib(int64(s.MinFree)))
		}
		got = append(got, gib(free)+" free")
	}
	if len(s.Files) > 0 {
		n, err := s.matchFiles()
		if err != nil {
			return "", err
		}
		got = append(got, fmt.Sprintf("%d file(s) matching %s", n, strings.Join(s.Files, ", ")))
	}
	return s.Path + ": " + strings.Join(got, ", "), nil
}

// writeProbe proves the directory takes writes that reach the disk, as a read-only mount or a
// full volume fails only at fsync.
func writeProbe(dir string) error {
	f, err := os.CreateTemp(dir, ".sluice-check-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString("sluice check\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (s *Storage) matchFiles() (int, error) {
	n := 0
	var missing []string
	for _, pat := range s.Files {
		m, _ := filepath.Glob(filepath.Join(s.Path, pat))
		if len(m) == 0 {
			missing = append(missing, pat)
		}
		n += len(m)
	}
	if len(missing) > 0 {
		return n, fmt.Errorf("%s: no file matches %s", s.Path, strings.Join(missing, ", "))
	}
	return n, nil
}

// gib prints a size in GiB with one decimal, as memory and disk sizes are compared.
func gib(n int64) string { return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30)) }
