package sockdiag

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// enterNewNetns moves the calling test goroutine into a fresh, empty network
// namespace, so that a dump there returns exactly the sockets the test makes.
// The goroutine keeps its OS thread locked for good: when the test function
// returns the runtime destroys that thread instead of letting other
// goroutines run in the namespace. Everything namespace-sensitive must
// therefore run in the test goroutine itself (no t.Run, no t.Parallel).
func enterNewNetns(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (CAP_SYS_ADMIN) to unshare a network namespace")
	}
	runtime.LockOSThread() // never unlocked, on purpose
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		t.Skipf("unshare(CLONE_NEWNET): %v (sandbox without network namespaces?)", err)
	}
	// A new namespace has only lo, and it is down; bring it up with the
	// SIOCSIFFLAGS ioctl (no need for ip(8)). The kernel then also adds ::1.
	fd := mustSocket(t, unix.AF_INET, unix.SOCK_DGRAM, 0)
	defer unix.Close(fd) // closed before any dump: a closed UDP socket vanishes at once
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		t.Fatalf("SIOCGIFFLAGS lo: %v", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		t.Fatalf("SIOCSIFFLAGS lo up: %v", err)
	}
}

func mustSocket(t testing.TB, family, typ, proto int) int {
	t.Helper()
	fd, err := unix.Socket(family, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		t.Fatalf("socket(%d, %d, %d): %v", family, typ, proto, err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// inode returns the inode number of the socket behind fd, which is what
// sock_diag reports as idiag_inode / udiag_ino.
func inode(t testing.TB, fd int) uint32 {
	t.Helper()
	var st unix.Stat_t
	must(t, "fstat", unix.Fstat(fd, &st))
	return uint32(st.Ino)
}

func localAddr(t *testing.T, fd int) netip.AddrPort {
	t.Helper()
	sa, err := unix.Getsockname(fd)
	must(t, "getsockname", err)
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port))
	}
	t.Fatalf("getsockname: unexpected %T", sa)
	return netip.AddrPort{}
}

func sockaddr(ap netip.AddrPort) unix.Sockaddr {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

// inetView is the part of an InetMsg the integration test checks exactly.
type inetView struct {
	Inode     uint32
	State     uint8
	Src, Dst  string // netip.AddrPort.String(), which cmp can compare
	V6Only    bool
	HasV6Only bool
}

func viewInet(m *InetMsg) inetView {
	v := inetView{Inode: m.Inode, State: m.State, V6Only: m.V6Only, HasV6Only: m.HasV6Only}
	if m.Family == AFInet {
		v.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(m.Src[:4])), m.SrcPort).String()
		v.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(m.Dst[:4])), m.DstPort).String()
	} else {
		v.Src = netip.AddrPortFrom(netip.AddrFrom16(m.Src), m.SrcPort).String()
		v.Dst = netip.AddrPortFrom(netip.AddrFrom16(m.Dst), m.DstPort).String()
	}
	return v
}

func dumpInet(t *testing.T, c *Conn, family, proto uint8) []inetView {
	t.Helper()
	var got []inetView
	var m InetMsg
	err := c.Dump(InetRequest(uint32(family)<<8|uint32(proto), family, proto, AllStates, 0), func(p []byte) error {
		if err := DecodeInet(p, &m); err != nil {
			return err
		}
		if m.Family != family {
			return fmt.Errorf("asked for family %d, got %d", family, m.Family)
		}
		if !m.HasShutdown || m.Cookie == 0 || m.UID != 0 {
			return fmt.Errorf("socket %d: HasShutdown=%v Cookie=%d UID=%d, want true, non-zero, 0", m.Inode, m.HasShutdown, m.Cookie, m.UID)
		}
		got = append(got, viewInet(&m))
		return nil
	})
	must(t, fmt.Sprintf("dump family %d protocol %d", family, proto), err)
	return sortInet(got)
}

// sortInet orders by inode so that comparisons do not depend on the order
// in which the kernel walks its hash tables.
func sortInet(v []inetView) []inetView {
	slices.SortFunc(v, func(a, b inetView) int { return cmp.Compare(a.Inode, b.Inode) })
	return v
}

