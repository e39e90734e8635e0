package routes

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/netstat-go/netstat/internal/linux/rtnl"
	"golang.org/x/sys/unix"
)

// The rtnetlink backend. The transport is internal/linux/rtnl's, shared
// with the interfaces package (one reused receive buffer); the messages
// are decoded in place by decodeRoute, a pure function over bytes (fuzzed
// by FuzzDecodeRoute).

// From linux/netlink.h and linux/rtnetlink.h.
const (
	rtmsgLen     = 12
	ifinfomsgLen = 16
	rtaHdrLen    = 4
	rtnhLen      = 8

	rtmNewLink    = 16
	rtmGetLink    = 18
	rtmNewRoute   = 24
	rtmGetRoute   = 26
	iflaIfname    = 3
	rtmFCloned    = 0x200
	rtmFPrefix    = 0x800
	rtTableMain   = 254
	rtTableLocal  = 255
	rtprotKernel  = 2
	rtprotRA      = 9
	nlaTypeMask   = 0x3fff // strips NLA_F_NESTED and NLA_F_NET_BYTEORDER
	loopbackIndex = 1      // every network namespace's lo

	rtaDst       = 1
	rtaSrc       = 2
	rtaOIF       = 4
	rtaGateway   = 5
	rtaPriority  = 6
	rtaMetrics   = 8
	rtaMultipath = 9
	rtaCacheInfo = 12
	rtaTable     = 15
	rtaVia       = 18
	rtaPref      = 20
	rtaNHID      = 30

	rtaxMTU    = 2
	rtaxWindow = 3
	rtaxRTT    = 4
	rtaxAdvMSS = 8

	rtnUnicast     = 1
	rtnLocal       = 2
	rtnBroadcast   = 3
	rtnAnycast     = 4
	rtnMulticast   = 5
	rtnBlackhole   = 6
	rtnUnreachable = 7
	rtnProhibit    = 8
	rtnThrow       = 9
)

var ne = binary.NativeEndian

// errMalformed is wrapped by decoding errors.
var errMalformed = errors.New("routes: malformed rtnetlink message")

// rtHop is one next hop.
type rtHop struct {
	OIF     int32
	Gateway netip.Addr // invalid when absent
	Via     bool       // RTA_VIA: a gateway of another family
}

// rtRoute is an RTM_NEWROUTE message, decoded but not interpreted.
type rtRoute struct {
	Family                               uint8
	DstLen, SrcLen, Tos, Protocol, Scope uint8
	Type                                 uint8
	Flags                                uint32
	Table                                uint32 // RTA_TABLE, else rtm_table
	Dst, Src                             netip.Addr
	Priority                             uint32
	Hop                                  rtHop   // RTA_OIF, RTA_GATEWAY, RTA_VIA
	Multipath                            []rtHop // RTA_MULTIPATH
	MTU, Window, RTT, AdvMSS             uint32  // RTA_METRICS
	Pref                                 uint8
	HasPref                              bool
	ClntRef, Used                        uint32 // RTA_CACHEINFO
	Expires                              int32
	NHID                                 uint32
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errMalformed}, args...)...)
}

// attrs calls fn for each rtattr in b. Lengths are checked; a short or
// overlong attribute is an error.
func attrs(b []byte, fn func(typ uint16, v []byte) error) error {
	for len(b) > 0 {
		if len(b) < rtaHdrLen {
			return malformed("%d trailing bytes", len(b))
		}
		l := int(ne.Uint16(b[0:2]))
		if l < rtaHdrLen || l > len(b) {
			return malformed("attribute length %d of %d bytes", l, len(b))
		}
		if err := fn(ne.Uint16(b[2:4])&nlaTypeMask, b[rtaHdrLen:l]); err != nil {
			return err
		}
		a := (l + 3) &^ 3
		if a > len(b) {
			a = len(b)
		}
		b = b[a:]
	}
	return nil
}

func u32(v []byte, what string) (uint32, error) {
	if len(v) < 4 {
		return 0, malformed("%s of %d bytes", what, len(v))
	}
	return ne.Uint32(v), nil
}

func addr(family uint8, v []byte, what string) (netip.Addr, error) {
	switch {
	case family == unix.AF_INET && len(v) == 4:
		return netip.AddrFrom4([4]byte(v)), nil
	case family == unix.AF_INET6 && len(v) == 16:
		return netip.AddrFrom16([16]byte(v)), nil
	}
	return netip.Addr{}, malformed("%s of %d bytes for family %d", what, len(v), family)
}

