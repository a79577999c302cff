package vllm

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/parsers/parseutil"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// PromptMode says what happens to the prompt of a "Received request" line.
type PromptMode string

// Prompt modes. Prompts are user data: by default none of their text reaches the output.
const (
	// PromptsHash replaces the prompt with its length and SHA-256, and the token ids with their
	// count (the default).
	PromptsHash PromptMode = "hash"
	// PromptsKeep leaves the line as it is and also puts the prompt in vllm.request.prompt.
	PromptsKeep PromptMode = "keep"
	// PromptsTruncate keeps the first PromptMaxLength characters, plus length and hash.
	PromptsTruncate PromptMode = "truncate"
	// PromptsDrop removes the prompt and token ids, keeping only their lengths.
	PromptsDrop PromptMode = "drop"
)

// DefaultPromptMaxLength is how many characters PromptsTruncate keeps.
const DefaultPromptMaxLength = 128

// Options configure the parser; the parse processor fills them from its config.
type Options struct {
	Prompts         PromptMode
	PromptMaxLength int
}

// Valid reports whether m is a known mode ("" means the default).
func (m PromptMode) Valid() bool {
	switch m {
	case "", PromptsHash, PromptsKeep, PromptsTruncate, PromptsDrop:
		return true
	}
	return false
}

// requestIDs reads "<id>." or "<id>, <id>." after "Added request " and the like.
func requestIDs(ev *event.Event, s string, action string) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" || strings.IndexByte(s, ' ') >= 0 && !strings.Contains(s, ", ") {
		return
	}
	ev.SetString(event.FieldEventAction, action)
	sep := ", "
	if !strings.Contains(s, sep) {
		if strings.IndexByte(s, ',') < 0 || strings.ContainsAny(s, "[{") {
			setPromptID(ev, strings.Trim(s, "'[]{}")) // "['<id>']": a Python list's repr, a set's
			return
		}
		sep = "," // V1's AsyncLLM.abort joins the ids with a bare comma: "Aborted request(s) a,b."
	}
	ids := strings.Split(s, sep)
	for i, id := range ids {
		ids[i] = strings.Trim(id, "'[]{}")
	}
	setIDList(ev, ids)
}

// setIDList sets vllm.request.id to ids: the one id, or a JSON list of several.
func setIDList(ev *event.Event, ids []string) {
	for i, id := range ids {
		ids[i] = clientID(id, true) // the engine's ids: each names a prompt
	}
	ids = slices.Compact(ids) // a parallel-sampling request's children, aborted together
	if len(ids) == 1 {
		if ids[0] != noRequestID {
			ev.SetString(FieldRequestID, ids[0])
		}
		return
	}
	b := []byte{'['}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuoteToASCII(b, id)
	}
	ev.Set(FieldRequestID, event.Raw(string(append(b, ']'))))
}

type replacement struct {
	start, end int
	with       string
}

func applyReplacements(s string, rs []replacement) string {
	var sb strings.Builder
	sb.Grow(len(s))
	at := 0
	for _, r := range rs {
		if r.start < at || r.end > len(s) {
			continue
		}
		sb.WriteString(s[at:r.start])
		sb.WriteString(r.with)
		at = r.end
	}
	sb.WriteString(s[at:])
	return sb.String()
}

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// member reads "name: value" at s[pos:] and returns the value's bounds and where the next
// member starts. A value ends at the first ", " outside brackets and quotes that is followed
// by another "name: ", or at the end (where a final '.' is not part of it).
func member(s string, pos int) (name string, vstart, vend, next int) {
	colon := strings.Index(s[pos:], ": ")
	if colon <= 0 || colon > 40 {
		return "", -1, -1, len(s)
	}
	name = s[pos : pos+colon]
	vstart = pos + colon + 2
	depth := 0
	for i := vstart; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"':
			if i == vstart || depth > 0 || s[i-1] == '=' || s[i-1] == ' ' || s[i-1] == '(' || s[i-1] == '[' {
				i += quotedLen(s[i:]) - 1
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 && i+1 < len(s) && s[i+1] == ' ' && isMemberName(s[i+2:]) {
				return name, vstart, i, i + 2
			}
			if depth == 0 && isMemberName(s[i+1:]) {
				return name, vstart, i, i + 1 // 0.3's "prefix_pos: None,sampling params: ..."
			}
		}
	}
	vend = len(s)
	if vend > vstart && s[vend-1] == '.' {
		vend--
	}
	return name, vstart, vend, len(s)
}

