package vllm

import (
	"crypto/sha256"
	"encoding/hex"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Fields and actions of the request logger's lines about outputs (--enable-log-outputs).
const (
	FieldOutput        = "vllm.response.output"
	FieldOutputLength  = "vllm.response.output_length"
	FieldOutputSHA256  = "vllm.response.output_sha256"
	FieldOutputTokens  = "vllm.response.output_tokens"
	FieldFinishReason  = "vllm.response.finish_reason"
	ActionDetails      = "request_details"
	ActionBody         = "request_body"
	ActionResponse     = "response_generated"
	ActionResponseInfo = "response_details"
)

// textFields says where the length, hash and (when kept) text of a user text go.
type textFields struct{ label, text, length, sha string }

var (
	promptText = textFields{"prompt", FieldPrompt, FieldPromptLength, FieldPromptSHA256}
	outputText = textFields{"output", FieldOutput, FieldOutputLength, FieldOutputSHA256}
	// a text replaced in the message like a prompt, whose length and hash stay there only
	negativePrompt = textFields{label: "negative prompt"}
)

// requestLine reads the lines of vllm/entrypoints/logger.py (RequestLogger), in every form
// they have had. Prompts, outputs and request bodies are user data, handled as the prompts
// option says; nothing else of the line changes.
//
//	Received request <id>: prompt: <repr>, params: <...>, prompt_token_ids: <list>[, prompt_embeds
//	  shape: <...>], lora_request: <...>[, prompt_adapter_request: <...>].      (0.4 to 0.10)
//	Received request <id>: params: <...>, lora_request: <...>.                  (newest, INFO)
//	Request <id> details: prompt: <repr>, prompt_token_ids: <list>, prompt_embeds shape: <...>.
//	Request <id> JSON body: <json>                                              (newest, DEBUG)
//	Generated response <id>[ (streaming delta|complete)]: output: <repr>[, output_token_ids:
//	  <list>], finish_reason: <reason>
//	Generated response <id>[ ...] details: output_token_ids: <list>
//
// 0.4 wrote "sampling_params:" for "params:", 0.2 and 0.3 "sampling params:" and "prompt token
// ids:" (0.3 without a space after the comma before them). Members are read as Python literals with balanced
// brackets and quotes, so commas inside a prompt or the parameters do not split them.
func (p *Parser) requestLine(ev *event.Event, b, msg string, lineLen int) bool {
	var id, rest, action string
	switch {
	case strings.HasPrefix(b, "Received request "):
		var ok bool
		if id, rest, ok = strings.Cut(b[len("Received request "):], ": "); !ok {
			return false
		}
		action = ActionReceived
	case strings.HasPrefix(b, "Request "):
		var after string
		id, after, _ = strings.Cut(b[len("Request "):], " ")
		switch {
		case strings.HasPrefix(after, "aborted.") || strings.HasPrefix(after, "failed"):
			return validID(id) && requestOutcome(ev, id, after)
		case strings.HasPrefix(after, "details: "):
			rest, action = after[len("details: "):], ActionDetails
		case strings.HasPrefix(after, "JSON body: "):
			if !validID(id) {
				return false
			}
			p.requestBody(ev, msg, lineLen, after[len("JSON body: "):])
			setID(ev, id)
			ev.SetString(event.FieldEventAction, ActionBody)
			return true
		default:
			return false
		}
	case strings.HasPrefix(b, "Diffusion chat request "):
		// vllm-omni's diffusion requests (serving_chat.py): "Diffusion chat request <id>:
		// prompt='...', ref_images=N, params={...}", the prompt cut at 50 characters and "..."
		// added, the request's extra body in params
		var ok bool
		if id, rest, ok = strings.Cut(b[len("Diffusion chat request "):], ": "); !ok || !validID(id) {
			return false
		}
		ev.SetString(event.FieldEventAction, ActionReceived)
		setID(ev, id)
		p.diffusionMembers(ev, msg, rest, lineLen-len(rest))
		return true
	case strings.HasPrefix(b, "Generated response "):
		s := b[len("Generated response "):]
		end := responseIDEnd.index(s)
		if end < 0 {
			return false
		}
		id, s = s[:end], s[end:]
		for _, mode := range [...]string{" (streaming delta)", " (streaming complete)"} {
			s = strings.TrimPrefix(s, mode)
		}
		switch {
		case strings.HasPrefix(s, ": "):
			rest, action = s[2:], ActionResponse
		case strings.HasPrefix(s, " details: "):
			rest, action = s[len(" details: "):], ActionResponseInfo
		default:
			return false
		}
	default:
		return false
	}
	if !validID(id) {
		return false
	}
	ev.SetString(event.FieldEventAction, action)
	if action == ActionReceived {
		setPromptID(ev, id) // a completion's server names each prompt
	} else {
		setID(ev, id)
	}
	p.members(ev, msg, rest, lineLen-len(rest))
	return true
}

func validID(id string) bool { return id != "" && strings.IndexByte(id, ' ') < 0 && len(id) <= 256 }

// members handles the "name: value" members of a request-logger line; base is where rest
// starts in msg.
func (p *Parser) members(ev *event.Event, msg, rest string, base int) {
	var repl []replacement
	for pos := 0; pos < len(rest); {
		name, vstart, vend, next := member(rest, pos)
		if vstart < 0 {
			break
		}
		val := rest[vstart:vend]
		switch name {
		case "prompt", "output":
			if len(val) > 1 && (val[0] == '\'' || val[0] == '"') {
				// the text, and whatever a cut left after it ("prompt: '...', params...")
				if q := quotedLen(val); q < len(val) {
					vend = vstart + q
					val = rest[vstart:vend]
				}
			}
		case "prompt_token_ids", "prompt token ids", "output_token_ids":
			if len(val) > 1 && val[0] == '[' {
				// the list, and whatever a cut left after it ("[0, 31404], prompt_embeds
				// shape:..."); a list cut before its end is counted as far as it goes
				if end := strings.IndexByte(val, ']'); end > 0 {
					vend = vstart + end + 1
				}
				val = rest[vstart:vend]
			}
		}
		var with string
		switch name {
		case "prompt":
			with = p.userText(ev, val, promptText)
		case "output":
			with = p.userText(ev, val, outputText)
		case "prompt_token_ids", "prompt token ids": // 0.2 and 0.3 named their members with spaces
			with = p.tokenIDs(ev, val, FieldPromptTokens)
		case "output_token_ids":
			with = p.tokenIDs(ev, val, FieldOutputTokens)
		case "finish_reason":
			// (the streamed response's whole record says "streaming_complete": no reason why
			// generation stopped, which the deltas' last one gave)
			if val != "None" && val != "" && val != "streaming_complete" {
				ev.SetString(FieldFinishReason, val)
			}
		case "params", "sampling_params", "sampling params":
			samplingParams(ev, val)
		case "lora_request":
			if i := strings.Index(val, "lora_name='"); i >= 0 {
				name := val[i+len("lora_name='"):]
				if j := strings.IndexByte(name, '\''); j > 0 {
					ev.SetString(FieldLoRA, name[:j])
				}
			}
		}
		if with != "" {
			repl = append(repl, replacement{base + vstart, base + vend, with})
		}
		pos = next
	}
	if len(repl) > 0 {
		ev.SetMessage(applyReplacements(msg, repl))
	}
}

// diffusionMembers replaces the user data of a diffusion request's line: the prompt, and the
// negative prompt among its params (a text the client wrote as much as the prompt).
func (p *Parser) diffusionMembers(ev *event.Event, msg, rest string, base int) {
	var repl []replacement
	text := func(at int, f textFields) {
		if at < len(rest) && (rest[at] == '\'' || rest[at] == '"') {
			end := at + quotedLen(rest[at:])
			if with := p.userText(ev, rest[at:end], f); with != "" {
				repl = append(repl, replacement{base + at, base + end, with})
			}
		}
	}
	if strings.HasPrefix(rest, "prompt=") {
		text(len("prompt="), promptText)
	}
	if i := strings.Index(rest, "'negative_prompt': "); i > 0 {
		text(i+len("'negative_prompt': "), negativePrompt)
	}
	if len(repl) > 0 {
		ev.SetMessage(applyReplacements(msg, repl))
	}
}

// tokenIDs sets the count of a token-id list and returns its replacement ("" to keep it). A
// list a cut left without its end ("[151644, 8948, 198, ") is replaced too, counted as far as it
// goes, its count not set.
func (p *Parser) tokenIDs(ev *event.Event, val, field string) string {
	n := listLen(val)
	if n < 0 {
		if len(val) < 2 || val[0] != '[' || strings.IndexByte(val, ']') >= 0 || p.opt.Prompts == PromptsKeep {
			return ""
		}
		cut := strings.Count(strings.TrimRight(val, ", "), ",") + 1
		return "<" + strconv.Itoa(cut) + " token ids, cut>"
	}
	ev.Set(field, event.Int(int64(n)))
	if p.opt.Prompts == PromptsKeep {
		return ""
	}
	return "<" + strconv.Itoa(n) + " token ids>"
}

// userText handles a prompt's or output's repr and returns what replaces it ("" to keep it).
func (p *Parser) userText(ev *event.Event, repr string, f textFields) string {
	text, ok := pyUnquote(repr)
	if !ok && len(repr) > 1 && (repr[0] == '\'' || repr[0] == '"') && quotedLen(repr) == len(repr) {
		// a line cut inside the text (a terminal's width, a shipper's line limit): what is
		// there is user data all the same
		if text, ok = pyUnquote(strings.TrimSuffix(repr, "\\") + repr[:1]); !ok {
			text, ok = repr[1:], true
		}
	}
	if !ok {
		return ""
	}
	n := utf8.RuneCountInString(text)
	if f.length != "" {
		ev.Set(f.length, event.Int(int64(n)))
	}
	if p.opt.Prompts == PromptsDrop {
		return "<" + f.label + " dropped: " + strconv.Itoa(n) + " chars>"
	}
	hash := sha256Hex(text)
	if f.sha != "" {
		ev.SetString(f.sha, hash)
	}
	switch p.opt.Prompts {
	case PromptsKeep:
		if f.text != "" {
			ev.SetString(f.text, text)
		}
		return ""
	case PromptsTruncate:
		cut := truncateRunes(text, p.opt.PromptMaxLength)
		if f.text != "" {
			ev.SetString(f.text, cut)
		}
		if len(cut) < len(text) {
			return strconv.Quote(cut) + "... <" + strconv.Itoa(n) + " chars, sha256:" + hash + ">"
		}
		return ""
	}
	return "<" + f.label + ": " + strconv.Itoa(n) + " chars, sha256:" + hash + ">"
}

// requestBody redacts the JSON request body of "Request <id> JSON body: {...}", which holds the
// messages: its length and hash stay in the message unless the prompts option keeps it.
func (p *Parser) requestBody(ev *event.Event, msg string, lineLen int, body string) {
	p.replaceBody(ev, msg, lineLen, body, "request body")
}

// responseBody replaces the generated text or response JSON of the line vLLM logs with
// VLLM_DEBUG_LOG_API_SERVER_RESPONSE ("response_body={streaming_complete: content='...',
// chunks=752}", "response_body={...JSON...}") as the prompts option says: it is user data as much
// as the prompt. "response_body={streaming_started: chunks=752}" holds none and is kept.
func (p *Parser) responseBody(ev *event.Event, msg string, lineLen int, body string) {
	if strings.Contains(body, "content=") || strings.HasPrefix(body, `{"`) {
		p.replaceBody(ev, msg, lineLen, body, "response body")
	}
}

// replaceBody replaces body, the end of the message's first line (lineLen long), by what the
// prompts option says; label names it in the replacement.
func (p *Parser) replaceBody(ev *event.Event, msg string, lineLen int, body, label string) {
	if with, ok := p.opt.ReplaceBody(body, label); ok {
		start := lineLen - len(body)
		ev.SetMessage(applyReplacements(msg, []replacement{{start, lineLen, with}}))
	}
}

// ReplaceBody returns what replaces a body of user data (a request's JSON body, a response's)
// as the prompts option says, label naming it in the replacement; "" and false to keep it (keep,
// or truncate of a body within the length).
func (o Options) ReplaceBody(body, label string) (string, bool) {
	n := utf8.RuneCountInString(body)
	switch o.Prompts {
	case PromptsKeep:
		return "", false
	case PromptsDrop:
		return "<" + label + " dropped: " + strconv.Itoa(n) + " chars>", true
	case PromptsTruncate:
		maxLen := o.PromptMaxLength
		if maxLen <= 0 {
			maxLen = DefaultPromptMaxLength
		}
		cut := truncateRunes(body, maxLen)
		if len(cut) == len(body) {
			return "", false
		}
		return cut + "... <" + strconv.Itoa(n) + " chars, sha256:" + sha256Hex(body) + ">", true
	}
	return "<" + label + ": " + strconv.Itoa(n) + " chars, sha256:" + sha256Hex(body) + ">", true
}

// sha256Hex returns the hex SHA-256 of s. It feeds s through a stack buffer rather than
// converting it to a []byte, which would copy a whole prompt to the heap, and allocates only
// the digest and the result.
func sha256Hex(s string) string {
	h := sha256.New()
	var buf [512]byte
	for len(s) > 0 {
		n := copy(buf[:], s)
		h.Write(buf[:n])
		s = s[n:]
	}
	var sum [sha256.Size]byte
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], h.Sum(sum[:0]))
	return string(out[:])
}

