// Package syslog removes the framing syslog, journald and dmesg put around node log lines, so
// that the content parsers read the line the program wrote (klog inside kubelet lines, NVRM
// inside kernel lines):
//
//	Jun 07 06:13:05 node01 kubelet[2154]: I0607 06:13:05.123456    2154 kubelet.go:2448] "SyncLoop ADD"
//	авг 19 18:34:27 gpu-node kernel: NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.
//	2024-05-18T19:02:39.123456+00:00 node01 containerd[987]: time="..." level=error msg="..."
//	[Sun Feb 23 16:24:18 2025] nvidia 0000:3b:00.0: AER: can't recover (no error_detected callback)
//
// The host goes to host.hostname, the tag (syslog identifier) to process.name and its pid to
// process.pid; the stamp to @timestamp when nothing (a container runtime) gave one. Month names
// may be in English or another language (journalctl prints the locale's: "Mär", "авг", "6月");
// a non-ASCII name it does not know keeps the frame but sets no time. Like the CRI parser, it
// replaces the message with the text inside the frame.
package syslog

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Info registers the parser.
var Info = parsers.Info{
	Name:        "syslog",
	Description: "syslog, journald and dmesg -T framing of node logs: <Mon dd hh:mm:ss> host tag[pid]: <line>, any locale's months",
	New:         func(parsers.Options) parsers.Parser { return Parser{} },
	Framing:     true,
	Fields: append(append(pu.Fields()[:1:1], pu.Fields(event.FieldHostHostname, event.FieldProcessName,
		event.FieldProcessPID, event.FieldErrorMsg)[len(pu.Fields()):]...),
		parsers.Field{Name: FieldProcessExecutable, Type: "keyword", Description: "The program's path when the syslog tag names it by its path (/usr/bin/nvidia-powerd[605]); process.name is then its last element."},
		parsers.Field{Name: FieldContainerID, Type: "keyword", Description: "Container id: a journal entry's CONTAINER_ID_FULL (else CONTAINER_ID), or the 12-digit id Docker's syslog and journald drivers tag a container's lines with by default."},
		parsers.Field{Name: FieldContainerName, Type: "keyword", Description: "A journal entry's CONTAINER_NAME (Docker's and Podman's journald drivers)."},
		parsers.Field{Name: FieldContainerImage, Type: "keyword", Description: "A journal entry's IMAGE_NAME (Docker's and Podman's journald drivers)."},
		parsers.Field{Name: FieldStream, Type: "keyword", Description: "The container stream a journald driver's entry came from, by its PRIORITY: 3 stderr, 6 stdout."},
		parsers.Field{Name: event.FieldK8sContainer, Type: "keyword", Description: "A pod's container, from the name dockershim gave it in Docker (k8s_<container>_<pod>_<namespace>_<uid>_<attempt>) in a journald entry's CONTAINER_NAME."},
		parsers.Field{Name: event.FieldK8sPodName, Type: "keyword", Description: "The pod, from dockershim's container name in a journald entry's CONTAINER_NAME."},
		parsers.Field{Name: event.FieldK8sNamespace, Type: "keyword", Description: "The pod's namespace, from dockershim's container name in a journald entry's CONTAINER_NAME."},
		parsers.Field{Name: event.FieldK8sPodUID, Type: "keyword", Description: "The pod's uid, from dockershim's container name in a journald entry's CONTAINER_NAME."}),
}

// FieldProcessExecutable is the program's path a syslog tag gave.
const FieldProcessExecutable = "process.executable"

// Parser removes syslog framing. It is stateless and safe for concurrent use.
type Parser struct{}

// Frame is one framed line taken apart.
type Frame struct {
	Time  time.Time // zero when the stamp's month is unknown or there is no stamp
	Zoned bool      // Time carries its zone (RFC 3339 with an offset)
	Dated bool      // Time's year is the stamp's, not guessed (dmesg -T, RFC 3339, -o short-full)
	Host  string
	Tag   string
	PID   int64 // -1 without one
	Text  string
	Level string // the priority the record states (journalctl -o json's PRIORITY), "" without one
	// Container is the container a runtime's journald driver (Docker's, Podman's) wrote the
	// entry for, or whose id Docker's syslog and journald drivers gave as the tag by default.
	Container Container
	// Partial: the entry is a piece of a longer line, whose next entry of the container goes on
	// with it (Docker's journald driver splits lines over 16 KiB so: CONTAINER_PARTIAL_MESSAGE).
	Partial bool
}

// Container is what a journal entry or a syslog tag says about the container behind a line.
type Container struct {
	ID, Name, Image string
	// Stream is the container's stream a journald driver's entry came from, by its PRIORITY
	// (Docker's and Podman's: 3 for stderr, 6 for stdout)
	Stream string
}

