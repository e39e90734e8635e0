package interfaces

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// The rtnetlink backend: one RTM_GETLINK dump for names, index, flags, MTU
// and counters, and one RTM_GETADDR dump of the IPv4 addresses for their
// labels (the alias rows). The transport is hand-written on raw system
// calls, like internal/linux/sockdiag's, with one reused receive buffer;
// the decoders are pure functions over bytes.

func init() {
	sources[Netlink] = listNetlink
	sources[Proc] = listProc
}

// rtnlBufSize is the size of the reused receive buffer. The kernel sends
// one skb of at most 32 KiB per recvmsg during a dump; MSG_TRUNC turns a
// buffer that is too small anyway into an error rather than lost data.
const rtnlBufSize = 64 << 10

var ne = binary.NativeEndian

const (
	nlmsgHdrLen   = 16
	ifinfomsgLen  = 16
	ifaddrmsgLen  = 8
	rtattrHdrLen  = 4
	nlaTypeMask   = 0x3fff // strips NLA_F_NESTED and NLA_F_NET_BYTEORDER
	stats64Fields = 23     // rtnl_link_stats64 up to tx_compressed
)

// errDumpInterrupted means the kernel flagged a dump inconsistent
// (NLM_F_DUMP_INTR): the interfaces changed while it ran.
var errDumpInterrupted = errors.New("rtnetlink: dump interrupted by a concurrent change")

// rtnlConn is a NETLINK_ROUTE socket with a reusable receive buffer.
type rtnlConn struct {
	fd  int
	pid uint32
	seq uint32
	buf []byte
}

// dialRoute opens a NETLINK_ROUTE socket in the calling thread's network
// namespace.
func dialRoute() (*rtnlConn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("rtnetlink: socket(AF_NETLINK, NETLINK_ROUTE): %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("rtnetlink: bind: %w", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("rtnetlink: getsockname: %w", err)
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		unix.Close(fd)
		return nil, fmt.Errorf("rtnetlink: getsockname returned %T", sa)
	}
	return &rtnlConn{fd: fd, pid: nl.Pid, buf: make([]byte, rtnlBufSize)}, nil
}

func (c *rtnlConn) close() { unix.Close(c.fd) }

// dumpRequest builds an NLM_F_DUMP request of type typ with the given
// fixed header (ifinfomsg or ifaddrmsg) whose first byte is the family.
func dumpRequest(typ uint16, seq uint32, family uint8, bodyLen int) []byte {
	req := make([]byte, nlmsgHdrLen+bodyLen)
	ne.PutUint32(req[0:4], uint32(len(req)))
	ne.PutUint16(req[4:6], typ)
	ne.PutUint16(req[6:8], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:12], seq)
	req[nlmsgHdrLen] = family
	return req
}

