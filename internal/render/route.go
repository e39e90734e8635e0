package render

import (
	"net/netip"
	"strconv"

	"github.com/netstat-go/netstat/routes"
)

// RouteNamer names route addresses: Host from the hosts file (and DNS),
// Network from /etc/networks. Each reports false when it has no name.
type RouteNamer interface {
	Host(addr netip.Addr) (string, bool)
	Network(addr netip.Addr) (string, bool)
}

// RouteTable holds the column choices of `netstat -r`.
type RouteTable struct {
	Extend int        // -e: Metric Ref Use; -ee: and MSS Window irtt
	Names  RouteNamer // nil: numeric (-n)
}

// RouteTitle is the line above a routing table; cache for -C.
func RouteTitle(family routes.Family, cache bool) string {
	v, what := "IP", "table"
	if family == routes.IPv6 {
		v = "IPv6"
	}
	if cache {
		what = "cache"
	}
	return "Kernel " + v + " routing " + what + "\n"
}

// RouteHeader is the column header of the IPv4 table (cache: the -C
// form, whose rows modern kernels no longer have).
func (t *RouteTable) RouteHeader(cache bool) string {
	h := "Destination     Gateway         Genmask         "
	if cache {
		h = "Source          Destination     Gateway         "
	}
	switch {
	case t.Extend >= 2:
		h += "Flags Metric Ref    Use Iface    MSS   Window irtt"
		if cache {
			h += "  TOS HHRef HHUptod     SpecDst"
		}
	case t.Extend == 1:
		h += "Flags Metric Ref    Use Iface"
	default:
		h += "Flags   MSS Window  irtt Iface"
	}
	return h + "\n"
}

// Route6Header is the column header of the IPv6 table.
func (t *RouteTable) Route6Header() string {
	return "Destination                    Next Hop                   Flag Met Ref  Use If\n"
}

// flags4 is net-tools' IPv4 flag string: a reject route shows "!" in
// place of U and G.
func flags4(f routes.Flags) string {
	var b []byte
	if f&routes.Reject != 0 {
		b = append(b, '!')
	} else {
		if f&routes.Up != 0 {
			b = append(b, 'U')
		}
		if f&routes.Gateway != 0 {
			b = append(b, 'G')
		}
	}
	for _, l := range []struct {
		f routes.Flags
		c byte
	}{
		{routes.Host, 'H'}, {routes.Reinstate, 'R'}, {routes.Dynamic, 'D'}, {routes.Modified, 'M'},
		{routes.Default, 'd'}, {routes.AllOnLink, 'a'}, {routes.AddrConf, 'c'}, {routes.NoNextHop, 'o'},
		{routes.Expires, 'e'}, {routes.Cache, 'c'}, {routes.Flow, 'f'}, {routes.Policy, 'p'},
		{routes.Local, 'l'}, {routes.MTU, 'u'}, {routes.Window, 'w'}, {routes.IRTT, 'i'}, {0x400, 'n'},
	} {
		if f&l.f != 0 {
			b = append(b, l.c)
		}
	}
	return string(b)
}

// flags6 is net-tools' IPv6 flag string.
func flags6(f routes.Flags) string {
	var b []byte
	for _, l := range []struct {
		f routes.Flags
		c byte
	}{
		{routes.Up, 'U'}, {routes.Reject, '!'}, {routes.Gateway, 'G'}, {routes.Host, 'H'},
		{routes.Default, 'D'}, {routes.AddrConf, 'A'}, {routes.AllOnLink, 'a'}, {routes.Expires, 'e'},
		{routes.Modified, 'm'}, {routes.NoNextHop, 'n'}, {routes.Flow, 'f'}, {routes.Cache, 'C'},
	} {
		if f&l.f != 0 {
			b = append(b, l.c)
		}
	}
	return string(b)
}

// Listed4 reports whether net-tools lists an IPv4 route: only routes that
// are up.
func Listed4(r *routes.Route) bool { return r.Flags&routes.Up != 0 }

// Listed6 reports whether net-tools lists an IPv6 route in the table
// (cache false) or in the -C cache listing.
func Listed6(r *routes.Route, cache bool) bool { return (r.Flags&routes.Cache != 0) == cache }

func maskOf(p netip.Prefix) netip.Addr {
	n := p.Bits()
	var m [4]byte
	for i := range 4 {
		switch {
		case n >= 8:
			m[i] = 0xff
			n -= 8
		case n > 0:
			m[i] = byte(0xff << (8 - n))
			n = 0
		}
	}
	return netip.AddrFrom4(m)
}

