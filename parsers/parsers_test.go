package parsers

import (
	"slices"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
)

type never struct{}

func (never) Parse(*event.Event) bool { return false }

func info(name string, explicit bool) Info {
	return Info{Name: name, New: func(Options) Parser { return never{} }, Explicit: explicit}
}

// The default chain is the registration order, less the parsers that run only where a config
// names them; nothing repeats the order by hand.
func TestDefaultChain(t *testing.T) {
	t.Parallel()
	r := NewRegistry(info("cri", false), info("loose", true), info("vllm", false), info("json", false))
	if got, want := r.DefaultChain(), []string{"cri", "vllm", "json"}; !slices.Equal(got, want) {
		t.Errorf("DefaultChain = %v, want %v", got, want)
	}
	if got := r.Names(); len(got) != 4 {
		t.Errorf("Names = %v, want all four", got)
	}
}
