package file

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// TestStateFingerprint: saved state is used only for the file it was taken from. A new file
// that got a deleted file's inode (the state names its inode) is read from the start.
func TestStateFingerprint(t *testing.T) {
	t.Parallel()
	const content = "first line\nsecond line\n"
	tests := []struct {
		name   string
		prefix string // the content the saved fingerprint was taken over
		offset int64
		want   []string
	}{
		{"same file resumes", "first line\n", 11, []string{"second line"}},
		{"same file, short fingerprint", "fir", 11, []string{"second line"}},
		{"reused inode, other content", "other file\n", 11, []string{"first line", "second line"}},
		{"reused inode, shorter file", content + "more", 11, []string{"first line", "second line"}},
		{"no fingerprint (old state)", "", 11, []string{"second line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path, state := filepath.Join(dir, "a.log"), filepath.Join(dir, "state.json")
			write(t, path, content)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			saved := savedState{Version: 1, Files: []savedFile{{
				Path: path, ID: idOf(fi), Offset: tt.offset, Fingerprint: fingerprintOf([]byte(tt.prefix)),
			}}}
			b, _ := json.Marshal(saved)
			write(t, state, string(b))
			in, _ := newInput(t, readMode(dir, func(c *Config) { c.StateFile = state }))
			run := pipelinetest.RunInput(t, in)
			if err := run.Wait(t); err != nil {
				t.Fatal(err)
			}
			if got := run.Messages(); !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFingerprintGrows: a file that starts empty gets its fingerprint as it grows, up to the
// maximum, and the state file records it.
func TestFingerprintGrows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, state := filepath.Join(dir, "a.log"), filepath.Join(dir, "state.json")
	write(t, path, "")
	in, run := startFollow(t, dir, func(c *Config) { c.StateFile = state })
	waitOpen(t, in)
	long := strings.Repeat("y", 2000)
	appendTo(t, path, "short\n"+long+"\n")
	wantMessages(t, run, "short", long)
	if err := run.Stop(t); err != nil {
		t.Fatal(err)
	}
	run.ResolveAll(event.Delivered)
	if err := in.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var s savedState
	if err := json.Unmarshal(b, &s); err != nil || len(s.Files) != 1 {
		t.Fatalf("state %s: %v", b, err)
	}
	want := fingerprintOf([]byte(("short\n" + long)[:fingerprintMax]))
	if got := s.Files[0].Fingerprint; got != want {
		t.Fatalf("fingerprint %+v, want %+v", got, want)
	}
}
