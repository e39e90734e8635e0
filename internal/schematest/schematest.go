// Package schematest checks --json documents against the JSON Schema in
// docs/schema, so that every test producing JSON also tests the schema's
// promises.
package schematest

import (
	"bytes"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Path is the schema file of the current version.
var Path = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "schema", "netstat-go.v1.schema.json")
}()

var (
	once     sync.Once
	compiled *jsonschema.Schema
	errC     error
)

func schema() (*jsonschema.Schema, error) {
	once.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		c.AssertContent()
		compiled, errC = c.Compile(Path)
	})
	return compiled, errC
}

// Validate fails t unless doc is one JSON document that the schema
// accepts.
func Validate(t testing.TB, doc []byte) {
	t.Helper()
	if err := Check(doc); err != nil {
		t.Errorf("document does not match %s: %v\n%s", filepath.Base(Path), err, doc)
	}
}

// Check reports why doc is not a document the schema accepts.
func Check(doc []byte) error {
	s, err := schema()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
