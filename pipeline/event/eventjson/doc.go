// Package eventjson holds the JSON-to-event helpers that inputs, parsers and processors share:
// a JSON checker and scanners that never recurse, a string unescaper for hand-written decoders,
// and Flatten, which brings a JSON object into an event as typed dotted fields. It sits below
// all of them, beside pipeline/event, so that an input reads JSON the way a parser does without
// importing the parsers; it is its own package because pipeline/event imports only the standard
// library and Flatten walks gjson results.
package eventjson
