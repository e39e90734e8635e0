package render

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/netstat-go/netstat/interfaces"
	"github.com/netstat-go/netstat/routes"
	"github.com/netstat-go/netstat/sockets"
)

// The benchmarks render a batch of rows per op into a reused buffer, as
// cli does, and report ns/row; allocs/op should stay 0 for socket rows
// (the names come from an in-memory table, like the resolver's cache).
//
//	go test ./internal/render -run '^$' -bench . -benchmem

const benchBatch = 1000

// benchNames answers from maps, as a warm resolver cache does.
type benchNames struct {
	hosts map[netip.Addr]string
	ports map[uint16]string
	users map[uint32]string
}

func newBenchNames() *benchNames {
	return &benchNames{
		hosts: map[netip.Addr]string{netip.MustParseAddr("127.0.0.1"): "localhost", netip.MustParseAddr("::1"): "ip6-localhost"},
		ports: map[uint16]string{22: "ssh", 443: "https", 5432: "postgresql"},
		users: map[uint32]string{0: "root", 1000: "user"},
	}
}

func (n *benchNames) Host(a netip.Addr) (string, bool) {
	s, ok := n.hosts[a]
	return s, ok
}

func (n *benchNames) Port(p uint16, _ string) (string, bool) {
	s, ok := n.ports[p]
	return s, ok
}

func (n *benchNames) Protocol(uint8) (string, bool) { return "", false }

func (n *benchNames) User(uid uint32) (string, bool) {
	s, ok := n.users[uid]
	return s, ok
}

func (n *benchNames) Network(netip.Addr) (string, bool) { return "", false }

// benchOwner owns six sockets in seven, as -p finds them.
func benchOwner(inode uint64) (int, string, bool) {
	return int(inode % 30000), "postgres", inode%7 != 0
}

// benchInet is a mix like a busy server's: mostly IPv4 loopback
// connections, some listeners, TIME_WAIT and IPv6.
var benchInet = func() []sockets.Socket {
	s := make([]sockets.Socket, benchBatch)
	loop := netip.AddrFrom4([4]byte{127, 0, 0, 1})
	for i := range s {
		port := uint16(10000 + i)
		local := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 1, byte(i >> 8), byte(i)}), port)
		remote := netip.AddrPortFrom(loop, 5432)
		fam, proto, state := sockets.IPv4, sockets.TCP, sockets.Established
		switch i % 8 {
		case 1:
			state = sockets.TimeWait
		case 2:
			local, remote, state = netip.AddrPortFrom(loop, 5432), netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 1, byte(i >> 8), byte(i)}), port), sockets.Established
		case 3:
			fam = sockets.IPv6
			local = netip.AddrPortFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)}), port)
			remote = netip.AddrPortFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}), 443)
		case 4:
			local, remote, state = netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(20000+i)), netip.AddrPortFrom(netip.IPv4Unspecified(), 0), sockets.Listen
		case 5:
			proto, state = sockets.UDP, sockets.Close
			local, remote = netip.AddrPortFrom(loop, port), netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
		}
		s[i] = sockets.Socket{
			Protocol: proto, Family: fam, State: state,
			Local: local, Remote: remote,
			RecvQ: uint64(i % 3), SendQ: uint64(i % 5 * 1000),
			UID: uint32(i % 2 * 1000), Inode: uint64(100000 + i),
			Timer: uint8(i % 3), Expires: uint64(i * 37), Retransmits: uint8(i % 2),
		}
	}
	return s
}()

var benchUnix = func() []sockets.Socket {
	s := make([]sockets.Socket, benchBatch)
	for i := range s {
		s[i] = sockets.Socket{Protocol: sockets.Unix, Type: sockets.Stream, State: sockets.Established, RefCount: 3, Inode: uint64(200000 + i)}
		switch i % 3 {
		case 0:
			s[i].Path = "/run/user/1000/service-" + strconv.Itoa(i) + ".sock"
		case 1:
			s[i].Path = "@/tmp/.X11-unix/X" + strconv.Itoa(i)
		}
	}
	return s
}()

func BenchmarkInetRows(b *testing.B) {
	names := newBenchNames()
	for _, tc := range []struct {
		name string
		t    Table
	}{
		{"numeric", Table{NumericHosts: true, NumericPorts: true, NumericUsers: true}},
		{"names", Table{Names: names}},
		{"wide-names", Table{Wide: true, Names: names}},
		{"extend-numeric", Table{Extend: 1, NumericHosts: true, NumericPorts: true, NumericUsers: true}},
		{"programs-numeric", Table{Programs: true, Owner: benchOwner, NumericHosts: true, NumericPorts: true, NumericUsers: true}},
		{"timers-numeric", Table{Timers: true, NumericHosts: true, NumericPorts: true, NumericUsers: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchTable(b, benchInet, tc.t.AppendInet)
		})
	}
}

