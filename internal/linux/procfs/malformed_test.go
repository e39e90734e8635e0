package procfs

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/malformed/*/*.want")

// malformedParsers maps each directory of testdata/malformed to its
// parser, run through a function that describes each row in one line.
var malformedParsers = map[string]func(io.Reader, string, ...Option) ([]string, error){
	"inet": describe(ParseInet, inetFact),
	"unix": describe(ParseUnix, func(r *UnixRow) string {
		return fmt.Sprintf("inode=%d st=%d flags=%#x type=%d refs=%d path=%q", r.Inode, r.State, r.Flags, r.Type, r.RefCount, r.Path)
	}),
	"netdev": describe(ParseNetDev, func(r *NetDevRow) string { return fmt.Sprintf("%q %v", r.Name, snapshotNetDev(r).C) }),
	"igmp": describe(ParseIGMP, func(r *IGMPRow) string {
		return fmt.Sprintf("%d %q %s users=%d", r.Index, r.Device, r.Group, r.Users)
	}),
	"igmp6": describe(ParseIGMP6, func(r *IGMP6Row) string {
		return fmt.Sprintf("%d %q %s users=%d", r.Index, r.Device, r.Group, r.Users)
	}),
	"route": describe(ParseRoute, func(r *RouteRow) string {
		return fmt.Sprintf("%q %s via %s mask %s flags=%#x refcnt=%d use=%d metric=%d mtu=%d window=%d irtt=%d",
			r.Iface, r.Destination, r.Gateway, r.Mask, r.Flags, r.RefCnt, r.Use, r.Metric, r.MTU, r.Window, r.IRTT)
	}),
	"ipv6route": describe(ParseIPv6Route, func(r *IPv6RouteRow) string {
		return fmt.Sprintf("%q %s from %s via %s metric=%#x refcnt=%d use=%d flags=%#x",
			r.Iface, r.Destination, r.Source, r.Gateway, r.Metric, r.RefCnt, r.Use, r.Flags)
	}),
	"snmp":     describeSections(ParseSNMP),
	"sockstat": describeSections(ParseSockstat),
	"snmp6": func(r io.Reader, name string, opts ...Option) ([]string, error) {
		cs, err := ParseSNMP6(r, name, opts...)
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%q=%d", c.Name, c.Value))
		}
		return out, err
	},
}

func describe[R any](parse func(io.Reader, string, func(*R) error, ...Option) error, row func(*R) string) func(io.Reader, string, ...Option) ([]string, error) {
	return func(r io.Reader, name string, opts ...Option) ([]string, error) {
		var out []string
		err := parse(r, name, func(r *R) error {
			out = append(out, row(r))
			return nil
		}, opts...)
		return out, err
	}
}

func describeSections(parse func(io.Reader, string, ...Option) ([]SNMPSection, error)) func(io.Reader, string, ...Option) ([]string, error) {
	return func(r io.Reader, name string, opts ...Option) ([]string, error) {
		secs, err := parse(r, name, opts...)
		var out []string
		for _, s := range secs {
			line := fmt.Sprintf("%q:", s.Name)
			for _, c := range s.Counters {
				line += fmt.Sprintf(" %q=%d", c.Name, c.Value)
			}
			out = append(out, line)
		}
		return out, err
	}
}

// TestMalformed parses every file of testdata/malformed/PARSER/ (truncated
// lines, extra fields from a newer kernel, unknown states, numbers too
// large for their field, bytes that are not UTF-8, empty files, missing
// headers, names with newlines) twice: as is, where the first malformed
// line is the error, and with SkipMalformed, where each is a warning and
// the other rows still come. What each gives is in FILE.want (rewrite
// with -update, and review the diff as code).
func TestMalformed(t *testing.T) {
	skipOnBigEndian(t)
	dirs, err := os.ReadDir(filepath.Join("testdata", "malformed"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		parse := malformedParsers[d.Name()]
		if parse == nil {
			t.Errorf("testdata/malformed/%s: no parser", d.Name())
			continue
		}
		files, err := filepath.Glob(filepath.Join("testdata", "malformed", d.Name(), "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, ".want") {
				continue
			}
			t.Run(d.Name()+"/"+filepath.Base(file), func(t *testing.T) {
				input, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				got := describeParse(t, parse, input)
				if *update {
					if err := os.WriteFile(file+".want", []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file + ".want")
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", file, diff)
				}
			})
		}
	}
}

// describeParse parses input both ways and returns what came out: the
// rows and the error without SkipMalformed, then the rows and warnings
// with it. It also checks what holds for any input (see checkWarnings).
func describeParse(t *testing.T, parse func(io.Reader, string, ...Option) ([]string, error), input []byte) string {
	t.Helper()
	var b strings.Builder
	rows, err := parse(bytes.NewReader(input), "fuzz")
	b.WriteString("# as is\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "row %s\n", r)
	}
	if err != nil {
		checkFuzzError(t, input, err)
		fmt.Fprintf(&b, "error %v\n", err)
	}
	b.WriteString("# SkipMalformed\n")
	var warns []*ParseError
	skipped, lerr := parse(bytes.NewReader(input), "fuzz", SkipMalformed(func(pe *ParseError) {
		warns = append(warns, pe)
	}))
	checkWarnings(t, input, err, lerr, warns)
	// Rows and warnings in line order; a warning about a header (snmp)
	// can only come when the next line is read, so print warnings first.
	for _, w := range warns {
		fmt.Fprintf(&b, "warning %v\n", w)
	}
	for _, r := range skipped {
		fmt.Fprintf(&b, "row %s\n", r)
	}
	return b.String()
}

// addMalformedSeeds adds the files of testdata/malformed/PARSER to the seed
// corpus of the fuzz target FuzzParsePARSER (in lower case).
func addMalformedSeeds(f *testing.F) {
	dir := strings.ToLower(strings.TrimPrefix(f.Name(), "FuzzParse"))
	files, err := filepath.Glob(filepath.Join("testdata", "malformed", dir, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/malformed/%s: %v", dir, err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, ".want") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// TestLongLine checks that a line longer than the read buffer is an error,
// or with SkipMalformed a warning showing its start, and that the lines
// after it are read.
func TestLongLine(t *testing.T) {
	for _, tt := range []struct {
		name, after string
		want        []un
	}{
		{"then a row", unixNoPath + "\n", []un{wantUnixListen, wantUnixNoPath}},
		{"at the end", "", []un{wantUnixListen}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			long := "0000000000000000: 00000002 00000000 00000000 0001 01 7 /" + strings.Repeat("x", bufSize)
			input := unixHeader + unixListen + "\n" + long + "\n" + tt.after
			got, err := collectUnix(input)
			checkParseError(t, err, 3, "line longer than 64 KiB")
			if diff := cmp.Diff([]un{wantUnixListen}, got); diff != "" {
				t.Errorf("rows as is (-want +got):\n%s", diff)
			}

			got = nil
			var warns []*ParseError
			err = ParseUnix(strings.NewReader(input), "unix", func(r *UnixRow) error {
				got = append(got, snapshotUnix(r))
				return nil
			}, SkipMalformed(func(pe *ParseError) { warns = append(warns, pe) }))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows with SkipMalformed (-want +got):\n%s", diff)
			}
			if len(warns) != 1 || warns[0].Line != 3 || warns[0].Text != long[:maxErrorText] || !warns[0].Cut {
				t.Errorf("warnings %v, want one for line 3", warns)
			}
		})
	}
}

// TestSkipMalformedCallbackError checks that the row function's error still
// ends the parse, unchanged, when malformed lines are skipped.
func TestSkipMalformedCallbackError(t *testing.T) {
	input := unixHeader + "garbage\n" + unixListen + "\n" + unixNoPath + "\n"
	calls, warns := 0, 0
	err := ParseUnix(strings.NewReader(input), "unix", func(*UnixRow) error {
		calls++
		return errStop
	}, SkipMalformed(func(*ParseError) { warns++ }))
	if err != errStop || calls != 1 || warns != 1 {
		t.Errorf("err %v after %d rows and %d warnings, want errStop after 1 and 1", err, calls, warns)
	}
	if !errors.Is(ParseUnix(strings.NewReader(input), "unix", func(*UnixRow) error { return nil }, SkipMalformed(nil)), ErrMalformed) {
		t.Error("SkipMalformed(nil) skips lines; want it to change nothing")
	}
}
