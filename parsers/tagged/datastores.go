package tagged

import (
	"strings"
	"time"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
)

// The data services beside RAG and LLM-serving pods: Redis (a cache, a queue), Milvus (a vector
// database) and PostgreSQL (pgvector), each in its own layout.

// redis reads Redis's and Sentinel's lines: "1:M 01 Jul 2024 21:35:03.414 * Ready to accept
// connections", the pid, the role (M master, S replica, C a child, X Sentinel), the writer's local
// time, and the level as a mark: "." debug, "-" verbose (debug), "*" notice (info), "#" warning,
// Redis's highest ("Background saving error", Sentinel's "+odown", "+switch-master").
func redis(s string, r *Line) bool {
	colon := strings.IndexByte(s[:min(len(s), 12)], ':')
	if colon <= 0 || len(s) < colon+28 || s[colon+2] != ' ' {
		return false
	}
	pid, ok := pu.Atoi(s[:colon])
	if !ok || !strings.ContainsRune("MSCX", rune(s[colon+1])) {
		return false
	}
	stamp := s[colon+3 : colon+27]
	t, err := time.Parse("02 Jan 2006 15:04:05.000", stamp)
	if err != nil || s[colon+27] != ' ' || len(s) < colon+30 || s[colon+29] != ' ' {
		return false
	}
	lv := redisLevels[s[colon+28]]
	if lv == "" {
		return false
	}
	r.Time, r.Local, r.Level, r.pid, r.Msg = t, true, lv, pid, s[colon+30:]
	return true
}

// redisLevels maps Redis's level marks (serverLogRaw's ".-*#") to levels.
var redisLevels = [256]string{'.': pu.Debug, '-': pu.Debug, '*': pu.Info, '#': pu.Warning}

// pingcap reads the log layout Milvus (and TiDB's, which it took) writes: "[2024/08/24
// 16:18:06.077 +00:00] [WARN] [querynodev2/services.go:1082] [\"failed to load segment\"]
// [collectionID=452] [error=...]", the time with its zone, the level, the source line, the
// message quoted in brackets, then its fields, each "[key=value]".
func pingcap(s string, r *Line) bool {
	if len(s) < 40 || s[5] != '/' || s[8] != '/' || s[31] != ']' {
		return false
	}
	t, err := time.Parse("2006/01/02 15:04:05.000 -07:00", s[1:31])
	if err != nil {
		return false
	}
	lvTag, rest, ok := next(strings.TrimPrefix(s[32:], " "))
	lv, known := level(lvTag)
	if !ok || !known {
		return false
	}
	loc, rest, ok := next(strings.TrimPrefix(rest, " "))
	colon := strings.LastIndexByte(loc, ':')
	if !ok || colon <= 0 || strings.IndexByte(loc, '.') < 0 {
		return false
	}
	line, num := pu.Atoi(loc[colon+1:])
	if !num {
		return false
	}
	rest = strings.TrimPrefix(rest, " ")
	msg := rest
	if strings.HasPrefix(rest, "[") {
		if m, after, ok := closeTag(rest[1:]); ok {
			msg, rest = pu.Unquote(m), after
		}
		for rest != "" && rest[0] == '[' {
			// "[key=value]" or "[key=\"quoted value\"]"; a value may hold "]" only quoted
			field, after, ok := closeTag(rest[1:])
			k, v, found := strings.Cut(field, "=")
			if !ok || !found || k == "" {
				break
			}
			r.fields = append(r.fields, [2]string{pu.Unquote(k), pu.Unquote(v)})
			rest = strings.TrimPrefix(after, " ")
		}
	}
	r.Time, r.Level, r.Msg, r.file, r.line = t, lv, msg, loc[:colon], line
	for _, f := range r.fields {
		if f[0] == "error" || f[0] == "err" {
			r.errMsg = f[1]
		}
	}
	return true
}

// postgresLevels are PostgreSQL's message severities as its log writes them ("ERROR:  "): FATAL
// ends one session (a failed login, a dropped connection), PANIC the server.
var postgresLevels = [...]struct{ word, level string }{
	{"LOG", pu.Info}, {"ERROR", pu.Error}, {"FATAL", pu.Error}, {"WARNING", pu.Warning},
	{"PANIC", pu.Critical}, {"NOTICE", pu.Info}, {"INFO", pu.Info}, {"DEBUG", pu.Debug}, {"DEBUG1", pu.Debug},
	{"DEBUG2", pu.Debug}, {"DEBUG3", pu.Debug}, {"DEBUG4", pu.Debug}, {"DEBUG5", pu.Debug},
}