func BenchmarkUnixRows(b *testing.B) {
	for _, tc := range []struct {
		name string
		t    Table
	}{
		{"plain", Table{}},
		{"programs", Table{Programs: true, Owner: benchOwner}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchTable(b, benchUnix, tc.t.AppendUnix)
		})
	}
}

// benchTable renders rows into a buffer that is flushed (reset) at 32 KiB,
// as the CLI's writer does.
func benchTable(b *testing.B, rows []sockets.Socket, appendRow func([]byte, *sockets.Socket) []byte) {
	buf := make([]byte, 0, 64<<10)
	size := 0
	for i := range rows {
		size += len(appendRow(nil, &rows[i]))
	}
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		for i := range rows {
			buf = appendRow(buf, &rows[i])
			if len(buf) >= 32<<10 {
				buf = buf[:0]
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(rows)), "ns/row")
}

var benchRoutes = func() []routes.Route {
	r := make([]routes.Route, 100)
	for i := range r {
		r[i] = routes.Route{
			Family:      routes.IPv4,
			Destination: netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, byte(i), 0}), 24),
			Gateway:     netip.AddrFrom4([4]byte{192, 0, 2, byte(1 + i%200)}),
			Flags:       routes.Up | routes.Gateway,
			Interface:   "eth" + strconv.Itoa(i%4),
			Metric:      uint32(i),
		}
	}
	return r
}()

var benchRoutes6 = func() []routes.Route {
	r := make([]routes.Route, 100)
	for i := range r {
		r[i] = routes.Route{
			Family:      routes.IPv6,
			Destination: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i)}), 64),
			Gateway:     netip.AddrFrom16([16]byte{0xfe, 0x80, 15: byte(1 + i)}),
			Flags:       routes.Up | routes.Gateway,
			Interface:   "eth" + strconv.Itoa(i%4),
			Metric:      1024,
			RefCount:    1,
		}
	}
	return r
}()

func BenchmarkRouteRows(b *testing.B) {
	names := newBenchNames()
	for _, tc := range []struct {
		name string
		t    RouteTable
	}{
		{"numeric", RouteTable{}},
		{"names", RouteTable{Names: names}},
		{"extend2", RouteTable{Extend: 2}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchList(b, benchRoutes, tc.t.AppendRoute)
		})
	}
	b.Run("ipv6", func(b *testing.B) {
		t := RouteTable{}
		benchList(b, benchRoutes6, t.AppendRoute6)
	})
}

var benchIfaces = func() []interfaces.Interface {
	r := make([]interfaces.Interface, 32)
	for i := range r {
		r[i] = interfaces.Interface{
			Name:  "veth" + strconv.Itoa(i),
			MTU:   1500,
			Flags: interfaces.Up | interfaces.Broadcast | interfaces.Multicast | interfaces.Running,
			Stats: &interfaces.Stats{RxPackets: uint64(i) * 123456, TxPackets: uint64(i) * 654321, RxBytes: uint64(i) << 30, TxBytes: uint64(i) << 20},
			Detail: &interfaces.Detail{
				Addr:       netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}),
				Netmask:    netip.AddrFrom4([4]byte{255, 255, 255, 0}),
				Broadcast:  netip.AddrFrom4([4]byte{192, 0, 2, 255}),
				HasHW:      true,
				HWType:     1,
				HWAddr:     []byte{2, 0, 0, 0, 0, byte(i), 15: 0},
				TxQueueLen: 1000,
			},
		}
	}
	return r
}()

func BenchmarkIfaceRows(b *testing.B) {
	for _, tc := range []struct {
		name string
		t    IfaceTable
	}{
		{"plain", IfaceTable{}},
		{"bytes", IfaceTable{Bytes: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchList(b, benchIfaces, tc.t.AppendIface)
		})
	}
	b.Run("long", func(b *testing.B) {
		benchList(b, benchIfaces, AppendIfaceLong)
	})
}

// benchList renders a short table per op into a reused buffer.
func benchList[T any](b *testing.B, rows []T, appendRow func([]byte, *T) []byte) {
	buf := make([]byte, 0, 64<<10)
	for i := range rows {
		buf = appendRow(buf, &rows[i])
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		buf = buf[:0]
		for i := range rows {
			buf = appendRow(buf, &rows[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(rows)), "ns/row")
}
