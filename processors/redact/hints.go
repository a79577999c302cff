package redact

import (
	"bytes"
	"sync"
)

// Hints keep the regular expressions off lines that cannot match: every match of a built-in
// pattern contains one of its hints (ASCII, compared without regard to case), and a line without
// any skips the expression. Most log lines hold no secret, so most of the work is saved. Hints
// are searched in a lower-cased copy of the text with the standard library's substring search.
var hints = map[string][]string{
	"email":        {"@"},
	"bearer_token": {"bearer"},
	"jwt":          {"eyj"},
	"api_key":      {"sk-", "hf_", "akia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox"},
}

// secretKeys are the key names secret_kv looks for; its hint wants one followed by = or :, so
// that "tokens/s" in every vLLM stats line does not run the expression.
var secretKeys = [][]byte{[]byte("password"), []byte("passwd"), []byte("secret"), []byte("token"),
	[]byte("api_key"), []byte("api-key"), []byte("apikey"), []byte("access_key"), []byte("access-key"),
	[]byte("accesskey")}

var foldPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// fold appends s to dst with ASCII letters lower-cased.
func fold(dst []byte, s string) []byte {
	dst = append(dst, s...)
	for i, c := range dst {
		if 'A' <= c && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
	return dst
}

// hinted reports whether the lower-cased text may hold a match of p.
func (p *compiled) hinted(lower []byte) bool {
	if p.builtin && p.name == "secret_kv" {
		return secretHint(lower)
	}
	if len(p.hints) == 0 {
		return true
	}
	for _, h := range p.hints {
		if bytes.Contains(lower, h) {
			return true
		}
	}
	return false
}

// secretHint reports whether a secret key is directly followed (spaces aside) by = or :.
func secretHint(lower []byte) bool {
	for _, k := range secretKeys {
		for rest := lower; ; {
			i := bytes.Index(rest, k)
			if i < 0 {
				break
			}
			after := bytes.TrimLeft(rest[i+len(k):], " \t")
			if len(after) > 0 && (after[0] == '=' || after[0] == ':') {
				return true
			}
			rest = rest[i+1:]
		}
	}
	return false
}

// hintsOf returns the hints of a built-in pattern as byte strings.
func hintsOf(name string) [][]byte {
	var out [][]byte
	for _, h := range hints[name] {
		out = append(out, []byte(h))
	}
	return out
}
