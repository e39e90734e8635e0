package interfaces

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/netstat-go/netstat/internal/linux/rtnl"
	"golang.org/x/sys/unix"
)

// The rtnetlink backend: one RTM_GETLINK dump for names, index, flags, MTU
// and counters, and one RTM_GETADDR dump of the IPv4 addresses for their
// labels (the alias rows). The transport is internal/linux/rtnl's, shared
// with the routes package; the decoders are pure functions over bytes.

func init() {
	sources[Netlink] = listNetlink
	sources[Proc] = listProc
}

var ne = binary.NativeEndian

const (
	ifinfomsgLen  = 16
	ifaddrmsgLen  = 8
	rtattrHdrLen  = 4
	nlaTypeMask   = 0x3fff // strips NLA_F_NESTED and NLA_F_NET_BYTEORDER
	stats64Fields = 23     // rtnl_link_stats64 up to tx_compressed
)

// header returns the fixed header of a dump request: bodyLen zero bytes
// (an ifinfomsg or ifaddrmsg) whose first is the family.
func header(family uint8, bodyLen int) []byte {
	b := make([]byte, bodyLen)
	b[0] = family
	return b
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
	c, err := rtnl.Dial()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	for try := 0; ; try++ {
		out, err := listRTNL(c)
		if errors.Is(err, rtnl.ErrDumpInterrupted) && try < 4 {
			continue
		}
		return out, err
	}
}

func listRTNL(c *rtnl.Conn) ([]Interface, error) {
	var out []Interface
	err := c.Dump(unix.RTM_GETLINK, header(unix.AF_UNSPEC, ifinfomsgLen), func(typ uint16, p []byte) error {
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
	err = c.Dump(unix.RTM_GETADDR, header(unix.AF_INET, ifaddrmsgLen), func(typ uint16, p []byte) error {
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
