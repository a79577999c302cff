package elasticsearch

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestOutageUnderLoad: during an outage Deliver blocks once max_inflight_bytes are held (memory
// stays bounded, nothing fails); when the cluster is back every document lands exactly once.
func TestOutageUnderLoad(t *testing.T) {
	t.Parallel()
	f := newFakeES(t)
	var down atomic.Bool
	down.Store(true)
	f.setFault(func(n int, _ []fakeItem) fault {
		if down.Load() {
			if n%2 == 0 {
				return fault{drop: true}
			}
			return fault{status: 503}
		}
		return fault{}
	})
	const batches, size = 40, 25
	probe, _ := makeBatch("src", 0, size)
	var one []byte
	w := new(itemBuf)
	enc, _ := newEncoder(NewConfig())
	for _, ev := range probe.Events {
		one = enc.appendItem(one, w, ev)
	}
	limit := 4 * len(one) // room for about four batches
	o := testOutput(t, f, &testClock{}, &memDL{}, func(c *Config) {
		c.FlushBytes = 1024
		c.MaxInflightBytes = pipeline.ByteSize(limit)
	})

	returned := make(chan int, batches)
	acks := make([]chan event.Status, batches)
	for i := range batches {
		b, done := makeBatch("src", i*size, size)
		acks[i] = done
		go func() {
			if err := o.Deliver(context.Background(), b); err != nil {
				t.Errorf("deliver: %v", err)
			}
			returned <- i
		}()
	}
	// Only about four batches fit; the others must be blocked in Deliver, not failed.
	accepted := 0
	for accepted < 3 {
		<-returned
		accepted++
	}
	stall := time.After(200 * time.Millisecond)
wait:
	for {
		select {
		case <-returned:
			accepted++
		case <-stall:
			break wait
		}
	}
	if accepted >= batches/2 {
		t.Fatalf("%d of %d batches accepted during the outage: no backpressure", accepted, batches)
	}
	if used := o.snd.HeldBytes(); used > int64(limit) {
		t.Fatalf("held %d bytes, limit %d", used, limit)
	}
	down.Store(false)
	waitDelivered(t, acks)
	assertExactlyOnce(t, f, batches*size)
}
