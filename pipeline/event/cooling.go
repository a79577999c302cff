package event

// Cooling decides whether a cache of recent objects is worth looking in for one name. An object
// that changes from one event to the next (log, with its offset; the parsed fields) would only
// cost a comparison each time: after coolingMisses misses in a row, the next coolingSkip
// appearances are not looked up. The zero value looks. JSONMemo and the Beats decoder's cache
// of Filebeat's objects use it.
type Cooling struct {
	misses uint8 // misses in a row
	skip   uint8 // appearances left to pass without looking
}

const (
	coolingMisses = 4
	coolingSkip   = 64
)

// Look reports whether to look this time; false uses up one appearance of a cooling spell.
func (c *Cooling) Look() bool {
	if c.skip > 0 {
		c.skip--
		return false
	}
	return true
}

// Hit records that a look found the object.
func (c *Cooling) Hit() { c.misses = 0 }

// Miss records that a look did not find it.
func (c *Cooling) Miss() {
	if c.misses++; c.misses >= coolingMisses {
		c.misses, c.skip = 0, coolingSkip
	}
}
