package beats

import (
	"bytes"
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestAdler32MatchesStdlib compares with hash/adler32 over lengths around the word size and the
// reduction interval, on random bytes and on the worst case for overflow (all 0xff).
func TestAdler32MatchesStdlib(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 1000, adlerMax - 1, adlerMax, adlerMax + 1, 3*adlerMax + 5, 70000} {
		rnd := make([]byte, n)
		for i := range rnd {
			rnd[i] = byte(r.Uint32())
		}
		for _, p := range [][]byte{rnd, bytes.Repeat([]byte{0xff}, n)} {
			if got, want := adler32Update(1, p), adler32.Checksum(p); got != want {
				t.Fatalf("%d bytes: %08x, want %08x", n, got, want)
			}
			// Fed in uneven pieces, as a reader's calls give them.
			sum := uint32(1)
			for q := p; len(q) > 0; {
				k := min(len(q), 1+r.IntN(300))
				sum, q = adler32Update(sum, q[:k]), q[k:]
			}
			if want := adler32.Checksum(p); sum != want {
				t.Fatalf("%d bytes in pieces: %08x, want %08x", n, sum, want)
			}
		}
	}
}

func FuzzAdler32(f *testing.F) {
	f.Add([]byte("Wikipedia"), uint16(3))
	f.Fuzz(func(t *testing.T, p []byte, cut uint16) {
		k := int(cut) % (len(p) + 1)
		if got, want := adler32Update(adler32Update(1, p[:k]), p[k:]), adler32.Checksum(p); got != want {
			t.Fatalf("%08x, want %08x", got, want)
		}
	})
}

func BenchmarkAdler32(b *testing.B) {
	p := bytes.Repeat([]byte(`{"message":"INFO 11-27 17:58:01 metrics.py:351] Avg prompt"}`), 1000)
	b.SetBytes(int64(len(p)))
	b.Run("stdlib", func(b *testing.B) {
		for b.Loop() {
			adler32.Checksum(p)
		}
	})
	b.Run("words", func(b *testing.B) {
		for b.Loop() {
			adler32Update(1, p)
		}
	})
}
