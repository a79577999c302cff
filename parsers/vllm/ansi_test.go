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
