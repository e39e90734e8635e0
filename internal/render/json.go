package render

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// Schema names the version of the JSON documents --json prints; it is every
// document's "schema" field. Adding a field keeps it; removing a field or
// changing a field's meaning makes a new version. docs/schema holds the
// JSON Schema of each version.
const Schema = "netstat-go/v1"

// Doc builds one JSON document: the envelope every mode shares, with the
// mode's own members added in between. The zero Doc is not usable; start
// one with BeginDoc.
type Doc struct {
	b     []byte
	items int // members of the array being built, for commas
}

// BeginDoc starts a document of mode, taken at t, in b's storage (reused
// between rounds).
func BeginDoc(b []byte, mode string, t time.Time) *Doc {
	d := &Doc{b: b[:0]}
	d.b = append(d.b, `{"schema":"`+Schema+`","mode":`...)
	d.b = appendMarshal(d.b, mode)
	d.b = append(d.b, `,"time":"`...)
	d.b = t.UTC().AppendFormat(d.b, time.RFC3339Nano)
	d.b = append(d.b, '"')
	return d
}

// Field adds a member whose value is v marshalled.
func (d *Doc) Field(key string, v any) {
	d.key(key)
	d.b = appendMarshal(d.b, v)
}

// RawField adds a member whose value is already JSON.
func (d *Doc) RawField(key string, raw []byte) {
	d.key(key)
	d.b = append(d.b, raw...)
}

// BeginArray starts a member holding an array; Item adds its elements and
// EndArray closes it.
func (d *Doc) BeginArray(key string) {
	d.key(key)
	d.b = append(d.b, '[')
	d.items = 0
}

// Item adds v, marshalled, to the array being built.
func (d *Doc) Item(v any) {
	if d.items > 0 {
		d.b = append(d.b, ',')
	}
	d.items++
	d.b = appendMarshal(d.b, v)
}

// EndArray closes the array being built.
func (d *Doc) EndArray() { d.b = append(d.b, ']') }

// Len is the size of what the document holds and has not handed out.
func (d *Doc) Len() int { return len(d.b) }

// Take hands out what the document holds so far and forgets it, so that a
// long array can be written as it is built. The bytes are only valid
// until the document's next change.
func (d *Doc) Take() []byte {
	b := d.b
	d.b = d.b[:0]
	return b
}

// End adds the warnings (always present, maybe empty), closes the document
// and returns it as one line, newline included, so that repeated rounds
// make NDJSON.
func (d *Doc) End(warnings []string) []byte {
	if warnings == nil {
		warnings = []string{}
	}
	d.Field("warnings", warnings)
	return append(d.b, '}', '\n')
}

func (d *Doc) key(k string) {
	d.b = append(d.b, ',')
	d.b = appendMarshal(d.b, k)
	d.b = append(d.b, ':')
}

// appendMarshal appends v as compact JSON. HTML characters stay as they
// are (json.Marshal would write < as \u003c): the reader is a program or a
// terminal, never a browser.
func appendMarshal(b []byte, v any) []byte {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only unsupported types (channels, functions) and non-finite
		// floats fail, and the JSON types here have none; null keeps the
		// document whole should one ever appear.
		return append(b, "null"...)
	}
	out := buf.Bytes()
	return out[:len(out)-1] // Encode's newline
}

// Raw holds the exact bytes of text members that are not valid UTF-8,
// keyed by member name, as base64 in JSON. Such a member itself carries the
// text with each invalid byte replaced by U+FFFD, so a reader that does not
// care still gets readable text, and one that does loses nothing.
type Raw map[string][]byte

// text returns s for a JSON member named key, recording its bytes in *raw
// when they are not valid UTF-8.
func text(raw *Raw, key, s string) string {
	if !utf8.ValidString(s) {
		if *raw == nil {
			*raw = Raw{}
		}
		(*raw)[key] = []byte(s)
	}
	return s
}
