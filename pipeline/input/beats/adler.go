package beats

import "encoding/binary"

// Adler-32 (RFC 1950), the checksum that ends every zlib stream Filebeat sends. hash/adler32
// adds one byte at a time, each addition waiting on the one before, and was a twentieth of the
// main path's CPU; this takes eight bytes per step with the same result. For bytes b0..b7 the
// byte-at-a-time sums end at s1 + Σb and s2 + 8·s1 + Σ(8-k)·b_k; both sums of a word are
// computed in 16-bit lanes with one multiplication each. Where the CPU has AVX2, blocks of 32
// bytes go through adler_amd64.s first, and the words only take what is left.
const (
	adlerMod = 65521
	// adlerMax is the most bytes after which s2 still fits in 32 bits (zlib's NMAX). The sums
	// after each word are those of the byte-at-a-time loop, so the same bound holds.
	adlerMax = 5552

	evenBytes = 0x00ff00ff00ff00ff
	// Multiplying lanes by these gathers in the top lane the even (odd) bytes weighted 8, 6,
	// 4, 2 (7, 5, 3, 1): lane j of the multiplier meets lane 3-j of the bytes.
	evenWeights = 0x0008000600040002
	oddWeights  = 0x0007000500030001
	laneOnes    = 0x0001000100010001
)

func adler32Update(adler uint32, p []byte) uint32 { return adler32With(adler, p, adlerBlocks) }

// adler32With is adler32Update, with the vector blocks or without.
func adler32With(adler uint32, p []byte, blocks bool) uint32 {
	s1, s2 := adler&0xffff, adler>>16
	for len(p) > 0 {
		chunk := p[:min(len(p), adlerMax)]
		p = p[len(chunk):]
		if n := len(chunk) / 32; blocks && n > 0 {
			// Blocks of 32 bytes with vector instructions: s1 gains the bytes' sum; s2 gains
			// L·s1 (L the bytes taken), 32 times the sums of the earlier blocks' bytes before
			// each block, and each byte weighted by its distance to its block's end. Every part
			// is at most the byte-at-a-time s2, which adlerMax keeps within 32 bits.
			var out [12]uint64
			adlerBlocksAVX2(&chunk[0], n, &out)
			sum := uint32(out[0] + out[1] + out[2] + out[3])
			before := uint32(out[4] + out[5] + out[6] + out[7])
			var weighted uint32
			for _, w := range out[8:] {
				weighted += uint32(w) + uint32(w>>32)
			}
			s2 += uint32(32*n)*s1 + 32*before + weighted
			s1 += sum
			chunk = chunk[32*n:]
		}
		for len(chunk) >= 8 {
			x := binary.LittleEndian.Uint64(chunk)
			e, o := x&evenBytes, (x>>8)&evenBytes
			s2 += 8*s1 + uint32((e*evenWeights)>>48) + uint32((o*oddWeights)>>48)
			s1 += uint32(((e + o) * laneOnes) >> 48)
			chunk = chunk[8:]
		}
		for _, b := range chunk {
			s1 += uint32(b)
			s2 += s1
		}
		s1 %= adlerMod
		s2 %= adlerMod
	}
	return s2<<16 | s1
}