// The container fields a runtime's journald or syslog driver gives, named as Filebeat's
// add_docker_metadata names them.
const (
	FieldContainerID    = "container.id"
	FieldContainerName  = "container.name"
	FieldContainerImage = "container.image.name"
	// FieldStream is the container's stream, as the CRI and Docker parsers name it.
	FieldStream = "stream"
)

// Parse removes the frame and sets its fields; a line without one is left alone.
func (p Parser) Parse(ev *event.Event) bool {
	ok, _ := p.ParsePiece(ev)
	return ok
}

// ParsePiece is Parse that also reports whether the entry is a piece of a longer line that the
// container's next entry goes on with (Frame.Partial).
func (Parser) ParsePiece(ev *event.Event) (ok, partial bool) {
	f, ok := Split(ev.Message(), pu.Reference(ev))
	if !ok {
		return false, false
	}
	switch {
	case f.Time.IsZero():
	case f.Zoned:
		pu.SetTime(ev, f.Time)
	case f.Dated:
		pu.SetDatedLocalTime(ev, f.Time) // a replay's (dmesg -T after a restart) own time wins
	default:
		pu.SetLocalTime(ev, f.Time)
	}
	if f.Host != "" {
		ev.SetString(event.FieldHostHostname, f.Host)
	}
	if id := tagContainer(f.Tag); id != "" && (f.Container.ID == "" || strings.HasPrefix(f.Container.ID, id)) {
		// the tag is the container's id (Docker's default), no program's name
		f.Container.ID = cmp.Or(f.Container.ID, id)
		f.Tag = ""
	}
	if f.Container.ID != "" {
		f.PID = -1 // the runtime's (dockerd's, conmon's), which wrote the line for the container
	}
	if f.Tag != "" {
		name := f.Tag
		if i := strings.LastIndexByte(name, '/'); i >= 0 && i+1 < len(name) && name[0] == '/' {
			// a tag that names the program by its path: "/usr/bin/nvidia-powerd[605]"
			ev.SetString(FieldProcessExecutable, name)
			name = name[i+1:]
		}
		ev.SetString(event.FieldProcessName, name)
	}
	if f.PID >= 0 {
		ev.Set(event.FieldProcessPID, event.Int(f.PID))
	}
	failed := false
	if f.Level == "" && (f.Tag == "systemd" && pu.UnitFailed(f.Text) ||
		// the kernel modules a node loads at boot, one refused (Secure Boot's "Key was rejected
		// by service", nvidia_uvm's "Cannot allocate memory"): logged at LOG_ERR
		f.Tag == "systemd-modules-load" && strings.HasPrefix(f.Text, "Failed to insert module '")) {
		// a unit that failed (the kubelet's, containerd's: the node goes NotReady), which no
		// content parser reads when the unit is not the GPU stack's: its words error.message,
		// as every error line's
		f.Level, failed = pu.Error, true
	}
	if f.Tag == "systemd" {
		if id, ok := oomScope(f.Text); ok {
			// the OOM killer in a container's scope: the kernel's report says which process,
			// this line survives the kernel log's rotation and names the container
			if f.Level == "" {
				f.Level = pu.Warning
			}
			f.Container.ID = cmp.Or(f.Container.ID, id)
		}
	}
	if f.Level != "" {
		ev.SetString(event.FieldLogLevel, f.Level) // the line's parser sets the one it states over it
	}
	if failed {
		setIfMissing(ev, event.FieldErrorMsg, strings.TrimSpace(f.Text))
	}
	setIfMissing(ev, FieldContainerID, f.Container.ID)
	setIfMissing(ev, FieldContainerName, f.Container.Name)
	setIfMissing(ev, FieldContainerImage, f.Container.Image)
	setIfMissing(ev, FieldStream, f.Container.Stream)
	if k, ok := dockershimName(f.Container.Name); ok {
		// a pod's container that the kubelet ran through Docker (dockershim, before Kubernetes
		// 1.24), its lines in the node's journal by Docker's journald driver
		setIfMissing(ev, event.FieldK8sContainer, k.container)
		setIfMissing(ev, event.FieldK8sPodName, k.pod)
		setIfMissing(ev, event.FieldK8sNamespace, k.namespace)
		setIfMissing(ev, event.FieldK8sPodUID, k.uid)
	}
	ev.SetMessage(f.Text)
	return true, f.Partial
}

// dockershimPod is what dockershim's name for a pod's container says.
type dockershimPod struct{ container, pod, namespace, uid string }

