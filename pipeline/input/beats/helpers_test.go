package beats

import "github.com/tidwall/gjson"

func jsonValid(b []byte) bool { return gjson.ValidBytes(b) }