// unixView is the part of a UnixMsg the integration test checks exactly.
type unixView struct {
	Inode       uint32
	Type, State uint8
	Name        string
	HasVFS      bool
	VFSInode    uint32
	VFSDev      uint32
	HasPeer     bool
	Peer        uint32
	Icons       []uint32
	RQueue      uint32
	WQueue      uint32
}

func dumpUnix(t testing.TB, c *Conn) []unixView {
	t.Helper()
	var got []unixView
	var m UnixMsg
	show := uint32(ShowName | ShowVFS | ShowPeer | ShowIcons | ShowRQLen | ShowMemInfo | ShowUID)
	err := c.Dump(UnixRequest(99, AllStates, show), func(p []byte) error {
		if err := DecodeUnix(p, &m); err != nil {
			return err
		}
		if m.Family != AFUnix || !m.HasRQLen || !m.HasUID || m.UID != 0 || !m.HasShutdown {
			return fmt.Errorf("socket %d: %+v: want AF_UNIX with RQLEN, UID 0 and SHUTDOWN", m.Inode, m)
		}
		v := unixView{
			Inode: m.Inode, Type: m.Type, State: m.State,
			Name:   string(m.Name), // copy: m.Name aliases the receive buffer
			HasVFS: m.HasVFS, VFSInode: m.VFSInode, VFSDev: m.VFSDev,
			HasPeer: m.HasPeer, Peer: m.Peer,
			RQueue: m.RQueue, WQueue: m.WQueue,
		}
		for i := range m.NIcons() {
			v.Icons = append(v.Icons, m.Icon(i))
		}
		got = append(got, v)
		return nil
	})
	must(t, "dump unix", err)
	return sortUnix(got)
}

func sortUnix(v []unixView) []unixView {
	slices.SortFunc(v, func(a, b unixView) int { return cmp.Compare(a.Inode, b.Inode) })
	return v
}

// kernelDev converts a userspace dev_t (stat st_dev) to the kernel's
// internal encoding (MAJOR<<20 | MINOR), which UNIX_DIAG_VFS reports.
func kernelDev(dev uint64) uint32 {
	return unix.Major(dev)<<20 | unix.Minor(dev)
}

// Socket states (include/net/tcp_states.h), which unix sockets reuse.
const (
	tcpEstablished = 1
	tcpClose       = 7
	tcpListen      = 10
)

