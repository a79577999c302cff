package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/sluice-dev/sluice/parsers/builtin"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	pipelineinput "github.com/sluice-dev/sluice/pipeline/input/pipeline"
	pipelineoutput "github.com/sluice-dev/sluice/pipeline/output/pipeline"
	"github.com/sluice-dev/sluice/processors/parse"
	"github.com/sluice-dev/sluice/processors/route"
)

// Stand-ins with the config shapes of the real components, so that config tests do not depend
// on component packages other helpers are writing. The pipeline input and output are the real
// ones: the loader's checks of the links between pipelines are about them.

type fileInConfig struct {
	Paths []string `mapstructure:"paths"`
	Mode  string   `mapstructure:"mode"`
}

func (c *fileInConfig) Validate() error {
	if len(c.Paths) == 0 {
		return errors.New("paths: at least one path is required")
	}
	return nil
}

type esConfig struct {
	Hosts []string `mapstructure:"hosts"`
	Index string   `mapstructure:"index"`
}

func (c *esConfig) Validate() error {
	var errs []error
	for i, h := range c.Hosts {
		if u, err := url.Parse(h); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, fmt.Errorf("hosts[%d]: not a URL: %q", i, h))
		}
	}
	return errors.Join(errs...)
}

type fileOutConfig struct {
	Path string `mapstructure:"path"`
}

func (*fileOutConfig) Validate() error { return nil }

type emptyConfig struct{}

func (*emptyConfig) Validate() error { return nil }

type nopInput struct{}

func (nopInput) Run(ctx context.Context, _ pipeline.Consumer) error { <-ctx.Done(); return nil }

type nopOutput struct{}

func (nopOutput) Deliver(_ context.Context, b *event.Batch) error {
	b.Resolve(event.Delivered)
	return nil
}

func inFactory(typ string, cfg func() pipeline.Config) pipeline.InputFactory {
	return pipeline.InputFactory{Type: typ, NewConfig: cfg,
		Create: func(pipeline.Settings, pipeline.Config) (pipeline.Input, error) { return nopInput{}, nil }}
}

func outFactory(typ string, cfg func() pipeline.Config) pipeline.OutputFactory {
	return pipeline.OutputFactory{Type: typ, NewConfig: cfg,
		Create: func(pipeline.Settings, pipeline.Config) (pipeline.Output, error) { return nopOutput{}, nil }}
}

func testComponents() Components {
	c, err := NewComponents(
		[]pipeline.InputFactory{
			inFactory("file", func() pipeline.Config { return &fileInConfig{Mode: "tail"} }),
			inFactory("stdin", func() pipeline.Config { return &emptyConfig{} }),
			pipelineinput.Factory,
		},
		[]pipeline.ProcessorFactory{parse.NewFactory(builtin.Registry()), route.Factory},
		[]pipeline.OutputFactory{
			outFactory("stdout", func() pipeline.Config { return &emptyConfig{} }),
			outFactory("file", func() pipeline.Config { return &fileOutConfig{} }),
			outFactory("elasticsearch", func() pipeline.Config { return &esConfig{Index: "logs"} }),
			pipelineoutput.Factory,
		})
	if err != nil {
		panic(err)
	}
	return c
}
