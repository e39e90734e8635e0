package procfs

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/netip"
)

// IGMPRow is one IPv4 multicast group membership of /proc/net/igmp.
type IGMPRow struct {
	Index  uint32 // interface index
	Device []byte // interface name, valid until fn returns
	Group  netip.Addr
	Users  uint32 // how many sockets (and the kernel itself) joined
}

// ParseIGMP calls fn for every group of /proc/net/igmp text read from r.
// The file (net/ipv4/igmp.c, igmp_mc_seq_show) has a header line
//
//	Idx	Device    : Count Querier	Group    Users Timer	Reporter
//
// then, per interface, a device line "IDX\tNAME: COUNT QUERIER" (NAME
// left-aligned in 10 columns) followed by one line per group, starting
// with a tab: "\t\t\t\tGROUP USERS TIMER_ON:TIMER\t\tREPORTER" where GROUP
// is the address as a host-order 32-bit hex word (as in /proc/net/tcp).
// A group line before any device line is malformed. With SkipMalformed
// (see ParseInet) a malformed line is a warning and skipped; the group
// lines that follow a skipped device line are skipped too, each with a
// warning, as their device is unknown. Extra fields at the end of a line
// (from a newer kernel) are ignored.
func ParseIGMP(r io.Reader, name string, fn func(*IGMPRow) error, opts ...Option) error {
	var row IGMPRow
	var dev []byte
	haveDev := false
	return scanLines(r, name, warnOf(opts), func(line []byte) bool { return bytes.HasPrefix(line, []byte("Idx\t")) },
		func(line []byte) (string, error) {
			if len(line) > 0 && line[0] == '\t' {
				if !haveDev {
					return "group line without a valid device line before it", nil
				}
				g, rest := fieldWS(line)
				users, _ := fieldWS(rest)
				if len(users) == 0 {
					return "too few fields (no users)", nil
				}
				if len(g) != 8 {
					return "group: want 8 hex digits", nil
				}
				v, ok := parseHex(g, 32)
				if !ok {
					return "group: want 8 hex digits", nil
				}
				u, reason := decField(users, 32, "users")
				if reason != "" {
					return reason, nil
				}
				var b [4]byte
				binary.NativeEndian.PutUint32(b[:], uint32(v))
				row.Device, row.Group, row.Users = dev, netip.AddrFrom4(b), uint32(u)
				return "", fn(&row)
			}
			// Until this line is known good, its groups have no device.
			haveDev = false
			tab := bytes.IndexByte(line, '\t')
			if tab < 0 {
				return "device line: want INDEX, a tab and NAME:", nil
			}
			idx, reason := decField(line[:tab], 32, "index")
			if reason != "" {
				return reason, nil
			}
			rest := line[tab+1:]
			c := bytes.IndexByte(rest, ':')
			if c < 0 {
				return "device: want a name followed by ':'", nil
			}
			d := bytes.TrimRight(rest[:c], " ")
			if len(d) == 0 || bytes.IndexByte(d, ' ') >= 0 {
				return "device: want a name without spaces", nil
			}
			f, tail := field(rest[c+1:])
			if _, reason := decField(f, 32, "count"); reason != "" {
				return reason, nil
			}
			if f, _ := field(tail); len(f) == 0 {
				return "too few fields (no querier)", nil
			}
			dev = append(dev[:0], d...)
			row.Index = uint32(idx)
			haveDev = true
			return "", nil
		})
}

// IGMP6Row is one IPv6 multicast group membership of /proc/net/igmp6.
type IGMP6Row struct {
	Index  uint32
	Device []byte // valid until fn returns
	Group  netip.Addr
	Users  uint32
}

// ParseIGMP6 calls fn for every line of /proc/net/igmp6 text read from r
// (net/ipv6/mcast.c, igmp6_mc_seq_show):
//
//	IDX NAME GROUP USERS FLAGS TIMER
//
// with GROUP as 32 hex digits in network byte order, FLAGS hex and TIMER
// decimal. The file has no header. Extra fields after TIMER (from a newer
// kernel) are ignored. Errors and SkipMalformed are as for ParseInet.
func ParseIGMP6(r io.Reader, name string, fn func(*IGMP6Row) error, opts ...Option) error {
	var row IGMP6Row
	return scanLines(r, name, warnOf(opts), func([]byte) bool { return false }, func(line []byte) (string, error) {
		f, rest := field(line)
		idx, reason := decField(f, 32, "index")
		if reason != "" {
			return reason, nil
		}
		row.Index = uint32(idx)
		row.Device, rest = field(rest)
		if len(row.Device) == 0 {
			return "too few fields (no device)", nil
		}
		f, rest = field(rest)
		if len(f) != 32 {
			return "group: want 32 hex digits", nil
		}
		var a [16]byte
		for i := range a {
			v, ok := parseHex(f[2*i:2*i+2], 8)
			if !ok {
				return "group: want 32 hex digits", nil
			}
			a[i] = byte(v)
		}
		row.Group = netip.AddrFrom16(a)
		f, rest = field(rest)
		u, reason := decField(f, 32, "users")
		if reason != "" {
			return reason, nil
		}
		row.Users = uint32(u)
		f, rest = field(rest)
		if _, reason := hexField(f, 32, "flags"); reason != "" {
			return reason, nil
		}
		if f, _ = field(rest); len(f) == 0 {
			return "too few fields (no timer)", nil
		}
		return "", fn(&row)
	})
}
