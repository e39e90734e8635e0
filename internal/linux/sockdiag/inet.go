package sockdiag

// InetMsg is a decoded struct inet_diag_msg, one TCP/UDP/UDP-Lite/raw socket,
// plus the reply attributes netstat needs. It is a plain value so that a
// caller can decode 200 000 sockets into one reused InetMsg without
// allocating.
type InetMsg struct {
	Family  uint8 // AFInet or AFInet6
	State   uint8 // TCP state number (TCP_ESTABLISHED=1 ... TCP_LISTEN=10); UDP uses the same numbers
	Timer   uint8 // active timer: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe
	Retrans uint8 // retransmits (or probes) of the active timer

	SrcPort uint16 // local port, host byte order
	DstPort uint16 // remote port, host byte order
	// Src and Dst are the local and remote addresses in network byte order.
	// For AFInet only the first 4 bytes are meaningful.
	Src, Dst [16]byte
	IfIndex  uint32 // bound interface index, 0 if none
	Cookie   uint64 // kernel socket cookie

	Expires uint32 // milliseconds until the active timer fires
	RQueue  uint32 // LISTEN: accept queue length; otherwise bytes unread
	WQueue  uint32 // LISTEN: accept backlog; otherwise bytes unacknowledged/unsent
	UID     uint32 // owner uid (in the caller's user namespace)
	Inode   uint32 // socket inode, 0 for sockets without a file (e.g. TIME_WAIT)

	// Shutdown is the sk_shutdown mask (1 = receive, 2 = send shut down)
	// from INET_DIAG_SHUTDOWN; HasShutdown reports whether it was present.
	Shutdown    uint8
	HasShutdown bool
	// Protocol is the IP protocol number from INET_DIAG_PROTOCOL, which the
	// kernel sends for raw sockets (whose protocol a dump does not filter).
	Protocol    uint8
	HasProtocol bool
	// V6Only is the IPV6_V6ONLY flag from INET_DIAG_SKV6ONLY, which the kernel
	// sends for AFInet6 sockets: false means the socket also accepts IPv4.
	V6Only    bool
	HasV6Only bool

	// Attrs is the attribute part of the payload (aliasing it, so valid
	// only as long as the payload is), already checked to be well formed.
	// Info, Cong and SkMemInfo find the attributes netstat decodes on
	// request only, so that DecodeInet stays cheap for plain listings.
	Attrs []byte
}

// DecodeInet decodes the payload of one SOCK_DIAG_BY_FAMILY reply to an
// InetRequest (the bytes after struct nlmsghdr, as passed to the callback of
// Messages or Conn.Dump) into *m, overwriting every field. It does not
// allocate unless it fails. Attributes it does not know are skipped.
func DecodeInet(payload []byte, m *InetMsg) error {
	*m = InetMsg{}
	if len(payload) < inetMsgLen {
		return malformed("inet_diag: message of %d bytes, need %d", len(payload), inetMsgLen)
	}
	p := payload[:inetMsgLen]
	m.Family = p[0]
	m.State = p[1]
	m.Timer = p[2]
	m.Retrans = p[3]
	id := p[4 : 4+inetSockIDLen]
	// Ports and addresses are __be16/__be32: network byte order.
	m.SrcPort = uint16(id[0])<<8 | uint16(id[1])
	m.DstPort = uint16(id[2])<<8 | uint16(id[3])
	copy(m.Src[:], id[4:20])
	copy(m.Dst[:], id[20:36])
	m.IfIndex = ne.Uint32(id[36:40])
	// The kernel stores the 64-bit cookie as cookie[0] = low 32 bits,
	// cookie[1] = high 32 bits, each in host order.
	m.Cookie = uint64(ne.Uint32(id[40:44])) | uint64(ne.Uint32(id[44:48]))<<32
	t := p[4+inetSockIDLen:]
	m.Expires = ne.Uint32(t[0:4])
	m.RQueue = ne.Uint32(t[4:8])
	m.WQueue = ne.Uint32(t[8:12])
	m.UID = ne.Uint32(t[12:16])
	m.Inode = ne.Uint32(t[16:20])

	attrs := payload[inetMsgLen:]
	m.Attrs = attrs
	for len(attrs) >= nlaHdrLen {
		typ, data, rest, err := nextAttr(attrs)
		if err != nil {
			return err
		}
		attrs = rest
		switch typ {
		case inetDiagShutdown:
			if len(data) < 1 {
				return malformed("inet_diag: INET_DIAG_SHUTDOWN of %d bytes, need 1", len(data))
			}
			m.Shutdown, m.HasShutdown = data[0], true
		case inetDiagProtocol:
			if len(data) < 1 {
				return malformed("inet_diag: INET_DIAG_PROTOCOL of %d bytes, need 1", len(data))
			}
			m.Protocol, m.HasProtocol = data[0], true
		case inetDiagV6Only:
			if len(data) < 1 {
				return malformed("inet_diag: INET_DIAG_SKV6ONLY of %d bytes, need 1", len(data))
			}
			m.V6Only, m.HasV6Only = data[0] != 0, true
		}
	}
	return nil
}

// attr returns the data of the first attribute of type typ in m.Attrs, or
// nil.
func (m *InetMsg) attr(typ uint16) []byte {
	attrs := m.Attrs
	for len(attrs) >= nlaHdrLen {
		t, data, rest, err := nextAttr(attrs)
		if err != nil {
			return nil
		}
		if t == typ {
			return data
		}
		attrs = rest
	}
	return nil
}

// Info returns the data of the INET_DIAG_INFO attribute (requested with
// ExtInfo), nil when absent: a struct tcp_info for DecodeTCPInfo. It
// aliases the payload.
func (m *InetMsg) Info() []byte { return m.attr(inetDiagInfo) }

// SkMemInfo returns the data of the INET_DIAG_SKMEMINFO attribute
// (requested with ExtSkMemInfo), nil when absent, for DecodeMemInfo. It
// aliases the payload.
func (m *InetMsg) SkMemInfo() []byte { return m.attr(inetDiagSkMemInfo) }

// BBRInfo returns the data of the INET_DIAG_BBRINFO attribute (requested
// with ExtCongInfo, sent for sockets using BBR), nil when absent, for
// DecodeBBRInfo. It aliases the payload.
func (m *InetMsg) BBRInfo() []byte { return m.attr(inetDiagBBRInfo) }

// Cong returns the congestion-control algorithm's name from the
// INET_DIAG_CONG attribute (requested with ExtCong) without its terminating
// NUL, nil when absent. It aliases the payload.
func (m *InetMsg) Cong() []byte {
	b := m.attr(inetDiagCong)
	for i, c := range b {
		if c == 0 {
			return b[:i:i]
		}
	}
	return b
}