func TestDumpNewNetns(t *testing.T) {
	enterNewNetns(t)

	c, err := Dial() // after unshare: the netlink socket belongs to the new namespace
	must(t, "Dial", err)
	defer c.Close()

	// Before we create anything the namespace has no sockets at all.
	if got := dumpInet(t, c, AFInet, IPProtoTCP); len(got) != 0 {
		t.Fatalf("fresh namespace has TCP sockets: %+v", got)
	}

	k := makeKnownSockets(t)

	if diff := gocmp.Diff(sortInet([]inetView{
		{Inode: inode(t, k.tcpL), State: tcpListen, Src: k.tcpLAddr.String(), Dst: k.any4.String()},
		{Inode: inode(t, k.tcpC), State: tcpEstablished, Src: k.tcpCAddr.String(), Dst: k.tcpLAddr.String()},
		{Inode: inode(t, k.tcpS), State: tcpEstablished, Src: k.tcpLAddr.String(), Dst: k.tcpCAddr.String()},
	}), dumpInet(t, c, AFInet, IPProtoTCP)); diff != "" {
		t.Errorf("TCP sockets (-want +got):\n%s", diff)
	}
	if diff := gocmp.Diff([]inetView{
		{Inode: inode(t, k.tcp6L), State: tcpListen, Src: k.tcp6LAddr.String(), Dst: k.any6.String(), V6Only: true, HasV6Only: true},
	}, dumpInet(t, c, AFInet6, IPProtoTCP)); diff != "" {
		t.Errorf("TCPv6 sockets (-want +got):\n%s", diff)
	}
	if diff := gocmp.Diff(sortInet([]inetView{
		{Inode: inode(t, k.udpB), State: tcpClose, Src: k.udpBAddr.String(), Dst: k.any4.String()},
		{Inode: inode(t, k.udpC), State: tcpEstablished, Src: k.udpCAddr.String(), Dst: k.udpBAddr.String()},
	}), dumpInet(t, c, AFInet, IPProtoUDP)); diff != "" {
		t.Errorf("UDP sockets (-want +got):\n%s", diff)
	}
	if diff := gocmp.Diff([]inetView{
		{Inode: inode(t, k.udpLite), State: tcpClose, Src: k.udpLiteAddr.String(), Dst: k.any4.String()},
	}, dumpInet(t, c, AFInet, IPProtoUDPLite)); diff != "" {
		t.Errorf("UDP-Lite sockets (-want +got):\n%s", diff)
	}
	if got := dumpInet(t, c, AFInet6, IPProtoUDP); len(got) != 0 {
		t.Errorf("UDPv6 sockets: got %+v, want none", got)
	}

	wantUnix := []unixView{
		{
			Inode: inode(t, k.unixL), Type: unix.SOCK_STREAM, State: tcpListen, Name: k.path,
			HasVFS: true, VFSInode: uint32(k.pathSt.Ino), VFSDev: kernelDev(uint64(k.pathSt.Dev)),
			Icons:  []uint32{inode(t, k.unixC)},
			RQueue: 1, WQueue: 4, // one pending connection, backlog 4
		},
		// The client of the unaccepted connection is connected to the
		// server end the kernel made for it, which has no file yet: its
		// inode is 0 and the dump does not list it.
		{Inode: inode(t, k.unixC), Type: unix.SOCK_STREAM, State: tcpEstablished, HasPeer: true, Peer: 0},
		{Inode: inode(t, k.pair[0]), Type: unix.SOCK_STREAM, State: tcpEstablished, HasPeer: true, Peer: inode(t, k.pair[1])},
		{Inode: inode(t, k.pair[1]), Type: unix.SOCK_STREAM, State: tcpEstablished, HasPeer: true, Peer: inode(t, k.pair[0])},
		{Inode: inode(t, k.unixA), Type: unix.SOCK_DGRAM, State: tcpClose, Name: k.abstract},
	}
	if diff := gocmp.Diff(sortUnix(wantUnix), dumpUnix(t, c)); diff != "" {
		t.Errorf("unix sockets (-want +got):\n%s", diff)
	}

	// raw_diag: see TestDumpRawUnsupported; here only check that the
	// error does not disturb the connection.
	_ = c.Dump(InetRequest(1, AFInet, IPProtoRaw, AllStates, 0), func([]byte) error { return nil })
	if got := dumpInet(t, c, AFInet, IPProtoUDPLite); len(got) != 1 {
		t.Errorf("after a raw dump: UDP-Lite sockets %+v, want 1", got)
	}
}

// knownSockets is one socket of every kind netstat shows, created by
// makeKnownSockets in the current network namespace.
type knownSockets struct {
	any4, any6 netip.AddrPort // unspecified address, port 0

	tcpL, tcpC, tcpS   int // TCP listener, client, accepted server end
	tcpLAddr, tcpCAddr netip.AddrPort
	tcp6L              int // IPv6-only TCP listener
	tcp6LAddr          netip.AddrPort
	udpB, udpC         int // bound UDP, UDP connected to udpB
	udpBAddr, udpCAddr netip.AddrPort
	udpLite            int
	udpLiteAddr        netip.AddrPort
	unixL, unixC       int // unix listener, client it has not accepted
	pair               [2]int
	unixA              int // datagram socket with an abstract name
	path, abstract     string
	pathSt             unix.Stat_t
}

