package vllm

// byteSet is a set of ASCII bytes built once. strings.IndexAny and ContainsAny build their set
// from the chars argument on every call, which costs more than the scan on the short strings
// the header and request scanners look at, once or twice for every line.
type byteSet [256]bool

func newByteSet(chars string) *byteSet {
	var s byteSet
	for i := 0; i < len(chars); i++ {
		if chars[i] >= 0x80 {
			panic("vllm: byteSet holds ASCII only") // a multi-byte rune would match its bytes
		}
		s[chars[i]] = true
	}
	return &s
}

// index is strings.IndexAny(str, chars) for the set's chars: ASCII bytes never occur inside
// the encoding of another rune, so a byte scan finds what the rune scan finds.
func (s *byteSet) index(str string) int {
	for i := 0; i < len(str); i++ {
		if s[str[i]] {
			return i
		}
	}
	return -1
}

// The sets the scanners use.
var (
	syslogTagReject = newByteSet("0123456789:([") // not in a syslog program name
	procNameReject  = newByteSet("=,")            // not in a process prefix's name
	paramEnd        = newByteSet(",)")            // ends a SamplingParams member's value
	responseIDEnd   = newByteSet(" :")            // ends the id of "Generated response <id>"
)
