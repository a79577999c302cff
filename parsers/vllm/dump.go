package vllm

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// dumpTokenMembers are the members of a scheduler dump that hold token ids, user data as much as
// the prompt they encode: the prompt's (NewRequestData.prompt_token_ids, printed in full where
// its anonymised form is not used), the tokens sampled since the last step
// (CachedRequestData.new_token_ids: one list per request in 0.8-0.9, a list of lists since) and
// the whole sequence, prompt and output, of resumed requests (CachedRequestData.all_token_ids, a
// dict of lists). vLLM's own anonymised forms (prompt_token_ids_len=5, new_token_ids_lens=[...])
// hold only counts and are left alone.
var dumpTokenMembers = [...]string{"prompt_token_ids=", "new_token_ids=", "all_token_ids="}

// redactDumpTokens replaces each non-empty token-id member of a scheduler dump with
// "<N token ids>", as the prompts option does for the request logger's prompt_token_ids, in the
// message and in the returned body (error.message). With prompts: keep it changes nothing.
// b ends at lineLen in msg.
func (p *Parser) redactDumpTokens(ev *event.Event, b, msg string, lineLen int) string {
	if p.opt.Prompts == PromptsKeep {
		return b
	}
	var repl []replacement
	for _, name := range dumpTokenMembers {
		for from := 0; ; {
			i := strings.Index(b[from:], name)
			if i < 0 {
				break
			}
			start := from + i + len(name)
			if i > 0 && isIDByte(b[from+i-1]) { // "xprompt_token_ids=": another member
				from = start
				continue
			}
			end, n := tokenValue(b, start)
			if n > 0 {
				repl = append(repl, replacement{start, end, "<" + strconv.Itoa(n) + " token ids>"})
			}
			from = max(end, start)
		}
	}
	if len(repl) == 0 {
		return b
	}
	slices.SortFunc(repl, func(a, b replacement) int { return a.start - b.start })
	base := lineLen - len(b)
	shifted := make([]replacement, len(repl))
	for i, r := range repl {
		shifted[i] = replacement{base + r.start, base + r.end, r.with}
	}
	ev.SetMessage(applyReplacements(msg, shifted))
	return applyReplacements(b, repl)
}

// tokenValue reads the bracketed value ([...] or {...}) at s[start:] and returns where it ends
// and how many numbers its lists hold (dict keys, outside any list, are not counted). n is 0
// when there is no bracketed value or it holds no number.
func tokenValue(s string, start int) (end, n int) {
	if start >= len(s) || (s[start] != '[' && s[start] != '{') {
		return start, 0
	}
	var buf [32]byte
	open := buf[:0] // the closers the open brackets expect, innermost last
	lists := 0
	inNum := false
	for i := start; i < len(s); i++ {
		c := s[i]
		digit := c >= '0' && c <= '9'
		if digit && !inNum && lists > 0 && isNumStart(s[i-1]) {
			n++
		}
		inNum = digit || (inNum && isIDByte(c))
		switch c {
		case '[':
			open = append(open, ']')
			lists++
		case '{':
			open = append(open, '}')
		case '(':
			open = append(open, ')')
		case ']', '}', ')':
			if open[len(open)-1] != c {
				return len(s), 0 // "[1, 2)": not a value this reads
			}
			open = open[:len(open)-1]
			if c == ']' {
				lists--
			}
			if len(open) == 0 {
				return i + 1, n
			}
		}
	}
	return len(s), 0 // unbalanced (a cut line): left as it is
}

// isNumStart reports whether a number may start after c: after a bracket, comma or space, not
// inside a word such as an id.
func isNumStart(c byte) bool { return c == '[' || c == ',' || c == ' ' }
