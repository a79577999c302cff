package event

import "testing"

func TestSetInOrder(t *testing.T) {
	t.Parallel()
	e := NewSized(4)
	e.SetInOrder("a", Int(1))
	e.SetInOrder("a.b", Int(2))
	e.SetInOrder("a-b", Int(3))
	e.SetInOrder("a.b", Int(4)) // out of order: falls back to Set and replaces
	e.SetInOrder("0", Int(5))   // out of order: inserted in place
	e.SetInOrder("z", Value{})  // zero value deletes, as with Set
	var got []string
	e.Range(func(k string, v Value) bool { got = append(got, k+"="+v.String()); return true })
	want := []string{"0=5", "a=1", "a-b=3", "a.b=4"}
	if len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fields %v, want %v", got, want)
		}
	}
}
