package k8spath

import (
	"fmt"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// TestMemoParseMatchesParse asks a memo for more distinct paths than it holds, in an order that
// makes it evict and then hit, and checks every answer against Parse.
func TestMemoParseMatchesParse(t *testing.T) {
	t.Parallel()
	id := "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	var paths []string
	for i := range memoSize + 3 {
		paths = append(paths, fmt.Sprintf("/var/log/containers/pod-%d_ns_c-%s.log", i, id))
	}
	paths = append(paths, "/var/log/syslog", "", "/var/log/pods/ns_pod_uid/c/0.log")
	var m Memo
	for round := range 3 {
		for i := range paths {
			p := paths[(i*7+round)%len(paths)]
			got, gotOK := m.Parse(p)
			want, wantOK := Parse(p)
			if got != want || gotOK != wantOK {
				t.Fatalf("round %d: Memo.Parse(%q) = %+v, %v; Parse = %+v, %v", round, p, got, gotOK, want, wantOK)
			}
		}
	}
	if got, _ := (*Memo)(nil).Parse(paths[0]); got.Pod != "pod-0" {
		t.Errorf("nil memo: pod %q", got.Pod)
	}
}

// TestFillMatchesApply checks that Fill leaves the event as Apply does and returns the pod and
// container names that GetString reads afterwards.
func TestFillMatchesApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string // "" for no log.file.path
		pod  event.Value
		cont event.Value
	}{
		{"no path", "", event.Value{}, event.Value{}},
		{"no path, upstream names", "", event.String("p"), event.String("c")},
		{"containers layout", "/var/log/containers/a_b_c-0123abcd.log", event.Value{}, event.Value{}},
		{"pods layout", "/var/log/pods/ns_pod_uid/c/0.log", event.Value{}, event.Value{}},
		{"upstream pod kept", "/var/log/pods/ns_pod_uid/c/0.log", event.String("from-filebeat"), event.Value{}},
		{"upstream non-string container", "/var/log/pods/ns_pod_uid/c/0.log", event.Value{}, event.Int(7)},
		{"not a container path", "/var/log/syslog", event.Value{}, event.Value{}},
		{"not a container path, upstream names", "/var/log/syslog", event.String("p"), event.String("c")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mk := func() *event.Event {
				ev := event.NewMessage("x", time.Time{})
				if tc.path != "" {
					ev.SetString(event.FieldLogFilePath, tc.path)
				}
				ev.Set(event.FieldK8sPodName, tc.pod)
				ev.Set(event.FieldK8sContainer, tc.cont)
				return ev
			}
			want := mk()
			Apply(want)
			wantPod, _ := want.GetString(event.FieldK8sPodName)
			wantCont, _ := want.GetString(event.FieldK8sContainer)
			var m Memo
			for range 2 { // a miss, then a hit
				got := mk()
				path, ok := got.GetString(event.FieldLogFilePath)
				pod, cont := m.Fill(got, path, ok)
				if pod != wantPod || cont != wantCont {
					t.Errorf("Fill = %q, %q; want %q, %q", pod, cont, wantPod, wantCont)
				}
				if g, w := string(got.AppendJSON(nil)), string(want.AppendJSON(nil)); g != w {
					t.Errorf("Fill left\n%s\nApply left\n%s", g, w)
				}
			}
		})
	}
}
