package builtin

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// BenchmarkDecline measures what each content parser costs on a line it does not take (a
// Python traceback line reaches every parser of the chain), so that the chain's cost per
// unrecognised line is known.
func BenchmarkDecline(b *testing.B) {
	line := `  File "/usr/local/lib/python3.12/dist-packages/vllm/worker/model_runner.py", line 1654, in execute_model nvidia`
	reg := Registry()
	for _, n := range reg.DefaultChain() {
		info, _ := reg.Lookup(n)
		if info.Framing {
			continue
		}
		p := info.New(parsers.Options{})
		b.Run(n, func(b *testing.B) {
			ev := event.New()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				ev.Reset()
				ev.SetMessage(line)
				if p.Parse(ev) {
					b.Fatalf("%s took %q", n, line)
				}
			}
		})
	}
}
