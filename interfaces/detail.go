package interfaces

import "net/netip"

// Hardware types (Linux ARPHRD_* values) that Detail.HWType may hold; any
// other value is passed through as the kernel reports it.
const (
	HWEther    = 1     // ARPHRD_ETHER
	HWLoopback = 772   // ARPHRD_LOOPBACK
	HWNone     = 65534 // ARPHRD_NONE (tun devices)
)

// IPv6Addr is one IPv6 address of an interface, as /proc/net/if_inet6
// lists it.
type IPv6Addr struct {
	Addr      netip.Addr
	PrefixLen int
	// Scope is the kernel's scope bits: 0x00 global, 0x10 host
	// (loopback), 0x20 link, 0x40 site, 0x80 IPv4-compatible.
	Scope uint16
}

// Detail is what the long interface form (`netstat -ie`) shows besides the
// flags, MTU and counters.
type Detail struct {
	// Addr is the interface's (or alias label's) primary IPv4 address;
	// invalid if it has none. Netmask, Broadcast and Destination are
	// invalid when unknown.
	Addr, Netmask, Broadcast, Destination netip.Addr
	// IPv6 are the interface's IPv6 addresses in the kernel's order
	// (none for an alias label).
	IPv6 []IPv6Addr
	// HasHW reports whether HWType and HWAddr are known.
	HasHW bool
	// HWType is the hardware type (ARPHRD_*).
	HWType uint16
	// HWAddr is the hardware address area as the kernel returns it (16
	// bytes, zero-filled beyond the address's length).
	HWAddr []byte
	// TxQueueLen is the transmit queue length, -1 if unknown.
	TxQueueLen int
}

// ListDetailed is List with each interface's Detail filled in.
func ListDetailed() ([]Interface, error) { return listDetailed() }