// dockershimName reads the name dockershim gave a pod's container in Docker,
// "k8s_<container>_<pod>_<namespace>_<pod uid>_<attempt>" (no part of which holds an
// underscore: they are DNS labels, a UUID, a number); ok is false for another name.
func dockershimName(name string) (p dockershimPod, ok bool) {
	rest, ok := strings.CutPrefix(name, "k8s_")
	if !ok {
		return p, false
	}
	parts := strings.Split(rest, "_")
	if len(parts) != 5 || len(parts[3]) != 36 || !pu.IsUUID(parts[3]) || !pu.AllDigits(parts[4]) {
		return p, false
	}
	for _, part := range parts[:3] {
		if part == "" {
			return p, false
		}
	}
	return dockershimPod{container: parts[0], pod: parts[1], namespace: parts[2], uid: parts[3]}, true
}

// oomScope reads systemd's notice that the OOM killer killed a process of a unit, "<unit>: A
// process of this unit has been killed by the OOM killer.", and returns the container the unit
// is the scope of ("cri-containerd-<id>.scope", "crio-<id>.scope", "docker-<id>.scope"), "" for
// another unit; ok is false for another line.
func oomScope(text string) (id string, ok bool) {
	unit, found := strings.CutSuffix(text, ": A process of this unit has been killed by the OOM killer.")
	if !found || strings.IndexByte(unit, ' ') >= 0 {
		return "", false
	}
	scope, isScope := strings.CutSuffix(unit, ".scope")
	if !isScope || len(scope) < 64 {
		return "", true
	}
	id = scope[len(scope)-64:]
	if prefix := scope[:len(scope)-64]; prefix != "cri-containerd-" && prefix != "crio-" && prefix != "docker-" ||
		!pu.IsLowerHex(id) {
		return "", true
	}
	return id, true
}

// setIfMissing sets key to val unless val is empty or the event has the key already (from
// Filebeat's add_docker_metadata, or a container log's path).
func setIfMissing(ev *event.Event, key, val string) {
	if val != "" && !ev.Has(key) {
		ev.SetString(key, val)
	}
}

// tagContainer returns the container id a syslog tag is, "" for another tag: Docker's syslog
// and journald drivers tag a container's lines with its short id, "{{.ID}}" (12 hex digits),
// by default, and older releases' syslog driver with "docker/" and the id. Twelve hex digits without a digit
// among them are a word ("deadbeefcafe"), taken for a program's name.
func tagContainer(tag string) string {
	tag = strings.TrimPrefix(tag, "docker/")
	if len(tag) != 12 || !pu.IsLowerHex(tag) || !strings.ContainsAny(tag, "0123456789") {
		return ""
	}
	return tag
}

// Split takes a framed line apart; ref completes a stamp without year.
func Split(s string, ref time.Time) (f Frame, ok bool) {
	f.PID = -1
	if len(s) < 16 {
		return f, false
	}
	if s[0] == '[' {
		if f, ok := dmesg(s); ok {
			return f, true
		}
		return monotonic(s)
	}
	if s[0] == '{' {
		return journalJSON(s)
	}
	if s[0] == '<' {
		return withPRI(s, ref)
	}
	var rest string
	if nl := strings.IndexByte(s, '\n'); nl > 0 && s[0] >= 'A' && s[0] <= 'Z' && s[nl-1] == ']' && VerboseHeader(s[:nl]) {
		return journalVerbose(s) // the entry the parse processor joined from its lines
	}
	if t, zoned, n, ok := fullOrUnix(s); ok {
		// journalctl -o short-full ("Sun 2025-01-05 14:45:26 UTC host prog[pid]: ...") and
		// -o short-unix ("1736088326.000000 host prog[pid]: ...")
		f.Time, f.Zoned, f.Dated = t, zoned, true
		return f, f.hostTag(s[n:])
	}
	if n := talosNode(s); n > 0 && (s[n] == '{' || strings.HasPrefix(s[n:], "time=")) {
		// talosctl logs <service>: "10.200.1.3: {"ts":1753121333055.3645,...}", the node's
		// address, then the service's own line (the kubelet's JSON, containerd's logfmt)
		f.Host, f.Text = s[:n-2], s[n:]
		return f, true
	} else if n > 0 && f.talosService(s[n:]) {
		f.Host = s[:n-2]
		return f, true
	}
	if s[0] >= '0' && s[0] <= '9' && s[4] == '-' {
		if len(s) < 21 || s[10] != 'T' {
			return f, false
		}
		t, n, ok := pu.RFC3339(s)
		if !ok || n >= len(s) || s[n] != ' ' {
			return f, false
		}
		f.Time, f.Zoned, f.Dated, rest = t, pu.Zoned(s[:n]), true, s[n+1:]
		if n == 32 && s[19] == ',' && f.Zoned {
			// dmesg --time-format=iso: microseconds after a comma, the zone, then the kernel's
			// text without host or tag (no syslog daemon writes a comma there)
			f.Tag, f.Text = "kernel", rest
			return f, true
		}
	} else {
		var n int
		if f.Time, n, ok = stamp(s, ref); !ok {
			return f, false
		}
		rest = s[n:]
	}
	if !f.hostTag(rest) {
		return f, false
	}
	f.Text = rsyslogControl(f.Text)
	return f, true
}