// CarriesUserData reports whether line, the head of a line the container runtime split, is one
// of the lines whose text after the header is a user's: a request with its prompt, its JSON
// body, a generated response.
func CarriesUserData(line string) bool {
	h := line[:min(len(line), 600)]
	return strings.Contains(h, "Received request ") || strings.Contains(h, " JSON body: ") ||
		strings.Contains(h, "response_body={") || strings.Contains(h, "Generated response ")
}

// CutRest returns what replaces the rest of such a line when it arrives apart from its head (a
// line longer than the partial limit, its head sent alone): the whole of it is user data, as the
// prompts mode says; "" and false to keep it (keep, or truncate of a text within the length).
func CutRest(text string, mode PromptMode, maxLen int) (string, bool) {
	n := strconv.Itoa(utf8.RuneCountInString(text))
	switch mode {
	case PromptsKeep:
		return "", false
	case PromptsDrop:
		return "<rest of a cut line dropped: " + n + " chars>", true
	case PromptsTruncate:
		cut := truncateRunes(text, maxLen)
		if len(cut) == len(text) {
			return "", false
		}
		return cut + "... <" + n + " chars, sha256:" + sha256Hex(text) + ">", true
	}
	return "<rest of a cut line: " + n + " chars, sha256:" + sha256Hex(text) + ">", true
}

