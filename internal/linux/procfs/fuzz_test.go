package procfs

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fuzz targets are one-liners over fuzzParse and fuzzCounters; their
// seed corpora are under testdata/fuzz/<FuzzName>/ (the captures, plus
// malformed files) and testdata/malformed/<parser>/.

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
//   - with SkipMalformed, does not fail, warns about that same line first
//     and about lines of the input only, in order, and yields the same
//     rows before it;
//   - yields rows that, printed the way the kernel prints them and parsed
//     again, come back the same (so no field is lost, mixed up or left over
//     from the previous row).
func fuzzParse[R, S any](f *testing.F, parse func(io.Reader, string, func(*R) error, ...Option) error,
	snapshot func(*R) S, format func(*bytes.Buffer, *R)) {
	fuzzRows(f, parse, snapshot, format, true)
}

// fuzzRows is fuzzParse's body. everyLine says that every line but a
// header is a row, so an error on line N follows N-1 or N-2 rows; files
// with several header lines or non-row lines (/proc/net/dev, igmp) only
// promise at most N-1.
func fuzzRows[R, S any](f *testing.F, parse func(io.Reader, string, func(*R) error, ...Option) error,
	snapshot func(*R) S, format func(*bytes.Buffer, *R), everyLine bool) {
	addMalformedSeeds(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		var rows []S
		err := parse(bytes.NewReader(input), "fuzz", func(r *R) error {
			rows = append(rows, snapshot(r))
			return nil
		})
		if err != nil {
			pe := checkFuzzError(t, input, err)
			// Every line before the bad one is a row but perhaps a header.
			if n := len(rows); n > pe.Line-1 || (everyLine && n < pe.Line-2) {
				t.Fatalf("%d rows before an error on line %d", n, pe.Line)
			}
		}

		var skipped []S
		var printed bytes.Buffer
		var warns []*ParseError
		lerr := parse(bytes.NewReader(input), "fuzz", func(r *R) error {
			skipped = append(skipped, snapshot(r))
			format(&printed, r)
			return nil
		}, SkipMalformed(func(pe *ParseError) { warns = append(warns, pe) }))
		checkWarnings(t, input, err, lerr, warns)
		if len(skipped) < len(rows) {
			t.Fatalf("%d rows when skipping malformed lines, %d when not", len(skipped), len(rows))
		}
		if diff := cmp.Diff(rows, skipped[:len(rows)]); len(rows) > 0 && diff != "" {
			t.Fatalf("rows before the first malformed line differ when skipping it (-strict +skipping):\n%s", diff)
		}
		if err == nil && len(skipped) != len(rows) {
			t.Fatalf("%d rows when skipping malformed lines, %d when not, and no line is malformed", len(skipped), len(rows))
		}

		var again []S
		err = parse(&printed, "reprinted", func(r *R) error {
			again = append(again, snapshot(r))
			return nil
		})
		if err != nil {
			t.Fatalf("parsing reprinted rows: %v", err)
		}
		if diff := cmp.Diff(skipped, again); diff != "" {
			t.Fatalf("rows changed when reprinted (-first +again):\n%s", diff)
		}
	})
}

func FuzzParseSNMP(f *testing.F)  { fuzzCounters(f, parseSNMPFlat) }
func FuzzParseSNMP6(f *testing.F) { fuzzCounters(f, ParseSNMP6) }

func parseSNMPFlat(r io.Reader, name string, opts ...Option) ([]Counter, error) {
	secs, err := ParseSNMP(r, name, opts...)
	var cs []Counter
	for _, s := range secs {
		for _, c := range s.Counters {
			cs = append(cs, Counter{s.Name + "." + c.Name, c.Value})
		}
	}
	return cs, err
}

// fuzzCounters checks that parse never panics and fails only with a
// *ParseError naming a line of the input and the file, and that with
// SkipMalformed it does not fail, warns as checkWarnings says, and returns
// the same counters when no line is malformed.
func fuzzCounters[T any](f *testing.F, parse func(io.Reader, string, ...Option) (T, error)) {
	addMalformedSeeds(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		got, err := parse(bytes.NewReader(input), "fuzz")
		if err != nil {
			checkFuzzError(t, input, err)
		}
		var warns []*ParseError
		skipped, lerr := parse(bytes.NewReader(input), "fuzz", SkipMalformed(func(pe *ParseError) { warns = append(warns, pe) }))
		checkWarnings(t, input, err, lerr, warns)
		if err == nil {
			if diff := cmp.Diff(got, skipped); diff != "" {
				t.Fatalf("result differs when skipping malformed lines, and none is malformed (-strict +skipping):\n%s", diff)
			}
		}
	})
}

// checkFuzzError fails unless err is a *ParseError wrapping ErrMalformed
// that names the file "fuzz" and a line of input beginning with the
// error's text (cut to 80 bytes exactly when the line is longer).
func checkFuzzError(t *testing.T, input []byte, err error) *ParseError {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) || pe.Name != "fuzz" {
		t.Fatalf("error %v (%T) is not a *ParseError naming the file", err, err)
	}
	lines := bytes.Split(input, []byte("\n"))
	if pe.Line < 1 || pe.Line > len(lines) {
		t.Fatalf("error names line %d of %d", pe.Line, len(lines))
	}
	if line := lines[pe.Line-1]; !bytes.HasPrefix(line, []byte(pe.Text)) ||
		len(pe.Text) > 80 || pe.Cut != (len(line) > 80) {
		t.Fatalf("error text %q (cut %v) does not match line %d %q", pe.Text, pe.Cut, pe.Line, line)
	}
	if pe.Reason == "" {
		t.Fatalf("error on line %d gives no reason", pe.Line)
	}
	return pe
}

// checkWarnings checks a parse with SkipMalformed of input: it does not
// fail (lerr, for a reader that cannot fail), each warning is what
// checkFuzzError accepts, lines come in increasing order, and the first
// warning is the error strictErr of the parse without the option.
func checkWarnings(t *testing.T, input []byte, strictErr, lerr error, warns []*ParseError) {
	t.Helper()
	if lerr != nil {
		t.Fatalf("skipping malformed lines, got error %v", lerr)
	}
	for i, w := range warns {
		checkFuzzError(t, input, w)
		if i > 0 && w.Line <= warns[i-1].Line {
			t.Fatalf("warning for line %d after one for line %d", w.Line, warns[i-1].Line)
		}
	}
	switch {
	case strictErr == nil && len(warns) > 0:
		t.Fatalf("warning %v, but no error without SkipMalformed", warns[0])
	case strictErr != nil && len(warns) == 0:
		t.Fatalf("no warning, but error %v without SkipMalformed", strictErr)
	case strictErr != nil && warns[0].Error() != strictErr.Error():
		t.Fatalf("first warning %v, but error %v without SkipMalformed", warns[0], strictErr)
	}
}
