package eventjson

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzUnescapeJSONString checks the hand-written unescaper against encoding/json on any quoted
// text: both accept the same strings and give the same value.
func FuzzUnescapeJSONString(f *testing.F) {
	for _, s := range []string{`"a\"b"`, `"\u00e9\n"`, `"\ud83d\ude00"`, `"\ud83d"`, `"a\qb"`, "\"a\x01\"", `"\/\b\f\r\t"`, `"tail`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.HasPrefix(s, `"`) {
			return
		}
		i := strings.IndexByte(s, '\\')
		if i < 0 || strings.ContainsFunc(s[1:i], func(r rune) bool { return r == '"' || r < 0x20 }) {
			return // callers hand over a plain prefix and the first escape
		}
		got, next, ok := UnescapeString(s, 1, i)
		var want string
		err := json.Unmarshal([]byte(s[:max(next, 0)]), &want)
		// Invalid UTF-8 passes through (the encoder replaces it later); encoding/json replaces
		// each bad byte at once.
		if ok != (err == nil) || (ok && perByteValid(got) != want) {
			t.Fatalf("%q: got %q ok=%v next=%d; encoding/json %q err=%v", s, got, ok, next, want, err)
		}
	})
}

func perByteValid(s string) string {
	var b strings.Builder
	for _, r := range s { // ranging a string yields U+FFFD for every invalid byte
		b.WriteRune(r)
	}
	return b.String()
}

// TestUnescapeAllocatesOnce: the value is built in one buffer of the escaped text's size, which
// becomes the string (a uvicorn access line in a CRI message has a dozen escapes).
func TestUnescapeAllocatesOnce(t *testing.T) {
	s := `"INFO:     10.0.0.1:4711 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK \u00e9\ud83d\ude00 tail" , "next"`
	i := strings.IndexByte(s, '\\')
	want := "INFO:     10.0.0.1:4711 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK \u00e9\U0001F600 tail"
	if got, next, ok := UnescapeString(s, 1, i); !ok || got != want || s[next:] != ` , "next"` {
		t.Fatalf("got %q next %d ok %v", got, next, ok)
	}
	if n := testing.AllocsPerRun(100, func() { UnescapeString(s, 1, i) }); n != 1 {
		t.Fatalf("%v allocations, want 1", n)
	}
}
