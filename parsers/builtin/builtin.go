// Package builtin is the one explicit list of the parsers that ship with sluice, and the order
// in which the default chain tries them.
package builtin

import (
	"github.com/sluice-dev/sluice/parsers"
)

// Registry returns every built-in parser.
func Registry() *parsers.Registry {
	return parsers.NewRegistry(
	// One line per parser package, in the order of DefaultChain below.
	)
}

// DefaultChain is the order in which `sluice parse` and a parse processor without an explicit
// list try parsers on a line: container framing first, then the specific formats, then the
// generic fallbacks.
func DefaultChain() []string {
	return []string{}
}
