package cli

import (
	"bytes"
	"strings"
	"testing"
)

// recorder keeps each write apart.
type recorder struct{ writes []string }

func (r *recorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

// TestRowWriterWholeRows checks that no write ends inside a row, however
// the rows fall against the batch size, and that everything arrives.
func TestRowWriterWholeRows(t *testing.T) {
	var rec recorder
	w := newRowWriter(&rec)
	var want bytes.Buffer
	for i := range 20000 {
		row := strings.Repeat("x", i%300) + "\n"
		want.WriteString(row)
		if i%2 == 0 {
			w.WriteString(row)
		} else {
			w.Write([]byte(row))
		}
	}
	big := strings.Repeat("y", 3*rowBatch) + "\n" // a row larger than a batch
	want.WriteString(big)
	w.WriteString(big)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rec.writes, ""); got != want.String() {
		t.Fatalf("output differs: %d bytes, want %d", len(got), want.Len())
	}
	if len(rec.writes) < 10 {
		t.Errorf("%d writes: rows were not batched", len(rec.writes))
	}
	for i, wr := range rec.writes {
		if !strings.HasSuffix(wr, "\n") {
			t.Errorf("write %d ends inside a row: ...%q", i, wr[max(0, len(wr)-20):])
		}
		if len(wr) > rowBatch && wr != big {
			t.Errorf("write %d is %d bytes, more than a batch", i, len(wr))
		}
	}
}
