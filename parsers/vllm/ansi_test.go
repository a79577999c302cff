package vllm

import "testing"

// Every kind of escape sequence goes whole; the old stripper knew only CSI and left half of an
// OSC title ("]0;title" and its BEL) in the message.
func TestStripANSI(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[1;36mINFO\x1b[0m 05-14", "INFO 05-14"},
		{"\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"},
		{"\x1b]0;vllm serve\x07INFO started", "INFO started"},
		{"\x1b]2;title\x1b\\INFO started", "INFO started"},
		{"see \x1b]8;;https://docs.vllm.ai\x1b\\the docs\x1b]8;;\x1b\\ now", "see the docs now"},
		{"\x1bPq#0;2;0;0;0\x1b\\after DCS", "after DCS"},
		{"\x1b_Gf=100;AAAA\x1b\\after APC", "after APC"},
		{"\x1b^privacy\x1b\\after PM", "after PM"},
		{"\x1bXstring\x1b\\after SOS", "after SOS"},
		{"\x1b(Bcharset \x1b=keypad \x1b7saved", "charset keypad saved"},
		// Unterminated strings lose only their escape byte: the rest of the line stays visible.
		{"\x1b]0;no terminator", "]0;no terminator"},
		{"trailing \x1b", "trailing "},
		{"half \x1b[", "half "},
	} {
		if got := StripANSI(c.in); got != c.want {
			t.Errorf("StripANSI(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestStripPastedColour: colour codes whose escape byte a paste or a viewer lost, in the forms
// issues show them (vllm-omni's docs, a Windows console, less's caret notation, the escape as a
// space), and text that only looks like one.
func TestStripPastedColour(t *testing.T) {
	t.Parallel()
	cases := [...]struct{ in, want string }{
		{"plain [core.py:1242] text", "plain [core.py:1242] text"},
		{"retry in [5m] or [10m]", "retry in [5m] or [10m]"},
		{"[32mINFO[0m [90m05-19 12:24:51[0m [90m[core.py:1242][0m Shutdown initiated", "INFO 05-19 12:24:51 [core.py:1242] Shutdown initiated"},
		{"[33mWARNING [0m [90m07-24 13:15:43 [0m [90m[envs.py:2019] [0m Unknown", "WARNING 07-24 13:15:43 [envs.py:2019] Unknown"},
		{"[2m2025-06-13T22:36:58.840526Z[0m [32m INFO[0m [2mcore::logging[0m[2m:[0m Logging", "2025-06-13T22:36:58.840526Z  INFO core::logging: Logging"},
		{"\ufffd[32mINFO\ufffd[0m 05-14 started", "INFO 05-14 started"},
		{"\u2190[32mINFO\u2190[0m:     started", "INFO:     started"},
		{"^[[32m2018-12-27 14:04:17.103^[[0m | ^[[1mINFO    ^[[0m | main", "2018-12-27 14:04:17.103 | INFO     | main"},
		{"[[31m2018-11-12T14:49:56.008Z[39m] - [31mERROR[39m: ESOCKETTIMEDOUT", "[2018-11-12T14:49:56.008Z] - ERROR: ESOCKETTIMEDOUT"},
		// written out inside a quoted string: the string's own decoding gives the escape back
		{`"Error: \u001B[36mray::Worker()\u001B[39m (pid=1)"`, `"Error: \u001B[36mray::Worker()\u001B[39m (pid=1)"`},
	}
	for _, c := range cases {
		if got := StripPastedColour(c.in); got != c.want {
			t.Errorf("StripPastedColour(%q) = %q, want %q", c.in, got, c.want)
		}
		// Split reads the line's parts without the codes; the text stays as written
		if l := Split(c.in); l.Text != c.in {
			t.Errorf("Split(%q).Text = %q: changed", c.in, l.Text)
		}
	}
}
