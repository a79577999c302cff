// Command sluice moves vLLM and GPU-operator logs from Filebeat, Kafka or files to
// Elasticsearch, parsing them on the way. See README.md for the commands and the config format.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pipeline/logging"
)

// exitError carries an exit status out of a command whose message was already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the CLI and returns the process exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintln(stderr, "sluice:", logging.Redact(err.Error()))
	return 1
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "sluice",
		Short:         "Log pipeline for vLLM and GPU-operator logs: Filebeat/Kafka/files in, Elasticsearch out",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newRunCmd(), newValidateCmd(), newParseCmd(), newVersionCmd())
	root.AddCommand(newTestCmd())
	root.AddCommand(newSetupCmd(), newDLQCmd(), newCheckCmd(), newConvertCmd(), newConfigCmd(), newGraphCmd())
	root.AddCommand(newTapCmd(), newTopCmd())
	return root
}
