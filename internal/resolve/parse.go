package resolve

import (
	"bufio"
	"bytes"
	"io"
	"net/netip"
)

// The parsers below are pure functions of their input so that they can be
// fuzzed. They never fail on content: a line the C library would reject is
// skipped. Only a read error is returned, together with everything parsed
// before it.

// services holds /etc/services entries for the two protocols netstat looks
// up; other protocols are dropped at parse time to keep the tables small.
type services struct {
	tcp, udp map[uint16]string
}

// parseServices reads an /etc/services file: "name port/proto aliases...".
// A later entry for the same port and protocol replaces an earlier one,
// which is what netstat prints (see the package documentation).
func parseServices(r io.Reader) (services, error) {
	s := services{tcp: map[uint16]string{}, udp: map[uint16]string{}}
	err := eachLine(r, func(line []byte) {
		line = cutComment(line)
		name, rest := nextField(line)
		pp, _ := nextField(rest)
		if len(name) == 0 {
			return
		}
		slash := bytes.IndexByte(pp, '/')
		if slash < 0 {
			return
		}
		port, ok := parseUint(pp[:slash], 0)
		if !ok || port > 1<<32-1 {
			return
		}
		var m map[uint16]string
		switch string(pp[slash+1:]) {
		case "tcp":
			m = s.tcp
		case "udp":
			m = s.udp
		default:
			return
		}
		// glibc keeps the low 16 bits of an oversized port.
		m[uint16(port)] = string(name)
	})
	return s, err
}

// protocols maps an IP protocol number to its name; "" means none.
type protocols [256]string

// parseProtocols reads an /etc/protocols file: "name number aliases...".
// As with services, a later entry for a number wins.
func parseProtocols(r io.Reader) (*protocols, error) {
	p := new(protocols)
	err := eachLine(r, func(line []byte) {
		line = cutComment(line)
		name, rest := nextField(line)
		num, _ := nextField(rest)
		if len(name) == 0 {
			return
		}
		n, ok := parseUint(num, 10)
		// glibc keeps the number as an int, so a value above 255 names
		// no protocol a socket can have; it is not truncated.
		if !ok || n > 255 {
			return
		}
		p[n] = string(name)
	})
	return p, err
}

// parsePasswd reads an /etc/passwd file: "name:password:uid:gid:...". The
// first line for a UID wins, as with getpwuid. glibc's files back end
// needs at least the four fields up to the GID and both numbers valid; it
// skips NIS "+"/"-" lines and lines starting with '#', and does not strip
// '#' comments elsewhere. An empty name is kept: netstat prints it as such.
func parsePasswd(r io.Reader) (map[uint32]string, error) {
	m := map[uint32]string{}
	err := eachLine(r, func(line []byte) {
		line = trimSpaceLeft(line)
		if len(line) == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			return
		}
		name, rest, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return
		}
		_, rest, ok = bytes.Cut(rest, []byte{':'}) // password
		if !ok {
			return
		}
		uidField, rest, ok := bytes.Cut(rest, []byte{':'})
		if !ok {
			return
		}
		gidField, _, _ := bytes.Cut(rest, []byte{':'})
		// strtoul skips leading blanks but the number must end the field.
		uid, ok := parseUint(trimSpaceLeft(uidField), 10)
		if !ok || uid > 1<<32-1 {
			return
		}
		if gid, ok := parseUint(trimSpaceLeft(gidField), 10); !ok || gid > 1<<32-1 {
			return
		}
		if _, dup := m[uint32(uid)]; !dup {
			m[uint32(uid)] = string(name)
		}
	})
	return m, err
}

var (
	ipv4Loopback = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	ipv6Loopback = netip.IPv6Loopback()
)

