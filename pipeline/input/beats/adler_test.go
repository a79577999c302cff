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
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 5536, 5537, adlerMax - 1, adlerMax, adlerMax + 1, 3*adlerMax + 5, 70000} {
		rnd := make([]byte, n)
		for i := range rnd {
			rnd[i] = byte(r.Uint32())
		}
		for _, p := range [][]byte{rnd, bytes.Repeat([]byte{0xff}, n)} {
			for _, blocks := range adlerPaths() {
				if got, want := adler32With(1, p, blocks), adler32.Checksum(p); got != want {
					t.Fatalf("%d bytes, blocks %v: %08x, want %08x", n, blocks, got, want)
				}
				// Fed in uneven pieces, as a reader's calls give them.
				sum := uint32(1)
				for q := p; len(q) > 0; {
					k := min(len(q), 1+r.IntN(300))
					sum, q = adler32With(sum, q[:k], blocks), q[k:]
				}
				if want := adler32.Checksum(p); sum != want {
					t.Fatalf("%d bytes in pieces, blocks %v: %08x, want %08x", n, blocks, sum, want)
				}
			}
		}
	}
}

// adlerPaths are the ways adler32With can run here: words alone, and vector blocks where the
// CPU has them.
func adlerPaths() []bool {
	if adlerBlocks {
		return []bool{false, true}
	}
	return []bool{false}
}

func FuzzAdler32(f *testing.F) {
	f.Add([]byte("Wikipedia"), uint16(3))
	f.Add(bytes.Repeat([]byte{0xff}, 100), uint16(33))
	f.Fuzz(func(t *testing.T, p []byte, cut uint16) {
		k := int(cut) % (len(p) + 1)
		for _, blocks := range adlerPaths() {
			if got, want := adler32With(adler32With(1, p[:k], blocks), p[k:], blocks), adler32.Checksum(p); got != want {
				t.Fatalf("blocks %v: %08x, want %08x", blocks, got, want)
			}
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
	for _, blocks := range adlerPaths() {
		name := "words"
		if blocks {
			name = "blocks"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				adler32With(1, p, blocks)
			}
		})
	}
}