// rsyslogControl undoes rsyslog's escape of the control characters that shape a record over
// lines: Debian's and Ubuntu's rsyslog writes each one as "#" and three octal digits
// ($EscapeControlCharactersOnReceive, on by default), so the tab a line of klog's multi-line
// value and a Go panic's frame start with is "#011" in /var/log/syslog, and the carriage
// return a CRLF line ends with "#015". The tabs a line starts with are restored (the parse
// processor joins such lines as it does journalctl's) and the carriage return dropped; a "#011"
// inside the text is left as it is: rsyslog does not escape "#", so it may be the program's.
func rsyslogControl(s string) string {
	if len(s) < 4 || s[0] != '#' && s[len(s)-1] != '5' {
		return s
	}
	n := 0
	for strings.HasPrefix(s[n:], "#011") {
		n += 4
	}
	rest, cr := strings.CutSuffix(s[n:], "#015")
	if n == 0 && !cr {
		return s
	}
	return strings.Repeat("\t", n/4) + rest
}

// talosService reads the line of a Talos extension service after talosctl logs' node address:
// Go's standard log ("2025/11/25 13:58:49 nvidia-fabricmanager-wrapper: found NVSwitch LPF: ...",
// in UTC, Talos' only zone), its prefix the program, or a GPU program's own output under its
// name ("nvlsm: OpenSM 2025.06.5"). It reports false for any other line.
func (f *Frame) talosService(s string) bool {
	if t, n, ok := pu.StdLog(s); ok && n+1 < len(s) && s[n] == ' ' {
		f.Time, f.Zoned, f.Text = t, true, s[n+1:]
		if tag, rest, ok := strings.Cut(f.Text, ": "); ok && programName(tag) {
			f.Tag, f.Text = tag, rest
		}
		return true
	}
	tag, rest, ok := strings.Cut(s, ": ")
	if !ok || pu.GPUProgram(tag) == "" {
		return false
	}
	f.Tag, f.Text = tag, rest
	return true
}

// programName reports whether s can be a program's name: a lower-case letter, then letters,
// digits, '-', '_' or '.', at most 64 bytes.
func programName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// talosNode returns the length of the "<IPv4 address>: " talosctl logs puts before each line of a
// node's service, 0 without one; a line must follow it.
func talosNode(s string) int {
	dots, digits := 0, 0
	for i := 0; i < len(s) && i < 16; i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits++; digits > 3 {
				return 0
			}
		case c == '.' && digits > 0:
			dots, digits = dots+1, 0
		case c == ':' && dots == 3 && digits > 0 && i+2 < len(s) && s[i+1] == ' ' && s[i+2] != ' ':
			return i + 2
		default:
			return 0
		}
	}
	return 0
}

// withPRI reads a line that opens with its priority, as a relay or a file of rsyslog's protocol
// formats keeps it: RFC 5424's "<190>1 2003-10-11T22:14:15.003+05:30 myhost nginx 1234 ACCESS -
// message" (version, time or "-", host, app, procid, msgid, structured data or "-", each "-" when
// none), or RFC 3164's "<34>Oct 11 22:14:15 mymachine su: ...". The priority's severity is the
// record's level.
func withPRI(s string, ref time.Time) (f Frame, ok bool) {
	f.PID = -1
	end := strings.IndexByte(s[:min(len(s), 6)], '>')
	if end < 2 {
		return f, false
	}
	pri, isNum := pu.Atoi(s[1:end])
	if !isNum || pri < 0 || pri > 191 {
		return f, false
	}
	s = s[end+1:]
	if !strings.HasPrefix(s, "1 ") {
		if f, ok = Split(s, ref); ok && s[0] != '<' && s[0] != '{' && s[0] != '[' {
			f.Level = pu.SeverityLevel(pri % 8)
		}
		return f, ok
	}
	fields := strings.SplitN(s[2:], " ", 6) // time, host, app, procid, msgid, the rest
	if len(fields) < 6 {
		return f, false
	}
	if fields[0] != "-" {
		t, n, ok := pu.RFC3339(fields[0])
		if !ok || n != len(fields[0]) {
			return f, false
		}
		f.Time, f.Zoned, f.Dated = t, pu.Zoned(fields[0]), true
	}
	nilOr := func(v string) string {
		if v == "-" {
			return ""
		}
		return v
	}
	f.Host, f.Tag = nilOr(fields[1]), nilOr(fields[2])
	if pid, ok := pu.Atoi(fields[3]); ok {
		f.PID = pid
	}
	rest := fields[5]
	switch {
	case strings.HasPrefix(rest, "- "), rest == "-":
		rest = strings.TrimPrefix(strings.TrimPrefix(rest, "-"), " ")
	case strings.HasPrefix(rest, "["):
		// structured data: "[id param="value" ...]...", a quoted value may hold an escaped '"'
		if n := sdLen(rest); n > 0 {
			rest = strings.TrimPrefix(rest[n:], " ")
		} else {
			return f, false
		}
	default:
		return f, false
	}
	f.Text = strings.TrimPrefix(rest, "\uFEFF") // the BOM before a UTF-8 message
	f.Level = pu.SeverityLevel(pri % 8)
	return f, true
}

