package cri_test

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/cri/critest"
	"github.com/sluice-dev/sluice/parsers/golden"
	"github.com/sluice-dev/sluice/pipeline/event"
)

func FuzzFrameMessage(f *testing.F) {
	golden.Seed(f, "testdata")
	f.Fuzz(func(t *testing.T, line string) {
		ev := event.NewMessage(line, golden.Received)
		ok := cri.Parser{}.Parse(ev)
		critest.CheckFrameMessage(t, cri.Parser{}, line, ev, ok)
	})
}
