package redact

// Hints keep the regular expressions off lines that cannot match: every match of a built-in
// pattern contains one of its hints (ASCII, compared without regard to case), and a line without
// any skips the expression. Most log lines hold no secret, so most of the work is saved.
var hints = map[string][]string{
	"email":        {"@"},
	"bearer_token": {"bearer"},
	"jwt":          {"eyj"},
	"api_key":      {"sk-", "hf_", "akia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox"},
}

// secretKeys are the key names secret_kv looks for; its hint wants one followed by = or :, so
// that "tokens/s" in every vLLM stats line does not run the expression.
var secretKeys = []string{"password", "passwd", "secret", "token", "api_key", "api-key", "apikey",
	"access_key", "access-key", "accesskey"}

// keysEndingIn holds the secret keys by their last byte: most = and : follow no key's.
var keysEndingIn = func() (t [256][]string) {
	for _, k := range secretKeys {
		t[k[len(k)-1]] = append(t[k[len(k)-1]], k)
	}
	return t
}()

// hintIndex finds in one pass over a text which patterns may match it: the hints of all patterns
// are looked for at once, and a secret key before each = and :. Before, the text was copied
// lower-cased and searched once per hint (eleven times for the shipped config's four patterns),
// a twentieth of that config's CPU.
//
// The pass reads the text two bytes at a time, folded, and looks the pair up in a bit table:
// set where a hint starts with it (any second byte for a one-byte hint), and where a separator
// follows a byte a secret key ends in, or a space. Pairs that are set are rare in log text, so
// the loop seldom leaves its few instructions per byte.
type hintIndex struct {
	// always holds the patterns without hints, which always run. Patterns past the 64th have
	// no bit: Text runs them always too.
	always  uint64
	kv      uint64          // the secret_kv patterns
	all     uint64          // every bit a text can set
	byFirst [256][]hintText // by the folded first byte
	pairs   [1 << 10]uint64 // bit c0<<8|c1, both folded; c1 is 0 past the end of the text
}

type hintText struct {
	text string // folded (ASCII lower case)
	pats uint64 // the patterns it hints at
}

func newHintIndex(pats []compiled) *hintIndex {
	x := &hintIndex{}
	for k, p := range pats[:min(len(pats), 64)] {
		switch bit := uint64(1) << k; {
		case len(p.hints) == 0 && !p.isSecretKV():
			x.always |= bit
		case p.isSecretKV():
			x.kv |= bit
		default:
			for _, h := range p.hints {
				x.add(h, bit)
			}
		}
	}
	if x.kv != 0 {
		for _, c0 := range append([]byte(" \t"), lastBytes()...) {
			x.setPair(c0, '=')
			x.setPair(c0, ':')
		}
	}
	x.all = x.always | x.kv
	for _, hs := range x.byFirst {
		for _, h := range hs {
			x.all |= h.pats
		}
	}
	return x
}

// lastBytes are the bytes secret keys end in.
func lastBytes() []byte {
	var out []byte
	for c, ks := range keysEndingIn {
		if len(ks) > 0 {
			out = append(out, byte(c))
		}
	}
	return out
}

// add records hint h (folded, not empty) of the patterns in bit.
func (x *hintIndex) add(h string, bit uint64) {
	c := h[0]
	for i, o := range x.byFirst[c] {
		if o.text == h {
			x.byFirst[c][i].pats |= bit
			return
		}
	}
	x.byFirst[c] = append(x.byFirst[c], hintText{text: h, pats: bit})
	if len(h) > 1 {
		x.setPair(c, h[1])
		return
	}
	for c1 := range 256 { // a one-byte hint: any byte after it, or none, will do
		x.setPair(c, byte(c1))
	}
}

func (x *hintIndex) setPair(c0, c1 byte) {
	p := uint(c0)<<8 | uint(c1)
	x.pairs[p>>6] |= 1 << (p & 63)
}

// scan returns the patterns whose expressions must run on s: bit k for the k-th pattern.
func (x *hintIndex) scan(s string) uint64 {
	found := x.always
	if found == x.all || len(s) == 0 {
		return found
	}
	c1 := lowerOf[s[0]]
	for i := 0; i < len(s); i++ {
		c0 := c1
		c1 = 0
		if i+1 < len(s) {
			c1 = lowerOf[s[i+1]]
		}
		if p := uint(c0)<<8 | uint(c1); x.pairs[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		for _, h := range x.byFirst[c0] {
			if found&h.pats != h.pats && hasPrefixFold(s[i:], h.text) {
				found |= h.pats
			}
		}
		if (c1 == '=' || c1 == ':') && found&x.kv != x.kv && keyBefore(s[:i+1]) {
			found |= x.kv
		}
		if found == x.all {
			break
		}
	}
	return found
}

// lowerOf folds a byte: ASCII letters to lower case.
var lowerOf = func() (t [256]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] = byte(c + 'a' - 'A')
		}
	}
	return t
}()

// keyBefore reports whether s ends in a secret key, spaces and tabs aside.
func keyBefore(s string) bool {
	q := len(s)
	for q > 0 && (s[q-1] == ' ' || s[q-1] == '\t') {
		q--
	}
	if q == 0 {
		return false
	}
	for _, k := range keysEndingIn[lowerOf[s[q-1]]] {
		if q >= len(k) && hasPrefixFold(s[q-len(k):q], k) {
			return true
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with h (folded), ASCII letters compared without regard
// to case.
func hasPrefixFold(s, h string) bool {
	if len(s) < len(h) {
		return false
	}
	for i := 0; i < len(h); i++ {
		if lowerOf[s[i]] != h[i] {
			return false
		}
	}
	return true
}

// fold returns s with ASCII letters lower-cased, the form hints are kept in. Only ASCII is
// folded, as the scan does: a hint lower-cased by Unicode rules ("É" to "é") would never be
// found in a text that holds "É".
func fold(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerOf[c]
	}
	return string(b)
}
