package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/pipeline/config"
)

// stdinName is the name problems in a config read from standard input are reported under.
const stdinName = "<stdin>"

// configFlags are -c and -e, shared by every command that reads a pipeline config: -c FILE,
// -c DIR (its *.yaml and *.yml files) and -c - (standard input), repeated at will, and -e YAML
// given inline. The pieces are merged by config.LoadAll.
type configFlags struct {
	paths  []string
	inline []string
	stdin  io.Reader

	once      sync.Once // standard input is read once; reloads reuse what was read
	stdinData []byte
	stdinErr  error
}

// register adds -c and -e to cmd; what is read from "-" comes from cmd's standard input.
// A command whose config is optional (parse) passes required false.
func (f *configFlags) register(cmd *cobra.Command, what string, required bool) {
	cmd.Flags().StringArrayVarP(&f.paths, "config", "c", nil,
		what+": a YAML file, a directory of *.yaml/*.yml files, or - for standard input; repeat to merge several")
	cmd.Flags().StringArrayVarP(&f.inline, "inline", "e", nil, "config given as YAML text; merged with -c like one more file")
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		f.stdin = c.InOrStdin()
		if required && !f.given() {
			return errors.New(`no config: give -c FILE, -c DIR, -c - (standard input) or -e YAML`)
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// given reports whether any config was given (for commands where it is optional).
func (f *configFlags) given() bool { return len(f.paths) > 0 || len(f.inline) > 0 }

// sources reads every piece, in the order: -c arguments, then -e texts.
func (f *configFlags) sources() ([]config.Source, error) {
	var out []config.Source
	for _, p := range f.paths {
		if p == "-" {
			data, err := f.readStdin()
			if err != nil {
				return nil, err
			}
			out = append(out, config.Source{Name: stdinName, Data: data})
			continue
		}
		srcs, err := config.ReadPath(p)
		if err != nil {
			return nil, err
		}
		out = append(out, srcs...)
	}
	for i, text := range f.inline {
		name := "-e"
		if len(f.inline) > 1 {
			name = fmt.Sprintf("-e #%d", i+1)
		}
		out = append(out, config.Source{Name: name, Data: []byte(text)})
	}
	return out, nil
}

func (f *configFlags) readStdin() ([]byte, error) {
	f.once.Do(func() {
		if f.stdin == nil {
			f.stdinErr = errors.New("config: no standard input")
			return
		}
		f.stdinData, f.stdinErr = io.ReadAll(f.stdin)
		if f.stdinErr != nil {
			f.stdinErr = fmt.Errorf("config: read standard input: %w", f.stdinErr)
		}
	})
	return f.stdinData, f.stdinErr
}

// load reads and merges the config.
func (f *configFlags) load(comps config.Components) (*config.Config, error) {
	srcs, err := f.sources()
	if err != nil {
		return nil, err
	}
	return config.LoadAll(srcs, comps)
}

// fromStdin reports whether the config is read from standard input, which then holds no events.
func (f *configFlags) fromStdin() bool {
	for _, p := range f.paths {
		if p == "-" {
			return true
		}
	}
	return false
}

// rereadable reports whether a reload can read anything new: a file or a directory. Standard
// input and -e texts stay as they were read at start.
func (f *configFlags) rereadable() bool {
	for _, p := range f.paths {
		if p != "-" {
			return true
		}
	}
	return false
}

// sum hashes every piece with its name, so that an edited, added or removed file of a
// directory counts as a change.
func (f *configFlags) sum() ([32]byte, error) {
	srcs, err := f.sources()
	if err != nil {
		return [32]byte{}, err
	}
	h := sha256.New()
	for _, s := range srcs {
		fmt.Fprintf(h, "%d:%s%d:", len(s.Name), s.Name, len(s.Data))
		h.Write(s.Data)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out, nil
}

// String names the config in messages: "sluice.yaml", "conf.d, -e".
func (f *configFlags) String() string {
	names := make([]string, 0, len(f.paths)+len(f.inline))
	for _, p := range f.paths {
		if p == "-" {
			p = stdinName
		}
		names = append(names, p)
	}
	if len(f.inline) > 0 {
		names = append(names, "-e")
	}
	return strings.Join(names, ", ")
}
