package render

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/sockets"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeNames is a fixed name table, so goldens do not depend on /etc.
type fakeNames struct{}

func (fakeNames) Host(a netip.Addr) (string, bool) {
	switch a.String() {
	case "127.0.0.1":
		return "localhost", true
	case "192.0.2.1":
		return "a-very-long-host-name-that-goes-on-and-on.example.com", true
	case "2001:db8::1":
		return "six", true
	case "::ffff:127.0.0.2":
		return "mapped-two", true
	case "198.51.100.7":
		return "evil\x1b[31m\nname", true
	}
	return "", false
}

func (fakeNames) Port(p uint16, proto string) (string, bool) {
	switch {
	case p == 22:
		return "ssh", true
	case p == 53:
		return "domain", true
	case p == 8080 && proto == "tcp":
		return "http-alt", true
	}
	return "", false
}

func (fakeNames) Protocol(n uint8) (string, bool) {
	if n == 1 {
		return "icmp", true
	}
	return "", false
}

func (fakeNames) User(uid uint32) (string, bool) {
	switch uid {
	case 0:
		return "root", true
	case 997:
		return "systemd-timesync", true
	}
	return "", false
}

// fakeOwner owns a few inodes, with names that test the 19-byte cut and
// escaping.
func fakeOwner(inode uint64) (int, string, bool) {
	switch inode {
	case 4372:
		return 1234, "python3.11", true
	case 1212:
		return 1, "systemd", true
	case 4384:
		return 99999, "a-very-long-program-name", true
	case 4387:
		return 7, "evil\x1b[31m\nname", true
	case 5059:
		return 42, "", true
	}
	return 0, "", false
}