// sdLen returns the length of RFC 5424's structured data at the start of s (one or more
// "[...]" elements), 0 when they do not close.
func sdLen(s string) int {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == ']' && !inQuote && (i+1 == len(s) || s[i+1] != '['):
			return i + 1
		}
	}
	return 0
}

// journalJSON reads an entry of `journalctl -o json` (a host's journal exported into a support
// bundle): its MESSAGE is the line, __REALTIME_TIMESTAMP (microseconds since the epoch) its
// time, _HOSTNAME, SYSLOG_IDENTIFIER (else _COMM) and _PID the frame's, PRIORITY its level. An
// entry whose MESSAGE is not text (journald keeps binary ones as a byte array) is left alone.
func journalJSON(s string) (f Frame, ok bool) {
	f.PID = -1
	// journalctl writes the cursor first; any other JSON line (a pod's) is turned away here
	pretty := strings.HasPrefix(s, "{\n") && strings.Contains(s, `"__REALTIME_TIMESTAMP"`) && strings.Contains(s, `"MESSAGE"`)
	cursorFirst := strings.HasPrefix(s, `{"__CURSOR"`) || strings.HasPrefix(s, `{ "__CURSOR"`)
	if !cursorFirst && !pretty && !(strings.Contains(s, `"__CURSOR"`) && strings.Contains(s, `"__REALTIME_TIMESTAMP"`)) || !gjson.Valid(s) {
		// (-o json-pretty: one member a line, the parse processor joined them; and an entry a
		// library or a copy wrote with its members in another order, the cursor among them:
		// go-systemd's, a pretty entry put on one line)
		return f, false
	}
	r := gjson.GetMany(s, "MESSAGE", "__REALTIME_TIMESTAMP", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_COMM", "_PID", "PRIORITY",
		"_TRANSPORT", "CONTAINER_ID", "CODE_FILE", "CONTAINER_ID_FULL", "CONTAINER_NAME", "IMAGE_NAME", "CONTAINER_PARTIAL_MESSAGE")
	us, okTime := pu.Atoi(r[1].Str)
	if r[0].Type != gjson.String || !okTime {
		return f, false
	}
	f.Text, f.Time, f.Zoned, f.Host = r[0].Str, time.UnixMicro(us).UTC(), true, r[2].Str
	f.Tag = r[3].Str
	if f.Tag == "" {
		f.Tag = r[4].Str
	}
	if pid, ok := pu.Atoi(r[5].Str); ok {
		f.PID = pid
	}
	f.Level = journalLevel(r[6].Str, r[7].Str, r[8].Str, r[9].Str)
	f.Container, f.Partial = journalContainer(r[8].Str, r[10].Str, r[11].Str, r[12].Str, r[13].Str, r[6].Str)
	return f, true
}

// journalContainer reads the fields a runtime's journald driver adds to a container's entry:
// its id (CONTAINER_ID_FULL, else the short CONTAINER_ID), name and image, and whether the entry
// is a piece of a longer line. Docker marks every piece but the last with
// CONTAINER_PARTIAL_MESSAGE=true (its CONTAINER_PARTIAL_LAST is not to be trusted: releases
// wrote it false on every piece).
func journalContainer(id, full, name, image, partial, priority string) (Container, bool) {
	if full != "" {
		id = full
	}
	c := Container{ID: id, Name: name, Image: image}
	if id != "" {
		switch priority {
		case "3":
			c.Stream = "stderr"
		case "6":
			c.Stream = "stdout"
		}
	}
	return c, partial == "true" && id != ""
}

// journalLevel is the level of a journal entry's PRIORITY where the writer chose it (syslog(3),
// the kernel's, and the native protocol's where the writer's logging call named its source,
// CODE_FILE: systemd's own notices, systemd-coredump's crit); a process's stdout and stderr, and
// a container's lines through a runtime's journald driver (the native protocol, with a
// CONTAINER_ID or without: faasd's), get one by their stream alone, so none here.
func journalLevel(priority, transport, containerID, codeFile string) string {
	p, ok := pu.Atoi(priority)
	if !ok || p < 0 || p > 7 || containerID != "" {
		return ""
	}
	switch {
	case transport == "syslog" || transport == "kernel", transport == "journal" && codeFile != "":
		return pu.SeverityLevel(p)
	}
	return ""
}

