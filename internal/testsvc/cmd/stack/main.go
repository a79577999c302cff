// Command stack starts and stops the services of sluice's integration tests.
//
//	stack up [-hold NAME] [-pid PID] [elasticsearch|kafka|filebeat|prometheus|kube-apiserver ...]
//	stack env                    # prints the export lines again
//	stack status
//	stack down [-hold NAME] [-force]
//
// `up` writes only the export lines to stdout, so `eval "$(go run ./internal/testsvc/cmd/stack up)"`
// prepares a shell for `go test`; progress and timings go to stderr. Each `up` holds the stack
// under a name ("manual" unless -hold says otherwise, tied to -pid when given) and `down`
// releases that name: the services stop when the last live holder has released them, so
// concurrent `make test` runs in one working tree do not stop each other's services.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/sluice-dev/sluice/internal/testsvc/stack"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: stack up [service...] | down | env | status")
	}
	repo, err := repoRoot()
	if err != nil {
		return err
	}
	s, err := stack.New(repo)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	hold := fs.String("hold", stack.ManualHolder, "name this use of the stack is held under")
	pid := fs.Int("pid", 0, "with up: the holder ends when this process does")
	force := fs.Bool("force", false, "with down: stop even when others hold the stack")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "up":
		if err := s.Hold(*hold, *pid); err != nil {
			return err
		}
		return up(s, fs.Args())
	case "down":
		live, err := s.Release(*hold, *force)
		if len(live) > 0 {
			fmt.Fprintf(os.Stderr, "stack: left running, still held by %v (down -force stops it anyway)\n", live)
		}
		return err
	case "env":
		env, err := s.ReadEnv()
		if err != nil {
			return err
		}
		fmt.Print(env)
		return nil
	case "status":
		st := s.Status()
		names := make([]string, 0, len(st))
		for k := range st {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Printf("%-14s %s\n", k, st[k])
		}
		return nil
	default:
		return fmt.Errorf("unknown command %q: want up, down, env or status", args[0])
	}
}

func up(s *stack.Stack, services []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "stack: starting on 127.0.0.1 (cache %s, state %s)\n", s.CacheDir, s.StateDir)
	_, timings, err := s.Up(ctx, services)
	for _, t := range timings {
		fmt.Fprintf(os.Stderr, "stack: %-14s ready in %6.1fs", t.Service, t.Duration.Seconds())
		if t.RSS > 0 {
			fmt.Fprintf(os.Stderr, "  rss %d MiB", t.RSS>>20)
		}
		fmt.Fprintln(os.Stderr)
	}
	if env, e := s.ReadEnv(); e == nil {
		fmt.Print(env)
	}
	return err
}

// repoRoot walks up from the working directory to the folder holding both sluice's go.mod and
// the Filebeat wrapper module.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "internal", "testsvc", "filebeat", "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the sluice repository (no internal/testsvc/filebeat/go.mod above the working directory)")
		}
		dir = parent
	}
}
