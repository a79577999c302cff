package vllm

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// FieldURLOriginal is the URL an HTTP client's exception names: the file a model download asked
// for, the API it called.
const FieldURLOriginal = "url.original"

// setHTTPFailure sets the status an HTTP client's exception reports, and the URL it names, from
// the exception's type and message as the libraries format them:
//   - requests' raise_for_status: "401 Client Error: Unauthorized for url: https://...", which
//     huggingface_hub's errors (GatedRepoError, RepositoryNotFoundError, HfHubHTTPError) start
//     with too, or "401 Client Error. (Request ID: ...)";
//   - httpx's raise_for_status: "Client error '404 Not Found' for url 'https://...'";
//   - aiohttp's ClientResponseError: "404, message='Not Found', url='https://...'";
//   - the openai client's APIStatusError and its subclasses: "Error code: 404 - {...}".
//
// A model that does not load because the Hub refused it (401 gated, 404 not found, 429 rate
// limited) is then found by its status like any other failed HTTP call.
func setHTTPFailure(ev *event.Event, typ, msg string) {
	status, url := httpFailure(typ, msg)
	if status == 0 {
		if u := poolURL(msg); u != "" {
			ev.SetString(FieldURLOriginal, u) // a request that got no answer: where it went
		}
		return
	}
	ev.Set(event.FieldHTTPStatus, event.Int(status))
	if url != "" {
		ev.SetString(FieldURLOriginal, url)
	}
}

func httpFailure(typ, msg string) (status int64, url string) {
	switch {
	case len(msg) > 4 && msg[3] == ' ' && (strings.HasPrefix(msg[4:], "Client Error") || strings.HasPrefix(msg[4:], "Server Error")):
		status = httpStatus(msg[:3])
		// huggingface_hub says why on the message's further lines: "Cannot access gated repo
		// for url https://huggingface.co/.../config.json."
		url = strings.TrimSuffix(afterMarker(msg, " for url: ", " for URL: ", " for url "), ".")
	case strings.HasPrefix(msg, "Client error '") || strings.HasPrefix(msg, "Server error '") ||
		strings.HasPrefix(msg, "Redirect response '"):
		_, rest, _ := strings.Cut(msg, "'")
		status = httpStatus(rest[:min(len(rest), 3)])
		url = strings.TrimSuffix(afterMarker(msg, " for url '"), "'")
	case strings.HasSuffix(typ, "ClientResponseError") && len(msg) > 5 && msg[3] == ',':
		status = httpStatus(msg[:3])
		if u := afterMarker(msg, "url='", "url=URL('"); u != "" {
			url, _, _ = strings.Cut(u, "'")
		}
	case strings.HasSuffix(typ, "HTTPException") && len(msg) > 5 && msg[3] == ':' && msg[4] == ' ':
		// Starlette's and FastAPI's HTTPException, whose str() is "<status>: <detail>" ("400:
		// JSON decode error: ..."), the status vLLM's handler (entrypoints/.../http.py) answers
		// with after "HTTPException caught."
		status = httpStatus(msg[:3])
	case (typ == "AccessDeniedException" || typ == "ServiceException" || typ == "NotFoundException" || typ == "BadRequestException") &&
		len(msg) > 4 && msg[3] == ' ':
		// gsutil's, its message the service's status first ("403 sa@p.iam.gserviceaccount.com
		// does not have storage.objects.list access ...")
		status = httpStatus(msg[:3])
	case strings.HasPrefix(typ, "openai.") && strings.HasPrefix(msg, "Error code: "):
		status = httpStatus(msg[len("Error code: "):][:min(len(msg)-len("Error code: "), 3)])
	case strings.HasPrefix(typ, "openai.error.") && strings.Contains(msg, "(HTTP response code was "):
		// the openai client before 1.0: "Invalid response object from API: '{...}' (HTTP
		// response code was 400)"
		_, code, _ := strings.Cut(msg, "(HTTP response code was ")
		status = httpStatus(code[:min(len(code), 3)])
	case typ == "OSError" || typ == "EnvironmentError":
		// transformers' OSError around huggingface_hub's error ("You are trying to access a
		// gated repo.\nMake sure ...\n401 Client Error. (Request ID: ...)\n\nCannot access gated
		// repo for url ..."), the last exception a vLLM pod prints for a gated model: the Hub's
		// status line among its message's lines
		for off := 0; ; {
			i := strings.Index(msg[off:], " Client Error")
			if j := strings.Index(msg[off:], " Server Error"); j >= 0 && (i < 0 || j < i) {
				i = j
			}
			if i < 0 {
				break
			}
			i += off
			if i >= 4 && msg[i-4] == '\n' {
				return httpFailure("", msg[i-3:])
			}
			off = i + 1
		}
	}
	if status == 0 {
		return 0, ""
	}
	return status, url
}

// httpStatus reads three digits from 100 to 599, 0 for anything else.
func httpStatus(s string) int64 {
	if len(s) != 3 {
		return 0
	}
	n, ok := parseutil.Atoi(s)
	if !ok || n < 100 || n > 599 {
		return 0
	}
	return n
}

// afterMarker returns the word after the first of markers found in s: a URL up to the next space.
func afterMarker(s string, markers ...string) string {
	for _, m := range markers {
		if _, rest, ok := strings.Cut(s, m); ok {
			rest, _, _ = strings.Cut(rest, " ")
			rest, _, _ = strings.Cut(rest, "\n")
			return rest
		}
	}
	return ""
}

// poolURL returns the URL urllib3's pool names in a request that failed without an answer
// (requests' ConnectionError, openai 0.x's APIConnectionError: "HTTPConnectionPool(host='vllm',
// port=8000): Max retries exceeded with url: /v1/completions (Caused by ...)"), "" for another
// message.
func poolURL(msg string) string {
	scheme := "http"
	i := strings.Index(msg, "HTTPConnectionPool(host='")
	if j := strings.Index(msg, "HTTPSConnectionPool(host='"); j >= 0 && (i < 0 || j < i) {
		i, scheme = j+1, "https"
	}
	if i < 0 {
		return ""
	}
	rest := msg[i+len("HTTPConnectionPool(host='"):]
	host, rest, ok := strings.Cut(rest, "', port=")
	if !ok || host == "" || strings.ContainsAny(host, " /") {
		return ""
	}
	port, rest, ok := strings.Cut(rest, "): ")
	if _, num := parseutil.Atoi(port); !ok || !num {
		return ""
	}
	_, path, ok := strings.Cut(rest, " with url: ")
	if !ok || !strings.HasPrefix(path, "/") {
		return ""
	}
	path, _, _ = strings.Cut(path, " ")
	return scheme + "://" + host + ":" + port + path
}
