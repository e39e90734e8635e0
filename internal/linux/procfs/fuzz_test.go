package procfs

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fuzz targets are one-liners over fuzzParse; their seed corpora are
// under testdata/fuzz/<FuzzName>/ (the captures, plus malformed files).

func FuzzParseInet(f *testing.F) {
	fuzzParse(f, ParseInet, func(r *InetRow) InetRow { return *r }, formatInet0)
}

func FuzzParseUnix(f *testing.F) {
	fuzzParse(f, ParseUnix, snapshotUnix, formatUnix)
}

func formatInet0(buf *bytes.Buffer, r *InetRow) { formatInet(buf, 0, r) }

func snapshotUnix(r *UnixRow) un {
	return un{r.RefCount, r.Protocol, r.Flags, r.Type, r.State, r.Inode, string(r.Path), r.Path == nil}
}

// fuzzParse checks, for any input, that parse
//   - does not panic and fails only with a *ParseError whose line number,
//     text and name match the input;
//   - has called fn for every row before the bad line and no more;
//   - yields rows that, printed the way the kernel prints them and parsed
//     again, come back the same (so no field is lost, mixed up or left over
//     from the previous row).
func fuzzParse[R, S any](f *testing.F, parse func(io.Reader, string, func(*R) error) error,
	snapshot func(*R) S, format func(*bytes.Buffer, *R)) {
	fuzzRows(f, parse, snapshot, format, true)
}

// fuzzRows is fuzzParse's body. everyLine says that every line but a
// header is a row, so an error on line N follows N-1 or N-2 rows; files
// with several header lines or non-row lines (/proc/net/dev, igmp) only
// promise at most N-1.
func fuzzRows[R, S any](f *testing.F, parse func(io.Reader, string, func(*R) error) error,
	snapshot func(*R) S, format func(*bytes.Buffer, *R), everyLine bool) {
	f.Fuzz(func(t *testing.T, input []byte) {
		var rows []S
		var printed bytes.Buffer
		err := parse(bytes.NewReader(input), "fuzz", func(r *R) error {
			rows = append(rows, snapshot(r))
			format(&printed, r)
			return nil
		})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			lines := bytes.Split(input, []byte("\n"))
			if pe.Line < 1 || pe.Line > len(lines) {
				t.Fatalf("error names line %d of %d", pe.Line, len(lines))
			}
			if line := lines[pe.Line-1]; !bytes.HasPrefix(line, []byte(pe.Text)) ||
				len(pe.Text) > 80 || pe.Cut != (len(line) > 80) {
				t.Fatalf("error text %q (cut %v) does not match line %d %q", pe.Text, pe.Cut, pe.Line, line)
			}
			if pe.Name != "fuzz" {
				t.Fatalf("error names file %q", pe.Name)
			}
			// Every line before the bad one is a row but perhaps a header.
			if n := len(rows); n > pe.Line-1 || (everyLine && n < pe.Line-2) {
				t.Fatalf("%d rows before an error on line %d", n, pe.Line)
			}
		}
		var again []S
		err = parse(&printed, "reprinted", func(r *R) error {
			again = append(again, snapshot(r))
			return nil
		})
		if err != nil {
			t.Fatalf("parsing reprinted rows: %v", err)
		}
		if diff := cmp.Diff(rows, again); diff != "" {
			t.Fatalf("rows changed when reprinted (-first +again):\n%s", diff)
		}
	})
}

func FuzzParseSNMP(f *testing.F)  { fuzzCounters(f, parseSNMPFlat) }
func FuzzParseSNMP6(f *testing.F) { fuzzCounters(f, ParseSNMP6) }

func parseSNMPFlat(r io.Reader, name string) ([]Counter, error) {
	secs, err := ParseSNMP(r, name)
	var cs []Counter
	for _, s := range secs {
		for _, c := range s.Counters {
			cs = append(cs, Counter{s.Name + "." + c.Name, c.Value})
		}
	}
	return cs, err
}

// fuzzCounters checks that parse never panics and fails only with a
// *ParseError naming a line of the input and the file.
func fuzzCounters(f *testing.F, parse func(io.Reader, string) ([]Counter, error)) {
	f.Fuzz(func(t *testing.T, input []byte) {
		_, err := parse(bytes.NewReader(input), "fuzz")
		checkFuzzError(t, input, err)
	})
}

// checkFuzzError fails unless err is nil or a *ParseError that names the
// file "fuzz" and a line of input beginning with the error's text.
func checkFuzzError(t *testing.T, input []byte, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Name != "fuzz" {
		t.Fatalf("error %v (%T) is not a *ParseError naming the file", err, err)
	}
	lines := bytes.Split(input, []byte("\n"))
	if pe.Line < 1 || pe.Line > len(lines) || !bytes.HasPrefix(lines[pe.Line-1], []byte(pe.Text)) {
		t.Fatalf("error names line %d %q of %d lines", pe.Line, pe.Text, len(lines))
	}
}
