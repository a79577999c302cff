package file

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// Mode read plans the files and bytes it reads when it starts and counts them done as they are
// read, skipped as delivered before (state file) or given up on (unreadable), so that a run's
// progress ends at exactly 100%.
func TestReadModeProgress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	write(t, filepath.Join(dir, "a.log"), "l1\nl2\nl3\nl4\n") // 12 bytes
	write(t, filepath.Join(dir, "b.log"), "x1\nx2\n")         // 6 bytes
	bad := filepath.Join(dir, "c.log")
	write(t, bad, "secret\n") // 7 bytes, unreadable
	mod := readMode(dir, func(c *Config) { c.BatchSize, c.StateFile = 2, state })
	first, _ := newInput(t, readMode(dir, func(c *Config) {
		c.Paths, c.StateFile = []string{filepath.Join(dir, "a.log")}, state
	}))
	run := pipelinetest.RunInput(t, first)
	if err := run.Wait(t); err != nil {
		t.Fatal(err)
	}
	run.Batches()[0].Resolve(event.Delivered) // a.log delivered: the second run skips it
	if err := first.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	in, _ := newInput(t, mod)
	in.openFile = func(name string) (*os.File, error) {
		if name == bad {
			return nil, os.ErrPermission
		}
		return os.Open(name)
	}
	run2 := pipelinetest.RunInput(t, in)
	if err := run2.Wait(t); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ got, want float64 }{
		"planned files": {testutil.ToFloat64(in.m.plannedFiles), 3},
		"done files":    {testutil.ToFloat64(in.m.doneFiles), 3},
		"planned bytes": {testutil.ToFloat64(in.m.plannedBytes), 25},
		"done bytes":    {testutil.ToFloat64(in.m.doneBytes), 25},
		"bytes read":    {testutil.ToFloat64(in.m.bytes), 6}, // b.log only
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", name, c.got, c.want)
		}
	}
}
