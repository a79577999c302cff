package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/parsers/k8spath"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/input/file/lines"
	"github.com/sluice-dev/sluice/processors/parse"
)

// parseBatch is how many lines go through the processor at once.
const parseBatch = 512

func newParseCmd() *cobra.Command {
	var (
		file   configFlags
		procID string
	)
	cmd := &cobra.Command{
		Use:   "parse [-c FILE|DIR|- | -e YAML] [LOG|DIR...]",
		Short: "Parse log lines from files, folders (or stdin) and print one NDJSON event per line",
		Long: "parse runs the parse processor over every line of the given files, or of standard input\n" +
			"when none are given, and prints each event as one JSON line. Without -c it uses the built-in\n" +
			"parser chain; with -c it uses that config's parse processor (--processor picks one of several).\n" +
			"Lines no parser recognises are printed too, tagged _parse_failure when a parser claims their source.\n\n" +
			"A folder stands for every log file under it (a node's /var/log, or a copy of it), in name\n" +
			"order, a file's rotations oldest first before it: links are followed to files once (a\n" +
			"/var/log/containers link and the /var/log/pods file it names are read once, under the link's\n" +
			"name, and so are that file's rotations, as Filebeat reports them: a line a rotation cut is\n" +
			"joined; a node's own files' rotations, syslog.1 before syslog, are one source too: a record\n" +
			"a rotation cut is one event), gzip files (rotated logs) are read decompressed, and files that are not text logs\n" +
			"(journal files, wtmp, Docker's local log driver's files) are skipped with a note. NULs a line starts with (logrotate's\n" +
			"copytruncate) are left out, and so is a byte-order mark. A file's lines are received when\n" +
			"it was last written (its modification time): a rotation's stamps without a year take its\n" +
			"year, and a line with no time of its own takes that time.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if file.fromStdin() && len(args) == 0 {
				return errors.New("parse: the config is read from standard input, so the log lines cannot be: name the log files")
			}
			proc, err := parseProcessor(&file, procID, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return parseFiles(cmd.Context(), proc, args, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	file.register(cmd, "config whose parse processor to use", false)
	cmd.Flags().StringVar(&procID, "processor", "", "id of the parse processor in the config (when it has several)")
	return cmd
}

// parseProcessor builds the processor: the default chain, or the config's parse processor.
func parseProcessor(file *configFlags, id string, stderr io.Writer) (pipeline.Processor, error) {
	factory := parse.NewFactory(parserRegistry())
	cfg := factory.NewConfig()
	if file.given() {
		c, err := loadConfig(file, stderr)
		if err != nil {
			return nil, err
		}
		var ids []string
		for pid, p := range c.Processors {
			if p.Type == factory.Type && (id == "" || id == pid) {
				ids = append(ids, pid)
				cfg = p.Config
			}
		}
		switch {
		case len(ids) == 0 && id != "":
			return nil, fmt.Errorf("%s: no parse processor %q", file, id)
		case len(ids) == 0:
			return nil, fmt.Errorf("%s: no parse processor", file)
		case len(ids) > 1:
			return nil, fmt.Errorf("%s: several parse processors (%s): choose one with --processor",
				file, strings.Join(sortedKeys(setOf(ids)), ", "))
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The factory completes the rest (Settings.WithDefaults): metrics on a private registry.
	set := pipeline.Settings{ID: "parse", Logger: log, DeadLetter: stderrDeadLetter{w: stderr}}
	return factory.Create(set, cfg)
}

func setOf(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// parseFiles reads lines from each path ("-" or none: stdin) and prints the parsed events.
func parseFiles(ctx context.Context, proc pipeline.Processor, paths []string, stdin io.Reader, stdout, stderr io.Writer) error {
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	paths, skipped, err := expandInputs(paths, stderr)
	if err != nil {
		return err
	}
	var lines, failures int
	for i, path := range paths {
		path, label, _ := strings.Cut(path, labelSep)
		if label == "" {
			label = path
		}
		// a rotation read under its file's name goes on in the file: what the processor holds
		// at its end (a line the rotation cut) waits for it
		next := ""
		if i+1 < len(paths) {
			n, l, _ := strings.Cut(paths[i+1], labelSep)
			next = cmp.Or(l, n)
		}
		// (its lines are received when it was last written: a rotation's yearless stamps take
		// its year, a line with no time of its own that time)
		r, closeFn, received, err := openInput(path, stdin)
		if errors.Is(err, errNotText) {
			skipped++
			fmt.Fprintf(stderr, "sluice parse: skipped %s: %v\n", path, err)
			continue
		}
		if err != nil {
			return err
		}
		var docker *k8spath.DockerContainer
		if dc, ok := k8spath.ReadDockerConfig(realPath(path)); ok {
			docker = &dc // a Docker host's container: its name and image from its config
		}
		uid := linkedPodUID(label)
		if s, ok := k8spath.Parse(path); ok && path != label && uid == "" {
			uid = s.PodUID // a rotation, or a copied node's link, read under the link's name
		}
		n, f, err := parseStream(ctx, proc, label, r, out, stream(next) != stream(label), docker, uid, received)
		closeFn()
		lines, failures = lines+n, failures+f
		if err != nil {
			return fmt.Errorf("parse %s: %w", path, err)
		}
	}
	fmt.Fprintf(stderr, "sluice parse: %d lines, %d not recognised", lines, failures)
	if skipped > 0 {
		fmt.Fprintf(stderr, ", %d files skipped", skipped)
	}
	fmt.Fprintln(stderr)
	return nil
}

// expandInputs replaces each folder among paths by the files under it, in name order. A link is
// followed to a file, never to a folder (no cycles), and a file reached twice is read once, under
// the first name: a node's /var/log/containers links sort before the /var/log/pods files they
// name. A dangling link (a copied node's links are absolute) is left out, with one note, and so
// are login records (wtmp): it returns how many files it left out so.
func expandInputs(paths []string, stderr io.Writer) ([]string, int, error) {
	var out []string
	seen := map[string]bool{}
	reals := map[string]string{} // a walked path's file, links resolved
	var dangling, skipped, local []string
	rebased := map[string]string{} // a copied node's absolute link: its file in the copy
	for _, p := range paths {
		if p == "-" {
			out = append(out, p)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			out = append(out, p) // a missing file is reported when it is opened
			if err == nil {
				reals[p] = realPath(p)
			}
			continue
		}
		from := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
				return nil
			case d.Type()&fs.ModeSymlink != 0:
				fi, err := os.Stat(path)
				if err != nil {
					if t := rebase(p, path); t != "" {
						// a copied node's absolute link (the kubelet's /var/log/containers
						// ones): its file under the copy, read under the link's name
						if real := realPath(t); !seen[real] {
							seen[real] = true
							out = append(out, path)
							reals[path], rebased[path] = real, t
						}
						return nil
					}
					dangling = append(dangling, path)
					return nil
				}
				if !fi.Mode().IsRegular() {
					return nil
				}
			case !d.Type().IsRegular():
				return nil // sockets, devices, pipes
			}
			if base := strings.TrimSuffix(filepath.Base(path), ".1"); binaryLogs[base] {
				skipped = append(skipped, path)
				return nil
			}
			if dockerState(path) {
				if dockerLocalLog(path) {
					local = append(local, path)
				}
				return nil // a Docker container's config and state beside its log, no log
			}
			if inCompression(path) {
				return nil
			}
			real := realPath(path)
			if !seen[real] {
				seen[real] = true
				out = append(out, path)
				reals[path] = real
			}
			return nil
		})
		if err != nil {
			return nil, 0, fmt.Errorf("parse: %w", err)
		}
		// a file's rotations before it, oldest first: lines come out in the order written. A
		// link counts where its file is: /var/log/containers' link to a pod's 0.log sorts after
		// that 0.log's rotations in /var/log/pods
		walked := out[from:]
		sort.SliceStable(walked, func(i, j int) bool {
			di, si, ri := rotation(reals[walked[i]])
			dj, sj, rj := rotation(reals[walked[j]])
			if di != dj {
				return di < dj
			}
			if si != sj {
				return si < sj
			}
			return ri < rj
		})
	}
	out = dockerRotations(out, reals)
	// A rotation of a file read through a link (a pod's 0.log.20250101-120000 beside the 0.log
	// that /var/log/containers links to) is read under the link's name, as Filebeat, which
	// follows the file it reads through its renaming, reports it: a line the rotation cut is
	// joined with its rest, and the rotation gets the link's container id.
	linked := map[string]string{} // a linked file, by its real path: the link
	for _, p := range out {
		if r := reals[p]; r != "" && r != p {
			if abs, err := filepath.Abs(p); err != nil || abs != r {
				linked[r] = p
			}
		}
	}
	for i, p := range out {
		dir, stem, rank := rotation(reals[p])
		if link := linked[dir+stem]; link != "" && rank != "2" && reals[p] != dir+stem {
			out[i] = p + labelSep + link
		}
	}
	for i, p := range out {
		if t := rebased[p]; t != "" {
			out[i] = t + labelSep + p
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(stderr, "sluice parse: skipped %s: login records, not text logs\n", strings.Join(skipped, ", "))
	}
	if len(dangling) > 0 {
		fmt.Fprintf(stderr, "sluice parse: skipped %d links whose file is not there (first: %s)\n", len(dangling), dangling[0])
	}
	if len(local) > 0 {
		fmt.Fprintf(stderr, "sluice parse: skipped %s: Docker's local log driver's binary entries, not text logs (read them with docker logs, or log with the json-file driver)\n", strings.Join(local, ", "))
	}
	return out, len(skipped) + len(local), nil
}

// dockerLocalLog reports whether path is a log file of Docker's local driver
// (/var/lib/docker/containers/<id>/local-logs/container.log and its rotations): length-prefixed
// protobuf entries, no text to read as lines.
func dockerLocalLog(path string) bool {
	return filepath.Base(filepath.Dir(path)) == "local-logs" && strings.HasPrefix(filepath.Base(path), "container.log")
}

// dockerState reports whether path is a file Docker keeps beside a container's json-file log
// (/var/lib/docker/containers/<id>/config.v2.json, hostconfig.json, hostname, hosts,
// resolv.conf, its checkpoints and mounts): state, no log, left out of a walk.
func dockerState(path string) bool {
	for dir := filepath.Dir(path); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		id := filepath.Base(dir)
		if len(id) == 64 && strings.Trim(id, "0123456789abcdef") == "" && filepath.Base(filepath.Dir(dir)) == "containers" {
			return filepath.Dir(path) != dir || !strings.HasPrefix(filepath.Base(path), id+"-json.log")
		}
	}
	return false
}

// realPath returns the absolute path of the file path names, links resolved.
func realPath(path string) string {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		real = path
	}
	if abs, err := filepath.Abs(real); err == nil {
		real = abs
	}
	return real
}

// dockerRotations puts before each link to a Docker container's JSON log the log's rotations
// beside it, oldest first ("<id>-json.log.2", ".1"): Kubernetes on Docker (cri-dockerd) links a
// pod's /var/log/pods/.../0.log to /var/lib/docker/containers/<id>/<id>-json.log, and Docker
// rotates it there, so the lines before the rotation are read first, and under the link's name,
// whether or not the Docker folder is among the inputs. A rotation the walk found later is read
// once, here.
func dockerRotations(out []string, reals map[string]string) []string {
	var res []string
	moved := map[string]bool{}
	for _, p := range out {
		r := reals[p]
		if abs, err := filepath.Abs(p); r == "" || err != nil || abs == r || !strings.HasSuffix(r, "-json.log") {
			res = append(res, p)
			continue
		}
		rots, _ := filepath.Glob(r + ".*")
		sort.Slice(rots, func(i, j int) bool {
			_, _, ri := rotation(rots[i])
			_, _, rj := rotation(rots[j])
			return ri < rj
		})
		for _, m := range rots {
			if _, err := strconv.Atoi(m[len(r)+1:]); err != nil || moved[m] {
				continue
			}
			moved[m] = true
			reals[m] = m
			res = append(res, m)
		}
		res = append(res, p)
	}
	if len(moved) == 0 {
		return out
	}
	// (the same rotations walked in the Docker folder, before or after: read once, above)
	kept := res[:0]
	placed := map[string]bool{}
	for _, p := range res {
		if r := reals[p]; moved[r] {
			if placed[r] {
				continue
			}
			placed[r] = true
		}
		kept = append(kept, p)
	}
	return kept
}

// inCompression reports whether path is one side of a rotation the kubelet was compressing when
// the node was read: its gzip being written beside it ("0.log.20250101-120000.tmp"), or the
// rotation whose ".gz" is written already and that is removed next. Its lines are read once, in
// the other file.
func inCompression(path string) bool {
	if base, ok := strings.CutSuffix(path, ".tmp"); ok {
		if _, err := os.Lstat(base); err == nil {
			return true
		}
	}
	_, err := os.Lstat(path + ".gz")
	return err == nil
}

// rebase returns the file an absolute link found under root names inside the copy root is part
// of (a node's /var/log copied elsewhere: its /var/log/containers links name
// /var/log/pods/...), "" when there is none.
func rebase(root, link string) string {
	target, err := os.Readlink(link)
	if err != nil || !filepath.IsAbs(target) {
		return ""
	}
	anc, err := filepath.Abs(root)
	if err != nil {
		return ""
	}
	for range 8 {
		parent := filepath.Dir(anc)
		if parent == anc {
			break
		}
		if fi, err := os.Stat(filepath.Join(anc, target)); err == nil && fi.Mode().IsRegular() {
			return filepath.Join(anc, target)
		}
		anc = parent
	}
	return ""
}

// linkedPodUID returns the pod's uid that a kubelet's /var/log/containers link names in its
// target (/var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log): the link's own name gives the
// container's id but not the uid, which tells two incarnations of a pod apart. "" for another file.
func linkedPodUID(path string) string {
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return ""
	}
	if s, ok := k8spath.Parse(realPath(path)); ok {
		return s.PodUID
	}
	return ""
}

