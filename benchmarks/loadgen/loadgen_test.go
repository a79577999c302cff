package loadgen

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	server "github.com/elastic/go-lumber/server/v2"
)

// TestRunCountsOnlyAcknowledgedEvents runs the generator against Elastic's own Lumberjack server
// and checks that every event it reports was received and acknowledged.
func TestRunCountsOnlyAcknowledgedEvents(t *testing.T) {
	t.Parallel()
	for _, pipelining := range []int{1, 2} {
		t.Run(fmt.Sprint("pipelining=", pipelining), func(t *testing.T) {
			t.Parallel()
			runAgainstLumberServer(t, pipelining)
		})
	}
}

func runAgainstLumberServer(t *testing.T, pipelining int) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.NewWithListener(l)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	received := make(chan int, 1)
	go func() {
		n := 0
		for b := range srv.ReceiveChan() {
			n += len(b.Events)
			b.ACK()
			if n >= 1000 {
				received <- n
				return
			}
		}
	}()
	res, err := Run(context.Background(), Config{
		Addr: l.Addr().String(), Conns: 3, Window: 100, Level: 3, Events: 1000, Seed: 1, Timeout: 5 * time.Second, Pipelining: pipelining,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := <-received
	if res.Events != 1000 || got != 1000 || res.Windows != 12 || res.Bytes < 800_000 {
		t.Fatalf("acked %d events in %d windows (%d bytes), server got %d", res.Events, res.Windows, res.Bytes, got)
	}
	if res.Percentile(99) <= 0 || res.Percentile(50) > res.Percentile(99) {
		t.Fatalf("latency percentiles p50=%v p99=%v", res.Percentile(50), res.Percentile(99))
	}
}
