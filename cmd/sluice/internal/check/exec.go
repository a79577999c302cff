package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

// Exec runs a command for anything the other kinds do not cover; it passes on the expected
// exit status and, when given, output matching a pattern.
type Exec struct {
	// Command is the program and its arguments; no shell, so nothing is interpolated.
	Command []string `mapstructure:"command"`
	// ExitCode is the status that passes.
	ExitCode int `mapstructure:"exit_code"`
	// OutputMatches is a regular expression the combined output must match.
	OutputMatches string `mapstructure:"output_matches"`

	re *regexp.Regexp
}

// Validate checks the command and pattern.
func (e *Exec) Validate() error {
	var errs []error
	if len(e.Command) == 0 {
		errs = append(errs, errors.New("command: missing"))
	}
	if e.OutputMatches != "" {
		re, err := regexp.Compile(e.OutputMatches)
		if err != nil {
			errs = append(errs, fmt.Errorf("output_matches: %w", err))
		}
		e.re = re
	}
	return errors.Join(errs...)
}

// Run runs the command.
func (e *Exec) Run(ctx context.Context) (string, error) {
	out, code, err := runCommand(ctx, e.Command)
	if err != nil {
		return "", err
	}
	last := lastLine(out)
	if code != e.ExitCode {
		return "", fmt.Errorf("exit status %d, want %d: %s", code, e.ExitCode, last)
	}
	if e.re != nil && !e.re.Match(out) {
		return "", fmt.Errorf("output does not match %q: %s", e.OutputMatches, last)
	}
	return fmt.Sprintf("exit %d: %s", code, last), nil
}

// runCommand runs argv and returns its combined output and exit status; err is for a command
// that could not start (not installed), which is not an exit status.
func runCommand(ctx context.Context, argv []string) ([]byte, int, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.Bytes(), 0, nil
	case ctx.Err() != nil:
		return out.Bytes(), -1, fmt.Errorf("%s: %w", argv[0], ctx.Err())
	case errors.As(err, &ee):
		return out.Bytes(), ee.ExitCode(), nil
	}
	return nil, -1, err
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