// parseHosts reads an /etc/hosts file: "address canonical aliases...". The
// first line for an address wins. As in glibc, a "::ffff:a.b.c.d" line
// also answers IPv4 queries for a.b.c.d, and a "::1" line answers them for
// 127.0.0.1, unless an earlier line did; an IPv4 line never answers an
// IPv6 query, IPv4-mapped or not. A line with no names
// maps its address to "", as glibc reports such a line. Addresses with a
// zone ("fe80::1%eth0") are skipped: inet_pton rejects them.
func parseHosts(r io.Reader) (map[netip.Addr]string, error) {
	m := map[netip.Addr]string{}
	err := eachLine(r, func(line []byte) {
		line = cutComment(line)
		addrField, rest := nextField(line)
		if len(addrField) == 0 {
			return
		}
		// netip.ParseAddr agrees with inet_pton on what matters here:
		// dotted quads only, no leading zeros, no "127.1" short forms.
		a, err := netip.ParseAddr(string(addrField))
		if err != nil || a.Zone() != "" {
			return
		}
		name, _ := nextField(rest)
		setFirst(m, a, name)
		switch {
		case a.Is4In6():
			setFirst(m, a.Unmap(), name)
		case a == ipv6Loopback:
			setFirst(m, ipv4Loopback, name)
		}
	})
	return m, err
}

// setFirst records name for a unless an earlier line did.
func setFirst(m map[netip.Addr]string, a netip.Addr, name []byte) {
	if _, dup := m[a]; !dup {
		m[a] = string(name)
	}
}

// maxLine bounds how much of one line is kept. glibc reads lines of any
// length, but names past this are not plausible and a bound keeps a
// corrupt or hostile file from costing unbounded memory.
const maxLine = 1 << 20

// eachLine calls fn with each line of r, without its newline. As in C,
// where lines are strings, a line ends at its first NUL byte. A final line
// without a newline counts.
func eachLine(r io.Reader, fn func(line []byte)) error {
	br := bufio.NewReaderSize(r, 4096)
	var long []byte // a line longer than the buffer, being assembled
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull || long != nil {
			// Keep a prefix of an overlong line; the rest is dropped.
			long = append(long, chunk[:min(len(chunk), maxLine-len(long))]...)
			if err == bufio.ErrBufferFull {
				continue
			}
			chunk, long = long, nil
		}
		if len(chunk) > 0 {
			line := bytes.TrimSuffix(chunk, []byte{'\n'})
			if i := bytes.IndexByte(line, 0); i >= 0 {
				line = line[:i]
			}
			fn(line)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// isSpace is C's isspace in the "C" locale, which glibc's parsers use to
// split fields.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func trimSpaceLeft(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// nextField returns the first blank-separated field of b and what follows
// it; field is empty when b holds only blanks.
func nextField(b []byte) (field, rest []byte) {
	b = trimSpaceLeft(b)
	i := 0
	for i < len(b) && !isSpace(b[i]) {
		i++
	}
	return b[:i], b[i:]
}

// cutComment drops everything from the first '#', which glibc treats as a
// comment anywhere on a line of services, protocols and hosts.
func cutComment(b []byte) []byte {
	if i := bytes.IndexByte(b, '#'); i >= 0 {
		return b[:i]
	}
	return b
}

// parseUint reads all of b as C's strtoul would with the given base (0 or
// 10), and reports false if b is not entirely a number. Like strtoul it
// accepts a sign, negates a value after '-' modulo 2^64, and saturates at
// 2^64-1 on overflow; callers then apply glibc's range checks, which is how
// "-1" and "-65535" end up rejected while "-0" is 0.
func parseUint(b []byte, base int) (uint64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if base == 0 {
		switch {
		case len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') && digitVal(b[2]) < 16:
			base, b = 16, b[2:]
		case len(b) > 1 && b[0] == '0':
			base = 8
		default:
			base = 10
		}
	}
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	overflow := false
	for _, c := range b {
		d := digitVal(c)
		if d >= base {
			return 0, false
		}
		if v > (1<<64-1-uint64(d))/uint64(base) {
			overflow = true
		}
		v = v*uint64(base) + uint64(d)
	}
	if overflow {
		return 1<<64 - 1, true
	}
	if neg {
		v = -v
	}
	return v, true
}

// digitVal is the value of c as a digit in any base up to 36, or 36.
func digitVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 36
}
