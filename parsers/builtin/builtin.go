// Package builtin is the one explicit list of the parsers that ship with sluice, and the order
// in which the default chain tries them.
package builtin

import (
	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/compose"
	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/dcgm"
	"github.com/sluice-dev/sluice/parsers/docker"
	"github.com/sluice-dev/sluice/parsers/gpu_operator"
	pjson "github.com/sluice-dev/sluice/parsers/json"
	"github.com/sluice-dev/sluice/parsers/klog"
	"github.com/sluice-dev/sluice/parsers/logfmt"
	"github.com/sluice-dev/sluice/parsers/nvidia_shell"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/pylog"
	"github.com/sluice-dev/sluice/parsers/syslog"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// Registry returns every built-in parser.
func Registry() *parsers.Registry {
	return parsers.NewRegistry(
		// One line per parser package, in the order of DefaultChain below.
		cri.Info,
		docker.Info,
		compose.Info, // inner frames: after the runtime's, around what the program wrote
		syslog.Info,
		vllm.Info,
		nvidia_xid.Info,
		gpu_operator.Info,
		dcgm.Info,
		klog.Info,
		logfmt.Info,
		pjson.Info,
		pylog.Info,
		nvidia_shell.Info, // last: it takes any plain line from a GPU-stack container
	)
}

// DefaultChain is the order in which `sluice parse` and a parse processor without an explicit
// list try parsers on a line: container framing first, then the specific formats, then the
// generic fallbacks.
func DefaultChain() []string {
	return []string{
		"cri", "docker", "compose", "syslog", "vllm",
		"nvidia_xid", "gpu_operator", "dcgm", "klog", "logfmt", "json", "pylog", "nvidia_shell",
	}
}
