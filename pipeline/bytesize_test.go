package pipeline

import "testing"

func TestByteSize(t *testing.T) {
	t.Parallel()
	cases := map[string]ByteSize{"1024": 1024, "64KiB": 64 << 10, "1.5GiB": 3 << 29, "10MB": 10e6, "2g": 2 << 30}
	for in, want := range cases {
		var s ByteSize
		if err := s.UnmarshalText([]byte(in)); err != nil || s != want {
			t.Errorf("%q: %d, %v; want %d", in, s, err, want)
		}
	}
	var s ByteSize
	if err := s.UnmarshalText([]byte("lots")); err == nil {
		t.Error("want error for lots")
	}
}
