package resolve

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParseUint(t *testing.T) {
	const max64 = 1<<64 - 1
	tests := []struct {
		in   string
		base int
		want uint64
		ok   bool
	}{
		{"0", 0, 0, true},
		{"22", 0, 22, true},
		{"+22", 0, 22, true},
		{"-0", 0, 0, true},
		{"-1", 0, max64, true},
		{"-65535", 0, max64 - 65534, true},
		{"010", 0, 8, true},
		{"010", 10, 10, true},
		{"08", 0, 0, false},
		{"0x1f", 0, 31, true},
		{"0X1F", 0, 31, true},
		{"0x", 0, 0, false},
		{"0xg", 0, 0, false},
		{"0x1f", 10, 0, false},
		{"4294967295", 10, 4294967295, true},
		{"18446744073709551615", 10, max64, true},
		{"18446744073709551616", 10, max64, true}, // saturates, as strtoul
		{"99999999999999999999999", 0, max64, true},
		{"-18446744073709551615", 10, 1, true}, // strtoul negates mod 2^64
		{"", 10, 0, false},
		{"+", 10, 0, false},
		{"-", 0, 0, false},
		{" 1", 10, 0, false}, // callers strip blanks where C would
		{"1 ", 10, 0, false},
		{"12a", 10, 0, false},
		{"+-1", 10, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseUint([]byte(tt.in), tt.base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseUint(%q, %d) = %d, %v; want %d, %v", tt.in, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEachLine(t *testing.T) {
	long := strings.Repeat("x", 10000)
	huge := strings.Repeat("y", maxLine+5000)
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"\n", []string{""}},
		{"a\nb", []string{"a", "b"}},
		{"a\nb\n", []string{"a", "b"}},
		{"a\r\n", []string{"a\r"}}, // CR is a blank for the parsers
		{"a\x00b c\nd", []string{"a", "d"}},
		{long + "\nz", []string{long, "z"}},
		{huge + "\nz", []string{huge[:maxLine], "z"}},
		{"q\n" + long, []string{"q", long}},
	}
	for _, tt := range tests {
		for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
			var got []string
			if err := eachLine(r, func(l []byte) { got = append(got, string(l)) }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("eachLine(%.20q...) = %d lines %.40q; want %d lines", tt.in, len(got), got, len(tt.want))
			}
		}
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("ssh 22/tcp\nhttp 80/tc"), iotest.ErrReader(boom))
	s, err := parseServices(r)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v; want boom", err)
	}
	// What came before the error is kept, the torn last line included.
	if s.tcp[22] != "ssh" || len(s.tcp) != 1 {
		t.Errorf("tcp = %v", s.tcp)
	}
}

// Fuzz targets: each parser must accept any input without panicking and
// give the same tables however the input is split into reads, and
// whatever it names must be a name the file could have meant.

func FuzzParseServices(f *testing.F) {
	fuzzParser(f, "testdata/services", parseServices, func(t *testing.T, s services) {
		for _, m := range []map[uint16]string{s.tcp, s.udp} {
			for _, name := range m {
				checkField(t, name)
			}
		}
	})
}

func FuzzParseProtocols(f *testing.F) {
	fuzzParser(f, "testdata/protocols", parseProtocols, func(t *testing.T, p *protocols) {
		for _, name := range p {
			if name != "" {
				checkField(t, name)
			}
		}
	})
}

func FuzzParsePasswd(f *testing.F) {
	fuzzParser(f, "testdata/passwd", parsePasswd, func(t *testing.T, m map[uint32]string) {
		for _, name := range m {
			if strings.ContainsAny(name, ":\n\x00") {
				t.Errorf("user name %q", name)
			}
		}
	})
}

func FuzzParseHosts(f *testing.F) {
	fuzzParser(f, "testdata/hosts", parseHosts, func(t *testing.T, m map[netip.Addr]string) {
		for a, name := range m {
			if !a.IsValid() || a.Zone() != "" {
				t.Errorf("address %v", a)
			}
			if name != "" {
				checkField(t, name)
			}
		}
	})
}

// checkField fails t unless s could be one blank-separated field of a
// line, outside a comment.
func checkField(t *testing.T, s string) {
	t.Helper()
	if s == "" || strings.ContainsAny(s, " \t\n\v\f\r#\x00") {
		t.Errorf("name %q", s)
	}
}

// fuzzParser fuzzes parse, seeded with the fixture at path (and the corpus
// in testdata/fuzz/), checking each result with check.
func fuzzParser[T any](f *testing.F, path string, parse func(io.Reader) (T, error), check func(*testing.T, T)) {
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		want, err := parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		check(t, want)
		got, err := parse(iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("parsing one byte at a time gives %v, %v; want %v", got, err, want)
		}
		// A final newline changes nothing.
		got, _ = parse(bytes.NewReader(append(data[:len(data):len(data)], '\n')))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("with a final newline: %v; want %v", got, want)
		}
		boom := errors.New("boom")
		got, err = parse(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)))
		if !errors.Is(err, boom) || !reflect.DeepEqual(got, want) {
			t.Errorf("with a read error: %v, %v; want %v, boom", got, err, want)
		}
	})
}
