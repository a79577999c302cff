package pipelinetest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
)

var sampleBlock = regexp.MustCompile("(?s)## Sample config\n\n```yaml\n(.*?)```")

// standInOutput stands in for the outputs a README's sample config writes to, so that an
// input's sample can be loaded without the output packages.
type standInOutput struct {
	Path  string   `mapstructure:"path"`
	Hosts []string `mapstructure:"hosts"`
}

func (*standInOutput) Validate() error { return nil }

// ReadmeSample loads the "## Sample config" YAML block of the component README at path through
// the real config loader, with input as the only input type and stand-ins for the file and
// elasticsearch outputs. It fails the test if the block is missing or does not load, and checks
// that misspelling the key typo (for example "idle_timeout:") makes loading fail: a README's
// keys are refused when mistyped, not ignored.
func ReadmeSample(t testing.TB, path string, input pipeline.InputFactory, typo string) *config.Config {
	t.Helper()
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := sampleBlock.FindSubmatch(readme)
	if m == nil {
		t.Fatalf("%s has no sample config", path)
	}
	var outputs []pipeline.OutputFactory
	for _, typ := range []string{"file", "elasticsearch"} {
		outputs = append(outputs, pipeline.OutputFactory{Type: typ,
			NewConfig: func() pipeline.Config { return &standInOutput{} }})
	}
	comps, err := config.NewComponents([]pipeline.InputFactory{input}, nil, outputs)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(m[1], comps)
	if err != nil {
		t.Fatalf("%s: sample config: %v", path, err)
	}
	if typo != "" {
		bad := strings.Replace(string(m[1]), typo, "x"+typo, 1)
		if _, err := config.Parse([]byte(bad), comps); err == nil || !strings.Contains(err.Error(), "x"+strings.TrimSuffix(typo, ":")) {
			t.Errorf("%s: mistyped key %q was not refused: %v", path, "x"+typo, err)
		}
	}
	return cfg
}

// BadConfigs loads every testdata/*.bad.yaml of the calling package with comps and checks that
// loading fails with the error its first line names ("# want: ..."). A component's table of
// bad configs is then a folder of files, each saying what it must give.
func BadConfigs(t *testing.T, comps config.Components) {
	t.Helper()
	BadFiles(t, func(path string) error {
		_, err := config.Load(path, comps)
		return err
	})
}

// BadFiles is BadConfigs for any file format with its own loader (the checks files of
// `sluice check`): every testdata/*.bad.yaml must make load fail with the error its first line
// names.
func BadFiles(t *testing.T, load func(path string) error) {
	t.Helper()
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) == 0 {
		t.Fatal("no bad configs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			if !ok {
				t.Fatalf("first line %q does not say what error to want", first)
			}
			if err := load(f); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v, want an error with %q", err, want)
			}
		})
	}
}

// WantErrors checks a Validate result: no error when want is empty, otherwise an error that
// mentions every string of want.
func WantErrors(t testing.TB, err error, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}