func makeKnownSockets(t *testing.T) *knownSockets {
	t.Helper()
	k := &knownSockets{}
	loop4 := netip.MustParseAddrPort("127.0.0.1:0")
	loop6 := netip.MustParseAddrPort("[::1]:0")
	k.any4 = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
	k.any6 = netip.AddrPortFrom(netip.IPv6Unspecified(), 0)

	// TCP: a listener and an established pair through it.
	k.tcpL = mustSocket(t, unix.AF_INET, unix.SOCK_STREAM, 0)
	must(t, "bind tcp", unix.Bind(k.tcpL, sockaddr(loop4)))
	must(t, "listen tcp", unix.Listen(k.tcpL, 16))
	k.tcpLAddr = localAddr(t, k.tcpL)
	k.tcpC = mustSocket(t, unix.AF_INET, unix.SOCK_STREAM, 0)
	must(t, "connect tcp", unix.Connect(k.tcpC, sockaddr(k.tcpLAddr)))
	var err error
	k.tcpS, _, err = unix.Accept4(k.tcpL, unix.SOCK_CLOEXEC)
	must(t, "accept tcp", err)
	t.Cleanup(func() { unix.Close(k.tcpS) })
	k.tcpCAddr = localAddr(t, k.tcpC)

	// TCP over IPv6, v6-only so that INET_DIAG_SKV6ONLY is 1.
	k.tcp6L = mustSocket(t, unix.AF_INET6, unix.SOCK_STREAM, 0)
	must(t, "IPV6_V6ONLY", unix.SetsockoptInt(k.tcp6L, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1))
	must(t, "bind tcp6", unix.Bind(k.tcp6L, sockaddr(loop6)))
	must(t, "listen tcp6", unix.Listen(k.tcp6L, 8))
	k.tcp6LAddr = localAddr(t, k.tcp6L)

	// UDP: one bound (state CLOSE), one connected (state ESTABLISHED).
	k.udpB = mustSocket(t, unix.AF_INET, unix.SOCK_DGRAM, 0)
	must(t, "bind udp", unix.Bind(k.udpB, sockaddr(loop4)))
	k.udpBAddr = localAddr(t, k.udpB)
	k.udpC = mustSocket(t, unix.AF_INET, unix.SOCK_DGRAM, 0)
	must(t, "connect udp", unix.Connect(k.udpC, sockaddr(k.udpBAddr)))
	k.udpCAddr = localAddr(t, k.udpC)

	// UDP-Lite, which udp_diag serves under its own protocol number.
	k.udpLite = mustSocket(t, unix.AF_INET, unix.SOCK_DGRAM, unix.IPPROTO_UDPLITE)
	must(t, "bind udplite", unix.Bind(k.udpLite, sockaddr(loop4)))
	k.udpLiteAddr = localAddr(t, k.udpLite)

	// Unix: a path listener with one connection it has not accepted, a
	// socketpair, and a datagram socket with an abstract name.
	k.path = filepath.Join(t.TempDir(), "listener.sock")
	k.unixL = mustSocket(t, unix.AF_UNIX, unix.SOCK_STREAM, 0)
	must(t, "bind unix", unix.Bind(k.unixL, &unix.SockaddrUnix{Name: k.path}))
	must(t, "listen unix", unix.Listen(k.unixL, 4))
	k.unixC = mustSocket(t, unix.AF_UNIX, unix.SOCK_STREAM, 0)
	must(t, "connect unix", unix.Connect(k.unixC, &unix.SockaddrUnix{Name: k.path}))
	k.pair, err = unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	must(t, "socketpair", err)
	t.Cleanup(func() { unix.Close(k.pair[0]); unix.Close(k.pair[1]) })
	k.abstract = "\x00netstat-go/sockdiag-test"
	k.unixA = mustSocket(t, unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	// x/sys/unix spells an abstract address with a leading '@'.
	must(t, "bind k.abstract", unix.Bind(k.unixA, &unix.SockaddrUnix{Name: "@" + k.abstract[1:]}))
	must(t, "stat socket k.path", unix.Stat(k.path, &k.pathSt))

	return k
}

// TestDumpRawUnsupported documents what this kernel does for raw sockets
// without CONFIG_INET_RAW_DIAG, which callers rely on to fall back to
// /proc/net/raw: the dump is accepted, then ends with an NLMSG_DONE whose
// status is -ENOENT ("no diag handler for this protocol"; ICMP, SCTP etc.
// behave the same). It is not an NLMSG_ERROR.
func TestDumpRawUnsupported(t *testing.T) {
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()
	for _, family := range []uint8{AFInet, AFInet6} {
		n := 0
		err := c.Dump(InetRequest(5, family, IPProtoRaw, AllStates, 0), func([]byte) error { n++; return nil })
		// Checked after the request: a modular raw_diag is loaded on demand.
		if err == nil && hasRawDiag(t) {
			t.Skip("this kernel has raw_diag (CONFIG_INET_RAW_DIAG); nothing to check")
		}
		if !errors.Is(err, syscall.ENOENT) {
			t.Errorf("raw dump, family %d: got error %v, want one matching syscall.ENOENT", family, err)
		}
		var kerr *Error
		if !errors.As(err, &kerr) {
			t.Errorf("raw dump, family %d: error %T is not *Error", family, err)
		}
		if n != 0 {
			t.Errorf("raw dump, family %d: %d messages before the error", family, n)
		}
	}
	// The Conn is still usable.
	dumpUnix(t, c)
}

// hasRawDiag reports whether the raw_diag module is loaded or the kernel
// config says it is built in.
func hasRawDiag(t *testing.T) bool {
	if b, err := os.ReadFile("/proc/modules"); err == nil {
		if bytes.HasPrefix(b, []byte("raw_diag ")) || bytes.Contains(b, []byte("\nraw_diag ")) {
			return true
		}
	}
	f, err := os.Open("/proc/config.gz")
	if err != nil {
		return false
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return false
	}
	cfg, err := io.ReadAll(z)
	if err != nil {
		t.Logf("reading /proc/config.gz: %v", err)
	}
	return bytes.Contains(cfg, []byte("\nCONFIG_INET_RAW_DIAG=y")) || bytes.Contains(cfg, []byte("\nCONFIG_INET_RAW_DIAG=m"))
}

// socketpairs makes n unix socketpairs and returns the inodes of all 2n
// sockets.
func socketpairs(tb testing.TB, n int) map[uint32]bool {
	tb.Helper()
	inodes := make(map[uint32]bool, 2*n)
	for range n {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			tb.Fatalf("socketpair (ulimit -n too low?): %v", err)
		}
		tb.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
		inodes[inode(tb, fds[0])] = true
		inodes[inode(tb, fds[1])] = true
	}
	return inodes
}