// postgresDetails are the labels of the lines PostgreSQL writes under a message, with the same
// prefix: the parse processor joins them to it.
var postgresDetails = [...]string{"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"}

// PostgresLine reads a line of PostgreSQL's log: its log_line_prefix (which starts with the time:
// "%m [%p] " by default, "2024-01-01 10:00:00.123 UTC [1] "), then the severity and two spaces.
// It returns the prefix, the severity's word and the text after it.
func PostgresLine(s string) (prefix, word, text string, ok bool) {
	if len(s) < 30 || s[4] != '-' || s[10] != ' ' || s[13] != ':' {
		return "", "", "", false
	}
	_, n, ok := pu.RFC3339(s)
	if !ok || n+4 > len(s) || s[n] != ' ' {
		return "", "", "", false
	}
	// %m and %t write the zone's name after the time ("UTC", "KST", "+09")
	zone, _, _ := strings.Cut(s[n+1:min(len(s), n+8)], " ")
	if len(zone) < 2 || strings.Trim(zone, "ABCDEFGHIJKLMNOPQRSTUVWXYZ+-0123456789") != "" {
		return "", "", "", false
	}
	i := strings.Index(s[:min(len(s), 200)], ":  ")
	if i < 0 || i+3 >= len(s) || s[i+3] == ' ' {
		return "", "", "", false // (uvicorn's "INFO:     " pads with more)
	}
	sp := strings.LastIndexByte(s[:i], ' ')
	if sp < 19 {
		return "", "", "", false
	}
	return s[:sp+1], s[sp+1 : i], s[i+3:], true
}

// postgres reads a PostgreSQL message: its severity's level, the time at the prefix's start (in
// UTC when the zone says so, else the writer's local time), the pid in "[%p]" (or "[%p-%l]"),
// and the text; the detail lines joined under it stay in the message.
func postgres(s string, r *Line) bool {
	prefix, word, text, ok := PostgresLine(s)
	if !ok {
		return false
	}
	lv := ""
	for _, l := range postgresLevels {
		if l.word == word {
			lv = l.level
		}
	}
	if lv == "" {
		return false
	}
	t, n, ok := pu.RFC3339(prefix)
	if !ok || n >= len(prefix) || prefix[n] != ' ' {
		return false
	}
	zone, after, _ := strings.Cut(prefix[n+1:], " ")
	local := zone != "UTC" && zone != "GMT"
	if pid, _, found := strings.Cut(strings.TrimPrefix(after, "["), "]"); found && strings.HasPrefix(after, "[") {
		pid, _, _ = strings.Cut(pid, "-")
		if p, ok := pu.Atoi(pid); ok {
			r.pid = p
		}
	}
	r.Time, r.Local, r.Level, r.Msg = t, local, lv, text
	return true
}

// PostgresDetailLabel reports whether w labels a detail line (DETAIL, HINT, ...).
func PostgresDetailLabel(w string) bool {
	for _, d := range postgresDetails {
		if d == w {
			return true
		}
	}
	return false
}

// PostgresSeverity reports whether w is one of PostgreSQL's severities or detail labels.
func PostgresSeverity(w string) bool {
	for _, l := range postgresLevels {
		if l.word == w {
			return true
		}
	}
	for _, d := range postgresDetails {
		if d == w {
			return true
		}
	}
	return false
}

// PostgresDetail reports whether s is a line PostgreSQL writes under a message (DETAIL, HINT,
// CONTEXT, STATEMENT, ...) of the same session and second as the message's prefix: its time
// and pid (a "%l" line number after the pid, "[1547-2]", counts on).
func PostgresDetail(s, prefix string) bool {
	p, w, _, ok := PostgresLine(s)
	if !ok || len(p) < 19 || len(prefix) < 19 || p[:19] != prefix[:19] || postgresPID(p) != postgresPID(prefix) {
		return false
	}
	for _, d := range postgresDetails {
		if w == d {
			return true
		}
	}
	return false
}

// postgresPID returns the pid in a prefix's first brackets, "" without one.
func postgresPID(prefix string) string {
	_, after, ok := strings.Cut(prefix, "[")
	if !ok {
		return ""
	}
	end := strings.IndexAny(after, "-]")
	if end <= 0 {
		return ""
	}
	return after[:end]
}
