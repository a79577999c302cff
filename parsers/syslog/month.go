package syslog

import (
	"strings"
	"time"
	"unicode/utf8"

	pu "github.com/sluice-dev/sluice/parsers/parseutil"
)

// stamp reads the BSD syslog stamp "Mon dd hh:mm:ss " (day padded with a space or a zero, an
// optional fraction) at the start of s, with the month in any language, and returns the time
// (zero for a month name it does not know), the length with the space after it, and ok.
func stamp(s string, ref time.Time) (time.Time, int, bool) {
	if len(s) > 2 && s[0] == ' ' && s[1] >= '1' && s[1] <= '9' {
		// Korean's months are space-filled: " 6월 07 06:13:05"
		t, n, ok := stamp(s[1:], ref)
		if !ok || !strings.Contains(s[:min(len(s), 8)], "월") {
			return time.Time{}, 0, false
		}
		return t, n + 1, true
	}
	sp := strings.IndexByte(s[:min(len(s), 16)], ' ')
	if sp <= 0 {
		return time.Time{}, 0, false
	}
	// The day and the clock are read before the month name: most lines that reach here are not
	// syslog ("INFO 11-27 10:15:09" from vLLM), and the digits turn them away before the name
	// tables are searched for their first word.
	i := sp + 1
	if i < len(s) && s[i] == ' ' {
		i++ // "Jun  7"
	}
	j := i
	for j < len(s) && j-i < 2 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	day, ok := pu.Atoi(s[i:j])
	if !ok || day < 1 || day > 31 || j >= len(s) || s[j] != ' ' {
		return time.Time{}, 0, false
	}
	hh, mm, ss, ns, n, ok := pu.Clock(s[j+1:])
	end := j + 1 + n
	if !ok || end >= len(s) || s[end] != ' ' {
		return time.Time{}, 0, false
	}
	mon, ok := month(s[:sp])
	if !ok {
		return time.Time{}, 0, false
	}
	if mon == 0 {
		return time.Time{}, end + 1, true
	}
	t, ok := pu.WithoutYear(mon, int(day), hh, mm, ss, ns, ref)
	if !ok {
		return time.Time{}, 0, false
	}
	return t, end + 1, true
}

// month reads a month name: English, the abbreviations journalctl and syslog daemons print in
// the common European locales, Turkish and Russian, "6月" (Chinese, Japanese) or "6월" (Korean). A non-ASCII
// word it does not know is a month all the same (0, ok): the structure around it says it is a
// stamp.
func month(w string) (int, bool) {
	if m := pu.Month(w); m != 0 && len(w) == 3 {
		return m, true
	}
	for _, suffix := range [...]string{"月", "월"} { // Chinese and Japanese; Korean
		if num, found := strings.CutSuffix(w, suffix); found {
			n, ok := pu.Atoi(num)
			return int(n), ok && n >= 1 && n <= 12
		}
	}
	if utf8.RuneCountInString(w) > 6 {
		return 0, false
	}
	for _, r := range w {
		if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.') {
			return 0, false
		}
	}
	key := strings.ToLower(strings.TrimSuffix(w, "."))
	if m, ok := months[key]; ok {
		return m, true
	}
	// Three letters decide in most languages ("sept", "juil." excepted above).
	if r := []rune(key); len(r) > 3 {
		if m, ok := months[string(r[:3])]; ok {
			return m, true
		}
	}
	// A word in another script is a month all the same; an ASCII word that no table knows is
	// more likely the first word of a message ("Error 12 10:00:00 ...").
	return 0, utf8.RuneCountInString(w) < len(w)
}

// months maps lowercase abbreviations (without a trailing '.') of the locales journalctl
// users report in to the month number. French needs four letters for June and July.
var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	// German, Dutch, Portuguese, Italian, Spanish
	"mär": 3, "mai": 5, "okt": 10, "dez": 12, "mrt": 3, "mei": 5, "fev": 2, "abr": 4, "ago": 8, "set": 9, "out": 10,
	"gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10, "dic": 12, "ene": 1,
	// French
	"janv": 1, "févr": 2, "fév": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8, "aoû": 8, "sept": 9, "déc": 12,
	// Polish, Swedish/Danish/Norwegian, Turkish, Czech
	"sty": 1, "lut": 2, "kwi": 4, "maj": 5, "cze": 6, "lip": 7, "sie": 8, "wrz": 9, "paź": 10, "lis": 11, "gru": 12,
	"oca": 1, "şub": 2, "nis": 4, "haz": 6, "tem": 7, "ağu": 8, "eyl": 9, "eki": 10, "kas": 11, "ara": 12,
	"led": 1, "úno": 2, "bře": 3, "dub": 4, "kvě": 5, "čvn": 6, "čvc": 7, "srp": 8, "zář": 9, "říj": 10, "pro": 12,
	// Russian
	"янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}