// stream is the name of the file a log path is or is a rotation of: a rotation and its file are
// one stream.
func stream(path string) string {
	dir, stem, _ := rotation(path)
	return dir + stem
}

// labelSep joins a file to read and the name its lines are reported under, in what
// expandInputs returns (a NUL: in no path).
const labelSep = "\x00"

// rotation splits a log path into its folder, the name of the file it is a rotation of, and a
// rank that orders a file's rotations oldest first and the file itself last: logrotate's
// numbered "syslog.2.gz", "syslog.1", dated "messages-20261201", and the kubelet's
// "0.log.20261201-090000".
func rotation(path string) (dir, stem, rank string) {
	dir, name := filepath.Split(path)
	stem = parseutil.LogFileName(name)
	suffix := strings.TrimSuffix(name, ".gz")[len(stem):] // ".2", "-20261201", ".20261201-090000"
	if suffix == "" {
		return dir, stem, "2"
	}
	if n, err := strconv.Atoi(suffix[1:]); err == nil && len(suffix) <= 4 && suffix[0] == '.' {
		return dir, stem, fmt.Sprintf("0%09d", 999999999-n) // .1 is newer than .2
	}
	return dir, stem, "1" + suffix[1:]
}

// errNotText marks a file that holds no log lines: a systemd journal, or in a folder a login
// record (wtmp, btmp, lastlog, faillog).
var errNotText = errors.New("not a text log")

