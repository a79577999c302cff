package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/check"
)

// The pipeline shipped in the Kubernetes manifest is the example config, and it validates.
func TestDeployConfigMapValidates(t *testing.T) {
	t.Parallel()
	config := configMapData(t, "../../deploy/sluice/sluice.yaml", "sluice.yaml", "../../configs/vllm-gpu-k8s.yaml")
	f := filepath.Join(t.TempDir(), "sluice.yaml")
	if err := os.WriteFile(f, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "", "validate", "-c", f); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}

// The checks the preflight Job runs are the stack's default checks file, and it loads.
func TestDeployChecksConfigMapLoads(t *testing.T) {
	t.Parallel()
	checks := configMapData(t, "../../deploy/sluice/check.yaml", "checks.yaml", "../../configs/checks/vllm-gpu-k8s.yaml")
	if _, err := check.Parse([]byte(checks), func(string) (string, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
}

// configMapData returns key of the ConfigMap in a manifest, which must equal the file it copies.
func configMapData(t *testing.T, manifest, key, copyOf string) string {
	t.Helper()
	raw, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var data string
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	for {
		var doc struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
		}
		if err := dec.Decode(&doc); err != nil {
			break
		}
		if doc.Kind == "ConfigMap" {
			data = doc.Data[key]
		}
	}
	want, err := os.ReadFile(copyOf)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(data) != strings.TrimSpace(string(want)) {
		t.Fatalf("%s's ConfigMap differs from %s", manifest, copyOf)
	}
	return data
}