// countOurs dumps unix sockets and checks that each inode in ours is seen
// exactly once. It works in a shared namespace: other sockets are ignored.
func countOurs(t *testing.T, c *Conn, ours map[uint32]bool) {
	t.Helper()
	seen := make(map[uint32]int, len(ours))
	var m UnixMsg
	err := c.Dump(UnixRequest(7, AllStates, ShowPeer|ShowRQLen), func(p []byte) error {
		if err := DecodeUnix(p, &m); err != nil {
			return err
		}
		if ours[m.Inode] {
			seen[m.Inode]++
		}
		return nil
	})
	must(t, "dump unix", err)
	for ino := range ours {
		if seen[ino] != 1 {
			t.Fatalf("socket inode %d seen %d times, want 1", ino, seen[ino])
		}
	}
}

// TestDumpManyBatches needs a dump far larger than one 32 KiB batch, and
// runs several on one Conn. It does not need root.
func TestDumpManyBatches(t *testing.T) {
	ours := socketpairs(t, 2000) // 4000 sockets, ~100 bytes each: ~13 batches
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()
	for range 3 {
		countOurs(t, c, ours)
	}
}

// TestDumpCallbackError stops dumps part way, at the first message and at
// messages deep into later batches, and checks that Dump returns the
// callback's error and that the Conn then runs a complete dump.
func TestDumpCallbackError(t *testing.T) {
	ours := socketpairs(t, 1000)
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()
	errStop := errors.New("stop here")
	total := 0
	must(t, "counting dump", c.Dump(UnixRequest(1, AllStates, 0), func([]byte) error { total++; return nil }))
	for _, stopAt := range []int{1, 2, total / 2, total - 1, total} {
		n := 0
		err := c.Dump(UnixRequest(uint32(stopAt), AllStates, 0), func([]byte) error {
			n++
			if n == stopAt {
				return fmt.Errorf("message %d: %w", n, errStop)
			}
			return nil
		})
		if !errors.Is(err, errStop) {
			t.Fatalf("stop at %d: Dump returned %v, want errStop", stopAt, err)
		}
		if n != stopAt {
			t.Fatalf("stop at %d: callback ran %d times after failing", stopAt, n-stopAt)
		}
		countOurs(t, c, ours)
	}
}