// binaryLogs are the files under /var/log that hold records, not lines.
var binaryLogs = map[string]bool{"wtmp": true, "btmp": true, "lastlog": true, "faillog": true}

// sniffBytes is how much of a file is read ahead to tell a gzip file or a journal.
const sniffBytes = 8 << 10

// openInput opens a path ("-": stdin) for reading lines: a gzip file (by its magic number, as
// logrotate and the kubelet compress rotated logs) is decompressed, and a systemd journal (by
// its signature) is refused with errNotText. A text log with NUL bytes in it (a file truncated
// by logrotate's copytruncate while written, a log after a hard reset) is read: its lines lose
// the NULs they start with. received is when the file was last written (its modification time,
// not after now): the receipt time a shipper reading it then would have given its lines; now for
// stdin.
func openInput(path string, stdin io.Reader) (r io.Reader, closeFn func(), received time.Time, err error) {
	received = time.Now()
	if path == "-" {
		return stdin, func() {}, received, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, received, err
	}
	if fi, err := f.Stat(); err == nil && fi.ModTime().Before(received) {
		received = fi.ModTime()
	}
	br := bufio.NewReaderSize(f, sniffBytes)
	r = br
	if magic, _ := br.Peek(8); len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, received, fmt.Errorf("%s: %w", path, err)
		}
		br = bufio.NewReaderSize(zr, sniffBytes)
		r = br
	}
	if magic, _ := br.Peek(8); string(magic) == "LPKSHHRH" {
		f.Close()
		return nil, nil, received, fmt.Errorf("%w (a systemd journal file: run journalctl --file %s -o short-iso | sluice parse)", errNotText, path)
	}
	return r, func() { f.Close() }, received, nil
}

