package logstash

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

const sample = `# a comment
input { beats { port => 5044 } }
filter {
  if [fileset][module] == "nginx" and "x" not in [tags] or !([a] =~ /b\/c/) {
    grok {
      match => { "message" => ["%{IP:ip} \"%{WORD}\"", 'two'] }
      pattern_definitions => { "A" => "b" }
      tag_on_failure => []
      overwrite => [ "message" ]
    }
  } else if [n] >= -1.5 nand [x] in [1, 2] {
    mutate { add_tag => [foo] }
  } else {
    drop { }
  }
}
output { stdout { codec => rubydebug { metadata => true } } }
`

func TestParse(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("s.conf", sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sections) != 3 {
		t.Fatalf("sections: %d", len(cfg.Sections))
	}
	st := cfg.Sections[1].Body[0].(*If)
	if len(st.Branches) != 3 || st.Branches[2].Cond != nil {
		t.Fatalf("branches: %+v", st.Branches)
	}
	or := st.Branches[0].Cond.(*Binary)
	if or.Op != "or" || or.L.(*Binary).Op != "and" {
		t.Fatalf("precedence: %#v", or)
	}
	re := or.R.(*Not).X.(*Compare).R.(*Regex)
	if re.Text != `b\/c` {
		t.Fatalf("regex %q", re.Text)
	}
	sel := or.L.(*Binary).L.(*Compare).L.(*Selector)
	if len(sel.Path) != 2 || sel.Path[1] != "module" {
		t.Fatalf("selector %v", sel.Path)
	}
	g := st.Branches[0].Body[0].(*Plugin)
	m := g.Attr("match").Value.(*Hash).Entries[0].Value.(*Array)
	if s := m.Items[0].(*String).Text; s != `%{IP:ip} "%{WORD}"` {
		t.Fatalf("string %q", s)
	}
	if g.Pos != (Pos{5, 5}) {
		t.Fatalf("pos %v", g.Pos)
	}
	codec := cfg.Sections[2].Body[0].(*Plugin).Attr("codec").Value.(*Plugin)
	if codec.Name != "rubydebug" || codec.Attr("metadata") == nil {
		t.Fatalf("codec %+v", codec)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ src, want string }{
		{"input { beats { port => } }", `f:1:25: expected a value, found "}"`},
		{"inputs { }", `f:1:1: expected input, filter or output, found "inputs"`},
		{"filter {\n  grok { match => \"x }\n}", "f:2:19: unterminated string"},
		{"filter { if [a] =~ /x { } }", "f:1:20: unterminated regular expression"},
		{"filter { if [a] == { } }", `f:1:20: expected a string, number, [field] or array, found "{"`},
		{"filter { if [a] not [b] { } }", `f:1:21: expected "in" after "not", found "[b]"`},
		{"output { stdout { } ", "f:1:21: expected a plugin name, if or \"}\", found end of file"},
		{"input { a { b => [1,] } }", `f:1:21: expected a value, found "]"`},
		{"input { a { b => 1 ; } }", `f:1:20: unexpected character ';'`},
	} {
		_, err := Parse("f", tc.src)
		var pe *Error
		if !errors.As(err, &pe) || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %s", tc.src, err, tc.want)
		}
	}
}

// FuzzParse checks that no input makes the parser panic or loop, and that every error has a
// position inside the input.
func FuzzParse(f *testing.F) {
	f.Add(sample)
	files, _ := filepath.Glob("../../testdata/convert/*/*.conf")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, err := Parse("f", src)
		var pe *Error
		if err != nil && (!errors.As(err, &pe) || pe.Pos.Line < 1 || pe.Pos.Col < 1) {
			t.Fatalf("error without position: %v", err)
		}
	})
}
