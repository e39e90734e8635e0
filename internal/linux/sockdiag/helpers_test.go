package sockdiag

import "slices"

// Builders for hand-made netlink fixtures. Netlink integers are host order
// (binary.NativeEndian), so the fixtures are right on any machine.

func u16(v uint16) []byte { return ne.AppendUint16(nil, v) }
func u32(v uint32) []byte { return ne.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte { return slices.Concat(parts...) }

func zeros(n int) []byte { return make([]byte, n) }

func pad4(b []byte) []byte { return append(b, zeros((4-len(b)%4)%4)...) }

// nlmsg builds one netlink message, padded to 4 bytes.
func nlmsg(typ, flags uint16, seq, pid uint32, payload []byte) []byte {
	return pad4(cat(u32(uint32(nlmsgHdrLen+len(payload))), u16(typ), u16(flags), u32(seq), u32(pid), payload))
}

// diagMsg is a SOCK_DIAG_BY_FAMILY reply as the kernel sends it in a dump.
func diagMsg(payload []byte) []byte { return nlmsg(sockDiagByFamily, nlmFMulti, 1, 1234, payload) }

// doneMsg is NLMSG_DONE with the given status.
func doneMsg(flags uint16, status int32) []byte {
	return nlmsg(nlmsgDone, nlmFMulti|flags, 1, 1234, u32(uint32(status)))
}

// attr builds one netlink attribute, padded to 4 bytes.
func attr(typ uint16, data []byte) []byte {
	return pad4(cat(u16(uint16(nlaHdrLen+len(data))), u16(typ), data))
}

// attrLen builds an attribute header claiming length n, followed by data,
// without padding: for malformed-length cases.
func attrLen(n, typ uint16, data []byte) []byte { return cat(u16(n), u16(typ), data) }

// inetFixture describes a struct inet_diag_msg for inetPayload.
type inetFixture struct {
	family, state, timer, retrans uint8
	sport, dport                  uint16 // host order; written big-endian
	src, dst                      [16]byte
	ifindex                       uint32
	cookie                        uint64
	expires, rqueue, wqueue, uid  uint32
	inode                         uint32
}

func inetPayload(f inetFixture, attrs ...[]byte) []byte {
	return cat(
		[]byte{f.family, f.state, f.timer, f.retrans},
		[]byte{byte(f.sport >> 8), byte(f.sport), byte(f.dport >> 8), byte(f.dport)},
		f.src[:], f.dst[:],
		u32(f.ifindex), u32(uint32(f.cookie)), u32(uint32(f.cookie>>32)),
		u32(f.expires), u32(f.rqueue), u32(f.wqueue), u32(f.uid), u32(f.inode),
		cat(attrs...),
	)
}

// unixPayload builds a struct unix_diag_msg followed by attrs.
func unixPayload(typ, state uint8, ino uint32, cookie uint64, attrs ...[]byte) []byte {
	return cat([]byte{AFUnix, typ, state, 0}, u32(ino), u32(uint32(cookie)), u32(uint32(cookie>>32)), cat(attrs...))
}

func ip4(a, b, c, d byte) (ip [16]byte) {
	ip[0], ip[1], ip[2], ip[3] = a, b, c, d
	return ip
}

var ip6Loopback = [16]byte{15: 1}
