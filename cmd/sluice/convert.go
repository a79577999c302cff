package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/convert"
	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

func newConvertCmd() *cobra.Command {
	var out, samples string
	cmd := &cobra.Command{
		Use:   "convert LOGSTASH.conf|DIR|-...|pipelines.yml [-o sluice.yaml]",
		Short: "Translate Logstash pipeline files into a sluice config, reporting what has no equivalent",
		Long: `Reads Logstash pipeline files with a parser of Logstash's configuration language and
writes one sluice config with one pipeline, main. Files are concatenated in the order given;
a directory stands for its *.conf files in name order, as Logstash reads conf.d; - reads
standard input. A pipelines.yml (or a directory holding one) stands for the pipelines it
lists (pipeline.id with path.config or config.string): each becomes a sluice pipeline, and
pipeline inputs and outputs (pipeline-to-pipeline) link them.

Translated: inputs beats, kafka, file, stdin, pipeline (codecs json and multiline become processors);
filters grok, dissect, json, kv, date, mutate (rename, replace, convert, uppercase,
lowercase, copy), drop, fingerprint, and add_field/remove_field/remove_tag of any filter;
if / else if / else into each processor's if:, and into a route processor for outputs;
outputs elasticsearch (hosts, user/password, api_key, index with %{[field]} and
%{+yyyy.MM.dd}, data streams, document_id from a fingerprint), stdout, file, pipeline.

Everything else is printed on stderr, one line each with file:line:column, and kept at the
end of the YAML as a commented block. Check the result with sluice validate -c FILE.
With --samples LINES, the sample lines go through the converted pipeline and a tests: key is
added whose expected events are what it makes of them: review them, then sluice test -c FILE.
Exit status: 0 when everything was translated, 2 when something was reported, 1 on a
syntax error (file:line:column) or an unreadable file.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := convertFiles(args, cmd.InOrStdin())
			if err != nil {
				return err
			}
			for _, n := range res.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), n)
			}
			if samples != "" {
				if res.YAML, err = withSampleTests(cmd.Context(), res.YAML, samples); err != nil {
					return err
				}
			}
			if err := writeOut(out, res.YAML, cmd.OutOrStdout()); err != nil {
				return err
			}
			if len(res.Notes) > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d note(s): review them before running the config\n", len(res.Notes))
				return exitError{code: 2}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the sluice config to this file (default: stdout)")
	cmd.Flags().StringVar(&samples, "samples", "", "a file of sample log lines: add tests: whose expected events are what the converted pipeline makes of them")
	return cmd
}

// convertFiles parses every file (a directory stands for its *.conf files in name order, as
// Logstash reads conf.d; "-" for standard input), then translates them as one pipeline. A
// pipelines.yml, or a directory holding one, stands for the pipelines it lists instead.
func convertFiles(args []string, stdin io.Reader) (*convert.Result, error) {
	if p := pipelinesYML(args); p != "" {
		return convertPipelines(p)
	}
	files, err := expandConfs(args)
	if err != nil {
		return nil, err
	}
	srcs, err := parseConfs(files, stdin)
	if err != nil {
		return nil, err
	}
	return convert.Translate(srcs)
}

// parseConfs reads and parses Logstash files in order; "-" is standard input.
func parseConfs(files []string, stdin io.Reader) ([]convert.Source, error) {
	var err error
	srcs := make([]convert.Source, 0, len(files))
	for _, f := range files {
		var b []byte
		if f == "-" {
			b, err = io.ReadAll(stdin)
			f = "<stdin>"
		} else {
			b, err = os.ReadFile(f)
		}
		if err != nil {
			return nil, fmt.Errorf("convert: %w", err)
		}
		cfg, err := logstash.Parse(f, string(b))
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, convert.Source{File: f, Cfg: cfg})
	}
	return srcs, nil
}

func expandConfs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		if st, err := os.Stat(a); err != nil || !st.IsDir() {
			files = append(files, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.conf"))
		if err != nil || len(m) == 0 {
			return nil, fmt.Errorf("convert: %s: no *.conf files in the directory", a)
		}
		sort.Strings(m)
		files = append(files, m...)
	}
	return files, nil
}

func writeOut(path string, data []byte, stdout io.Writer) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	return nil
}
