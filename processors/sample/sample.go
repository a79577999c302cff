// Package sample is the processor that thins out high-volume logs (vLLM's per-request access
// lines) while keeping everything that matters: events matching keep_if are always kept, and a
// fixed fraction of the others, chosen by a hash of key fields rather than at random, so that
// the decision is the same on every replica and every replay.
package sample

import (
	"math"

	"github.com/cespare/xxhash/v2"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates sample processors.
var Factory = proc.NewFactory("sample", NewConfig, build)

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	keep, err := c.keepIf()
	if err != nil {
		return nil, err
	}
	key := c.Key
	limit := uint64(c.Rate * math.MaxUint64)
	if c.Rate >= 1 {
		limit = math.MaxUint64
	}
	return func(ev *event.Event) (proc.Result, error) {
		if keep != nil && keep.Match(ev) {
			return proc.Keep, nil
		}
		if c.Rate >= 1 || Hash(ev, key) < limit {
			return proc.Keep, nil
		}
		return proc.Drop, nil
	}, nil
}

// Hash returns the xxhash of the key fields' text, without allocating.
func Hash(ev *event.Event, key []string) uint64 {
	var d xxhash.Digest
	d.Reset()
	for _, k := range key {
		if v, ok := ev.Get(k); ok {
			if v.Kind() == event.KindString || v.Kind() == event.KindRaw {
				_, _ = d.WriteString(v.Str())
			} else {
				_, _ = d.WriteString(v.String())
			}
		}
		_, _ = d.Write([]byte{0})
	}
	return d.Sum64()
}