// hopAttr decodes RTA_GATEWAY and RTA_VIA into h.
func hopAttr(family uint8, typ uint16, v []byte, h *rtHop) error {
	var err error
	switch typ {
	case rtaGateway:
		h.Gateway, err = addr(family, v, "RTA_GATEWAY")
	case rtaVia:
		if len(v) < 2 {
			return malformed("RTA_VIA of %d bytes", len(v))
		}
		h.Via = true
	}
	return err
}

// decodeRoute decodes the payload of an RTM_NEWROUTE message (rtmsg and
// attributes). It never panics and fails only with errMalformed.
func decodeRoute(b []byte) (rtRoute, error) {
	var r rtRoute
	if len(b) < rtmsgLen {
		return rtRoute{}, malformed("rtmsg of %d bytes", len(b))
	}
	r.Family, r.DstLen, r.SrcLen, r.Tos = b[0], b[1], b[2], b[3]
	r.Table, r.Protocol, r.Scope, r.Type = uint32(b[4]), b[5], b[6], b[7]
	r.Flags = ne.Uint32(b[8:12])
	bitLen := 0
	switch r.Family {
	case unix.AF_INET:
		bitLen = 32
	case unix.AF_INET6:
		bitLen = 128
	default:
		return rtRoute{}, malformed("family %d", r.Family)
	}
	if int(r.DstLen) > bitLen || int(r.SrcLen) > bitLen {
		return rtRoute{}, malformed("prefix lengths %d/%d", r.DstLen, r.SrcLen)
	}
	err := attrs(b[rtmsgLen:], func(typ uint16, v []byte) error {
		var err error
		switch typ {
		case rtaDst:
			r.Dst, err = addr(r.Family, v, "RTA_DST")
		case rtaSrc:
			r.Src, err = addr(r.Family, v, "RTA_SRC")
		case rtaOIF:
			var x uint32
			x, err = u32(v, "RTA_OIF")
			r.Hop.OIF = int32(x)
		case rtaGateway, rtaVia:
			err = hopAttr(r.Family, typ, v, &r.Hop)
		case rtaPriority:
			r.Priority, err = u32(v, "RTA_PRIORITY")
		case rtaTable:
			r.Table, err = u32(v, "RTA_TABLE")
		case rtaNHID:
			r.NHID, err = u32(v, "RTA_NH_ID")
		case rtaPref:
			if len(v) < 1 {
				return malformed("RTA_PREF of 0 bytes")
			}
			r.Pref, r.HasPref = v[0], true
		case rtaCacheInfo:
			// struct rta_cacheinfo: clntref, lastuse, expires, error, used, ...
			if len(v) < 20 {
				return malformed("RTA_CACHEINFO of %d bytes", len(v))
			}
			r.ClntRef, r.Expires, r.Used = ne.Uint32(v[0:4]), int32(ne.Uint32(v[8:12])), ne.Uint32(v[16:20])
		case rtaMetrics:
			err = attrs(v, func(typ uint16, v []byte) error {
				var p *uint32
				switch typ {
				case rtaxMTU:
					p = &r.MTU
				case rtaxWindow:
					p = &r.Window
				case rtaxRTT:
					p = &r.RTT
				case rtaxAdvMSS:
					p = &r.AdvMSS
				default:
					return nil
				}
				var err error
				*p, err = u32(v, "RTA_METRICS member")
				return err
			})
		case rtaMultipath:
			r.Multipath = r.Multipath[:0]
			for len(v) > 0 {
				if len(v) < rtnhLen {
					return malformed("rtnexthop of %d bytes", len(v))
				}
				l := int(ne.Uint16(v[0:2]))
				if l < rtnhLen || l > len(v) {
					return malformed("rtnexthop length %d of %d bytes", l, len(v))
				}
				h := rtHop{OIF: int32(ne.Uint32(v[4:8]))}
				if err := attrs(v[rtnhLen:l], func(typ uint16, v []byte) error {
					return hopAttr(r.Family, typ, v, &h)
				}); err != nil {
					return err
				}
				r.Multipath = append(r.Multipath, h)
				a := (l + 3) &^ 3
				if a > len(v) {
					a = len(v)
				}
				v = v[a:]
			}
		}
		return err
	})
	if err != nil {
		return rtRoute{}, err
	}
	return r, nil
}

