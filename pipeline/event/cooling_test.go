package event

import "testing"

// TestCooling: misses in a row start a spell without looks, a hit in between does not, and
// looking resumes when the spell ends.
func TestCooling(t *testing.T) {
	t.Parallel()
	var c Cooling
	for range coolingMisses - 1 {
		if !c.Look() {
			t.Fatal("no look before the misses add up")
		}
		c.Miss()
	}
	c.Hit() // breaks the run
	for range coolingMisses - 1 {
		c.Look()
		c.Miss()
	}
	if !c.Look() {
		t.Fatal("a hit did not reset the misses")
	}
	c.Miss()
	for i := range coolingSkip {
		if c.Look() {
			t.Fatalf("looked %d appearances into the spell", i)
		}
	}
	if !c.Look() {
		t.Fatal("no look after the spell")
	}
}
