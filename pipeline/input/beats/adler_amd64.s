#include "textflag.h"

// Byte weights 32 down to 1: within a block of 32 bytes, byte j counts 32-j times in s2.
DATA adlerWeights<>+0x00(SB)/8, $0x191a1b1c1d1e1f20
DATA adlerWeights<>+0x08(SB)/8, $0x1112131415161718
DATA adlerWeights<>+0x10(SB)/8, $0x090a0b0c0d0e0f10
DATA adlerWeights<>+0x18(SB)/8, $0x0102030405060708
GLOBL adlerWeights<>(SB), RODATA|NOPTR, $32

// Sixteen 16-bit ones, to add the pairs VPMADDUBSW leaves into 32-bit lanes.
DATA adlerOnes<>+0x00(SB)/8, $0x0001000100010001
DATA adlerOnes<>+0x08(SB)/8, $0x0001000100010001
DATA adlerOnes<>+0x10(SB)/8, $0x0001000100010001
DATA adlerOnes<>+0x18(SB)/8, $0x0001000100010001
GLOBL adlerOnes<>(SB), RODATA|NOPTR, $32

// func adlerBlocksAVX2(p *byte, n int, out *[12]uint64)
// For n > 0 blocks of 32 bytes at p, writes to out: [0:4] the sums of the bytes (four 64-bit
// lanes), [4:8] the sums, block by block, of those lanes before each block, [8:12] eight 32-bit
// lanes of the bytes weighted 32..1 within their block.
TEXT ·adlerBlocksAVX2(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ out+16(FP), DI
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y7, Y7, Y7
	VMOVDQU adlerWeights<>(SB), Y5
	VMOVDQU adlerOnes<>(SB), Y6

loop:
	VMOVDQU    (SI), Y3
	VPADDQ     Y0, Y1, Y1
	VPSADBW    Y7, Y3, Y4
	VPADDQ     Y4, Y0, Y0
	VPMADDUBSW Y5, Y3, Y4
	VPMADDWD   Y6, Y4, Y4
	VPADDD     Y4, Y2, Y2
	ADDQ       $32, SI
	DECQ       CX
	JNZ        loop

	VMOVDQU Y0, 0(DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VZEROUPPER
	RET
