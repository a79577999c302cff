// Package redact is the processor that hides secrets and personal data before they are
// indexed: whole fields by name, and matches of built-in or custom patterns inside text fields
// (an e-mail in a prompt, a bearer token in a logged request, a provider API key).
package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates redact processors.
var Factory = proc.NewFactory("redact", NewConfig, build)

// builtins are the patterns a config names with builtin:. Bearer and key=value patterns keep
// their prefix (the scheme, the key name) so the line still reads.
var builtins = map[string]*regexp.Regexp{
	"email":        regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`),
	"ipv4":         regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b`),
	"ipv6":         regexp.MustCompile(`\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?`),
	"bearer_token": regexp.MustCompile(`(?i)(\bbearer\s+)[A-Za-z0-9\-._~+/]+=*`),
	"jwt":          regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}`),
	"api_key":      regexp.MustCompile(`\b(?:sk-(?:proj-)?[A-Za-z0-9_-]{20,}|hf_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[abpr]-[A-Za-z0-9-]{10,})`),
	"secret_kv":    regexp.MustCompile(`(?i)(\b(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*"?)[^\s",&]+`),
	"credit_card":  regexp.MustCompile(`\b(?:\d[ -]?){12,15}\d\b`),
}

type redactor struct {
	fields     []string
	patterns   []compiled
	hints      *hintIndex
	applyTo    []string
	everywhere bool // patterns apply to every text field
	hash       bool
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	pats, err := c.compile()
	if err != nil {
		return nil, err
	}
	r := &redactor{fields: c.Fields, patterns: pats, hints: newHintIndex(pats), applyTo: c.ApplyTo,
		everywhere: c.everywhere, hash: c.Mode == "hash"}
	return r.event, nil
}

func (r *redactor) event(ev *event.Event) (proc.Result, error) {
	for _, f := range r.fields {
		if v, ok := ev.Get(f); ok {
			ev.SetString(f, r.replacement("field", v.String()))
		}
	}
	for _, f := range r.textFields(ev) {
		v, ok := ev.Get(f)
		if !ok || v.Kind() != event.KindString {
			continue
		}
		if s := r.Text(v.Str()); s != v.Str() {
			ev.SetString(f, s)
		}
	}
	return proc.Keep, nil
}

// textFields are the fields the patterns are searched in: ApplyTo, or every text field.
func (r *redactor) textFields(ev *event.Event) []string {
	if !r.everywhere {
		return r.applyTo
	}
	var out []string
	ev.Range(func(k string, v event.Value) bool {
		if v.Kind() == event.KindString {
			out = append(out, k)
		}
		return true
	})
	return out
}

// Text applies every pattern to s. A pattern with a capture group keeps the group (the prefix)
// and replaces the rest of the match.
func (r *redactor) Text(s string) string {
	found := r.hints.scan(s)
	for k, p := range r.patterns {
		if k < 64 && found&(1<<k) == 0 || !p.re.MatchString(s) {
			continue
		}
		name := p.name
		s = p.re.ReplaceAllStringFunc(s, func(m string) string {
			if name == "credit_card" && !luhn(m) {
				return m // a long number that is not a card (an epoch in ms, an id)
			}
			prefix := ""
			if p.re.NumSubexp() > 0 {
				if sm := p.re.FindStringSubmatch(m); len(sm) > 1 {
					prefix = sm[1]
				}
			}
			return prefix + r.replacement(name, m[len(prefix):])
		})
		found = r.hints.scan(s) // the later patterns look at the text as it is now
	}
	return s
}

func (r *redactor) replacement(name, secret string) string {
	if !r.hash {
		return "[REDACTED:" + name + "]"
	}
	sum := sha256.Sum256([]byte(secret))
	return name + ":" + hex.EncodeToString(sum[:6])
}

// luhn reports whether the digits of s pass the Luhn check every card number passes.
func luhn(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n >= 13 && sum%10 == 0
}
