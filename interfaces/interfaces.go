package interfaces

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotSupported is wrapped by List's error on systems without a backend.
var ErrNotSupported = errors.New("not supported")

// Flags are the interface flags, with Linux's IFF_* bit values
// (include/uapi/linux/if.h, the 16 bits SIOCGIFFLAGS returns).
type Flags uint32

// The flags, in bit order.
const (
	Up Flags = 1 << iota
	Broadcast
	Debug
	Loopback
	PointToPoint
	NoTrailers
	Running
	NoARP
	Promisc
	AllMulti
	Master
	Slave
	Multicast
	PortSel
	AutoMedia
	Dynamic
)

var flagNames = [...]string{"UP", "BROADCAST", "DEBUG", "LOOPBACK", "POINTOPOINT", "NOTRAILERS",
	"RUNNING", "NOARP", "PROMISC", "ALLMULTI", "MASTER", "SLAVE", "MULTICAST", "PORTSEL", "AUTOMEDIA", "DYNAMIC"}

// String names the flags set, in bit order, separated by '|' (unknown bits
// as hex).
func (f Flags) String() string {
	var b strings.Builder
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	if rest := f &^ (1<<len(flagNames) - 1); rest != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString("0x" + strings.ToLower(hex(uint64(rest))))
	}
	return b.String()
}

func hex(v uint64) string {
	const digits = "0123456789ABCDEF"
	if v == 0 {
		return "0"
	}
	var b [16]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b[i:])
}

// Stats are an interface's counters since it was created, as the kernel
// reports them (Linux: struct rtnl_link_stats64 as folded for
// /proc/net/dev: RxErrors, RxDropped and RxFrame include related error
// counters).
type Stats struct {
	RxBytes, RxPackets, RxErrors, RxDropped, RxFIFO, RxFrame, RxCompressed, RxMulticast  uint64
	TxBytes, TxPackets, TxErrors, TxDropped, TxFIFO, Collisions, TxCarrier, TxCompressed uint64
}

// Interface is one network interface, or one IPv4 address label of an
// interface (an alias such as "eth0:1"), which has the flags and MTU of its
// interface but no counters of its own.
type Interface struct {
	Name  string
	MTU   int
	Flags Flags
	// Stats is nil for an alias label.
	Stats *Stats
	// Detail is set only by ListDetailed.
	Detail *Detail
}

// Compare orders interface names as net-tools does: byte by byte, except
// that runs of digits compare by their numeric value, so "eth9" comes
// before "eth10".
func Compare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				if len(na) < len(nb) {
					return -1
				}
				return 1
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if a[i] != b[j] {
			if a[i] < b[j] {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	switch {
	case len(a)-i < len(b)-j:
		return -1
	case len(a)-i > len(b)-j:
		return 1
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// List returns the interfaces of the calling thread's network namespace
// and their IPv4 alias labels, sorted with Compare. It is ListFrom(Auto).
func List() ([]Interface, error) { return list() }

// Source selects where ListFrom reads the interfaces from.
type Source int

const (
	// Auto is what List uses: Netlink, falling back to Proc when netlink
	// fails.
	Auto Source = iota
	// Netlink is Linux rtnetlink: RTM_GETLINK for names, flags, MTU and
	// counters (struct rtnl_link_stats64, folded as /proc/net/dev folds
	// it), RTM_GETADDR for the IPv4 address labels.
	Netlink
	// Proc is Linux /proc/net/dev for names and counters, and the ioctls
	// SIOCGIFCONF, SIOCGIFFLAGS and SIOCGIFMTU for labels, flags and MTU.
	Proc
)

func (s Source) String() string {
	switch s {
	case Auto:
		return "auto"
	case Netlink:
		return "netlink"
	case Proc:
		return "proc"
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// sources holds the backends this system has, besides Auto.
var sources = map[Source]func() ([]Interface, error){}

// ListFrom is List reading from the given source. Both Linux sources give
// the same interfaces, in the same order, with the same values (counters of
// busy interfaces may of course move between two calls).
func ListFrom(src Source) ([]Interface, error) {
	if src == Auto {
		return list()
	}
	if f := sources[src]; f != nil {
		return f()
	}
	return nil, fmt.Errorf("listing interfaces from %v: %w", src, ErrNotSupported)
}
