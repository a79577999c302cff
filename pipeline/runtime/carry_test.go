package runtime

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// keeper is a processor whose state is a counter of the batches it saw.
type keeper struct{ n int }

func (k *keeper) Process(context.Context, *event.Batch) error { k.n++; return nil }
func (k *keeper) Release() any                                { n := k.n; k.n = 0; return n }
func (k *keeper) Adopt(state any)                             { k.n += state.(int) }

// TestCarry: state goes to the processor of the same pipeline, id and type in the next config,
// and nowhere else; without Next (a plain stop) nothing is released.
func TestCarry(t *testing.T) {
	t.Parallel()
	next := &config.Config{
		Processors: map[string]config.Component{"requests": {ID: "requests", Type: "requests"}, "other": {ID: "other", Type: "drop"}},
		Pipelines:  map[string]config.Pipeline{"main": {Processors: []string{"requests", "other"}}},
	}
	node := func(id, typ string, k *keeper) procNode { return procNode{id: id, typ: typ, p: k, handover: k} }
	c := NewCarry()
	stopped := &keeper{n: 3}
	c.release("main", node("requests", "requests", stopped))
	if stopped.n != 3 {
		t.Fatalf("released without a reload")
	}
	c.Next(next)
	moved, retyped, elsewhere := &keeper{n: 2}, &keeper{n: 5}, &keeper{n: 7}
	c.release("main", node("requests", "requests", moved))
	c.release("main", node("other", "requests", retyped)) // "other" is a drop in the next config
	c.release("side", node("requests", "requests", elsewhere))
	if moved.n != 0 || retyped.n != 5 || elsewhere.n != 7 {
		t.Fatalf("released: moved %d, retyped %d, other pipeline %d", moved.n, retyped.n, elsewhere.n)
	}
	succ, unrelated := &keeper{}, &keeper{}
	c.adopt([]*pipe{{name: "main", procs: []procNode{node("requests", "requests", succ)}}, {name: "side", procs: []procNode{node("requests", "requests", unrelated)}}})
	if succ.n != 2 || unrelated.n != 0 {
		t.Fatalf("adopted: %d and %d", succ.n, unrelated.n)
	}
	c.release("main", node("requests", "requests", succ)) // the adopted config is the running one
	if succ.n != 2 {
		t.Fatalf("released after the reload was done")
	}
}
