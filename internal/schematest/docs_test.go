package schematest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestDocsExamples keeps the examples page honest: every JSON block in
// docs/json.md is a document the schema accepts.
func TestDocsExamples(t *testing.T) {
	page := filepath.Join(filepath.Dir(Path), "..", "json.md")
	text, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(text, -1)
	if len(blocks) < 6 {
		t.Fatalf("%d JSON examples in %s, want one per mode", len(blocks), page)
	}
	modes := map[string]bool{}
	for _, b := range blocks {
		Validate(t, b[1])
		var d struct{ Mode string }
		if err := json.Unmarshal(b[1], &d); err != nil {
			t.Fatal(err)
		}
		modes[d.Mode] = true
	}
	for _, m := range []string{"sockets", "routes", "interfaces", "groups", "statistics", "summary"} {
		if !modes[m] {
			t.Errorf("no example of mode %q", m)
		}
	}
}
