package parse

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/nodejs"
	"github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/parsers/vllm"
)

// Node.js services print an error with its V8 stack frames under it ("    at fn (file.js:10:5)"),
// util.inspect's form of an error object with its properties up to a closing brace, Node's
// report of an uncaught exception (where it was thrown, the source line, a caret, the error, the
// frames, "Node.js v20.11.0"), and V8's report of a heap exhausted. These rules keep each one
// together.

// nodeStart reports whether a line without a logging header opens a Node.js report, and how.
func nodeStart(l *vllm.Line) (int, bool) {
	b := l.Body
	switch {
	case l.Header != "" || len(b) < 4:
		return 0, false
	case b == "<--- Last few GCs --->":
		return modeV8OOM, true
	case nodejs.UncaughtHeader(b):
		return modeNodeUncaught, true
	case nodejs.ErrorStart(b):
		return modeJSError, true
	}
	return 0, false
}

// jsFramesUnder reports whether l is the first V8 frame under a group's first line that holds a
// JavaScript error, the group opened by another rule (a Python exception's line of the same
// class, a logger's error line), and makes the group a JavaScript error's: its cause and
// util.inspect's properties follow as for any.
func jsFramesUnder(g *group, l *vllm.Line) bool {
	if len(g.parts) != 0 || l.Header != "" || !nodejs.FrameLine(l.Body) || !nodejs.ErrorStart(g.firstLine()) {
		return false
	}
	g.mode, g.msg, g.opening = modeJSError, 0, "" // (g.msg counts util.inspect's braces from here)
	return true
}

// jsAccept reports whether l continues a JavaScript error (modeJSError) or Node's uncaught
// report (modeNodeUncaught). g.msg counts the open braces of util.inspect's properties, g.opening
// is set once a frame was seen.
func jsAccept(g *group, l *vllm.Line) bool {
	if l.Header != "" || len(g.parts) >= 4*maxMessageLines {
		return false
	}
	b := l.Body
	uncaught := g.mode == modeNodeUncaught
	switch {
	case g.msg > 0:
		// inside util.inspect's braces: properties, a cause, nested objects
		if strings.HasPrefix(strings.TrimLeft(b, " "), "}") {
			g.msg--
			if g.msg == 0 && !uncaught {
				g.mode = modeDone
			}
			return true
		}
		if strings.HasSuffix(b, "{") {
			g.msg++
		}
		return b != "" && (b[0] == ' ' || nodejs.FrameLine(b))
	case nodejs.FrameLine(b):
		g.opening = "frames"
		if strings.HasSuffix(b, " {") {
			g.msg++ // the error's own properties after its last frame: "{ code: 'ECONNRESET' }"
		}
		return true
	case strings.HasPrefix(b, "    ... ") && g.opening != "":
		return true // "    ... 6 lines matching cause stack trace ..."
	case uncaught && strings.HasPrefix(b, "Node.js v"):
		g.mode = modeDone
		return true
	case uncaught && g.opening == "" && nodejs.ErrorStart(b):
		// the error under the source line and its caret
		g.opening = "error"
		if nodejs.InspectStart(b) {
			g.msg++
		}
		return true
	case uncaught && g.opening == "" && len(g.parts) < 3:
		return true // the source line, its caret, the blank line
	case uncaught && b == "":
		return true // before "Node.js v20.11.0"
	case g.opening == "" && len(g.parts) < 2 && !uncaught && (nodejs.InspectStart(b) || isErrorLine(b)):
		// Flowise logs the error's message, then prints the error: "... [ERROR]: [server]:
		// Error: Request failed ...", "Error: Request failed ...", then the frames
		if nodejs.InspectStart(b) {
			g.msg++
		}
		return true
	}
	return false
}

// v8OOMAccept reports whether l continues V8's report of a heap exhausted: the last GCs, the
// fatal error, the native stack's numbered frames.
func v8OOMAccept(l *vllm.Line) bool {
	b := l.Body
	if l.Header != "" {
		return false
	}
	t := strings.TrimLeft(b, " ")
	return b == "" || strings.HasPrefix(b, "[") || strings.HasPrefix(b, "<--- ") || strings.HasPrefix(b, "FATAL ERROR: ") ||
		strings.HasPrefix(b, "----- ") || strings.HasPrefix(b, "Security context: ") ||
		len(t) > 4 && t[0] >= '0' && t[0] <= '9' && strings.Contains(t[:min(len(t), 8)], ": 0x")
}

// isErrorLine reports whether b is a JavaScript error's own first line ("Error: Request failed
// with status code 400"), which Flowise prints under its logged message.
func isErrorLine(b string) bool {
	_, _, ok := nodejs.ErrorLine(b)
	return ok
}

// luaStart reports whether b is an OpenResty error line (Kong's, APISIX's) from Lua code, which
// the Lua stack traceback may follow: "2025/09/23 05:27:29 [error] 2629#0: *1313 [lua]
// api_helpers.lua:544: handle_error(): ... attempt to compare string with number".
func luaStart(l *vllm.Line) bool {
	b := l.Body
	if l.Header != "" || len(b) < 30 || b[4] != '/' || b[19] != ' ' || b[20] != '[' {
		return false
	}
	lv, _, ok := strings.Cut(b[21:min(len(b), 30)], "]")
	// (a file's code, "/usr/local/kong/....lua:12:", or an inline chunk of nginx.conf,
	// "content_by_lua(default.conf:35):2:", "access_by_lua(nginx.conf:80):5:")
	return ok && (lv == "error" || lv == "crit" || lv == "alert" || lv == "emerg") &&
		(strings.Contains(b, ".lua:") || strings.Contains(b, "_by_lua"))
}

// luaAccept reports whether l goes on with a Lua error's "stack traceback:" and its frames, one
// a line, indented by a tab or by spaces.
func luaAccept(g *group, l *vllm.Line) bool {
	if l.Header != "" || len(g.parts) >= 4*maxMessageLines {
		return false
	}
	if len(g.parts) == 0 {
		return l.Body == "stack traceback:"
	}
	// "coroutine 0:" opens the frames of each coroutine when the request's entry thread
	// aborted ("lua entry thread aborted: runtime error: ..."), its frames indented under it
	return strings.HasPrefix(l.Body, "\t") || strings.HasPrefix(l.Body, "    ") || luaCoroutine(l.Body)
}

// luaCoroutine reports whether b is the "coroutine N:" header of a Lua traceback's frames.
func luaCoroutine(b string) bool {
	n, ok := strings.CutPrefix(b, "coroutine ")
	return ok && strings.HasSuffix(n, ":") && parseutil.AllDigits(n[:len(n)-1])
}
