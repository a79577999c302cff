package parse

import "strings"

// nvidia-installer, which the GPU operator's driver container runs, wraps a long message under
// its text:
//
//	ERROR: Unable to load the kernel module 'nvidia.ko'.  This happens most
//	       frequently when this kernel module was built against the wrong or
//	       improperly configured kernel sources, ...
//
// One event keeps the reason with the error, at the error's level.

// wrappedStart returns the "ERROR: " or "WARNING: " that opens such a message, or "".
func wrappedStart(body string) string {
	for _, p := range [...]string{"ERROR: ", "WARNING: "} {
		if strings.HasPrefix(body, p) && len(body) > len(p) && body[len(p)] != ' ' {
			return p
		}
	}
	return ""
}

// wrappedAccept reports whether body goes on with a message whose text starts at column indent:
// it is indented by exactly as many spaces.
func wrappedAccept(body string, indent int) bool {
	return len(body) > indent && strings.TrimLeft(body[:indent], " ") == "" && body[indent] != ' '
}
