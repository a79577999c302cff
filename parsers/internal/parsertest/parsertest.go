// Package parsertest is the former name of parsers/golden, kept so that tests written against
// it still compile; new code imports parsers/golden (which processors can import too).
package parsertest

import "github.com/sluice-dev/sluice/parsers/golden"

// Received is golden.Received.
var Received = golden.Received

// The helpers, under their former names.
var (
	Cases     = golden.Cases
	Lines     = golden.Lines
	Golden    = golden.Golden
	ParseEach = golden.ParseEach
	Seed      = golden.Seed
	CheckKept = golden.CheckKept
)
