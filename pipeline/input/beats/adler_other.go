//go:build !amd64

package beats

var adlerBlocks = false

func adlerBlocksAVX2(*byte, int, *[12]uint64) { panic("beats: no vector Adler-32 here") }
