package filter

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/sockets"
)

// testNames resolves a few fixed names, so tests do not depend on /etc.
var testNames = Names{Services: testServices, Hosts: testHosts}

func testHosts(name string) ([]netip.Addr, bool) {
	switch name {
	case "localhost":
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}, true
	case "multi.example":
		return []netip.Addr{netip.MustParseAddr("192.0.2.9"), netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("::ffff:192.0.2.9")}, true
	case "six.example":
		return []netip.Addr{netip.MustParseAddr("2001:db8::1")}, true
	}
	return nil, false
}

func testServices(name string) (uint16, bool) {
	switch name {
	case "ssh":
		return 22, true
	case "http":
		return 80, true
	case "https":
		return 443, true
	}
	return 0, false
}

func TestParseExpr(t *testing.T) {
	tests := []struct {
		in   string
		want string // Expr.String()
	}{
		{"sport = :22", "sport = :22"},
		{"sport == :22", "sport = :22"},
		{"sport eq 22", "sport = :22"},
		{"sport :22", "sport = :22"},
		{"dport != :443", "dport != :443"},
		{"dport ne :443", "dport != :443"},
		{"dport neq :443", "dport != :443"},
		{"sport < :1024", "sport < :1024"},
		{"sport lt :1024", "sport < :1024"},
		{"sport <= :1024", "sport <= :1024"},
		{"sport le 1024", "sport <= :1024"},
		{"sport > :1024", "sport > :1024"},
		{"sport gt :1024", "sport > :1024"},
		{"sport >= :1024", "sport >= :1024"},
		{"sport ge :1024", "sport >= :1024"},
		{"sport geq :1024", "sport >= :1024"},
		{"dport = :0x10", "dport = :16"},
		{"dport = inet::80", "dport = :80"},
		{"sport = :ssh", "sport = :22"},
		{"sport = :http", "sport = :80"},
		{"src :ssh", "src *:22"},
		{"sport = :*", "sport = :*"},
		{"src 10.0.0.0/8", "src 10.0.0.0/8"},
		{"src 10.1.2.3/8", "src 10.0.0.0/8"},
		{"src = 127.0.0.1", "src 127.0.0.1"},
		{"dst 127.0.0.1:22", "dst 127.0.0.1:22"},
		{"dst 127.0.0.1:*", "dst 127.0.0.1"},
		{"dst 10.0.0.0/8:22", "dst 10.0.0.0/8:22"},
		{"src inet:127.0.0.1", "src 127.0.0.1"},
		{"dst *", "sport = :*"},
		{"dst *:443", "dst *:443"},
		{"dst :443", "dst *:443"},
		{"src 0.0.0.0/0", "src 0.0.0.0/0"},
		{"dst [::1]", "dst [::1]"},
		{"dst [::1]:22", "dst [::1]:22"},
		{"dst [2001:db8::]/32", "dst [2001:db8::]/32"},
		{"dst [2001:db8::/32]", "dst [2001:db8::]/32"},
		{"dst [2001:db8::]/32:80", "dst [2001:db8::]/32:80"},
		{"dst [2001:db8::1/32]:https", "dst [2001:db8::]/32:443"},
		{"dst inet6:[::ffff:127.0.0.1]", "dst [::ffff:127.0.0.1]"},
		{"src fe80::/10", "src [fe80::]/10"},
		{"src != 127.0.0.1", "not src 127.0.0.1"},
		{"dev lo", "dev lo"},
		{"dev = 1", "dev 1"},
		{"dev != eth0", "not dev eth0"},
		{"not sport = :22", "not sport = :22"},
		{"! sport = :22", "not sport = :22"},
		{"not not sport = :22", "not not sport = :22"},
		{"sport = :22 dport = :80", "( sport = :22 and dport = :80 )"},
		{"sport = :22 and dport = :80", "( sport = :22 and dport = :80 )"},
		{"sport = :22 && dport = :80", "( sport = :22 and dport = :80 )"},
		{"sport = :22 & dport = :80", "( sport = :22 and dport = :80 )"},
		{"sport = :22 or dport = :80", "( sport = :22 or dport = :80 )"},
		{"sport = :22 || dport = :80 | dport = :81", "( ( sport = :22 or dport = :80 ) or dport = :81 )"},
		// and binds tighter than or; not tighter than and.
		{"sport = :1 or sport = :2 and sport = :3", "( sport = :1 or ( sport = :2 and sport = :3 ) )"},
		{"not sport = :1 and sport = :2", "( not sport = :1 and sport = :2 )"},
		{"( sport = :1 or sport = :2 ) and sport = :3", "( ( sport = :1 or sport = :2 ) and sport = :3 )"},
		{"( sport = :1 or sport = :2 ) dst 10.0.0.0/8", "( ( sport = :1 or sport = :2 ) and dst 10.0.0.0/8 )"},
		{"not ( sport = :1 or sport = :2 )", "not ( sport = :1 or sport = :2 )"},
		{"sport ge :22 and ( dport = :1 or dport = :2 )", "( sport >= :22 and ( dport = :1 or dport = :2 ) )"},
		{"src 127.0.0.1:22 dst 1.2.3.4", "( src 127.0.0.1:22 and dst 1.2.3.4 )"},
		// iproute2's short IPv4 forms: missing octets are zero.
		{"src 127/8", "src 127.0.0.0/8"},
		{"src 192.0.2", "src 192.0.2.0"},
		{"src 198.51/16:53", "src 198.51.0.0/16:53"},
		// Host names: IPv4 addresses, any of them.
		{"dst localhost", "dst 127.0.0.1"},
		{"dst multi.example:80", "( dst 192.0.2.1:80 or dst 192.0.2.9:80 )"},
		{"dst != multi.example", "not ( dst 192.0.2.1 or dst 192.0.2.9 )"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := ParseExpr([]string{tt.in}, testNames)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, e.String()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			// String's output parses back to the same expression.
			e2, err := ParseExpr([]string{e.String()}, Names{})
			if err != nil {
				t.Fatalf("reparse %q: %v", e.String(), err)
			}
			if e2.String() != e.String() {
				t.Errorf("reparse: %q, want %q", e2.String(), e.String())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"sport = :22 foo", `filter: unexpected "foo" at word 4`},
		{"foo", `filter: unexpected "foo" at word 1`},
		{"sport = foo", `filter: "foo" is not a port at word 3`},
		{"sport = :65536", `filter: ":65536" is not a port at word 3`},
		{"sport = :22 and", `filter: expected a condition at end of filter`},
		{"sport =", `filter: expected a port at end of filter`},
		{"( sport = :22", `filter: missing ")" at end of filter`},
		{"( sport = :22 ( dport = :1 )", `filter: missing ")" at end of filter`},
		{"sport = :22 )", `filter: unexpected ")" at word 4`},
		{"(sport = :22)", `filter: unexpected "(sport" at word 1`},
		{"src 1.2.3.4.5", `filter: "1.2.3.4.5" is not an address at word 2`},
		{"src 256", `filter: "256" is not an address at word 2`},
		{"src 127/08", `filter: "127/08" is not an address at word 2`},
		{"src six.example", `filter: "six.example" is not an address at word 2`},
		{"src nosuch.example", `filter: "nosuch.example" is not an address at word 2`},
		{"src localhost/8", `filter: "localhost/8" is not an address at word 2`},
		{"src [::1", `filter: "[::1" is not an address at word 2`},
		{"src [::1]x", `filter: "[::1]x" is not an address at word 2`},
		{"src [::1/64]/64", `filter: "[::1/64]/64" is not an address at word 2`},
		{"src 10.0.0.0/33", `filter: "10.0.0.0/33" is not an address at word 2`},
		{"src 127.0.0.1:ftp", `filter: "127.0.0.1:ftp" is not a port at word 2`},
		{"src < 127.0.0.1", `filter: "<": src and dst take only = and != at word 3`},
		{"dev", `filter: expected a device at end of filter`},
		{"and sport = :1", `filter: unexpected "and" at word 1`},
		{"sport = :1 or or sport = :2", `filter: unexpected "or" at word 5`},
		{"not", `filter: expected a condition at end of filter`},
		{"( )", `filter: unexpected ")" at word 2`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseExpr([]string{tt.in}, testNames)
			if err == nil {
				t.Fatal("no error")
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("%T is not *Error", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestParseStates(t *testing.T) {
	b := func(ss ...sockets.State) sockets.StateSet {
		var set sockets.StateSet
		for _, s := range ss {
			set |= 1 << s
		}
		return set
	}
	tests := []struct {
		args []string
		want sockets.StateSet
		expr string
	}{
		// The masks ss 6.1 sends for each name (strace ss -tan state NAME).
		{[]string{"state", "all"}, 0xfff, ""},
		{[]string{"state", "connected"}, 0xfff &^ b(sockets.Listen, sockets.Close), ""},
		{[]string{"state", "synchronized"}, 0xfff &^ b(sockets.Listen, sockets.Close, sockets.SynSent), ""},
		{[]string{"state", "bucket"}, b(sockets.SynRecv, sockets.TimeWait), ""},
		{[]string{"state", "big"}, 0xfff &^ b(sockets.SynRecv, sockets.TimeWait), ""},
		{[]string{"state", "established"}, b(sockets.Established), ""},
		{[]string{"state", "syn-sent"}, b(sockets.SynSent), ""},
		{[]string{"state", "syn-recv"}, b(sockets.SynRecv), ""},
		{[]string{"state", "fin-wait-1"}, b(sockets.FinWait1), ""},
		{[]string{"state", "fin-wait-2"}, b(sockets.FinWait2), ""},
		{[]string{"state", "time-wait"}, b(sockets.TimeWait), ""},
		{[]string{"state", "closed"}, b(sockets.Close), ""},
		{[]string{"state", "close-wait"}, b(sockets.CloseWait), ""},
		{[]string{"state", "last-ack"}, b(sockets.LastAck), ""},
		{[]string{"state", "listening"}, b(sockets.Listen), ""},
		{[]string{"state", "closing"}, b(sockets.Closing), ""},
		{[]string{"state", "established", "state", "listening"}, b(sockets.Established, sockets.Listen), ""},
		{[]string{"exclude", "listening"}, 0xfff &^ b(sockets.Listen), ""},
		{[]string{"exclude", "listening", "exclude", "closed"}, 0xfff &^ b(sockets.Listen, sockets.Close), ""},
		{[]string{"exclude", "listening", "state", "closed"}, 0xfff &^ b(sockets.Listen), ""},
		{[]string{"state", "connected", "exclude", "established"}, 0xfff &^ b(sockets.Listen, sockets.Close, sockets.Established), ""},
		{[]string{"exclude", "all"}, 1, ""},
		{[]string{"state established", "( dport = :ssh )"}, b(sockets.Established), "dport = :22"},
		{[]string{"sport = :22"}, 0, "sport = :22"},
		{nil, 0, ""},
	}
	for _, tt := range tests {
		f, err := Parse(tt.args, testNames)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if f.States != tt.want {
			t.Errorf("%q: states %#x, want %#x", tt.args, f.States, tt.want)
		}
		got := ""
		if f.Expr != nil {
			got = f.Expr.String()
		}
		if got != tt.expr {
			t.Errorf("%q: expr %q, want %q", tt.args, got, tt.expr)
		}
	}
	for _, in := range []string{"state", "state foo", "exclude bogus sport = :1"} {
		if _, err := Parse([]string{in}, Names{}); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if _, err := Parse([]string{"state foo"}, Names{}); err == nil || err.Error() != `filter: unknown state "foo" at word 2` {
		t.Errorf("state foo: %v", err)
	}
}

func TestMatchState(t *testing.T) {
	if !MatchState(0, sockets.Listen) || !MatchState(StatesBucket, sockets.NewSynRecv) || MatchState(StatesBig, sockets.NewSynRecv) || MatchState(StatesConnected, sockets.Listen) {
		t.Error("MatchState")
	}
	if s, ok := LookupState("synchronized"); !ok || s != StatesSynchronized {
		t.Error("LookupState")
	}
}