// isMemberName reports whether s starts with "words: " of lowercase letters, '_' and spaces.
func isMemberName(s string) bool {
	for i := 0; i < len(s) && i <= 40; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_', c == ' ' && i > 0:
		case c == ':':
			return i > 0 && i+1 < len(s) && s[i+1] == ' '
		default:
			return false
		}
	}
	return false
}

// quotedLen returns the length of the Python string literal at s (quote to matching quote,
// backslash escapes skipped), or len(s) when it does not end.
func quotedLen(s string) int {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i + 1
		}
	}
	return len(s)
}

// listLen counts the items of "[1, 2, 3]"; -1 when s is not a list (None).
func listLen(s string) int {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return -1
	}
	inner := strings.TrimSpace(s[1 : len(s)-1])
	if inner == "" {
		return 0
	}
	return strings.Count(inner, ",") + 1
}

// samplingParams picks a few members of "SamplingParams(n=1, ..., temperature=0.7, ...)".
func samplingParams(ev *event.Event, s string) {
	if v, ok := param(s, "max_tokens="); ok {
		if n, ok := parseutil.Atoi(v); ok {
			ev.Set(FieldMaxTokens, event.Int(n))
		}
	}
	if v, ok := param(s, "n="); ok {
		if n, ok := parseutil.Atoi(v); ok {
			ev.Set(FieldN, event.Int(n))
		}
	}
	for _, kv := range [...]struct{ name, field string }{{"temperature=", FieldTemperature}, {"top_p=", FieldTopP}} {
		if v, ok := param(s, kv.name); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				ev.Set(kv.field, event.Float(f))
			}
		}
	}
}

// param returns the value of key ("name=") in a Python repr where the name follows '(' or
// ", ". The key comes with its '=' so that looking it up builds no string.
func param(s, key string) (string, bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], key)
		if j < 0 {
			return "", false
		}
		j += i
		if j > 0 && (s[j-1] == '(' || s[j-1] == ' ') {
			v := s[j+len(key):]
			end := paramEnd.index(v)
			if end < 0 {
				end = len(v)
			}
			return v[:end], true
		}
		i = j + 1
	}
}

// promptBase is the id of the request a prompt's id belongs to, for the lines that name a
// request by one of its prompts: the engine's (added, finished, aborted, failed, the batch it
// ran) and the server's "Received request". A completion's or embedding's server gives each
// prompt "<request id>-<n>"; ExternalID takes the index off an id vLLM made itself (clientID
// tries it first), and this takes it off one built from the client's X-Request-Id too: "cmpl-test-0" (and V1's
// "cmpl-test-0-1a2b3c4d", the engine's suffix after it) is the request the client knows as
// "cmpl-test". Any other id is returned as it is.
func promptBase(id string) string {
	if !strings.HasPrefix(id, "cmpl-") && !strings.HasPrefix(id, "embd-") {
		return id
	}
	s := id
	if n := len(s); n > len("cmpl-x-0-")+8 && s[n-9] == '-' && parseutil.IsLowerHex(s[n-8:]) {
		if d := promptIndex(s[:n-9]); d > 0 {
			return s[:d] // the engine's suffix, after a prompt's index
		}
	}
	if d := promptIndex(s); d > 0 {
		return s[:d]
	}
	return id
}

// promptIndex returns where "-<n>" (n of 1 to 4 digits) ends s, after more than its prefix; 0
// when it does not.
func promptIndex(s string) int {
	d := strings.LastIndexByte(s, '-')
	if d <= len("cmpl-") || len(s)-d-1 > 4 {
		return 0
	}
	if _, ok := parseutil.Atoi(s[d+1:]); !ok {
		return 0
	}
	return d
}
