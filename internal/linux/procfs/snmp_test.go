package procfs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSNMP(t *testing.T) {
	got, err := ParseSNMP(strings.NewReader("Ip: A B\nIp: 1 2\nTcp: MaxConn\nTcp: -1\n"), "snmp")
	want := []SNMPSection{{"Ip", []Counter{{"A", 1}, {"B", 2}}}, {"Tcp", []Counter{{"MaxConn", 1<<64 - 1}}}}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name, in string
		line     int
	}{
		{"short", "Ip: A B\nIp: 1\n", 2},
		{"long", "Ip: A\nIp: 1 2\n", 2},
		{"other section", "Ip: A\nTcp: 1\n", 1},
		{"no values", "Ip: A\n", 1},
		{"not a number", "Ip: A\nIp: x\n", 2},
		{"overflow", "Ip: A\nIp: 18446744073709551616\n", 2},
		{"no colon", "Ip A\nIp 1\n", 1},
		{"blank", "\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSNMP(strings.NewReader(tc.in), "snmp")
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line != tc.line || pe.Name != "snmp" {
				t.Errorf("got %v, want a ParseError on line %d", err, tc.line)
			}
		})
	}
}

func TestParseSNMP6(t *testing.T) {
	got, err := ParseSNMP6(strings.NewReader("Ip6InReceives                   \t1\nUdp6X 2\n"), "snmp6")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Counter{{"Ip6InReceives", 1}, {"Udp6X", 2}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, in := range []string{"Ip6InReceives\n", "A 1 2\n", "A x\n", "\n"} {
		if _, err := ParseSNMP6(strings.NewReader(in), "snmp6"); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: got %v, want ErrMalformed", in, err)
		}
	}
}
