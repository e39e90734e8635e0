package sockets

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/netstat-go/netstat/internal/linux/sockdiag"
)

func walkAll(t *testing.T, l *Lister, q Query) []Socket {
	t.Helper()
	var got []Socket
	if err := l.Walk(q, func(s *Socket) error {
		got = append(got, *s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// TestProcFixture checks the /proc/net backend's conversion and net-tools'
// server/connected selection on a fixed tree.
func TestProcFixture(t *testing.T) {
	l := NewLister(Config{Source: Proc, ProcNet: "testdata/procnet"})
	defer l.Close()
	for _, tc := range []struct {
		name string
		q    Query
		want []Socket
	}{
		{"tcp listening", Query{Protocols: []Protocol{TCP}, IPv4: true, IPv6: true, Listening: true}, []Socket{
			{Protocol: TCP, Family: IPv4, State: Listen, Local: ap("127.0.0.1:8080"), Remote: ap("0.0.0.0:0"), RecvQ: 2, Inode: 3678},
			{Protocol: TCP, Family: IPv6, State: Listen, Local: ap("[::ffff:127.0.0.1]:7777"), Remote: ap("[::]:0"), Inode: 4747},
		}},
		{"tcp connected v4", Query{Protocols: []Protocol{TCP}, IPv4: true, Connected: true}, []Socket{
			{Protocol: TCP, Family: IPv4, State: Established, Local: ap("127.0.0.1:57706"), Remote: ap("127.0.0.1:8080"), SendQ: 1000, UID: 1000, Inode: 4371, Timer: 1, Expires: 200, Retransmits: 3},
			{Protocol: TCP, Family: IPv4, State: TimeWait, Local: ap("127.0.0.1:51800"), Remote: ap("127.0.0.1:22"), Timer: 3, Expires: 58660},
		}},
		{"udp all", Query{Protocols: []Protocol{UDP}, IPv4: true, Listening: true, Connected: true}, []Socket{
			{Protocol: UDP, Family: IPv4, State: Close, Local: ap("0.0.0.0:53"), Remote: ap("0.0.0.0:0"), Inode: 4378},
			{Protocol: UDP, Family: IPv4, State: Established, Local: ap("127.0.0.1:38438"), Remote: ap("127.0.0.1:53"), RecvQ: 832, UID: 65534, Inode: 4379},
		}},
		{"missing files are empty", Query{Protocols: []Protocol{UDPLite, Raw}, IPv4: true, IPv6: true, Listening: true, Connected: true}, nil},
		{"unix connected", Query{Protocols: []Protocol{Unix}, Connected: true}, []Socket{
			{Protocol: Unix, Family: Local, State: SynSent, Type: Stream, RefCount: 3, Path: "/run/x.sock", Embryo: true},
			{Protocol: Unix, Family: Local, State: Established, Type: Stream, RefCount: 3, Inode: 4386, Path: "/run/x.sock"},
			{Protocol: Unix, Family: Local, State: Close, Type: Datagram, RefCount: 2, Inode: 4387, Path: "@abstract"},
			{Protocol: Unix, Family: Local, State: Established, Type: Datagram, RefCount: 5, Inode: 5059, Path: "@dsrv"},
			{Protocol: Unix, Family: Local, State: Closing, Type: Stream, RefCount: 2, Inode: 5060},
		}},
		{"tcp state time-wait", Query{Protocols: []Protocol{TCP}, IPv4: true, Listening: true, Connected: true, States: 1 << TimeWait}, []Socket{
			{Protocol: TCP, Family: IPv4, State: TimeWait, Local: ap("127.0.0.1:51800"), Remote: ap("127.0.0.1:22"), Timer: 3, Expires: 58660},
		}},
		{"match uid", Query{Protocols: []Protocol{TCP, UDP}, IPv4: true, Listening: true, Connected: true, Match: func(s *Socket) bool { return s.UID != 0 }}, []Socket{
			{Protocol: TCP, Family: IPv4, State: Established, Local: ap("127.0.0.1:57706"), Remote: ap("127.0.0.1:8080"), SendQ: 1000, UID: 1000, Inode: 4371, Timer: 1, Expires: 200, Retransmits: 3},
			{Protocol: UDP, Family: IPv4, State: Established, Local: ap("127.0.0.1:38438"), Remote: ap("127.0.0.1:53"), RecvQ: 832, UID: 65534, Inode: 4379},
		}},
		{"unix listening", Query{Protocols: []Protocol{Unix}, Listening: true}, []Socket{
			{Protocol: Unix, Family: Local, State: Listen, Type: Stream, RefCount: 2, Inode: 4384, Path: "/run/x.sock"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := walkAll(t, l, tc.q)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNetlinkOnlyFailsWithoutDiag(t *testing.T) {
	// A /proc-only Lister never dials netlink; an unreadable directory is an
	// error naming the file.
	l := NewLister(Config{Source: Proc, ProcNet: "testdata/no-such-dir"})
	defer l.Close()
	if got := walkAll(t, l, Query{Protocols: []Protocol{TCP, Unix}, IPv4: true, Listening: true, Connected: true}); len(got) != 0 {
		t.Errorf("got %d sockets from a missing tree", len(got))
	}
}

// TestInetStates checks the state mask sent to the kernel: only the states
// that can hold what the options select.
func TestInetStates(t *testing.T) {
	// The states /proc/net shows: never TCP_BOUND_INACTIVE (13).
	all := uint32(0x1ffe)
	for _, tc := range []struct {
		name string
		p    Protocol
		q    Query
		want uint32
	}{
		{"tcp -l", TCP, Query{Listening: true}, 1 << Listen},
		{"tcp default", TCP, Query{Connected: true}, all &^ (1 << Listen)},
		{"tcp -a", TCP, Query{Listening: true, Connected: true}, all},
		{"udp -l", UDP, Query{Listening: true}, 1 << Close},
		{"udp default", UDP, Query{Connected: true}, all &^ (1 << Close)},
		{"raw -a", Raw, Query{Listening: true, Connected: true}, all},
		{"tcp -a state established", TCP, Query{Listening: true, Connected: true, States: 1 << Established}, 1 << Established},
		{"tcp default state listening", TCP, Query{Connected: true, States: 1 << Listen}, 0},
		{"tcp -a state syn-recv", TCP, Query{Listening: true, Connected: true, States: 1 << SynRecv}, 1<<SynRecv | 1<<NewSynRecv},
	} {
		if got := inetStates(&tc.q, tc.p); got != tc.want {
			t.Errorf("%s: states %#x, want %#x", tc.name, got, tc.want)
		}
	}
}

// TestNetlinkRefused: where netlink is refused (a sandbox, an old kernel),
// Auto reads /proc and Netlink reports the refusal.
func TestNetlinkRefused(t *testing.T) {
	refuse := func() (*sockdiag.Conn, error) {
		return nil, fmt.Errorf("socket(AF_NETLINK): %w", syscall.EACCES)
	}
	q := Query{Protocols: []Protocol{TCP, UDP, Unix}, IPv4: true, IPv6: true, Listening: true, Connected: true}

	proc := NewLister(Config{Source: Proc, ProcNet: "testdata/procnet"})
	defer proc.Close()
	want := walkAll(t, proc, q)

	auto := NewLister(Config{Source: Auto, ProcNet: "testdata/procnet"})
	defer auto.Close()
	auto.b.(*linuxBackend).dial = refuse
	if diff := cmp.Diff(want, walkAll(t, auto, q), cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
		t.Errorf("auto with netlink refused (-proc +auto):\n%s", diff)
	}

	nl := NewLister(Config{Source: Netlink, ProcNet: "testdata/procnet"})
	defer nl.Close()
	nl.b.(*linuxBackend).dial = refuse
	err := nl.Walk(q, func(*Socket) error { return nil })
	if !errors.Is(err, syscall.EACCES) {
		t.Errorf("netlink-only with netlink refused: err = %v, want EACCES", err)
	}
}
