package filter

import (
	"net/netip"
	"testing"

	"github.com/netstat-go/netstat/sockets"
)

func sock(local, remote string) *sockets.Socket {
	return &sockets.Socket{
		Protocol: sockets.TCP,
		Local:    netip.MustParseAddrPort(local),
		Remote:   netip.MustParseAddrPort(remote),
	}
}

// evalSockets is a fixed set of sockets for Eval and bytecode tests.
var evalSockets = []*sockets.Socket{
	sock("127.0.0.1:22", "127.0.0.1:40000"),               // 0
	sock("127.0.0.1:40000", "127.0.0.1:22"),               // 1
	sock("10.1.2.3:443", "192.168.0.7:51000"),             // 2
	sock("0.0.0.0:80", "0.0.0.0:0"),                       // 3
	sock("[::1]:22", "[::1]:40001"),                       // 4
	sock("[::ffff:10.0.0.1]:8080", "[::ffff:10.9.9.9]:1"), // 5
	sock("[2001:db8::5]:443", "[2001:db9::1]:65535"),      // 6
	sock("[fe80::1%lo]:1024", "[::]:0"),                   // 7
	sock("[::]:0", "[::]:0"),                              // 8
	sock("[fe80::2%2]:7", "[fe80::3%2]:8"),                // 9
}

var evalTests = []struct {
	expr string
	want []int // indexes into evalSockets
}{
	{"sport = :22", []int{0, 4}},
	{"sport = :ssh", []int{0, 4}},
	{"dport = :22", []int{1}},
	{"sport != :22", []int{1, 2, 3, 5, 6, 7, 8, 9}},
	{"sport < :80", []int{0, 4, 8, 9}},
	{"sport <= :80", []int{0, 3, 4, 8, 9}},
	{"sport > :8080", []int{1}},
	{"sport >= :8080", []int{1, 5}},
	{"dport > :65535", nil},
	{"dport < :0", nil},
	{"dport >= :65535", []int{6}},
	{"src 127.0.0.1", []int{0, 1}},
	{"src 127.0.0.0/8:22", []int{0}},
	{"src 10.0.0.0/8", []int{2, 5}}, // IPv4 prefixes match mapped addresses
	{"dst 10.9.9.9", []int{5}},
	{"src [::1]", []int{4}},
	{"src [::1]:22", []int{4}},
	{"src [2001:db8::]/32", []int{6}},
	{"dst [2001:db8::]/32", nil},
	{"src [::ffff:10.0.0.1]", []int{5}},
	{"src [fe80::]/10", []int{7, 9}},
	{"src *:22", []int{0, 4}},
	{"src :22", []int{0, 4}},
	{"src *", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
	{"src 0.0.0.0/0", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
	{"src 0.0.0.0", []int{3}},
	{"src [::]", []int{8}},
	{"src != 127.0.0.1", []int{2, 3, 4, 5, 6, 7, 8, 9}},
	{"dev lo", []int{7}},
	{"dev eth0", nil},
	{"dev 2", []int{9}},
	{"dev != 2", []int{0, 1, 2, 3, 4, 5, 6, 7, 8}},
	{"sport = :22 dport = :40000", []int{0}},
	{"sport = :22 or dport = :22", []int{0, 1, 4}},
	{"not ( sport = :22 or dport = :22 )", []int{2, 3, 5, 6, 7, 8, 9}},
	{"( sport = :443 or sport = :80 ) and src 10.0.0.0/8", []int{2}},
	{"! src [::]/0", nil},
}

func TestEval(t *testing.T) {
	for _, tt := range evalTests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := ParseExpr([]string{tt.expr}, testNames)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for i, s := range evalSockets {
				if e.Eval(s) {
					got = append(got, i)
				}
			}
			if !equalInts(got, tt.want) {
				t.Errorf("Eval selects %v, want %v", got, tt.want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