func fakeContext(pid int) (string, bool) {
	switch pid {
	case 1:
		return "system_u:system_r:init_t:s0", true
	case 1234:
		return "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023-and-more", true
	}
	return "", false
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

var inetRows = []sockets.Socket{
	{Protocol: sockets.TCP, Family: sockets.IPv4, State: sockets.Listen, Local: ap("0.0.0.0:22"), Remote: ap("0.0.0.0:0"), Inode: 1212},
	{Protocol: sockets.TCP, Family: sockets.IPv4, State: sockets.Established, Local: ap("127.0.0.1:8080"), Remote: ap("127.0.0.1:57706"), RecvQ: 1000, UID: 997, Inode: 4372, Timer: 2, Expires: 7198437, Probes: 4},
	{Protocol: sockets.TCP, Family: sockets.IPv4, State: sockets.CloseWait, Local: ap("192.0.2.1:65535"), Remote: ap("192.0.2.1:22"), RecvQ: 1, SendQ: 123456789, Expires: 12345, Retransmits: 5, Probes: 9},
	{Protocol: sockets.TCP, Family: sockets.IPv4, State: sockets.TimeWait, Local: ap("198.51.100.7:22"), Remote: ap("203.0.113.9:40000"), UID: 4242, Timer: 3, Expires: 59659},
	{Protocol: sockets.TCP, Family: sockets.IPv6, State: sockets.Listen, Local: ap("[::]:22"), Remote: ap("[::]:0")},
	{Protocol: sockets.TCP, Family: sockets.IPv6, State: sockets.Established, Local: ap("[2001:db8:1234:5678:9abc:def0:1234:5678]:12345"), Remote: ap("[2001:db8::1]:22")},
	{Protocol: sockets.TCP, Family: sockets.IPv6, State: sockets.SynSent, Local: ap("[::ffff:127.0.0.1]:7777"), Remote: ap("[::1.2.3.4]:80"), Timer: 1, Expires: 615, Retransmits: 1},
	{Protocol: sockets.TCP, Family: sockets.IPv6, State: sockets.Established, Local: ap("[::ffff:127.0.0.2]:7777"), Remote: ap("[::ffff:127.0.0.3]:40000"), UID: 4294967294},
	{Protocol: sockets.TCP, Family: sockets.IPv4, State: 42, Local: ap("10.0.0.1:1"), Remote: ap("10.0.0.2:2"), Timer: 9, Expires: 1000, Inode: 4387},
	{Protocol: sockets.TCP, Family: sockets.IPv4, State: sockets.Established, Local: ap("10.0.0.1:3"), Remote: ap("10.0.0.2:4"), Timer: 4, Expires: 10, Probes: 1, Inode: 4384},
	{Protocol: sockets.UDP, Family: sockets.IPv4, State: sockets.Close, Local: ap("0.0.0.0:53"), Remote: ap("0.0.0.0:0")},
	{Protocol: sockets.UDP, Family: sockets.IPv4, State: sockets.Established, Local: ap("127.0.0.1:38438"), Remote: ap("127.0.0.1:53")},
	{Protocol: sockets.UDP, Family: sockets.IPv6, State: sockets.Close, Local: ap("[::]:123"), Remote: ap("[::]:0")},
	{Protocol: sockets.UDPLite, Family: sockets.IPv4, State: sockets.Close, Local: ap("0.0.0.0:5000"), Remote: ap("0.0.0.0:0")},
	{Protocol: sockets.UDPLite, Family: sockets.IPv6, State: sockets.Close, Local: ap("[::]:5001"), Remote: ap("[::]:0")},
	{Protocol: sockets.Raw, Family: sockets.IPv4, State: sockets.Close, Local: ap("0.0.0.0:1"), Remote: ap("0.0.0.0:0")},
	{Protocol: sockets.Raw, Family: sockets.IPv6, State: sockets.Established, Local: ap("[::1]:58"), Remote: ap("[::1]:0")},
}

var unixRows = []sockets.Socket{
	{Protocol: sockets.Unix, Type: sockets.Stream, State: sockets.Established, RefCount: 3, Inode: 4390},
	{Protocol: sockets.Unix, Type: sockets.Stream, State: sockets.Listen, RefCount: 2, Inode: 4384, Path: "/run/x.sock"},
	{Protocol: sockets.Unix, Type: sockets.Stream, State: sockets.SynSent, RefCount: 3, Path: "@lst", Embryo: true},
	{Protocol: sockets.Unix, Type: sockets.Datagram, State: sockets.Close, RefCount: 2, Inode: 4387, Path: "@abstract@with@nul"},
	{Protocol: sockets.Unix, Type: sockets.SeqPacket, State: sockets.Listen, RefCount: 2, Inode: 123456789012, Path: "@seq"},
	{Protocol: sockets.Unix, Type: sockets.Datagram, State: sockets.Established, RefCount: 5, Inode: 5059, Path: "/tmp/new\nline\x1b[2J\u009b"},
	{Protocol: sockets.Unix, Type: 9, State: sockets.Closing, RefCount: 1, Inode: 1},
	{Protocol: sockets.Unix, Type: sockets.RDM, State: 0, RefCount: 1, Inode: 2},
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table Table
	}{
		{"numeric", Table{NumericHosts: true, NumericPorts: true, NumericUsers: true}},
		{"names", Table{Names: fakeNames{}}},
		{"wide", Table{Wide: true, Names: fakeNames{}}},
		{"extend", Table{Extend: 1, Names: fakeNames{}}},
		{"extend-numeric", Table{Extend: 2, NumericHosts: true, NumericPorts: true, NumericUsers: true, Names: fakeNames{}}},
		{"numeric-hosts", Table{NumericHosts: true, Names: fakeNames{}}},
		{"numeric-ports", Table{NumericPorts: true, Names: fakeNames{}}},
		{"programs", Table{NumericHosts: true, NumericPorts: true, NumericUsers: true, Programs: true, Owner: fakeOwner}},
		{"timers", Table{NumericHosts: true, NumericPorts: true, NumericUsers: true, Timers: true}},
		{"extend-programs-timers", Table{Extend: 1, NumericHosts: true, NumericPorts: true, NumericUsers: true, Programs: true, Owner: fakeOwner, Timers: true}},
		{"contexts", Table{NumericHosts: true, NumericPorts: true, NumericUsers: true, Programs: true, Owner: fakeOwner, Contexts: true, Context: fakeContext, Timers: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b []byte
			for _, sel := range []Selection{Connected, Servers, Everything} {
				b = append(b, InetTitle(sel)...)
			}
			b = append(b, tc.table.InetHeader()...)
			for i := range inetRows {
				b = tc.table.AppendInet(b, &inetRows[i])
			}
			b = append(b, UnixTitle(Everything)...)
			b = append(b, tc.table.UnixHeader()...)
			for i := range unixRows {
				b = tc.table.AppendUnix(b, &unixRows[i])
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), b)
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestAppendEscaped(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\nb", `a\nb`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"bel\a", `bel\x07`},
		{"del\x7f", `del\x7f`},
		{"tab\tcr\r", `tab\tcr\r`},
		{"csi\u009b", `csi\u009b`},
		{"caf\u00e9", "caf\u00e9"},
		{"bad\xff\xc2", "bad\xff\xc2"},
		// A lone C1 byte is CSI and friends on an 8-bit terminal.
		{"csi8\x9b31m", `csi8\x9b31m`},
		{"torn\xe2\x9b", "torn\xe2" + `\x9b`},
		// Valid UTF-8 whose bytes include 0x80-0x9f stays as it is.
		{"\u015b\u2019", "\u015b\u2019"},
	} {
		got := string(AppendEscaped(nil, tc.in))
		if got != tc.want {
			t.Errorf("AppendEscaped(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if needsEscape(tc.in) != (got != tc.in) {
			t.Errorf("needsEscape(%q) = %v", tc.in, needsEscape(tc.in))
		}
	}
}

// TestEscapedCut checks the 19-byte program column: an escape or a UTF-8
// character that would cross the limit is left out whole.
func TestEscapedCut(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrs"},
		{"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"},
		{"abcdefghijklmnopq\n", "abcdefghijklmnopq\\n"},
		{"abcdefghijklmnopqr\n", "abcdefghijklmnopqr"},
		{"abcdefghijklmnop\x9b", "abcdefghijklmnop"},
	} {
		if got := string(appendEscapedCut(nil, tc.in, 19)); got != tc.want {
			t.Errorf("appendEscapedCut(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSummaryGolden(t *testing.T) {
	s := sockets.Summary{
		Sockets: 1234, TCPAlloc: 20, TCPOrphans: 1, TCPTimeWait: 3, TCPEstablished: 8,
		TCP4: 15, TCP6: 4, UDP4: 2, UDP6: 1, Raw4: 1, Raw6: 1, Frag4: 0, Frag6: 1234567890,
	}
	golden(t, filepath.Join("testdata", "summary.golden"), AppendSummary(nil, &s))
}
