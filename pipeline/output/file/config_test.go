package file

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// components knows this output and a stand-in input, enough to load a config.
func components(t *testing.T) config.Components {
	t.Helper()
	source := pipeline.InputFactory{
		Type:      "source",
		NewConfig: func() pipeline.Config { return &pipelinetest.EmptyConfig{} },
		Create:    func(pipeline.Settings, pipeline.Config) (pipeline.Input, error) { return nil, nil },
	}
	c, err := config.NewComponents([]pipeline.InputFactory{source}, nil, []pipeline.OutputFactory{Factory})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSampleConfig loads the README's sample through the real config loader.
func TestSampleConfig(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load("testdata/sample.yaml", components(t))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Outputs["file/archive"].Config.(*Config)
	if got.MaxBytes != 256<<20 || got.BufferBytes != 256<<10 || got.RetryBackoff != 200*time.Millisecond ||
		got.Sync != SyncBatch || got.MaxFiles != 5 {
		t.Fatalf("decoded %+v", got)
	}
}

// TestBadConfigs loads each testdata/*.bad.yaml and checks the error named in its first line.
func TestBadConfigs(t *testing.T) {
	t.Parallel()
	pipelinetest.BadConfigs(t, components(t))
}