// decodeLink returns the index and name of an RTM_NEWLINK payload.
func decodeLink(b []byte) (int32, string, error) {
	if len(b) < ifinfomsgLen {
		return 0, "", malformed("ifinfomsg of %d bytes", len(b))
	}
	index := int32(ne.Uint32(b[4:8]))
	var name string
	err := attrs(b[ifinfomsgLen:], func(typ uint16, v []byte) error {
		if typ == iflaIfname {
			for i, c := range v {
				if c == 0 {
					v = v[:i]
					break
				}
			}
			name = string(v)
		}
		return nil
	})
	return index, name, err
}

// prefix returns a/l, a defaulting to the family's unspecified address.
func prefix(a netip.Addr, family Family, l uint8) netip.Prefix {
	if !a.IsValid() {
		a = unspecified(family)
	}
	return netip.PrefixFrom(a, int(l))
}

func unspecified(family Family) netip.Addr {
	if family == IPv4 {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

func ifname(names map[int32]string, index int32, none string) string {
	if index == 0 {
		return none
	}
	if n, ok := names[index]; ok {
		return n
	}
	return none
}

// route4 builds the row /proc/net/route shows for r, which lists the main
// table's routes other than broadcast and multicast ones, with the first
// next hop, reference count and use 0, MTU = advmss+40 and IRTT = rtt/8.
func route4(r *rtRoute, names map[int32]string) (Route, bool) {
	if r.Table != rtTableMain || r.Type == rtnBroadcast || r.Type == rtnMulticast || r.Flags&rtmFCloned != 0 {
		return Route{}, false
	}
	h := r.Hop
	if len(r.Multipath) > 0 {
		h = r.Multipath[0]
	}
	out := Route{
		Family: IPv4, Destination: prefix(r.Dst, IPv4, r.DstLen), Gateway: netip.IPv4Unspecified(),
		Flags: Up, Interface: ifname(names, h.OIF, "*"), Metric: r.Priority,
		Window: r.Window, IRTT: r.RTT >> 3,
	}
	if r.Type == rtnUnreachable || r.Type == rtnProhibit {
		out.Flags |= Reject
	}
	if h.Gateway.IsValid() || h.Via {
		out.Flags |= Gateway
	}
	if h.Gateway.Is4() {
		out.Gateway = h.Gateway
	}
	if r.DstLen == 32 {
		out.Flags |= Host
	}
	if r.AdvMSS != 0 {
		out.MTU = r.AdvMSS + 40
	}
	return out, true
}

// route6 appends the rows /proc/net/ipv6_route shows for r: one per next
// hop (the kernel keeps each multipath sibling as a route of its own).
func route6(rs []Route, r *rtRoute, names map[int32]string) []Route {
	if r.Flags&rtmFCloned != 0 {
		return rs
	}
	base := Route{
		Family: IPv6, Destination: prefix(r.Dst, IPv6, r.DstLen), Source: prefix(r.Src, IPv6, r.SrcLen),
		Metric: r.Priority, RefCount: int32(r.ClntRef), Use: r.Used,
	}
	// Rebuild fib6_flags from what the dump reports.
	switch r.Type {
	case rtnBlackhole, rtnUnreachable, rtnProhibit, rtnThrow:
		base.Flags = Reject | NoNextHop
	default:
		base.Flags = Up
		switch r.Type {
		case rtnLocal:
			base.Flags |= Local
		case rtnAnycast:
			base.Flags |= Anycast
		}
		if (r.Type == rtnLocal || r.Type == rtnAnycast) && r.Protocol == rtprotKernel {
			base.Flags |= NoNextHop // addrconf's own address routes
		}
		if r.HasPref {
			base.Flags |= Flags(r.Pref&3) << 27 // RTF_PREF(pref)
		}
		if r.Flags&rtmFPrefix != 0 {
			base.Flags |= AddrConf | PrefixRT
		} else if r.Protocol == rtprotRA {
			if r.DstLen == 0 {
				base.Flags |= AddrConf | Default
			} else {
				base.Flags |= AddrConf | RouteInfo
			}
		}
	}
	if r.Expires != 0 {
		base.Flags |= Expires
	}
	hops := r.Multipath
	if len(hops) == 0 {
		hops = []rtHop{r.Hop}
	}
	for _, h := range hops {
		out := base
		out.Gateway = netip.IPv6Unspecified()
		if h.Gateway.Is6() {
			out.Gateway = h.Gateway
			out.Flags |= Gateway
		}
		out.Interface = ifname(names, h.OIF, "")
		rs = append(rs, out)
	}
	return rs
}

// nullRoute6 is the reject entry at the root of an IPv6 table without a
// default route (net->ipv6.fib6_null_entry), which /proc/net/ipv6_route
// lists last in that table and the dump omits. Its RefCount in /proc is
// the null entry's reference count, which the dump cannot tell.
func nullRoute6(names map[int32]string) Route {
	return Route{
		Family: IPv6, Destination: netip.PrefixFrom(netip.IPv6Unspecified(), 0),
		Source: netip.PrefixFrom(netip.IPv6Unspecified(), 0), Gateway: netip.IPv6Unspecified(),
		Flags: Reject | NoNextHop, Interface: ifname(names, loopbackIndex, "lo"), Metric: ^uint32(0),
	}
}

// table6 is one IPv6 table's rows in dump order.
type table6 struct {
	id          uint32
	rows        []Route
	rootHasLeaf bool // a route at ::/0 from ::/0
}

// assemble6 lays out IPv6 tables as /proc/net/ipv6_route does: the
// kernel's table hash order (bucket id&255 ascending, which the dump
// follows), with the always-present main and local tables even when empty
// (they are created first, so they come last in their buckets), each
// followed by its null entry when it has no default route.
func assemble6(tables []*table6, names map[int32]string) []Route {
	has := func(id uint32) bool {
		for _, t := range tables {
			if t.id == id {
				return true
			}
		}
		return false
	}
	insert := func(id uint32) {
		i := len(tables)
		for j, t := range tables {
			if t.id&255 > id&255 {
				i = j
				break
			}
		}
		tables = append(tables[:i], append([]*table6{{id: id}}, tables[i:]...)...)
	}
	if !has(rtTableMain) {
		insert(rtTableMain)
	}
	if !has(rtTableLocal) {
		insert(rtTableLocal)
	}
	var rs []Route
	for _, t := range tables {
		rs = append(rs, t.rows...)
		if !t.rootHasLeaf {
			rs = append(rs, nullRoute6(names))
		}
	}
	return rs
}

// links returns the interface names by index (RTM_GETLINK dump).
func links(c *rtnl.Conn) (map[int32]string, error) {
	names := map[int32]string{}
	err := c.Dump(rtmGetLink, make([]byte, ifinfomsgLen), func(typ uint16, p []byte) error {
		if typ != rtmNewLink {
			return nil
		}
		i, n, err := decodeLink(p)
		if err == nil {
			names[i] = n
		}
		return err
	})
	return names, err
}

// routes dumps family's routes and returns the rows /proc shows.
func dumpRoutes(c *rtnl.Conn, family Family, names map[int32]string) ([]Route, error) {
	body := make([]byte, rtmsgLen)
	body[0] = unix.AF_INET
	if family == IPv6 {
		body[0] = unix.AF_INET6
	}
	var rs []Route
	var tables []*table6
	err := c.Dump(rtmGetRoute, body, func(typ uint16, p []byte) error {
		if typ != rtmNewRoute {
			return nil
		}
		r, err := decodeRoute(p)
		if err != nil {
			return err
		}
		if r.Family != body[0] {
			return nil
		}
		if family == IPv4 {
			if out, ok := route4(&r, names); ok {
				rs = append(rs, out)
			}
			return nil
		}
		if r.Flags&rtmFCloned != 0 {
			return nil
		}
		if len(tables) == 0 || tables[len(tables)-1].id != r.Table {
			tables = append(tables, &table6{id: r.Table})
		}
		t := tables[len(tables)-1]
		t.rows = route6(t.rows, &r, names)
		if r.DstLen == 0 && r.SrcLen == 0 {
			t.rootHasLeaf = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if family == IPv6 {
		rs = assemble6(tables, names)
	}
	return rs, nil
}

// listNetlink lists family's routes from an rtnetlink dump made in the
// calling thread's network namespace, retrying a dump the kernel flagged
// as interrupted.
func listNetlink(family Family) ([]Route, error) {
	c, err := rtnl.Dial()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	for attempt := 0; ; attempt++ {
		names, err := links(c)
		var rs []Route
		if err == nil {
			rs, err = dumpRoutes(c, family, names)
		}
		if errors.Is(err, rtnl.ErrDumpInterrupted) && attempt < 3 {
			continue
		}
		return rs, err
	}
}
