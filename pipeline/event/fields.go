package event

// FieldInfo documents one field a component may set. Parsers declare theirs (parsers.Info.Fields);
// the field table in parsers/README.md and the Elasticsearch mapping (`sluice setup`) are
// generated from these. It lives here, beside the events it describes, so that the outputs read
// the table without importing the parsers that fill it.
type FieldInfo struct {
	// Name is the dotted field name.
	Name string
	// Type is the Elasticsearch type: keyword, text, match_only_text, long, double, float,
	// date, boolean, ip, flattened, object.
	Type string
	// Description says what the field holds, in one sentence.
	Description string
}
