package procfs

import (
	"encoding/binary"
	"io"
)

// InetRow is one line of /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,
// raw,raw6}.
type InetRow struct {
	// Local and Remote are the addresses in network byte order, ready for
	// netip.AddrFrom16; an IPv4 address fills the first 4 bytes and the
	// rest are zero. An IPv4 peer of an IPv6 socket is shown v4-mapped
	// (::ffff:a.b.c.d) in the *6 files.
	Local, Remote [16]byte
	// V6 says whether the addresses are IPv6 (32 hex digits) rather than
	// IPv4 (8).
	V6 bool
	// LocalPort and RemotePort are the ports. In raw and raw6 the local
	// "port" is the socket's IP protocol number (1 for ICMP, 58 for
	// ICMPv6, 255 for IPPROTO_RAW) and the remote one is 0.
	LocalPort, RemotePort uint16
	// State is the st column: a TCP state number (1 ESTABLISHED, 2
	// SYN_SENT, 3 SYN_RECV, ..., 10 LISTEN, 11 CLOSING; pending
	// connections of a listener print as 3), also used by udp and raw
	// (7 unconnected, 1 connected). Any value is accepted: it is the
	// caller's business to name it.
	State uint8
	// TxQueue and RxQueue are the tx_queue and rx_queue columns. For TCP,
	// sequence space not yet acknowledged by the peer and not yet read by
	// the application (a SYN or FIN counts one); for a listener RxQueue is
	// the accept queue's length and TxQueue 0 (the backlog limit is only
	// in sock_diag). For udp and raw, buffer memory charged to the socket
	// (a 100-byte datagram shows as 832 here), not payload bytes.
	TxQueue, RxQueue uint64
	// Timer is the tr column (TCP: 0 none, 1 retransmit, 2 keepalive,
	// 3 TIME_WAIT, 4 zero window probe).
	Timer uint8
	// Expires is tm->when, the time until the timer fires, as printed:
	// clock ticks of USER_HZ (normally 1/100 s), see the package doc.
	Expires uint64
	// Retransmits is the retrnsmt column (for TCP, unrecovered RTO
	// timeouts; for request sockets in SYN_RECV, SYN-ACKs resent).
	Retransmits uint64
	// UID is the owner's user ID (a SYN_RECV row shows its listener's).
	UID uint32
	// Timeout is the timeout column (for TCP, unanswered zero window or
	// keepalive probes).
	Timeout uint64
	// Inode is the socket's inode number, the N in the "socket:[N]" links
	// under /proc/PID/fd; 0 for TIME_WAIT and SYN_RECV rows, which have no
	// file.
	Inode uint64
}

// ParseInet parses a whole /proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,
// raw,raw6} file and calls fn for each row. The *InetRow is reused between
// calls: copy what must outlive fn. name appears only in error messages
// ("/proc/net/tcp line 7: ..."). IPv4 and IPv6 rows may be mixed.
//
// It returns nil at the end of r, fn's error unchanged if fn fails, a
// *ParseError (wrapping ErrMalformed) for a malformed line, or the reader's
// error; see the package doc for what is malformed. With SkipMalformed,
// every malformed line is a warning and skipped: nothing in these files
// spoils the whole file (each row stands alone, and the header is
// optional).
func ParseInet(r io.Reader, name string, fn func(*InetRow) error, opts ...Option) error {
	var row InetRow
	return scanLines(r, name, warnOf(opts), isInetHeader, func(line []byte) (string, error) {
		if reason := parseInetLine(line, &row); reason != "" {
			return reason, nil
		}
		return "", fn(&row)
	})
}

func isInetHeader(line []byte) bool { return firstFieldIs(line, "sl") }

// parseInetLine fills every field of row from line, or returns why it
// cannot. Reasons are built only on failure: success must not allocate.
func parseInetLine(line []byte, row *InetRow) string {
	*row = InetRow{} // nothing of the previous row may survive
	f, rest := field(line)
	if len(f) == 0 {
		return "empty line"
	}
	if reason := slot(f, "sl", parseDec); reason != "" {
		return reason
	}

	var reason string
	f, rest = field(rest)
	if row.V6, reason = addrPort(f, "local_address", &row.Local, &row.LocalPort); reason != "" {
		return reason
	}
	f, rest = field(rest)
	v6, reason := addrPort(f, "rem_address", &row.Remote, &row.RemotePort)
	if reason != "" {
		return reason
	}
	if v6 != row.V6 {
		return "local_address and rem_address differ in length"
	}

	var v uint64
	f, rest = field(rest)
	if v, reason = hexField(f, 8, "st"); reason != "" {
		return reason
	}
	row.State = uint8(v)

	f, rest = field(rest)
	tx, rx, reason := pair(f, "tx_queue:rx_queue")
	if reason != "" {
		return reason
	}
	if row.TxQueue, reason = hexField(tx, 64, "tx_queue"); reason != "" {
		return reason
	}
	if row.RxQueue, reason = hexField(rx, 64, "rx_queue"); reason != "" {
		return reason
	}

	f, rest = field(rest)
	tr, when, reason := pair(f, "tr:tm->when")
	if reason != "" {
		return reason
	}
	if v, reason = hexField(tr, 8, "tr"); reason != "" {
		return reason
	}
	row.Timer = uint8(v)
	if row.Expires, reason = hexField(when, 64, "tm->when"); reason != "" {
		return reason
	}

	f, rest = field(rest)
	if row.Retransmits, reason = hexField(f, 64, "retrnsmt"); reason != "" {
		return reason
	}
	f, rest = field(rest)
	if v, reason = decField(f, 32, "uid"); reason != "" {
		return reason
	}
	row.UID = uint32(v)
	f, rest = field(rest)
	if row.Timeout, reason = decField(f, 64, "timeout"); reason != "" {
		return reason
	}
	f, _ = field(rest)
	if row.Inode, reason = decField(f, 64, "inode"); reason != "" {
		return reason
	}
	// Whatever follows differs per protocol, state and kernel: ignored.
	return ""
}

// addrPort parses the ADDR:PORT field called name into addr (network byte
// order) and port.
func addrPort(f []byte, name string, addr *[16]byte, port *uint16) (v6 bool, reason string) {
	a, p, reason := pair(f, name)
	if reason != "" {
		return false, reason
	}
	switch len(a) {
	case 8:
	case 32:
		v6 = true
	default:
		return false, name + ": want 8 or 32 hex digits before ':'"
	}
	for i := 0; i < len(a); i += 8 {
		w, ok := parseHex(a[i:i+8], 32)
		if !ok {
			return false, name + ": bad hex digit in address"
		}
		// The kernel prints each 32-bit word of the address as an integer
		// in host byte order: store it back the same way to recover the
		// bytes as they were in memory, which is network order.
		binary.NativeEndian.PutUint32(addr[i/2:], uint32(w))
	}
	v, reason := hexField(p, 16, name+" port")
	*port = uint16(v)
	return v6, reason
}
