package procfs

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSockstat(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []SNMPSection
		errLine  int
	}{
		{"real", "sockets: used 10\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 65\nFRAG: inuse 0 memory 0\n", []SNMPSection{
			{Name: "sockets", Counters: []Counter{{"used", 10}}},
			{Name: "TCP", Counters: []Counter{{"inuse", 1}, {"orphan", 0}, {"tw", 0}, {"alloc", 1}, {"mem", 65}}},
			{Name: "FRAG", Counters: []Counter{{"inuse", 0}, {"memory", 0}}},
		}, 0},
		{"v6", "TCP6: inuse 3\nUDP6: inuse 0\n", []SNMPSection{
			{Name: "TCP6", Counters: []Counter{{"inuse", 3}}},
			{Name: "UDP6", Counters: []Counter{{"inuse", 0}}},
		}, 0},
		{"empty", "", nil, 0},
		{"no colon", "TCP inuse 1\n", nil, 1},
		{"missing value", "sockets: used 1\nTCP: inuse\n", nil, 2},
		{"bad number", "TCP: inuse x\n", nil, 1},
		{"overflow", "TCP: inuse 18446744073709551616\n", nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSockstat(strings.NewReader(tc.in), "sockstat")
			if tc.errLine != 0 {
				pe, ok := err.(*ParseError)
				if !ok || pe.Line != tc.errLine || pe.Name != "sockstat" {
					t.Fatalf("err = %v, want a ParseError for line %d", err, tc.errLine)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseSockstat(f *testing.F) { fuzzCounters(f, parseSockstatFlat) }

func parseSockstatFlat(r io.Reader, name string, opts ...Option) ([]Counter, error) {
	secs, err := ParseSockstat(r, name, opts...)
	var cs []Counter
	for _, s := range secs {
		for _, c := range s.Counters {
			cs = append(cs, Counter{s.Name + "." + c.Name, c.Value})
		}
	}
	return cs, err
}
