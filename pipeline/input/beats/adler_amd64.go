package beats

import "golang.org/x/sys/cpu"

// adlerBlocks is available where the CPU has AVX2 (adler_amd64.s).
var adlerBlocks = cpu.X86.HasAVX2

//go:noescape
func adlerBlocksAVX2(p *byte, n int, out *[12]uint64)
