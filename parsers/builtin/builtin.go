// Package builtin is the one explicit list of the parsers that ship with sluice, in the order
// in which the default chain tries them (parsers.Registry.DefaultChain). Only cmd/sluice imports
// it outside tests: it hands the registry to the parse processor and to `sluice setup`.
package builtin

import (
	"github.com/sluice-dev/sluice/parsers"
	"github.com/sluice-dev/sluice/parsers/compose"
	"github.com/sluice-dev/sluice/parsers/cri"
	"github.com/sluice-dev/sluice/parsers/dcgm"
	"github.com/sluice-dev/sluice/parsers/docker"
	"github.com/sluice-dev/sluice/parsers/envoy"
	"github.com/sluice-dev/sluice/parsers/gin"
	"github.com/sluice-dev/sluice/parsers/gpu_operator"
	"github.com/sluice-dev/sluice/parsers/java"
	pjson "github.com/sluice-dev/sluice/parsers/json"
	"github.com/sluice-dev/sluice/parsers/klog"
	"github.com/sluice-dev/sluice/parsers/logfmt"
	"github.com/sluice-dev/sluice/parsers/nginx"
	"github.com/sluice-dev/sluice/parsers/nodejs"
	"github.com/sluice-dev/sluice/parsers/nvidia_shell"
	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	"github.com/sluice-dev/sluice/parsers/pylog"
	"github.com/sluice-dev/sluice/parsers/syslog"
	"github.com/sluice-dev/sluice/parsers/tagged"
	"github.com/sluice-dev/sluice/parsers/tracing"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// Registry returns every built-in parser.
func Registry() *parsers.Registry {
	return parsers.NewRegistry(
		// One line per parser package, in the order the default chain tries them: container
		// framing first, then the specific formats, then the generic fallbacks.
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
		envoy.Info,
		gin.Info,
		nginx.Info,   // before nvidia_shell, which would take its error_log lines as Go's std log
		java.Info,    // before pylog, whose dated formats would take Strimzi's lines without their logger
		tracing.Info, // before pylog, whose dated formats would take its lines without their target
		pylog.Info,
		nvidia_shell.Info, // it takes any plain line from a GPU-stack container
		nodejs.Info,       // before tagged, which would take a JavaScript error's "Error: " alone
		tagged.Info,       // after nvidia_shell, whose installer and GPU-stack lines say "ERROR: " too
	)
}