// dump sends a dump request and calls fn with the type and payload of each
// reply message until NLMSG_DONE. The payload aliases the receive buffer.
// If the kernel flagged the dump inconsistent, everything is still read and
// delivered and errDumpInterrupted is returned.
func (c *rtnlConn) dump(typ uint16, family uint8, bodyLen int, fn func(typ uint16, payload []byte) error) error {
	c.seq++
	req := dumpRequest(typ, c.seq, family, bodyLen)
	for {
		err := unix.Sendto(c.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("rtnetlink: sendto: %w", err)
		}
		break
	}
	var fnErr error
	call := func(t uint16, p []byte) error {
		if fnErr == nil {
			fnErr = fn(t, p)
		}
		return nil
	}
	intr := false
	for {
		n, _, err := unix.Recvfrom(c.fd, c.buf, unix.MSG_TRUNC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("rtnetlink: recvfrom: %w", err)
		}
		if n > len(c.buf) {
			return fmt.Errorf("rtnetlink: reply of %d bytes truncated to %d", n, len(c.buf))
		}
		done, i, err := walkMessages(c.buf[:n], c.seq, c.pid, call)
		intr = intr || i
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	if fnErr != nil {
		return fnErr
	}
	if intr {
		return errDumpInterrupted
	}
	return nil
}

// walkMessages walks the netlink messages in b, calling fn for those that
// answer request seq of port pid and are neither NLMSG_DONE nor
// NLMSG_ERROR. It reports whether the dump ended (NLMSG_DONE), whether any
// message carried NLM_F_DUMP_INTR, and a kernel error or malformed input.
func walkMessages(b []byte, seq, pid uint32, fn func(typ uint16, payload []byte) error) (done, intr bool, err error) {
	for len(b) > 0 {
		if len(b) < nlmsgHdrLen {
			return done, intr, fmt.Errorf("rtnetlink: %d trailing bytes, short of a message header", len(b))
		}
		l := ne.Uint32(b[0:4])
		if l < nlmsgHdrLen || uint64(l) > uint64(len(b)) {
			return done, intr, fmt.Errorf("rtnetlink: message length %d out of range (%d bytes left)", l, len(b))
		}
		typ, flags := ne.Uint16(b[4:6]), ne.Uint16(b[6:8])
		mseq, mpid := ne.Uint32(b[8:12]), ne.Uint32(b[12:16])
		payload := b[nlmsgHdrLen:l]
		next := min(align4(int(l)), len(b))
		b = b[next:]
		if mseq != seq || mpid != pid {
			continue // stale reply to something else
		}
		if flags&unix.NLM_F_DUMP_INTR != 0 {
			intr = true
		}
		switch typ {
		case unix.NLMSG_NOOP:
		case unix.NLMSG_DONE:
			if len(payload) >= 4 {
				if e := int32(ne.Uint32(payload[0:4])); e < 0 {
					return true, intr, fmt.Errorf("rtnetlink: dump: %w", unix.Errno(-e))
				}
			}
			return true, intr, nil
		case unix.NLMSG_ERROR:
			if len(payload) < 4 {
				return done, intr, errors.New("rtnetlink: short NLMSG_ERROR")
			}
			if e := int32(ne.Uint32(payload[0:4])); e != 0 {
				if e < 0 {
					e = -e
				}
				return true, intr, fmt.Errorf("rtnetlink: %w", unix.Errno(e))
			}
		default:
			if err := fn(typ, payload); err != nil {
				return done, intr, err
			}
		}
	}
	return done, intr, nil
}

func align4(n int) int { return (n + 3) &^ 3 }

// rtLink is what decodeLink takes from one RTM_NEWLINK message.
type rtLink struct {
	Index int32
	Flags uint32 // ifi_flags: all 32 bits of dev_get_flags
	Name  string
	MTU   uint32
	// Stats is nil when the message has no usable IFLA_STATS64.
	Stats *Stats
}

// attrs calls fn for each well-formed route attribute in b (type with the
// flag bits masked off) and fails on a malformed one.
func attrs(b []byte, fn func(typ uint16, val []byte)) error {
	for len(b) > 0 {
		if len(b) < rtattrHdrLen {
			return fmt.Errorf("rtnetlink: %d trailing bytes, short of an attribute header", len(b))
		}
		l := int(ne.Uint16(b[0:2]))
		if l < rtattrHdrLen || l > len(b) {
			return fmt.Errorf("rtnetlink: attribute length %d out of range (%d bytes left)", l, len(b))
		}
		fn(ne.Uint16(b[2:4])&nlaTypeMask, b[rtattrHdrLen:l])
		b = b[min(align4(l), len(b)):]
	}
	return nil
}

// cString returns b up to its first NUL.
func cString(b []byte) string {
	if i := slices.Index(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// decodeLink decodes the payload of an RTM_NEWLINK message: struct
// ifinfomsg and the attributes IFLA_IFNAME, IFLA_MTU and IFLA_STATS64.
func decodeLink(p []byte) (rtLink, error) {
	var l rtLink
	if len(p) < ifinfomsgLen {
		return l, fmt.Errorf("rtnetlink: link message of %d bytes, short of ifinfomsg", len(p))
	}
	l.Index = int32(ne.Uint32(p[4:8]))
	l.Flags = ne.Uint32(p[8:12])
	err := attrs(p[ifinfomsgLen:], func(typ uint16, v []byte) {
		switch typ {
		case unix.IFLA_IFNAME:
			l.Name = cString(v)
		case unix.IFLA_MTU:
			if len(v) >= 4 {
				l.MTU = ne.Uint32(v)
			}
		case unix.IFLA_STATS64:
			if len(v) >= stats64Fields*8 {
				l.Stats = procStats(v)
			}
		}
	})
	return l, err
}

// procStats folds struct rtnl_link_stats64 (at least its first 23 fields)
// into the columns /proc/net/dev prints (net/core/net-procfs.c,
// dev_seq_printf_stats).
func procStats(v []byte) *Stats {
	f := func(i int) uint64 { return ne.Uint64(v[8*i:]) }
	const (
		rxPackets = iota
		txPackets
		rxBytes
		txBytes
		rxErrors
		txErrors
		rxDropped
		txDropped
		multicast
		collisions
		rxLengthErrors
		rxOverErrors
		rxCRCErrors
		rxFrameErrors
		rxFIFOErrors
		rxMissedErrors
		txAbortedErrors
		txCarrierErrors
		txFIFOErrors
		txHeartbeatErrors
		txWindowErrors
		rxCompressed
		txCompressed
	)
	return &Stats{
		RxBytes:      f(rxBytes),
		RxPackets:    f(rxPackets),
		RxErrors:     f(rxErrors),
		RxDropped:    f(rxDropped) + f(rxMissedErrors),
		RxFIFO:       f(rxFIFOErrors),
		RxFrame:      f(rxLengthErrors) + f(rxOverErrors) + f(rxCRCErrors) + f(rxFrameErrors),
		RxCompressed: f(rxCompressed),
		RxMulticast:  f(multicast),
		TxBytes:      f(txBytes),
		TxPackets:    f(txPackets),
		TxErrors:     f(txErrors),
		TxDropped:    f(txDropped),
		TxFIFO:       f(txFIFOErrors),
		Collisions:   f(collisions),
		TxCarrier:    f(txCarrierErrors) + f(txAbortedErrors) + f(txWindowErrors) + f(txHeartbeatErrors),
		TxCompressed: f(txCompressed),
	}
}

// decodeAddr decodes the payload of an RTM_NEWADDR message: the family and
// interface index of struct ifaddrmsg and the IFA_LABEL attribute.
func decodeAddr(p []byte) (family uint8, index uint32, label string, err error) {
	if len(p) < ifaddrmsgLen {
		return 0, 0, "", fmt.Errorf("rtnetlink: address message of %d bytes, short of ifaddrmsg", len(p))
	}
	family, index = p[0], ne.Uint32(p[4:8])
	err = attrs(p[ifaddrmsgLen:], func(typ uint16, v []byte) {
		if typ == unix.IFA_LABEL {
			label = cString(v)
		}
	})
	return family, index, label, err
}

// listNetlink is List over rtnetlink. A dump the kernel flags as
// interrupted by a concurrent change is retried a few times.
func listNetlink() ([]Interface, error) {
	c, err := dialRoute()
	if err != nil {
		return nil, err
	}
	defer c.close()
	for try := 0; ; try++ {
		out, err := c.list()
		if errors.Is(err, errDumpInterrupted) && try < 4 {
			continue
		}
		return out, err
	}
}

func (c *rtnlConn) list() ([]Interface, error) {
	var out []Interface
	err := c.dump(unix.RTM_GETLINK, unix.AF_UNSPEC, ifinfomsgLen, func(typ uint16, p []byte) error {
		if typ != unix.RTM_NEWLINK {
			return nil
		}
		l, err := decodeLink(p)
		if err != nil {
			return err
		}
		if l.Name == "" {
			return fmt.Errorf("rtnetlink: link %d without IFLA_IFNAME", l.Index)
		}
		if l.Stats == nil {
			return fmt.Errorf("rtnetlink: link %s without IFLA_STATS64", l.Name)
		}
		// SIOCGIFFLAGS returns the low 16 bits of the same dev_get_flags.
		out = append(out, Interface{Name: l.Name, MTU: int(int32(l.MTU)), Flags: Flags(l.Flags & 0xffff), Stats: l.Stats})
		return nil
	})
	if err != nil {
		return nil, err
	}
	var labels []string
	err = c.dump(unix.RTM_GETADDR, unix.AF_INET, ifaddrmsgLen, func(typ uint16, p []byte) error {
		if typ != unix.RTM_NEWADDR {
			return nil
		}
		family, _, label, err := decodeAddr(p)
		if err != nil {
			return err
		}
		if family == unix.AF_INET && label != "" && !slices.Contains(labels, label) {
			labels = append(labels, label)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	n := len(out)
	for _, label := range labels {
		if slices.ContainsFunc(out, func(i Interface) bool { return i.Name == label }) {
			continue
		}
		// Like SIOCGIFFLAGS and SIOCGIFMTU on a label, which look up the
		// device named by the part before the first ':'.
		base, _, _ := strings.Cut(label, ":")
		i := slices.IndexFunc(out[:n], func(i Interface) bool { return i.Name == base })
		if i < 0 {
			continue
		}
		out = append(out, Interface{Name: label, MTU: out[i].MTU, Flags: out[i].Flags})
	}
	slices.SortStableFunc(out, func(a, b Interface) int { return Compare(a.Name, b.Name) })
	return out, nil
}
