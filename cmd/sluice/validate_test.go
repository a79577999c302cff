package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// validateFile writes config to a file and runs `sluice validate` on it.
func validateFile(t *testing.T, config string) (file string, code int, stdout, stderr string) {
	t.Helper()
	file = filepath.Join(t.TempDir(), "sluice.yaml")
	writeFile(t, file, config)
	code, stdout, stderr = runCLI(t, "", "validate", "-c", file)
	return file, code, stdout, stderr
}

// "OK" must mean OK: what used to pass validate and fail, or silently change meaning, at run
// time is refused with one line per problem naming the file and key path.
func TestValidateRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, config string
		want         []string // each an exact line of stderr, after "FILE: "
	}{
		{"route to an output the pipeline lacks", `
inputs: {stdin: {}}
processors: {route: {routes: [{if: 'log.level == "error"', outputs: [elasticsearch/errors]}]}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [stdin], processors: [route], outputs: [stdout]}}
`, []string{`processors.route.routes[0].outputs[0]: output "elasticsearch/errors" is not an output of pipeline "main" (its outputs: stdout)`}},
		{"names that differ only in case", `
inputs: {stdin: {}, stdin/b: {}}
outputs: {stdout: {}}
pipelines:
  main: {inputs: [stdin], outputs: [stdout]}
  Main: {inputs: [stdin/b], outputs: [stdout]}
`, []string{`pipelines.main: "main" and "Main" differ only in case and would merge (keys are case-insensitive): rename one`}},
		{"a condition that is not boolean", `
inputs: {stdin: {}}
processors: {drop: {if: 'message'}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [stdin], processors: [drop], outputs: [stdout]}}
`, []string{`processors.drop.if: condition "message": message is text, not true or false: test it (message contains "CUDA error")`}},
		{"a fraction for an integer", `
inputs: {stdin: {}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [stdin], outputs: [stdout]}}
runtime: {batch_size: 1.5}
`, []string{`runtime.batch_size: want an integer, got 1.5`}},
		{"one error inside a pipeline is one error", `
inputs: {stdin: {}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [stdin], outputs: [stdout], extra: 1}}
`, []string{`pipelines.main.extra: unknown key`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file, code, stdout, stderr := validateFile(t, tc.config)
			if code != 1 || strings.Contains(stdout, "OK") {
				t.Fatalf("exit %d, stdout %q: want exit 1 and no OK", code, stdout)
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, file+": "+w)
			}
			want = append(want, file+": "+strconv.Itoa(len(tc.want))+" problem(s)")
			if got := strings.TrimSpace(stderr); got != strings.Join(want, "\n") {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
			}
		})
	}
}

// A valid but unsafe config passes with a warning naming the file and key path.
func TestValidateWarnings(t *testing.T) {
	t.Parallel()
	file, code, stdout, stderr := validateFile(t, `
inputs:
  kafka:
    brokers: [kafka-0:9092]
    topics: [logs]
    group_id: sluice
    sasl: {mechanism: plain, username: sluice, password: secret}
outputs: {stdout: {}}
pipelines: {main: {inputs: [kafka], outputs: [stdout]}}
`)
	if code != 0 || !strings.HasPrefix(stdout, "OK "+file) {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	want := file + ": inputs.kafka.sasl.mechanism: warning: plain without tls.enabled sends the password unencrypted"
	if strings.TrimSpace(stderr) != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

// A config's own tests: key is ignored by validate (and run, which loads the same way), as
// `sluice test --help` and the README say.
func TestValidateIgnoresInlineTests(t *testing.T) {
	t.Parallel()
	_, code, _, stderr := validateFile(t, `
inputs: {stdin: {}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [stdin], outputs: [stdout]}}
tests:
  - name: one
    input: [a line]
`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, help, _ := runCLI(t, "", "test", "--help")
	if !strings.Contains(help, "sluice validate and run accept that key and ignore it") || strings.Contains(help, "reject") {
		t.Errorf("test --help does not say validate and run ignore tests:\n%s", help)
	}
}

// TLS keys are one set for every component: a key named the Filebeat way or the way an older
// release named it fails with the key to write, and disabled certificate checks are a warning.
func TestValidateTLSKeys(t *testing.T) {
	t.Parallel()
	file, code, _, stderr := validateFile(t, `
inputs:
  beats: {tls: {enabled: true, certificate: /etc/sluice/tls.crt, key_file: /etc/sluice/tls.key}}
  kafka: {brokers: [kafka-0:9092], topics: [logs], group_id: sluice, tls: {enabled: true, ca: /etc/sluice/ca.crt}}
outputs: {stdout: {}}
pipelines: {main: {inputs: [beats, kafka], outputs: [stdout]}}
`)
	for _, want := range []string{
		file + ": inputs.beats.tls.certificate: unknown key; the setting is now cert_file",
		file + ": inputs.kafka.tls.ca: unknown key; the setting is now ca_file",
	} {
		if code == 0 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr %q, want %q", code, stderr, want)
		}
	}
	file, code, _, stderr = validateFile(t, `
inputs: {stdin: {}}
outputs:
  elasticsearch:
    hosts: [https://es:9200]
    tls: {insecure_skip_verify: true}
pipelines: {main: {inputs: [stdin], outputs: [elasticsearch]}}
`)
	want := file + ": outputs.elasticsearch.tls.insecure_skip_verify: warning: certificate checks are off"
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(stderr), want) {
		t.Errorf("exit %d, stderr %q, want %q", code, stderr, want)
	}
}