// journalVerbose reads an entry of `journalctl -o verbose` (what systemd's maintainers ask a bug
// report for, and what a support bundle may hold), which the parse processor joined from its
// lines: the time and the cursor, then every field of the entry on a line of its own, indented
// by four spaces ("    _PID=1234"); a value over several lines goes on under itself, indented
// past its name. Its fields are read as journalctl -o json's: MESSAGE is the line, the cursor's
// t= (the entry's time, microseconds since the epoch, in hex) its time (the header's is in the
// reader's zone, by its name alone), _HOSTNAME, SYSLOG_IDENTIFIER (else _COMM) and _PID the
// frame's, PRIORITY the level as journalLevel says. An entry whose MESSAGE journalctl did not
// print ("[1.2K blob data]": binary, or long without --all) is left alone.
func journalVerbose(s string) (f Frame, ok bool) {
	f.PID = -1
	head, body, _ := strings.Cut(s, "\n")
	t, okT := verboseHeader(head)
	if !okT || !strings.HasPrefix(body, "    ") {
		return f, false
	}
	var vals [13]string
	names := [13]string{"MESSAGE", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_COMM", "_PID", "PRIORITY", "_TRANSPORT", "CONTAINER_ID", "CODE_FILE",
		"CONTAINER_ID_FULL", "CONTAINER_NAME", "IMAGE_NAME", "CONTAINER_PARTIAL_MESSAGE"}
	cur := -1 // the field whose value goes on over lines, -1 for one not kept
	for body != "" {
		var line string
		line, body, _ = strings.Cut(body, "\n")
		line = strings.TrimSuffix(line, "\r")
		name, val, isField := verboseField(line)
		if !isField {
			if cur >= 0 && strings.HasPrefix(line, "    ") {
				// a value's further line, indented by its name's width and the "="
				vals[cur] += "\n" + strings.TrimPrefix(line, strings.Repeat(" ", 4+len(names[cur])+1))
			}
			continue
		}
		cur = -1
		for i, want := range names {
			if name == want {
				vals[i], cur = val, i
				break
			}
		}
	}
	msg := vals[0]
	if msg == "" && !strings.Contains(s, "\n    MESSAGE=") || strings.HasPrefix(msg, "[") && strings.HasSuffix(msg, " blob data]") {
		return f, false
	}
	f.Text, f.Time, f.Zoned, f.Dated, f.Host = msg, t, true, true, vals[1]
	f.Tag = vals[2]
	if f.Tag == "" {
		f.Tag = vals[3]
	}
	if pid, ok := pu.Atoi(vals[4]); ok {
		f.PID = pid
	}
	f.Level = journalLevel(vals[5], vals[6], vals[7], vals[8])
	f.Container, f.Partial = journalContainer(vals[7], vals[9], vals[10], vals[11], vals[12], vals[5])
	return f, true
}

// VerboseHeader reports whether line is the first line of a `journalctl -o verbose` entry:
// "Sun 2022-05-22 22:20:52.615448 EDT [s=4180d7...;i=1;b=65c889...;m=100fd7;t=5dfa47d414d18;x=fde612...]".
func VerboseHeader(line string) bool {
	_, ok := verboseHeader(line)
	return ok
}

// verboseHeader reads a verbose entry's first line: the time from its cursor's t=.
func verboseHeader(line string) (time.Time, bool) {
	line = strings.TrimSuffix(line, "\r")
	open := strings.Index(line[:min(len(line), 48)], " [s=")
	if open < 0 || line[len(line)-1] != ']' {
		return time.Time{}, false
	}
	if _, _, _, ok := fullOrUnix(line); !ok && !strings.HasPrefix(line, "(no timestamp)") {
		return time.Time{}, false
	}
	var us uint64
	found := false
	for _, kv := range strings.Split(line[open+2:len(line)-1], ";") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || len(k) != 1 || v == "" || strings.Trim(v, "0123456789abcdef") != "" {
			return time.Time{}, false
		}
		if k == "t" {
			var err error
			if us, err = strconv.ParseUint(v, 16, 60); err != nil {
				return time.Time{}, false
			}
			found = true
		}
	}
	if !found {
		return time.Time{}, false
	}
	return time.UnixMicro(int64(us)).UTC(), true
}

// verboseField reads a field's line of a verbose entry: four spaces, the name (capitals, digits,
// underscores: journald's rule), "=", the value.
func verboseField(line string) (name, val string, ok bool) {
	rest, ok := strings.CutPrefix(line, "    ")
	if !ok || rest == "" || rest[0] == ' ' {
		return "", "", false
	}
	name, val, ok = strings.Cut(rest, "=")
	if !ok || name == "" || len(name) > 64 || name[0] >= '0' && name[0] <= '9' {
		return "", "", false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", "", false
		}
	}
	return name, val, true
}

