package sockdiag

import "encoding/binary"

// ne is the byte order of netlink headers and of every non-address field:
// netlink carries host-order integers.
var ne = binary.NativeEndian

// putNlmsghdr writes a struct nlmsghdr for a SOCK_DIAG_BY_FAMILY dump request
// of total length len(b) into b[:16].
func putNlmsghdr(b []byte, seq uint32) {
	ne.PutUint32(b[0:4], uint32(len(b)))
	ne.PutUint16(b[4:6], sockDiagByFamily)
	ne.PutUint16(b[6:8], nlmFRequest|nlmFDump)
	ne.PutUint32(b[8:12], seq)
	ne.PutUint32(b[12:16], 0) // nlmsg_pid: the kernel fills in our port id
}

// InetRequest returns a complete netlink message (struct nlmsghdr followed by
// struct inet_diag_req_v2) asking the kernel to dump every socket of the
// given address family (AFInet or AFInet6) and IP protocol (IPProtoTCP,
// IPProtoUDP, IPProtoUDPLite or IPProtoRaw) whose state bit is set in states
// (bit n selects state n; AllStates selects all). ext is the idiag_ext
// bitmask of extensions to include (bit n-1 requests attribute n); 0 asks for
// none.
//
// seq is echoed in every reply; Conn.Dump uses it to match replies to the
// request.
//
// For IPProtoRaw the sdiag_raw_protocol byte (the pad field of
// inet_diag_req_v2) is set to IPPROTO_RAW; see InetRawRequest.
func InetRequest(seq uint32, family, protocol uint8, states uint32, ext uint8) []byte {
	var rawProto uint8
	if protocol == IPProtoRaw {
		rawProto = IPProtoRaw
	}
	return inetRequest(seq, family, protocol, rawProto, states, ext)
}

// InetRawRequest is InetRequest for raw (SOCK_RAW) sockets: sdiag_protocol is
// IPProtoRaw, which selects the kernel's raw_diag handler, and rawProto is
// stored in sdiag_raw_protocol (struct inet_diag_req_raw, which aliases the
// pad byte of inet_diag_req_v2).
//
// The kernel only looks at sdiag_raw_protocol when it looks up one exact
// socket (or destroys one); a dump returns raw sockets of every protocol
// regardless of it, and reports each socket's protocol in the
// INET_DIAG_PROTOCOL attribute (InetMsg.Protocol). Passing IPProtoRaw, as
// InetRequest does, is the conventional value.
//
// Kernels built without raw_diag (CONFIG_INET_RAW_DIAG unset) accept the
// request and end the dump at once with an NLMSG_DONE whose status is
// -ENOENT (not an NLMSG_ERROR); Messages and Conn.Dump turn that into an
// *Error for which errors.Is(err, syscall.ENOENT) holds.
func InetRawRequest(seq uint32, family, rawProto uint8, states uint32, ext uint8) []byte {
	return inetRequest(seq, family, IPProtoRaw, rawProto, states, ext)
}

func inetRequest(seq uint32, family, protocol, pad uint8, states uint32, ext uint8) []byte {
	b := make([]byte, nlmsgHdrLen+inetReqLen)
	putNlmsghdr(b, seq)
	r := b[nlmsgHdrLen:]
	r[0] = family
	r[1] = protocol
	r[2] = ext
	r[3] = pad
	ne.PutUint32(r[4:8], states)
	// struct inet_diag_sockid: ports, addresses and interface stay zero (no
	// filter); the cookie is INET_DIAG_NOCOOKIE, which is what the kernel
	// expects when no particular socket is meant.
	id := r[8 : 8+inetSockIDLen]
	ne.PutUint32(id[40:44], inetDiagNoCookie)
	ne.PutUint32(id[44:48], inetDiagNoCookie)
	return b
}

// UnixRequest returns a complete netlink message (struct nlmsghdr followed by
// struct unix_diag_req) asking the kernel to dump every AF_UNIX socket whose
// state bit is set in states (AllStates selects all). show is a mask of
// Show* bits naming the attributes to include in each reply.
func UnixRequest(seq uint32, states uint32, show uint32) []byte {
	b := make([]byte, nlmsgHdrLen+unixReqLen)
	putNlmsghdr(b, seq)
	r := b[nlmsgHdrLen:]
	r[0] = AFUnix
	r[1] = 0 // sdiag_protocol: unused for AF_UNIX
	ne.PutUint32(r[4:8], states)
	ne.PutUint32(r[8:12], 0) // udiag_ino: only for single-socket lookups
	ne.PutUint32(r[12:16], show)
	ne.PutUint32(r[16:20], inetDiagNoCookie)
	ne.PutUint32(r[20:24], inetDiagNoCookie)
	return b
}

// ReqBytecode is INET_DIAG_REQ_BYTECODE (linux/inet_diag.h): an attribute
// of an inet_diag request carrying a filter program the kernel runs on
// each socket before reporting it.
const ReqBytecode = 1

// AppendAttr appends a netlink attribute (type typ, payload data, padded
// to 4 bytes) to the request req and updates the message length.
func AppendAttr(req []byte, typ uint16, data []byte) []byte {
	n := 4 + len(data)
	req = ne.AppendUint16(req, uint16(n))
	req = ne.AppendUint16(req, typ)
	req = append(req, data...)
	for len(req)%4 != 0 {
		req = append(req, 0)
	}
	ne.PutUint32(req[0:4], uint32(len(req)))
	return req
}