// RequestOutput replaces the user data of vLLM's RequestOutput repr that the program around the
// engine prints (FastChat's vLLM worker on its stdout: "RequestOutput(request_id=d9e6...,
// prompt='<|im_start|>user\nhello...', prompt_token_ids=[151644, ...], ..., outputs=[
// CompletionOutput(index=0, text='Hello', token_ids=[9707], ...)], ...)"): the prompt and each
// output's text as the prompts option says, the token-id lists by their count, the request's id
// read. It returns the message with them replaced, and false when msg holds no such repr.
func (p *Parser) RequestOutput(ev *event.Event, msg string) (string, bool) {
	return p.keywordRepr(ev, msg, "RequestOutput(request_id=", requestOutputTexts, requestOutputIDs)
}

// SGLangRequest is RequestOutput for SGLang's request as --log-requests prints it ("Receive:
// obj=GenerateReqInput(text='...', input_ids=[151644, ...], ..., rid='...')"): its text is the
// prompt, its input_ids the prompt's token ids.
func (p *Parser) SGLangRequest(ev *event.Event, msg string) (string, bool) {
	return p.keywordRepr(ev, msg, "GenerateReqInput(", sglangTexts, sglangIDs)
}

var (
	requestOutputTexts = map[string]textFields{"prompt": promptText, "text": outputText}
	requestOutputIDs   = map[string]string{"prompt_token_ids": FieldPromptTokens, "token_ids": FieldOutputTokens}
	sglangTexts        = map[string]textFields{"text": promptText}
	sglangIDs          = map[string]string{"input_ids": FieldPromptTokens}
)

