package corpus

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestEventsAreValidRepeatableAndRealisticInSize(t *testing.T) {
	t.Parallel()
	a, b := New(7), New(7)
	total := 0
	containers := map[string]int{}
	for i := 0; i < 2000; i++ {
		ea, eb := a.Event(), b.Event()
		if !bytes.Equal(ea, eb) {
			t.Fatalf("event %d differs between runs of the same seed", i)
		}
		var m struct {
			Message    string `json:"message"`
			Kubernetes struct {
				Container struct{ Name string } `json:"container"`
			} `json:"kubernetes"`
		}
		if err := json.Unmarshal(ea, &m); err != nil {
			t.Fatalf("event %d is not JSON: %v\n%s", i, err, ea)
		}
		if f := strings.SplitN(m.Message, " ", 4); len(f) != 4 || (f[1] != "stdout" && f[1] != "stderr") || f[2] != "F" {
			t.Fatalf("event %d message not CRI framed: %q", i, m.Message)
		}
		containers[m.Kubernetes.Container.Name]++
		total += len(ea)
	}
	if avg := total / 2000; avg < 800 || avg > 1600 {
		t.Fatalf("average event size %d bytes, want about 1 KB", avg)
	}
	if containers["vllm"] < 1400 || len(containers) < 5 {
		t.Fatalf("unrealistic mix: %v", containers)
	}
}
