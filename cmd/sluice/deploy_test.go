package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The pipeline shipped in the Kubernetes manifest is the example config, and it validates.
func TestDeployConfigMapValidates(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../deploy/sluice/sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var config string
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
			config = doc.Data["sluice.yaml"]
		}
	}
	want, err := os.ReadFile("../../configs/vllm-gpu-k8s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(config) != strings.TrimSpace(string(want)) {
		t.Fatal("deploy/sluice/sluice.yaml's ConfigMap differs from configs/vllm-gpu-k8s.yaml")
	}
	f := filepath.Join(t.TempDir(), "sluice.yaml")
	if err := os.WriteFile(f, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "", "validate", "-c", f); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}