// keywordRepr replaces the user data of a Python repr whose members are keywords ("name=value"),
// from marker on: the texts named in texts as the prompts option says, the token-id lists named
// in ids by their count. It returns msg unchanged and false when msg holds no marker.
func (p *Parser) keywordRepr(ev *event.Event, msg, marker string, texts map[string]textFields, ids map[string]string) (string, bool) {
	start := strings.Index(msg, marker)
	if start < 0 {
		return msg, false
	}
	if marker == "RequestOutput(request_id=" {
		if id, _, ok := strings.Cut(msg[start+len(marker):], ","); ok && validID(id) {
			setID(ev, id)
		}
	}
	var repl []replacement
	for i := start; i < len(msg); {
		j := strings.IndexByte(msg[i:], '=')
		if j < 0 {
			break
		}
		eq := i + j
		k := eq
		for k > i && (msg[k-1] >= 'a' && msg[k-1] <= 'z' || msg[k-1] == '_') {
			k--
		}
		name, at := msg[k:eq], eq+1
		i = at
		if at >= len(msg) || k == 0 || (msg[k-1] != ' ' && msg[k-1] != '(') {
			continue
		}
		end, with := at, ""
		if f, ok := texts[name]; ok && (msg[at] == '\'' || msg[at] == '"') {
			end = at + quotedLen(msg[at:])
			with = p.userText(ev, msg[at:end], f)
		} else if field, ok := ids[name]; ok && msg[at] == '[' {
			if c := parseutil.Closing(msg[at:], '[', ']'); c > 0 {
				end = at + c + 1
				with = p.tokenIDs(ev, msg[at:end], field)
			} else {
				end = len(msg) // a list the line's end cut
				with = p.tokenIDs(ev, msg[at:], field)
			}
		}
		if with != "" {
			repl = append(repl, replacement{at, end, with})
		}
		i = end
	}
	if len(repl) == 0 {
		return msg, true
	}
	return applyReplacements(msg, repl), true
}