// VerboseField reports whether line is a field's line of a `journalctl -o verbose` entry
// ("    _PID=1234"), or the further line of a value over several (indented deeper).
func VerboseField(line string) bool {
	if _, _, ok := verboseField(line); ok {
		return true
	}
	return strings.HasPrefix(line, "     ")
}

// hostTag reads "host tag[pid]: text" (or "host tag: text"), or "tag[pid]: text" without a
// host, as journalctl --no-hostname prints it and as lines are often pasted.
func (f *Frame) hostTag(s string) bool {
	if len(s) > 1 && s[0] == ' ' && s[1] != ' ' {
		// an empty host between the stamp and the tag, as a journal pasted with its host cut
		// out leaves it ("Feb 28 01:25:06  ollama[1794]: time=..."): the tag's form below
		s = s[1:]
	}
	if strings.HasPrefix(s, `time="`) && strings.Contains(s[:min(len(s), 64)], `" level=`) {
		// a frame of the stamp alone, neither host nor tag, before a logfmt record
		// (containerd's through a relay that drops them: "Aug  7 19:07:50 time=\"...\"
		// level=error msg=..."): the record is the program's line
		f.Text = s
		return true
	}
	sp := strings.IndexByte(s[:min(len(s), 256)], ' ')
	if sp <= 0 {
		return false
	}
	host, rest := s[:sp], s[sp+1:]
	if strings.HasPrefix(rest, host+" ") {
		// the host twice: OpenShift's router writes HAProxy's log through rsyslog so
		// ("2020-05-11T19:11:50.135710+00:00 router-default-57dfc6cd95-bpmk6
		// router-default-57dfc6cd95-bpmk6 haproxy[108]: ...")
		rest = rest[len(host)+1:]
	}
	if levelWord(host) || host[0] == '[' {
		// "<stamp> ERROR target: message": Rust's tracing (text-generation-inference), and
		// "<stamp> [debug] LoadDelegateNetConf: ...": Multus's level; not a host and a tag
		return false
	}
	if host[len(host)-1] == ':' {
		// No host name has a colon at its end: the word is the tag; but a level word is none
		// ("2025-08-25T13:56:49.982Z info: ...": winston's layout, LibreChat's)
		if host == "NVRM:" {
			// the NVIDIA driver's kernel message in a journal pasted without host and "kernel:"
			// ("Sep 18 20:07:01 NVRM: Xid (PCI:0000:02:00): 109, ..."): the kernel's
			f.Tag, f.Text = "kernel", s
			return true
		}
		if levelWord(strings.ToUpper(host[:len(host)-1])) || !f.tag(host[:len(host)-1]) {
			return false
		}
		f.Text = rest
		return true
	}
	end := strings.IndexByte(rest[:min(len(rest), 128)], ':')
	if end <= 0 || (end+1 < len(rest) && rest[end+1] != ' ') {
		return false
	}
	if !f.tag(rest[:end]) {
		return false
	}
	f.Host = host
	if end+2 <= len(rest) {
		f.Text = rest[end+2:]
	}
	f.severity()
	return true
}

// severity takes off the severity a syslog-ng template writes before the program's text
// (StarlingX's: "... kubelet[3788611]: info I0419 03:00:55.440611 3788611 config.go:398] ..."),
// the record's level, when a record of the program's own follows it: a klog header or logfmt's
// time= or level=. (A message that only starts with such a word stays as it is.)
func (f *Frame) severity() {
	w, _, ok := strings.Cut(f.Text[:min(len(f.Text), 8)], " ")
	lv := syslogSeverity[w]
	if !ok || lv == "" {
		return
	}
	after := f.Text[len(w)+1:]
	if pu.KlogHeader(after) || strings.HasPrefix(after, "time=") || strings.HasPrefix(after, "level=") {
		f.Level, f.Text = lv, after
	}
}

// syslogSeverity maps syslog's severity names (syslog-ng's $LEVEL) to levels.
var syslogSeverity = map[string]string{"emerg": pu.Critical, "alert": pu.Critical, "crit": pu.Critical, "err": pu.Error,
	"warning": pu.Warning, "notice": pu.Info, "info": pu.Info, "debug": pu.Debug}

// levelWord reports whether w is a log level written where a syslog line has its host.
func levelWord(w string) bool {
	switch w {
	case "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "FATAL", "PANIC", "WARNING", "CRITICAL":
		return true
	}
	return false
}

// tag reads "tag[pid]" or "tag" into the frame.
func (f *Frame) tag(tag string) bool {
	if tag == "" || strings.IndexByte(tag, ' ') >= 0 {
		return false
	}
	if i := strings.IndexByte(tag, '['); i > 0 && tag[len(tag)-1] == ']' {
		pid, ok := pu.Atoi(tag[i+1 : len(tag)-1])
		if !ok {
			return false
		}
		tag, f.PID = tag[:i], pid
	}
	f.Tag = tag
	return true
}

