package procfs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

func TestParseRouteSamples(t *testing.T) {
	for _, tc := range []struct {
		file  string
		parse func(io.Reader, string, ...Option) (int, error)
		rows  int
	}{
		{"../../render/testdata/route-proc-route.txt", countRoute, 43},
		{"../../render/testdata/route-proc-ipv6_route.txt", countRoute6, 40},
	} {
		b, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		n, err := tc.parse(bytes.NewReader(b), tc.file)
		if err != nil || n != tc.rows {
			t.Errorf("%s: %d rows, %v; want %d", tc.file, n, err, tc.rows)
		}
	}
	_, err := countRoute(bytes.NewReader([]byte("Iface\tx\neth0\t1\n")), "r")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("malformed line: %v", err)
	}
}

func countRoute(r io.Reader, name string, opts ...Option) (int, error) {
	n := 0
	err := ParseRoute(r, name, func(*RouteRow) error { n++; return nil }, opts...)
	return n, err
}

func countRoute6(r io.Reader, name string, opts ...Option) (int, error) {
	n := 0
	err := ParseIPv6Route(r, name, func(*IPv6RouteRow) error { n++; return nil }, opts...)
	return n, err
}

func FuzzParseRoute(f *testing.F)     { fuzzCounters(f, countRoute) }
func FuzzParseIPv6Route(f *testing.F) { fuzzCounters(f, countRoute6) }
