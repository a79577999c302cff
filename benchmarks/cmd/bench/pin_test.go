package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPin runs a program through pin and reads, in the program itself, the CPUs it may run on.
func TestPin(t *testing.T) {
	cmd, err := pin(exec.Command("sh", "-c", "grep Cpus_allowed_list /proc/self/status"), "0")
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := strings.Join(strings.Fields(string(out)), " "); got != "Cpus_allowed_list: 0" {
		t.Errorf("pinned program reads %q, want CPU 0 alone", got)
	}
}
