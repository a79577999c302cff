package lines

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

type got struct {
	data           string
	off, end       int64
	split, partial bool
}

// readAll reads every line of in through rd's chunking, then flushes the partial tail.
func readAll(t testing.TB, in io.Reader, max int) []got {
	t.Helper()
	r := NewReader(in, 0, max)
	var out []got
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, got{string(l.Data), l.Offset, l.End, l.Split, l.Partial})
	}
	for {
		l, ok := r.Flush()
		if !ok {
			break
		}
		out = append(out, got{string(l.Data), l.Offset, l.End, l.Split, l.Partial})
	}
	return out
}

func TestReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		max  int
		want []got
	}{
		{"empty", "", 10, nil},
		{"lf", "a\nbc\n", 10, []got{{"a", 0, 2, false, false}, {"bc", 2, 5, false, false}}},
		{"crlf", "a\r\nbc\r\n", 10, []got{{"a", 0, 3, false, false}, {"bc", 3, 7, false, false}}},
		{"empty lines kept", "\n\r\nx\n", 10, []got{{"", 0, 1, false, false}, {"", 1, 3, false, false}, {"x", 3, 5, false, false}}},
		{"final line without newline", "a\nlast", 10, []got{{"a", 0, 2, false, false}, {"last", 2, 6, false, true}}},
		{"final lone cr", "a\nlast\r", 10, []got{{"a", 0, 2, false, false}, {"last", 2, 7, false, true}}},
		{"exactly max", "abcd\n", 4, []got{{"abcd", 0, 5, false, false}}},
		{"exactly max crlf", "abcd\r\nx\n", 4, []got{{"abcd", 0, 6, false, false}, {"x", 6, 8, false, false}}},
		{"one over max", "abcde\nx\n", 4, []got{{"abcd", 0, 4, true, false}, {"e", 4, 6, true, false}, {"x", 6, 8, false, false}}},
		{"long split in three", "abcdefghij\n", 4, []got{{"abcd", 0, 4, true, false}, {"efgh", 4, 8, true, false}, {"ij", 8, 11, true, false}}},
		{"long partial tail", "abcdefghij", 4, []got{{"abcd", 0, 4, true, false}, {"efgh", 4, 8, true, false}, {"ij", 8, 10, true, true}}},
		{"cr inside line", "a\rb\n", 10, []got{{"a\rb", 0, 4, false, false}}},
		{"binary", "\x00\xff\xfe\n\x1b[0m\n", 10, []got{{"\x00\xff\xfe", 0, 4, false, false}, {"\x1b[0m", 4, 9, false, false}}},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+eof": iotest.DataErrReader,
	}
	for _, tt := range tests {
		for rn, wrap := range readers {
			t.Run(tt.name+"/"+rn, func(t *testing.T) {
				t.Parallel()
				out := readAll(t, wrap(strings.NewReader(tt.in)), tt.max)
				if len(out) != len(tt.want) {
					t.Fatalf("got %d lines %+v, want %d %+v", len(out), out, len(tt.want), tt.want)
				}
				for i := range out {
					if out[i] != tt.want[i] {
						t.Errorf("line %d: got %+v, want %+v", i, out[i], tt.want[i])
					}
				}
			})
		}
	}
}

// growing is a stream that returns io.EOF until more is appended, like a followed file.
type growing struct{ buf bytes.Buffer }

func (g *growing) Read(p []byte) (int, error) { return g.buf.Read(p) }

func TestReaderResumesAfterEOF(t *testing.T) {
	t.Parallel()
	g := &growing{}
	r := NewReader(g, 100, 64)
	g.buf.WriteString("first\nsec")
	l, err := r.Next()
	if err != nil || string(l.Data) != "first" || l.Offset != 100 || l.End != 106 {
		t.Fatalf("first: %+v %v", l, err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("want EOF with a partial line, got %v", err)
	}
	if r.Buffered() != 3 || r.Offset() != 106 {
		t.Fatalf("buffered %d offset %d", r.Buffered(), r.Offset())
	}
	g.buf.WriteString("ond\r\n")
	l, err = r.Next()
	if err != nil || string(l.Data) != "second" || l.Offset != 106 || l.End != 114 || l.Partial {
		t.Fatalf("second: %+v %v", l, err)
	}
}

func TestReaderReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := NewReader(iotest.ErrReader(boom), 0, 10)
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
}

// checkInvariants verifies that the lines read from in cover it exactly, in order, each within
// the limit, so that nothing is lost or invented whatever the bytes.
func checkInvariants(t testing.TB, in []byte, max int, chunk int) {
	var rd io.Reader = bytes.NewReader(in)
	if chunk > 0 {
		rd = &chunked{data: in, n: chunk}
	}
	out := readAll(t, rd, max)
	var pos int64
	for i, l := range out {
		if l.off != pos {
			t.Fatalf("line %d starts at %d, want %d", i, l.off, pos)
		}
		if len(l.data) > max {
			t.Fatalf("line %d has %d bytes, limit %d", i, len(l.data), max)
		}
		if strings.IndexByte(l.data, '\n') >= 0 {
			t.Fatalf("line %d holds a newline", i)
		}
		raw := string(in[l.off:l.end])
		if !strings.HasPrefix(raw, l.data) {
			t.Fatalf("line %d data %q is not the start of %q", i, l.data, raw)
		}
		switch term := raw[len(l.data):]; term {
		case "", "\n", "\r\n":
		case "\r":
			if !l.partial {
				t.Fatalf("line %d: lone CR terminator on a complete line", i)
			}
		default:
			t.Fatalf("line %d: unexpected terminator %q", i, term)
		}
		pos = l.end
	}
	if pos != int64(len(in)) {
		t.Fatalf("lines cover %d of %d bytes", pos, len(in))
	}
}

type chunked struct {
	data []byte
	n    int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.data)
	c.data = c.data[n:]
	return n, nil
}

func FuzzReader(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.log")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(16), uint8(3))
	}
	f.Add([]byte("a\r\nb\n\r\n\rc"), uint16(1), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, max uint16, chunk uint8) {
		checkInvariants(t, in, int(max%2048)+1, int(chunk))
	})
}

func BenchmarkReader(b *testing.B) {
	line := strings.Repeat("x", 150) + "\n"
	in := []byte(strings.Repeat(line, 1000))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	r := NewReader(nil, 0, 1<<20)
	for b.Loop() {
		r.Reset(bytes.NewReader(in), 0)
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	}
}

// TestReaderGivesBackMemory: the buffer grows for a long line and shrinks once it is read.
func TestReaderGivesBackMemory(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("z", 300<<10)
	r := NewReader(strings.NewReader(long+"\nshort\n"), 0, 1<<20)
	if l, err := r.Next(); err != nil || len(l.Data) != len(long) {
		t.Fatalf("long line: %d bytes, %v", len(l.Data), err)
	}
	if len(r.buf) <= minBuffer {
		t.Fatalf("buffer %d did not grow for a %d byte line", len(r.buf), len(long))
	}
	if l, err := r.Next(); err != nil || string(l.Data) != "short" {
		t.Fatalf("short line: %q, %v", l.Data, err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("want EOF, got %v", err)
	}
	if len(r.buf) != minBuffer {
		t.Fatalf("buffer still %d bytes after the long line", len(r.buf))
	}
}
