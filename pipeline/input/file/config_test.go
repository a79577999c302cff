package file

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(c *Config)
		want []string // substrings of the error; none means valid
	}{
		{"defaults with a path", func(c *Config) {}, nil},
		{"read mode", func(c *Config) { c.Mode = ModeRead }, nil},
		{"no paths", func(c *Config) { c.Paths = nil }, []string{"paths: at least one"}},
		{"bad pattern", func(c *Config) { c.Paths = []string{"/var/log/[x"} }, []string{"paths[0]: bad pattern"}},
		{"empty path", func(c *Config) { c.Paths = []string{"/a", ""} }, []string{"paths[1]: empty"}},
		{"bad exclude", func(c *Config) { c.Exclude = []string{"[x"} }, []string{"exclude[0]: bad pattern"}},
		{"double star", func(c *Config) { c.Paths = []string{"/var/log/**/*.log"} }, []string{"** is not supported"}},
		{"bad mode", func(c *Config) { c.Mode = "tail" }, []string{`mode: "tail"`}},
		{"bad start_at", func(c *Config) { c.StartAt = "middle" }, []string{`start_at: "middle"`}},
		{"end in read mode", func(c *Config) { c.Mode, c.StartAt = ModeRead, StartEnd }, []string{"reads nothing"}},
		{"zero max line", func(c *Config) { c.MaxLineBytes = 0 }, []string{"max_line_bytes"}},
		{"zero batch", func(c *Config) { c.BatchSize = 0 }, []string{"batch_size"}},
		{"negative poll", func(c *Config) { c.PollInterval = -1 }, []string{"poll_interval"}},
		{"every problem reported", func(c *Config) { c.Paths, c.Mode, c.BatchSize = nil, "x", 0 },
			[]string{"paths:", "mode:", "batch_size:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := NewConfig()
			c.Paths = []string{"/var/log/*.log"}
			tt.mod(c)
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error with %q, got none", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func components(t *testing.T) config.Components {
	t.Helper()
	c, err := config.NewComponents([]pipeline.InputFactory{Factory}, nil,
		[]pipeline.OutputFactory{pipelinetest.NewSink().Factory("sink")})
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
	got := cfg.Inputs["file/vllm"].Config.(*Config)
	if got.MaxLineBytes != 1<<20 || got.PollInterval != 250*time.Millisecond || len(got.Paths) != 2 ||
		got.StateFile != "/var/lib/sluice/file-vllm.json" {
		t.Fatalf("decoded %+v", got)
	}
}

// TestBadConfigs loads each testdata/*.bad.yaml and checks the error named in its first line.
func TestBadConfigs(t *testing.T) {
	t.Parallel()
	pipelinetest.BadConfigs(t, components(t))
}