// name4 is an IPv4 destination or gateway as net-tools shows it with
// names: the unspecified address is never looked up ("default" when it is
// the default route's destination), a network address is named from
// /etc/networks only, anything else as a host.
func (t *RouteTable) name4(a netip.Addr, bits int, dest, host bool) string {
	if name, ok := t.lookup4(a, bits, dest, host); ok {
		return escaped(name)
	}
	return a.String()
}

// lookup4 is name4's name, unescaped; false when the address shows as a
// number.
func (t *RouteTable) lookup4(a netip.Addr, bits int, dest, host bool) (string, bool) {
	if t.Names == nil || a.IsUnspecified() {
		if dest && t.Names != nil && bits == 0 {
			return "default", true
		}
		return "", false
	}
	if dest && !host && netip.PrefixFrom(a, bits).Masked().Addr() == a {
		return t.Names.Network(a)
	}
	return t.Names.Host(a)
}

func padCut(b []byte, s string, w int) []byte {
	if len(s) > w {
		s = s[:w]
	}
	return padRight(b, s, w)
}

func appendInt(b []byte, v int64, w int, left bool) []byte {
	s := strconv.FormatInt(v, 10)
	if left {
		return padRight(b, s, w)
	}
	for i := len(s); i < w; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// AppendRoute appends one IPv4 row, newline included.
func (t *RouteTable) AppendRoute(b []byte, r *routes.Route) []byte {
	reject := r.Flags&routes.Reject != 0
	b = padCut(b, t.name4(r.Destination.Addr(), r.Destination.Bits(), true, r.Flags&routes.Host != 0), 15)
	b = append(b, ' ')
	gw := "-"
	if !reject {
		gw = t.name4(r.Gateway, 32, false, true)
	}
	b = padCut(b, gw, 15)
	b = append(b, ' ')
	b = padRight(b, maskOf(r.Destination).String(), 15)
	b = append(b, ' ')
	mss, win, irtt, iface, ref := "-", "-", "-", "-", "-"
	if !reject {
		mss = strconv.FormatInt(int64(int32(r.MTU)), 10)
		win = strconv.FormatInt(int64(int32(r.Window)), 10)
		irtt = strconv.FormatInt(int64(int32(r.IRTT)), 10)
		iface = escaped(r.Interface)
		ref = strconv.FormatInt(int64(r.RefCount), 10)
	}
	switch {
	case t.Extend >= 1:
		b = padRight(b, flags4(r.Flags), 5)
		b = append(b, ' ')
		b = appendInt(b, int64(int32(r.Metric)), 6, true)
		b = append(b, ' ')
		b = padRight(b, ref, 3)
		b = append(b, ' ')
		b = appendInt(b, int64(int32(r.Use)), 6, false)
		b = append(b, ' ')
		if t.Extend >= 2 {
			b = padCut(b, iface, 6)
			b = append(b, "   "...)
			b = padRight(b, mss, 5)
			b = append(b, ' ')
			b = padRight(b, win, 6)
			b = append(b, ' ')
			b = append(b, irtt...)
		} else {
			b = append(b, iface...)
		}
	default:
		b = padRight(b, flags4(r.Flags), 5)
		b = padLeft(b, mss, 6)
		b = append(b, ' ')
		b = padRight(b, win, 6)
		b = append(b, ' ')
		b = padLeft(b, irtt, 5)
		b = append(b, ' ')
		b = append(b, iface...)
	}
	return append(b, '\n')
}

func padLeft(b []byte, s string, w int) []byte {
	for i := len(s); i < w; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// name6 is an IPv6 address as net-tools shows it: with names, the
// unspecified address is "[::]".
func (t *RouteTable) name6(a netip.Addr) string {
	if t.Names == nil {
		return a.String()
	}
	if a.IsUnspecified() {
		return "[::]"
	}
	if n, ok := t.Names.Host(a); ok {
		return escaped(n)
	}
	return a.String()
}

// AppendRoute6 appends one IPv6 row, newline included.
func (t *RouteTable) AppendRoute6(b []byte, r *routes.Route) []byte {
	b = padRight(b, t.name6(r.Destination.Addr())+"/"+strconv.Itoa(r.Destination.Bits()), 30)
	b = append(b, ' ')
	b = padRight(b, t.name6(r.Gateway), 26)
	b = append(b, ' ')
	b = padRight(b, flags6(r.Flags), 4)
	b = append(b, ' ')
	b = appendInt(b, int64(int32(r.Metric)), 3, true)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(r.RefCount), 10)
	b = append(b, ' ')
	b = appendInt(b, int64(int32(r.Use)), 6, false)
	b = append(b, ' ')
	b = append(b, escaped(r.Interface)...)
	return append(b, '\n')
}
