package interfaces

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseIfInet6(t *testing.T) {
	const text = `fe80000000000000580ea1fffeface5d 03 40 20 c0    veth0
00000000000000000000000000000001 01 80 10 80       lo
20010db8000100000000000000000005 03 30 00 82    veth0
000000000000000000000000c0000201 01 60 80 80       lo
`
	got, err := parseIfInet6(strings.NewReader(text), "if_inet6")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]IPv6Addr{
		"veth0": {
			{Addr: netip.MustParseAddr("fe80::580e:a1ff:fefa:ce5d"), PrefixLen: 64, Scope: 0x20},
			{Addr: netip.MustParseAddr("2001:db8:1::5"), PrefixLen: 48, Scope: 0},
		},
		"lo": {
			{Addr: netip.MustParseAddr("::1"), PrefixLen: 128, Scope: 0x10},
			{Addr: netip.MustParseAddr("::192.0.2.1"), PrefixLen: 96, Scope: 0x80},
		},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		"fe80 03 40 20 c0 veth0\n",
		"fe80000000000000580ea1fffeface5d 03 40 20 c0\n",
		"fe80000000000000580ea1fffeface5x 03 40 20 c0 veth0\n",
		"fe80000000000000580ea1fffeface5d 03 81 20 c0 veth0\n",
		"fe80000000000000580ea1fffeface5d 03 40 zz c0 veth0\n",
	} {
		if _, err := parseIfInet6(strings.NewReader(bad), "if_inet6"); err == nil {
			t.Errorf("parseIfInet6(%q): no error", bad)
		}
	}
}

func FuzzParseIfInet6(f *testing.F) {
	f.Add("fe80000000000000580ea1fffeface5d 03 40 20 c0    veth0\n")
	f.Add("00000000000000000000000000000001 01 80 10 80       lo\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseIfInet6(strings.NewReader(s), "fuzz")
		if err != nil {
			return
		}
		for _, as := range m {
			for _, a := range as {
				if !a.Addr.Is6() || a.PrefixLen < 0 || a.PrefixLen > 128 {
					t.Fatalf("bad entry %+v", a)
				}
			}
		}
	})
}
