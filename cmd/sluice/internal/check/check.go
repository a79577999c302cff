// Package check is the engine behind `sluice check`: preflight checks of the infrastructure a
// sluice deployment and the vLLM servers it watches depend on (endpoints, GPUs, DNS,
// Elasticsearch, Kafka, Kubernetes, storage), declared in YAML and reported as PASSED, FAILED
// or SKIPPED lines, JUnit XML, JSON or Prometheus metrics.
//
// It lives under cmd/sluice/internal because it is a command of the binary, not a pipeline
// component: nothing in pipeline/ may import it, and it may read the pipeline's packages.
package check

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Status is the outcome of one check.
type Status int

// The outcomes, in the order a report counts them.
const (
	Passed Status = iota
	Failed
	Skipped
	// Warned is a failed check whose severity is warn: reported, but not a failure of the run.
	Warned
)

func (s Status) String() string {
	switch s {
	case Passed:
		return "PASSED"
	case Failed:
		return "FAILED"
	case Skipped:
		return "SKIPPED"
	}
	return "WARNING"
}

// Result is one check's outcome with what it measured.
type Result struct {
	Name    string
	Section string
	Kind    string
	Status  Status
	// Detail is the measured value on success ("24 GiB on 1 GPU") and the reason otherwise,
	// which also names the measured value where there is one.
	Detail   string
	Duration time.Duration
}

// Probe is a configured check of one kind. Run returns what it measured; an error fails the
// check (its message is the reason), one made with Skip skips it. Validate runs at load time so
// a bad checks file fails before anything is probed.
type Probe interface {
	Validate() error
	Run(ctx context.Context) (string, error)
}

// Kind describes one kind of check: its name in the file, the report section its checks go in
// unless they name one, and a constructor returning its settings with defaults.
type Kind struct {
	Name    string
	Section string
	New     func() Probe
}

// skipError marks a check that cannot run here (no nvidia-smi, not in a cluster) rather than
// one that failed.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

// Skip returns an error that makes a check SKIPPED with the reason given.
func Skip(format string, args ...any) error {
	return &skipError{reason: fmt.Sprintf(format, args...)}
}

// IsSkip reports whether err came from Skip.
func IsSkip(err error) bool {
	var s *skipError
	return errors.As(err, &s)
}

// Kinds is the one list of every kind of check this build knows.
func Kinds() []Kind {
	return []Kind{
		{Name: "http", Section: "HTTP", New: func() Probe { return newHTTP() }},
		{Name: "tcp", Section: "Network", New: func() Probe { return &TCP{Timeout: 5 * time.Second} }},
		{Name: "dns", Section: "Network", New: func() Probe { return &DNS{Type: "A", MinAnswers: 1} }},
		{Name: "tls", Section: "Network", New: func() Probe { return &TLSCert{MinDays: 14} }},
		{Name: "storage", Section: "Storage", New: func() Probe { return &Storage{} }},
		{Name: "vllm", Section: "vLLM", New: func() Probe { return newVLLM() }},
		{Name: "elasticsearch", Section: "Elasticsearch", New: func() Probe { return newElasticsearch() }},
		{Name: "kafka", Section: "Kafka", New: func() Probe { return &Kafka{} }},
		{Name: "kubernetes", Section: "Kubernetes", New: func() Probe { return newKubernetes() }},
		{Name: "gpu", Section: "GPU", New: func() Probe { return newGPU() }},
		{Name: "exec", Section: "Custom", New: func() Probe { return &Exec{ExitCode: 0} }},
		{Name: "all", Section: "Custom", New: func() Probe { return &All{} }},
	}
}
