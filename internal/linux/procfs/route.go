package procfs

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/netip"
)

// RouteRow is one line of /proc/net/route (see fib_route_seq_show in
// net/ipv4/fib_trie.c). Addresses are printed by the kernel as the
// native-endian value of the network-order word, which is undone here.
type RouteRow struct {
	Iface             string // "*" for routes without a device (blackhole)
	Destination       netip.Addr
	Gateway           netip.Addr
	Flags             uint32 // RTF_* bits
	RefCnt            int32  // always 0 on modern kernels
	Use               uint32
	Metric            uint32
	Mask              netip.Addr
	MTU, Window, IRTT uint32 // MTU is the advertised MSS + 40
}

// ParseRoute calls fn for every row of /proc/net/route read from r. name
// is used in errors. Fields after the eleventh (from a newer kernel) are
// ignored. Errors and SkipMalformed are as for ParseInet.
func ParseRoute(r io.Reader, name string, fn func(*RouteRow) error, opts ...Option) error {
	var row RouteRow
	var f [11][]byte
	return scanLines(r, name, warnOf(opts), func(l []byte) bool { return firstTabFieldIs(l, "Iface") }, func(line []byte) (string, error) {
		row = RouteRow{}
		// Lines are tab-separated and padded with spaces to 127 bytes.
		line = bytes.TrimRight(line, " ")
		for i := range f {
			if line == nil {
				return "want 11 tab-separated fields", nil
			}
			var ok bool
			f[i], line, ok = bytes.Cut(line, []byte{'\t'})
			if !ok {
				line = nil
			}
		}
		if len(f[0]) == 0 || bytes.ContainsAny(f[0], " \x00") {
			return "Iface: want a device name", nil
		}
		row.Iface = string(f[0])
		var reason string
		addr := func(b []byte, name string) netip.Addr {
			if reason != "" {
				return netip.Addr{}
			}
			v, r := hexField(b, 32, name)
			if r != "" || len(b) != 8 {
				reason = name + ": want 8 hex digits"
				return netip.Addr{}
			}
			var a [4]byte
			binary.NativeEndian.PutUint32(a[:], uint32(v))
			return netip.AddrFrom4(a)
		}
		num := func(b []byte, name string, hex bool) uint32 {
			if reason != "" {
				return 0
			}
			var v uint64
			if hex {
				v, reason = hexField(b, 32, name)
			} else if len(b) > 0 && b[0] == '-' {
				// RefCnt is printed with %d: down to -2^31.
				v, reason = decField(b[1:], 32, name)
				if reason == "" && v > 1<<31 {
					reason = name + ": want a decimal number of at least -2147483648"
				}
				v = uint64(-int64(v))
			} else {
				v, reason = decField(b, 32, name)
			}
			return uint32(v)
		}
		row.Destination = addr(f[1], "Destination")
		row.Gateway = addr(f[2], "Gateway")
		row.Flags = num(f[3], "Flags", true)
		row.RefCnt = int32(num(f[4], "RefCnt", false))
		row.Use = num(f[5], "Use", false)
		row.Metric = num(f[6], "Metric", false)
		row.Mask = addr(f[7], "Mask")
		row.MTU = num(f[8], "MTU", false)
		row.Window = num(f[9], "Window", false)
		row.IRTT = num(f[10], "IRTT", false)
		if reason != "" {
			return reason, nil
		}
		return "", fn(&row)
	})
}

func firstTabFieldIs(line []byte, word string) bool {
	f, _, _ := bytes.Cut(line, []byte{'\t'})
	return string(f) == word
}

// IPv6RouteRow is one line of /proc/net/ipv6_route (ipv6_route_native_seq_show
// in net/ipv6/route.c).
type IPv6RouteRow struct {
	Destination netip.Prefix
	Source      netip.Prefix
	Gateway     netip.Addr
	Metric      uint32
	RefCnt      uint32
	Use         uint32
	Flags       uint32
	Iface       string
}

// ParseIPv6Route calls fn for every row of /proc/net/ipv6_route read from
// r. The file has no header. name is used in errors. Fields after the
// device (from a newer kernel) are ignored. Errors and SkipMalformed are
// as for ParseInet.
func ParseIPv6Route(r io.Reader, name string, fn func(*IPv6RouteRow) error, opts ...Option) error {
	var row IPv6RouteRow
	return scanLines(r, name, warnOf(opts), func([]byte) bool { return false }, func(line []byte) (string, error) {
		row = IPv6RouteRow{}
		var reason string
		next := func(name string) []byte {
			var f []byte
			f, line = field(line)
			if len(f) == 0 && reason == "" {
				reason = "too few fields (no " + name + ")"
			}
			return f
		}
		addr := func(name string) netip.Addr {
			f := next(name)
			if reason != "" {
				return netip.Addr{}
			}
			if len(f) != 32 {
				reason = name + ": want 32 hex digits"
				return netip.Addr{}
			}
			var a [16]byte
			for i := range 2 {
				v, ok := parseHex(f[i*16:i*16+16], 64)
				if !ok {
					reason = name + ": want 32 hex digits"
					return netip.Addr{}
				}
				binary.BigEndian.PutUint64(a[i*8:], v)
			}
			return netip.AddrFrom16(a)
		}
		hex := func(name string, bits uint) uint32 {
			f := next(name)
			if reason != "" {
				return 0
			}
			v, r := hexField(f, bits, name)
			reason = r
			return uint32(v)
		}
		prefix := func(name string) netip.Prefix {
			a := addr(name)
			n := hex(name+" length", 8)
			if reason != "" {
				return netip.Prefix{}
			}
			if n > 128 {
				reason = name + " length: more than 128"
				return netip.Prefix{}
			}
			return netip.PrefixFrom(a, int(n))
		}
		row.Destination = prefix("destination")
		row.Source = prefix("source")
		row.Gateway = addr("next hop")
		row.Metric = hex("metric", 32)
		row.RefCnt = hex("refcnt", 32)
		row.Use = hex("use", 32)
		row.Flags = hex("flags", 32)
		dev := next("device")
		if reason != "" {
			return reason, nil
		}
		row.Iface = string(dev)
		return "", fn(&row)
	})
}
