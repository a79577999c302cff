package builtin

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// BenchmarkDecline measures what each content parser costs on a line it does not take (a Java
// stack frame from an application sluice knows nothing about reaches every parser of the
// chain), so that the chain's cost per unrecognised line is known. A Python frame line is no
// longer such a line: the vllm parser takes it as a traceback fragment.
func BenchmarkDecline(b *testing.B) {
	line := `	at io.netty.channel.nio.NioEventLoop.processSelectedKeys(NioEventLoop.java:650) nvidia`
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