func TestDumpBadRequest(t *testing.T) {
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()
	req := UnixRequest(1, AllStates, 0)
	for _, bad := range [][]byte{nil, req[:10], append(req[:len(req):len(req)], 0, 0, 0, 0)} {
		if err := c.Dump(bad, func([]byte) error { return nil }); err == nil {
			t.Errorf("Dump(% x) succeeded, want an error", bad)
		}
	}
	dumpUnix(t, c) // still usable
}

func TestClose(t *testing.T) {
	c, err := Dial()
	must(t, "Dial", err)
	must(t, "Close", c.Close())
	if err := c.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v, want os.ErrClosed", err)
	}
	if err := c.Dump(UnixRequest(1, AllStates, 0), func([]byte) error { return nil }); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Dump after Close: %v, want os.ErrClosed", err)
	}
}

// BenchmarkDump measures a full unix dump of 10 000 sockets (plus whatever
// else the namespace holds), decoded in place. Allocations must be 0 per
// dump apart from the request.
func BenchmarkDump(b *testing.B) {
	socketpairs(b, 5000)
	c, err := Dial()
	must(b, "Dial", err)
	defer c.Close()
	req := UnixRequest(1, AllStates, ShowName|ShowPeer|ShowRQLen)
	var m UnixMsg
	n := 0
	fn := func(p []byte) error {
		n++
		return DecodeUnix(p, &m)
	}
	b.ReportAllocs()
	for b.Loop() {
		n = 0
		if err := c.Dump(req, fn); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/socket")
}

// BenchmarkDumpBufSize shows that receive buffers beyond 32 KiB do not
// help: the kernel caps each dump batch at 32 KiB. It drives send/recv by
// hand to report the number and largest size of the batches.
func BenchmarkDumpBufSize(b *testing.B) {
	socketpairs(b, 5000)
	for _, size := range []int{8 << 10, 32 << 10, 64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			c, err := Dial()
			must(b, "Dial", err)
			defer c.Close()
			c.buf = make([]byte, size)
			req := UnixRequest(1, AllStates, ShowName|ShowPeer|ShowRQLen)
			f := replyFilter{check: true, seq: 1, pid: c.pid}
			var m UnixMsg
			fn := func(p []byte) error { return DecodeUnix(p, &m) }
			batches, largest := 0, 0
			for b.Loop() {
				must(b, "send", c.send(req))
				for {
					n, err := c.recv()
					must(b, "recv", err)
					batches++
					largest = max(largest, n)
					done, _, err := walk(c.buf[:n], f, fn)
					must(b, "walk", err)
					if done {
						break
					}
				}
			}
			b.ReportMetric(float64(batches)/float64(b.N), "batches/op")
			b.ReportMetric(float64(largest), "largest-batch-bytes")
		})
	}
}

// TestDumpKernelError checks the NLMSG_ERROR path against the real kernel:
// an address family sock_diag does not know is rejected with EINVAL before
// any dump starts, and the Conn remains usable.
func TestDumpKernelError(t *testing.T) {
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()
	req := InetRequest(3, AFInet, IPProtoTCP, AllStates, 0)
	req[nlmsgHdrLen] = 200 // sdiag_family >= AF_MAX
	err = c.Dump(req, func([]byte) error { return nil })
	if !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("Dump with family 200: %v, want EINVAL", err)
	}
	dumpUnix(t, c)
}

// TestDumpForeignReplies leaves a dump unread behind Dump's back, so that
// Dump sees replies to another request: the Conn must refuse to continue
// (rather than hand out wrong data or hang) and still Close cleanly.
func TestDumpForeignReplies(t *testing.T) {
	c, err := Dial()
	must(t, "Dial", err)
	must(t, "send", c.send(UnixRequest(5, AllStates, 0)))
	err = c.Dump(UnixRequest(6, AllStates, 0), func([]byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "want seq 6") {
		t.Fatalf("Dump over an unread dump: %v, want a sequence mismatch", err)
	}
	if err2 := c.Dump(UnixRequest(7, AllStates, 0), func([]byte) error { return nil }); !errors.Is(err2, err) {
		t.Errorf("Dump on a broken Conn: %v, want the sticky error", err2)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close of a broken Conn: %v", err)
	}
	if err := c.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v, want os.ErrClosed", err)
	}
}