// dmesg reads dmesg -T's "[Sun Feb 23 16:24:18 2025] text". Every line dmesg prints is the
// kernel's: the tag is "kernel", as the journal's would be.
func dmesg(s string) (f Frame, ok bool) {
	f.PID = -1
	end := 25
	if len(s) < 27 || s[25] != ']' {
		// another locale's names: "[一 3月  2 20:25:46 2026]" (zh_CN)
		if end = strings.IndexByte(s[:min(len(s), 48)], ']'); end < 20 || end+1 >= len(s) {
			return f, false
		}
		if f.Time, ok = localCtime(s[1:end]); !ok {
			return f, false
		}
	} else if f.Time, ok = pu.Ctime(s[1:25]); !ok {
		return f, false
	}
	f.Tag, f.Dated = "kernel", true
	f.Text = strings.TrimPrefix(s[end+1:], " ")
	return f, true
}

// fullOrUnix reads the stamps of journalctl -o short-full, the weekday, the date and time and the
// zone's name (UTC is known; another zone's time is the writer's local time), and of -o
// short-unix, seconds since the epoch with microseconds. It returns the time, whether its zone is
// known, and where the host starts.
func fullOrUnix(s string) (t time.Time, zoned bool, n int, ok bool) {
	if len(s) > 28 && s[3] == ' ' && s[8] == '-' && s[0] >= 'A' && s[0] <= 'Z' {
		at, m, okT := pu.RFC3339(s[4:])
		if !okT || 4+m+1 >= len(s) || s[4+m] != ' ' {
			return time.Time{}, false, 0, false
		}
		zone, _, found := strings.Cut(s[4+m+1:min(len(s), 4+m+8)], " ")
		if !found || zone == "" || strings.Trim(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZ+-0123456789") != "" {
			return time.Time{}, false, 0, false
		}
		return at, zone == "UTC" || zone == "GMT", 4 + m + 1 + len(zone) + 1, true
	}
	if len(s) > 20 && s[10] == '.' && s[17] == ' ' && s[0] >= '1' && s[0] <= '9' {
		if at, okT := pu.Epoch(s[:17]); okT {
			return at, true, 18, true
		}
	}
	return time.Time{}, false, 0, false
}

// monotonic reads journalctl -o short-monotonic's "[    1.241863] archlinux systemd[1]: Reached
// target Basic System.": the time since boot (no time of day: the runtime's or the file's stays),
// the host, the program with its pid (or the kernel). A dmesg line ("[ 8542.903020] nvidia:
// ...") names no host, and is the kernel parser's.
func monotonic(s string) (f Frame, ok bool) {
	f.PID = -1
	end := strings.IndexByte(s[:min(len(s), 24)], ']')
	if end < 3 || end+2 >= len(s) || s[end+1] != ' ' {
		return f, false
	}
	up := strings.TrimLeft(s[1:end], " ")
	sec, frac, dot := strings.Cut(up, ".")
	if _, num := pu.Atoi(sec); !dot || !num || len(frac) != 6 {
		return f, false
	}
	if _, num := pu.Atoi(frac); !num {
		return f, false
	}
	rest := s[end+2:]
	if text, ok := strings.CutPrefix(rest, "kernel: "); ok {
		// with --no-hostname ("[  245.528573] kernel: INFO: task khugepaged:136 blocked for
		// more than 122 seconds."): the kernel's record, which dmesg never prints under a
		// "kernel: " of its own
		f.Tag, f.Text = "kernel", text
		return f, true
	}
	sp := strings.IndexByte(rest[:min(len(rest), 256)], ' ')
	if sp <= 0 || rest[sp-1] == ':' {
		return f, false // a dmesg line's "nvidia: ..." or "driverdog[1535]: ...", no host before it
	}
	if !f.hostTag(rest) || f.Host == "" || f.PID < 0 && f.Tag != "kernel" {
		return Frame{PID: -1}, false
	}
	return f, true
}

// localCtime reads dmesg -T's stamp with the weekday and month named in another language:
// weekday, month, day, clock, year.
func localCtime(s string) (time.Time, bool) {
	f := strings.Fields(s)
	if len(f) != 5 {
		return time.Time{}, false
	}
	mon, ok := month(f[1])
	if !ok || mon == 0 {
		return time.Time{}, false
	}
	day, ok1 := pu.Atoi(f[2])
	year, ok2 := pu.Atoi(f[4])
	hh, mm, ss, _, n, ok3 := pu.Clock(f[3])
	if !ok1 || !ok2 || !ok3 || n != len(f[3]) || day < 1 || day > 31 || year < 1970 || year > 9999 {
		return time.Time{}, false
	}
	return time.Date(int(year), time.Month(mon), int(day), hh, mm, ss, 0, time.UTC), true
}
