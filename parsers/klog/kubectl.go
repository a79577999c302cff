package klog

import (
	"strings"

	pjson "github.com/sluice-dev/sluice/parsers/json"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// kubectl prints Kubernetes events as tables whose columns its tabwriter pads with two spaces or
// more, and reports, runbooks and CI jobs paste them into a pod's log:
//
//	kubectl describe's Events (Type, Reason, Age, From, Message):
//	  Warning  FailedScheduling  28s (x4 over 15m)  default-scheduler  0/4 nodes are available: 1 Insufficient nvidia.com/gpu
//	kubectl get events (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; -o wide adds SUBOBJECT and SOURCE after OBJECT):
//	5m49s       Warning   Unhealthy                pod/launcher-6w58s      Liveness probe failed: ...
//
// The type is the level (Warning a warning, Normal info), the reason event.reason, get's object
// orchestrator.*, the message log.message: what the JSON form of the same event gives.

// eventRow reads a row of either table and reports whether s was one.
func eventRow(ev *event.Event, s string) bool {
	var at [8]int // where each column starts; the last one read runs to the end of the line
	n := columnStarts(s, at[:])
	switch {
	case n >= 5 && eventType(s, at[0], at[1]) != "":
		// describe: type, reason, age, from, message
		if !reason(col(s, at[:], 1)) || !age(col(s, at[:], 2)) {
			return false
		}
		return setEventRow(ev, col(s, at[:], 0), col(s, at[:], 1), "", "", s[at[4]:])
	case n >= 4 && age(col(s, at[:], 0)) && eventType(s, at[1], at[2]) != "":
		// get events: last seen, type, reason, object, [subobject, source,] message
		return getEventRow(ev, s, at[:], n, 0, "")
	case n >= 5 && namespace(col(s, at[:], 0)) && age(col(s, at[:], 1)) && eventType(s, at[2], at[3]) != "":
		// get events -A: the namespace first
		return getEventRow(ev, s, at[:], n, 1, col(s, at[:], 0))
	}
	return false
}

// tabbedEventRow reads a row of the Events table kubectl describe printed before 1.10, its
// columns apart by tabs (FirstSeen, LastSeen, Count, From, SubObjectPath, Type, Reason, Message:
// "  16m\t\t17s\t\t6\t{kubelet gklab-97a-012}\tspec.containers{nginx}\tWarning\t\tFailed\t\tFailed
// to pull image ..."), the sub-object empty for an event about the whole pod.
func tabbedEventRow(ev *event.Event, s string) bool {
	var cols [8]string
	n := 0
	rest := strings.TrimLeft(s, " ")
	for n < len(cols)-1 && rest != "" {
		c, after, ok := strings.Cut(rest, "\t")
		if !ok {
			break
		}
		if c != "" {
			cols[n] = c
			n++
		}
		rest = after
	}
	msg := strings.TrimLeft(rest, "\t")
	if n < 6 || !age(cols[0]) || !age(cols[1]) || !pu.AllDigits(cols[2]) || !strings.HasPrefix(cols[3], "{") || msg == "" {
		return false
	}
	k := 4 // the sub-object's column, or the type's where it is empty
	if strings.HasPrefix(cols[k], "spec.") {
		k++
	}
	if k+1 >= n || cols[k] != "Warning" && cols[k] != "Normal" || !reason(cols[k+1]) {
		return false
	}
	return setEventRow(ev, cols[k], cols[k+1], "", "", msg)
}

// getEventRow reads a row of kubectl get events whose columns start at at[off:] (after the
// namespace of -A, ns): last seen, type, reason, object, [subobject, source,] message; an event
// without a note (a node's "Starting") has an empty message.
func getEventRow(ev *event.Event, s string, at []int, n, off int, ns string) bool {
	object := col(s, at, off+3)
	if !reason(col(s, at, off+2)) || !strings.Contains(object, "/") || strings.ContainsAny(object, " \t") {
		return false
	}
	msg := ""
	if n > off+4 {
		i := off + 4
		switch sub := col(s, at, off+4); {
		case n >= off+7 && strings.HasPrefix(sub, "spec."):
			i = off + 6 // -o wide: the container the event is about, and the component that reported it
		case n >= off+6 && source(sub):
			i = off + 5 // -o wide about a whole object: its empty SUBOBJECT padded into the gap
		}
		msg = s[at[i]:]
		if i > off+4 {
			msg = wideTail(msg)
		}
	}
	return setEventRow(ev, col(s, at, off+1), col(s, at, off+2), object, ns, msg)
}

// wideTail returns msg without the columns -o wide prints after an event's message: FIRST SEEN,
// COUNT and NAME ("... Image size: 126652423 bytes.   8s   1   uptime-kuma-...-d4b9b.18d5e3ca4b0feb6d"),
// msg itself when it does not end in them.
func wideTail(msg string) string {
	rest := strings.TrimRight(msg, " \r")
	var cols [3]string
	for k := 2; k >= 0; k-- {
		j := strings.LastIndex(rest, "  ")
		if j < 0 {
			return msg
		}
		cols[k] = rest[j+2:]
		rest = strings.TrimRight(rest[:j], " ")
	}
	first, count, name := strings.TrimLeft(cols[0], " "), cols[1], cols[2]
	if !age(first) || !pu.AllDigits(count) || count == "" || strings.ContainsAny(name, " \t") || !strings.Contains(name, ".") || rest == "" {
		return msg
	}
	return rest
}

// namespace reports whether s can be a namespace's name (a DNS label: lower case, digits, '-').
func namespace(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// setEventRow sets the fields of an event table's row; a describe row without a message is no
// row (false), a get row's empty message (msg "") leaves log.message unset.
func setEventRow(ev *event.Event, typ, why, object, ns, msg string) bool {
	msg = strings.TrimRight(msg, " \r")
	if msg == "" && object == "" {
		return false
	}
	level := pu.Info
	if typ == "Warning" {
		level = pu.Warning
	}
	ev.SetString(pu.FieldEventReason, why)
	if kind, name, ok := strings.Cut(object, "/"); ok && name != "" {
		kind, _, _ = strings.Cut(kind, ".") // deployment.apps/x: the kind without its group
		pu.SetObject(ev, kind, ns, name)
	}
	if msg != "" {
		ev.SetString(pu.FieldLogMessage, msg)
	}
	pu.Finish(ev, pu.DatasetOr(ev, pjson.DatasetK8sEvent), level)
	return true
}

// columnStarts finds where the columns of a tabwriter's row start (after leading spaces, then
// after each run of two spaces or more), fills at with up to len(at) of them and returns how many.
func columnStarts(s string, at []int) int {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || i > 8 {
		return 0
	}
	n := 0
	at[n], n = i, 1
	for i < len(s) && n < len(at) {
		j := strings.Index(s[i:], "  ")
		if j < 0 {
			break
		}
		k := i + j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k >= len(s) {
			break
		}
		at[n], n = k, n+1
		i = k
	}
	return n
}

// col returns column i of the row, without the spaces after it.
func col(s string, at []int, i int) string {
	end := len(s)
	if i+1 < len(at) && at[i+1] > at[i] {
		end = at[i+1]
	}
	return strings.TrimRight(s[at[i]:end], " ")
}

// eventType returns the event type the column from..to holds, "" for another.
func eventType(s string, from, to int) string {
	switch t := strings.TrimRight(s[from:to], " "); t {
	case "Warning", "Normal":
		return t
	}
	return ""
}

// reason reports whether s is an event's reason: a word in UpperCamelCase (FailedScheduling,
// BackOff, UnexpectedAdmissionError).
func reason(s string) bool {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// age reports whether s is kubectl's age of an event: "28s", "3m2s", "5d", "28s (x4 over 15m)",
// "<unknown>", "<invalid>".
func age(s string) bool {
	if s == "<unknown>" || s == "<invalid>" {
		return true
	}
	d, _, _ := strings.Cut(s, " (x")
	if d == "" || d[0] < '0' || d[0] > '9' {
		return false
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; !(c >= '0' && c <= '9' || c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'y') {
			return false
		}
	}
	c := d[len(d)-1]
	return c == 's' || c == 'm' || c == 'h' || c == 'd' || c == 'y'
}

// source reports whether s is the component that reported an event, as -o wide's SOURCE names
// it: "kubelet", "default-scheduler", "kubelet, node-1", "replicaset-controller".
func source(s string) bool {
	name, node, _ := strings.Cut(s, ", ")
	return word(name) && (node == "" || word(node))
}

// word reports whether s is a lower-case name: letters, digits, '-' and '.'.
func word(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
