package loadgen

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	server "github.com/elastic/go-lumber/server/v2"
)

// TestRunCountsOnlyAcknowledgedEvents runs the generator against Elastic's own Lumberjack server
// and checks that every event it reports was received and acknowledged.
func TestRunCountsOnlyAcknowledgedEvents(t *testing.T) {
	t.Parallel()
	for _, pipelining := range []int{1, 2} {
		for _, pre := range []bool{false, true} {
			t.Run(fmt.Sprint("pipelining=", pipelining, "/precompressed=", pre), func(t *testing.T) {
				t.Parallel()
				runAgainstLumberServer(t, pipelining, pre)
			})
		}
	}
}

// lumberServer starts Elastic's Lumberjack server on a loopback port, closed with the test.
func lumberServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.NewWithListener(l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, l.Addr().String()
}

func runAgainstLumberServer(t *testing.T, pipelining int, precompressed bool) {
	srv, addr := lumberServer(t)
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
		Addr: addr, Conns: 3, Window: 100, Level: 3, Events: 1000, Seed: 1, Timeout: 5 * time.Second, Pipelining: pipelining,
		Precompressed: precompressed, Pool: 300,
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

// TestSplitGroupsEndsWindowsInATraceback checks with Elastic's Lumberjack server that every
// window but the last ends with the first lines of a traceback and the next opens with the rest.
func TestSplitGroupsEndsWindowsInATraceback(t *testing.T) {
	t.Parallel()
	for _, pre := range []bool{false, true} {
		t.Run(fmt.Sprint("precompressed=", pre), func(t *testing.T) {
			t.Parallel()
			splitGroups(t, pre)
		})
	}
}

func splitGroups(t *testing.T, precompressed bool) {
	srv, addr := lumberServer(t)
	windows := make(chan []string, 16)
	go func() {
		for b := range srv.ReceiveChan() {
			var msgs []string
			for _, ev := range b.Events {
				msgs = append(msgs, ev.(map[string]interface{})["message"].(string))
			}
			b.ACK()
			windows <- msgs
		}
	}()
	if _, err := Run(context.Background(), Config{Addr: addr, Conns: 1, Window: 50, Level: 3,
		Events: 200, Seed: 1, Timeout: 5 * time.Second, Pipelining: 1, SplitGroups: true,
		Precompressed: precompressed, Pool: 100}); err != nil {
		t.Fatal(err)
	}
	var prev []string
	for range 4 {
		w := <-windows
		if len(w) != 50 {
			t.Fatalf("window of %d events", len(w))
		}
		if !strings.Contains(w[len(w)-splitHead], "EngineCore encountered a fatal error") ||
			!strings.Contains(w[len(w)-splitHead+1], "Traceback (most recent call last):") {
			t.Fatalf("window does not end in a traceback: %q", w[len(w)-splitHead:])
		}
		if prev != nil && !strings.Contains(w[0], "engine_core.run_busy_loop()") {
			t.Fatalf("window does not open with the rest of the traceback: %q", w[:2])
		}
		prev = w
	}
}
