package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// The peer scenario runs Vector (../shared/peers/vector beside the checkout, or -peer) with the
// peers' Beats → parse → Elasticsearch pipeline on the main workload, so that the two are
// measured in the same run, on the same windows, against the same sink. The pipeline is the
// peers' own, with these changes for a fair run (documented in benchmarks/README.md):
//   - addresses: the scenario's Beats port and sink;
//   - request.concurrency 8: Vector's default (one request at a time) leaves it idle while a
//     bulk request is out; sluice adapts between 1 and 4;
//   - batch.timeout_secs 0.2: with 1 s (sluice's flush interval) Vector's batches wait for the
//     timer and it runs at a third of its speed; batch.max_events stays 2048, sluice's batch size.

// peerConfig rewrites the peers' Vector config for one run.
func peerConfig(src, work string, beatsPort int, sinkURL string) (string, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("peer config: %w", err)
	}
	s := string(b)
	for _, r := range []struct{ re, to string }{
		{`(?m)^data_dir = .*$`, fmt.Sprintf("data_dir = %q", filepath.Join(work, "vector-data"))},
		{`(?m)^address = "127\.0\.0\.1:\d+"$`, fmt.Sprintf("address = \"127.0.0.1:%d\"", beatsPort)},
		{`(?m)^endpoints = .*$`, fmt.Sprintf("endpoints = [%q]", sinkURL)},
		{`(?m)^batch\.timeout_secs = .*$`, "batch.timeout_secs = 0.2"},
	} {
		re := regexp.MustCompile(r.re)
		if !re.MatchString(s) {
			return "", fmt.Errorf("peer config %s: no line matches %s; update benchmarks/cmd/bench/peer.go", src, r.re)
		}
		s = re.ReplaceAllString(s, r.to)
	}
	if !strings.Contains(s, "request.concurrency") {
		s += "request.concurrency = 8\n"
	}
	return s, os.MkdirAll(filepath.Join(work, "vector-data"), 0o755)
}

// peerCommand returns the command that runs the peer with the config at path, or an error
// saying why the peer cannot run here (the scenario is then skipped, not failed).
func peerCommand(bin, path string) (*exec.Cmd, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, errSkipped{fmt.Sprintf("no peer binary at %s (set -peer)", bin)}
	}
	cmd := exec.Command(bin, "--config", path, "--quiet")
	cmd.Env = append(os.Environ(), "VECTOR_LOG=warn")
	return cmd, nil
}

// errSkipped marks a scenario that cannot run on this machine: it is reported, not failed.
type errSkipped struct{ why string }

func (e errSkipped) Error() string { return "skipped: " + e.why }

// printRatios compares main and peer when both ran.
func printRatios(w *os.File, rs []result) {
	var main, peer *result
	for i := range rs {
		switch {
		case rs[i].Scenario == "main" && rs[i].Error == "":
			main = &rs[i]
		case rs[i].Scenario == "peer" && rs[i].Error == "":
			peer = &rs[i]
		}
	}
	if main == nil || peer == nil || peer.EventsPerCore == 0 || peer.EventsPerSec == 0 || peer.PeakRSSMiB == 0 {
		return
	}
	fmt.Fprintf(w, "sluice (main) / Vector (peer): events/cpu-s %.2fx, events/s %.2fx, peak RSS %.2fx\n",
		main.EventsPerCore/peer.EventsPerCore, main.EventsPerSec/peer.EventsPerSec, main.PeakRSSMiB/peer.PeakRSSMiB)
}
