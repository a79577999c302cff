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

// keysEndingIn holds the secret keys by their last byte: most = and : follow no key's.
var keysEndingIn = func() (t [256][][]byte) {
	for _, k := range secretKeys {
		t[k[len(k)-1]] = append(t[k[len(k)-1]], k)
	}
	return t
}()

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

// secretHint reports whether a secret key is directly followed (spaces aside) by = or :. It
// looks at each = and : once, for a key that ends just before it (spaces aside): one pass over
// the text, where looking for each key in turn took ten, and found "token" in every vLLM stats
// and request line (a twentieth of the shipped config's CPU).
func secretHint(lower []byte) bool {
	return keyBefore(lower, '=') || keyBefore(lower, ':')
}

// keyBefore reports whether some sep in lower has a secret key right before it, spaces aside.
func keyBefore(lower []byte, sep byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(lower[off:], sep)
		if i < 0 {
			return false
		}
		q := off + i
		for q > 0 && (lower[q-1] == ' ' || lower[q-1] == '\t') {
			q--
		}
		if q > 0 {
			for _, k := range keysEndingIn[lower[q-1]] {
				if bytes.HasSuffix(lower[:q], k) {
					return true
				}
			}
		}
		off += i + 1
	}
}

// hintsOf returns the hints of a built-in pattern as byte strings.
func hintsOf(name string) [][]byte {
	var out [][]byte
	for _, h := range hints[name] {
		out = append(out, []byte(h))
	}
	return out
}
