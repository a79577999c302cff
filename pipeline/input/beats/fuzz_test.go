package beats

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// fuzzSeeds are windows built from testdata: plain, compressed, and cut or corrupted variants.
func fuzzSeeds(t testing.TB) [][]byte {
	ev := string(bytes.TrimSpace(readTestdata(t, "filebeat_vllm.json")))
	plain := new(wire).window(2).json(1, ev).json(2, `{"message":"x"}`).Bytes()
	comp := new(wire).window(2).compressed(frames(ev, `{"message":"y","tags":["a"]}`)).Bytes()
	return [][]byte{
		plain, comp,
		plain[:len(plain)/2], comp[:len(comp)-3],
		new(wire).window(1).json(1, `{"a":`).Bytes(),
		new(wire).window(0).Bytes(),
		[]byte("1W\x00\x00\x00\x01"),
		new(wire).window(1).compressed(new(wire).compressed(frames(`{}`)).Bytes()).Bytes(),
	}
}

// FuzzReadWindow feeds arbitrary bytes to the frame reader and the decoder: they must never
// panic, never emit more events than announced, and never lose a frame's bytes.
func FuzzReadWindow(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := newFrameReader(bufio.NewReader(bytes.NewReader(data)), limits{maxWindow: 64, maxFrame: 4 << 10, maxBytes: 16 << 10})
		dec := newDecoder("beats", true)
		for range 4 {
			n, err := fr.readWindowHeader()
			if err != nil {
				return
			}
			got := 0
			err = fr.readEvents(n, func(_ uint32, p []byte) {
				got++
				ev, ok := dec.decode(p, "peer", time.Unix(0, 0))
				if !ok && ev.Message() != string(p) {
					t.Fatalf("undecodable frame lost: %q -> %q", p, ev.Message())
				}
			})
			if got > n {
				t.Fatalf("%d events emitted for a window of %d", got, n)
			}
			if err != nil {
				return
			}
			if got != n {
				t.Fatalf("window of %d read without error but %d events", n, got)
			}
		}
	})
}

// FuzzDecode checks that any frame becomes an event whose JSON encoding is valid.
func FuzzDecode(f *testing.F) {
	f.Add(readTestdata(f, "filebeat_vllm.json"))
	f.Add([]byte(`{"a":1,"a.b":2,"tags":[1,"x"],"@timestamp":5}`))
	f.Add([]byte(`{"\u00ff\ud800":"\xff","n":1e400,"m":-0}`))
	f.Add([]byte(`{"log":{"offset":1,"file":{"path":"/p"}},"agent":{"id":"a"},"log":{"offset":2}}`))
	// One decoder across the inputs, as one connection's: the objects it keeps from earlier
	// frames must give what a fresh decoder makes of each frame.
	warm := newDecoder("beats", true)
	f.Fuzz(func(t *testing.T, data []byte) {
		// The frame is read in place: once it is overwritten (the reader reuses its buffer),
		// the event must be what it was.
		frame := bytes.Clone(data)
		ev, ok := newDecoder("beats", true).decode(frame, "peer", time.Unix(0, 0))
		before := fmt.Sprintf("%s %q %q %d", ev.AppendJSON(nil), ev.Tags(), ev.Meta.Source, ev.Meta.Offset)
		for i := range frame {
			frame[i] = 'x'
		}
		if after := fmt.Sprintf("%s %q %q %d", ev.AppendJSON(nil), ev.Tags(), ev.Meta.Source, ev.Meta.Offset); after != before {
			t.Fatalf("the event changed with the frame's buffer:\n%s\nwas\n%s", after, before)
		}
		// Objects shared or every field the event's own: the same event.
		own := newDecoder("beats", true)
		own.noShare = true
		if oev, _ := own.decode(data, "peer", time.Unix(0, 0)); string(oev.AppendJSON(nil)) != string(ev.AppendJSON(nil)) ||
			oev.Len() != ev.Len() || oev.Meta.Source != ev.Meta.Source || oev.Meta.Offset != ev.Meta.Offset {
			t.Fatalf("shared objects: %s (%d fields)\nown fields: %s (%d)", ev.AppendJSON(nil), ev.Len(), oev.AppendJSON(nil), oev.Len())
		}
		for range 2 {
			wframe := bytes.Clone(data)
			wev, wok := warm.decode(wframe, "peer", time.Unix(0, 0))
			for i := range wframe {
				wframe[i] = 'x' // the reader reuses its buffer
			}
			if wok != ok || string(wev.AppendJSON(nil)) != string(ev.AppendJSON(nil)) ||
				wev.Meta.Source != ev.Meta.Source || wev.Meta.Offset != ev.Meta.Offset {
				t.Fatalf("warm decoder: %v %s %q %d\nfresh: %v %s %q %d", wok, wev.AppendJSON(nil), wev.Meta.Source,
					wev.Meta.Offset, ok, ev.AppendJSON(nil), ev.Meta.Source, ev.Meta.Offset)
			}
		}
		if !ok && ev.Message() != string(data) {
			t.Fatal("frame lost")
		}
		out := ev.AppendJSON(nil)
		if !jsonValid(out) {
			t.Fatalf("invalid JSON %s from %q", out, data)
		}
		if n := event.Nesting(string(out), event.MaxDepth+1); ok && n > event.MaxDepth {
			t.Fatalf("event nests %d levels, limit %d, from %q", n, event.MaxDepth, data)
		}
		// Strings the decoder marked safe are copied verbatim: the document must be byte for
		// byte what escaping every string gives.
		if escaped := escapeAll(ev).AppendJSON(nil); !bytes.Equal(out, escaped) {
			t.Fatalf("verbatim strings changed the document:\n%s\nwant\n%s", out, escaped)
		}
	})
}

// escapeAll copies ev with every string value made by event.String, which escapes on output.
func escapeAll(ev *event.Event) *event.Event {
	c := event.New()
	ev.Range(func(k string, v event.Value) bool {
		if v.Kind() == event.KindString {
			v = event.String(v.Str())
		}
		c.Set(k, v)
		return true
	})
	for _, t := range ev.Tags() {
		c.AddTag(t)
	}
	return c
}
