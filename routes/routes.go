// Package routes lists the kernel's IP routing tables: the IPv4 FIB and the
// IPv6 routes, with the fields net-tools `netstat -r` and `route` show.
//
// On Linux the routes come by default from /proc/net/route and
// /proc/net/ipv6_route, the files net-tools itself reads, so that listings
// match it row for row. Config.Source can select an rtnetlink (RTM_GETROUTE)
// dump instead; see Netlink for how it differs. Elsewhere List returns an
// error wrapping ErrNotSupported.
package routes

import (
	"errors"
	"net/netip"
)

// ErrNotSupported is wrapped by List's error on systems without a backend.
var ErrNotSupported = errors.New("routes: not supported on this system")

// Family is an address family.
type Family uint8

// Families.
const (
	IPv4 Family = 4
	IPv6 Family = 6
)

func (f Family) String() string {
	switch f {
	case IPv4:
		return "IPv4"
	case IPv6:
		return "IPv6"
	}
	return "Family(" + itoa(int(f)) + ")"
}

// Flags are the kernel's RTF_* route flags (linux/route.h, linux/ipv6_route.h).
type Flags uint32

// Route flags.
const (
	Up        Flags = 0x0001
	Gateway   Flags = 0x0002
	Host      Flags = 0x0004
	Reinstate Flags = 0x0008
	Dynamic   Flags = 0x0010
	Modified  Flags = 0x0020
	MTU       Flags = 0x0040
	Window    Flags = 0x0080
	IRTT      Flags = 0x0100
	Reject    Flags = 0x0200
	Default   Flags = 0x00010000 // IPv6: default router (RA)
	AllOnLink Flags = 0x00020000
	AddrConf  Flags = 0x00040000 // IPv6: from address autoconfiguration
	PrefixRT  Flags = 0x00080000
	Anycast   Flags = 0x00100000
	NoNextHop Flags = 0x00200000
	Expires   Flags = 0x00400000
	RouteInfo Flags = 0x00800000
	Cache     Flags = 0x01000000 // IPv6: a cached (exception) route
	Flow      Flags = 0x02000000
	Policy    Flags = 0x04000000
	Local     Flags = 0x80000000
)

// Route is one routing table entry.
type Route struct {
	Family Family
	// Destination is the destination network; its address is as the
	// kernel reports it (not masked).
	Destination netip.Prefix
	// Source is the IPv6 source prefix (subtree routing); zero for IPv4.
	Source netip.Prefix
	// Gateway is the next hop; the unspecified address for a direct route.
	Gateway   netip.Addr
	Flags     Flags
	Interface string // "*" when the route has no device (IPv4 blackhole)
	Metric    uint32
	RefCount  int32
	Use       uint32
	// MTU, Window and IRTT are the IPv4 route's metrics as
	// /proc/net/route shows them: MTU is the advertised MSS plus 40.
	MTU, Window, IRTT uint32
}

// Source chooses where List reads routes from.
type Source uint8

// Sources.
const (
	// Auto is currently Proc: the netlink dump cannot reproduce every
	// field of /proc/net/ipv6_route (see Netlink), and net-tools parity
	// comes first.
	Auto Source = iota
	// Netlink dumps RTM_GETROUTE over a NETLINK_ROUTE socket opened on
	// the calling thread (so in its network namespace) and rebuilds the
	// rows /proc shows from it. IPv4 is identical to /proc/net/route:
	// same rows (main table only, no broadcast or multicast routes), same
	// order, same fields. IPv6 has the rows and order of
	// /proc/net/ipv6_route (all tables, including the per-table "null"
	// reject entry at ::/0 that /proc shows when a table has no default
	// route) but RefCount is the dump's rta_clntref, which is 0 where
	// /proc shows the fib6_info reference count (usually 1 to 3), and the
	// RTF_* flags are rebuilt from the route type, protocol, preference
	// and expiry, which covers the kernel's own and iproute2's routes but
	// is not the kernel's fib6_flags word itself. Routes using nexthop
	// objects (RTA_NH_ID) come without gateway or interface.
	Netlink
	// Proc reads /proc/net/route and /proc/net/ipv6_route.
	Proc
)

// Config says where List reads. The zero value is the running system.
type Config struct {
	// Source chooses /proc or rtnetlink; the zero value is Auto.
	Source Source
	// ProcNet is the directory holding route and ipv6_route; "" means
	// /proc/thread-self/net, which follows the calling thread's network
	// namespace (/proc/self/net would show the process's).
	ProcNet string
}

// List returns the routes of family in the kernel's order.
func List(cfg Config, family Family) ([]Route, error) {
	return list(cfg, family)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