// maxLineBytes bounds a line as the file input does: longer lines are cut into pieces tagged
// _line_split, so one huge line cannot exhaust memory.
const maxLineBytes = 1 << 20

// parseStream parses one stream in batches and returns the lines and parse failures.
func parseStream(ctx context.Context, proc pipeline.Processor, path string, r io.Reader, out *bufio.Writer, final bool, docker *k8spath.DockerContainer, podUID string, received time.Time) (int, int, error) {
	lr := lines.NewReader(r, 0, maxLineBytes)
	var count, failures int
	buf := make([]byte, 0, 4096)
	evs := make([]*event.Event, 0, parseBatch)
	write := func(b *event.Batch) error {
		for _, e := range b.Events {
			if e.HasTag(event.TagParseFailure) {
				failures++
			}
			buf = append(e.AppendJSON(buf[:0]), '\n')
			if _, err := out.Write(buf); err != nil {
				return err
			}
		}
		return nil
	}
	flush := func() error {
		if len(evs) == 0 {
			return nil
		}
		b := event.NewBatch(evs, nil)
		b.Key = path
		if err := proc.Process(ctx, b); err != nil {
			return err
		}
		evs = make([]*event.Event, 0, parseBatch) // the processor may keep events it holds
		return write(b)
	}
	hole := false // the pieces before were NULs alone: the line after them is whole
	add := func(l lines.Line) error {
		data := bytes.TrimLeft(l.Data, "\x00")
		if len(data) == 0 && len(l.Data) > 0 {
			// NULs alone (copytruncate's hole, in pieces of maxLineBytes when it is longer):
			// nothing written, no line
			hole = hole || l.Split
			return nil
		}
		split := l.Split && !(hole && len(l.Data) < maxLineBytes)
		hole = false
		e := event.NewMessage(string(data), received)
		e.Meta.Input, e.Meta.Source, e.Meta.Offset = "parse", path, l.Offset
		if path != "-" {
			e.SetString(event.FieldLogFilePath, path)
		}
		if docker != nil {
			docker.Set(e)
		}
		if podUID != "" {
			e.SetString(event.FieldK8sPodUID, podUID)
		}
		if split {
			e.AddTag(lines.TagSplit)
		}
		count++
		evs = append(evs, e)
		if len(evs) == parseBatch {
			return flush()
		}
		return nil
	}
	for {
		l, err := lr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return count, failures, err
		}
		if err := add(l); err != nil {
			return count, failures, err
		}
	}
	if l, ok := lr.Flush(); ok {
		if err := add(l); err != nil {
			return count, failures, err
		}
	}
	if err := flush(); err != nil {
		return count, failures, err
	}
	// The stream has ended: nothing more will join the lines the processor holds back (a
	// traceback, a partial CRI line), so take them now.
	if f, ok := proc.(pipeline.Flusher); ok && final {
		if b := f.Flush(ctx, time.Now(), true); b != nil {
			return count, failures, write(b)
		}
	}
	return count, failures, nil
}

// stderrDeadLetter prints what a parser gives up on, since `sluice parse` keeps no files.
type stderrDeadLetter struct{ w io.Writer }

func (d stderrDeadLetter) Write(_ context.Context, e *event.Event, component, reason string) error {
	_, err := fmt.Fprintf(d.w, "dead letter (%s: %s): %s\n", component, reason, e.AppendJSON(nil))
	return err
}
