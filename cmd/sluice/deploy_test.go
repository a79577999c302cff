package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/check"
)

// The pipeline the Kubernetes manifests ship (deploy/base's sluice-config ConfigMap is generated
// from this copy) is the example config, and it validates; so does the Kafka overlay's.
func TestDeployConfigMapValidates(t *testing.T) {
	t.Parallel()
	sameFile(t, "../../deploy/base/sluice/sluice.yaml", "../../configs/vllm-gpu-k8s.yaml")
	for _, f := range []string{"../../deploy/base/sluice/sluice.yaml", "../../deploy/overlays/kafka/sluice.yaml"} {
		if code, out, errs := runCLI(t, "", "validate", "-c", f); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", f, code, out, errs)
		}
	}
}

// The checks the preflight Job runs are the stack's default checks file, and it loads.
func TestDeployChecksConfigMapLoads(t *testing.T) {
	t.Parallel()
	checks := sameFile(t, "../../deploy/base/preflight/checks.yaml", "../../configs/checks/vllm-gpu-k8s.yaml")
	if _, err := check.Parse([]byte(checks), func(string) (string, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
}

// sameFile returns the content of copyFile, which must equal the file it copies.
func sameFile(t *testing.T, copyFile, of string) string {
	t.Helper()
	got, err := os.ReadFile(copyFile)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(of)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from %s: copy it again", copyFile, of)
	}
	return string(got)
}
