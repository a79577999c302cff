// Package kv is the processor that reads key=value pairs and logfmt out of a text field
// (`level=error gpu=3 msg="Xid 79: GPU has fallen off the bus"`), quoted values with escapes
// included, into fields under a prefix. A line with no pair is left as it was and goes to the
// error policy.
package kv

import (
	"errors"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates kv processors.
var Factory = proc.NewFactory("kv", NewConfig, build)

var errNoPairs = errors.New("no key-value pair found")

type reader struct {
	cfg    *Config
	logfmt bool
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	r := &reader{cfg: c, logfmt: c.Format == "logfmt"}
	return r.event, nil
}

func (r *reader) event(ev *event.Event) (proc.Result, error) {
	v, ok := ev.Get(r.cfg.Field)
	if !ok {
		return proc.Keep, errors.New("field " + r.cfg.Field + " not found")
	}
	n := 0
	Pairs(v.String(), r.cfg.FieldSplit, r.cfg.ValueSplit, func(k, val string, bare bool) {
		if bare && !r.logfmt || !r.wanted(k) {
			return
		}
		n++
		name := proc.Key(r.cfg.Target, k)
		switch {
		case bare:
			ev.Set(name, event.Bool(true))
		case r.cfg.GuessTypes:
			ev.Set(name, proc.Scalar(val))
		default:
			ev.SetString(name, val)
		}
	})
	if n == 0 {
		return proc.Keep, errNoPairs
	}
	return proc.Keep, nil
}

func (r *reader) wanted(k string) bool {
	if len(r.cfg.IncludeKeys) > 0 {
		return slices.Contains(r.cfg.IncludeKeys, k)
	}
	return !slices.Contains(r.cfg.ExcludeKeys, k)
}

// Pairs calls fn for every key in s: with its value, or with bare true for a key that has no
// value separator. Values may be quoted with " or ' and use backslash escapes.
func Pairs(s, fieldSplit, valueSplit string, fn func(k, v string, bare bool)) {
	for s != "" {
		if strings.HasPrefix(s, fieldSplit) {
			s = s[len(fieldSplit):]
			continue
		}
		ke := strings.Index(s, fieldSplit)
		vs := strings.Index(s, valueSplit)
		if vs < 0 || (ke >= 0 && ke < vs) {
			if ke < 0 {
				ke = len(s)
			}
			if k := s[:ke]; validKey(k) {
				fn(k, "", true)
			}
			s = s[ke:]
			continue
		}
		k := s[:vs]
		s = s[vs+len(valueSplit):]
		var val string
		val, s = value(s, fieldSplit)
		if validKey(k) {
			fn(k, val, false)
		}
	}
}

func validKey(k string) bool { return k != "" && !strings.ContainsAny(k, "\"'") }

// value reads a quoted or bare value from the start of s and returns it and the rest.
func value(s, fieldSplit string) (string, string) {
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		i := strings.Index(s, fieldSplit)
		if i < 0 {
			return s, ""
		}
		return s[:i], s[i:]
	}
	q := s[0]
	escaped := false
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			escaped = true
			i++
		case s[i] == q:
			if !escaped {
				return s[1:i], s[i+1:]
			}
			return unescape(s[1:i]), s[i+1:]
		}
	}
	return s, "" // unterminated quote: keep the text as it is
}

func unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
