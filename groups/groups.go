package groups

import (
	"errors"
	"net/netip"
)

// ErrNotSupported is wrapped by List's error on systems without a backend.
var ErrNotSupported = errors.New("not supported")

// Membership is one multicast group joined on one interface.
type Membership struct {
	Index     uint32 // interface index
	Interface string
	Group     netip.Addr
	// Users counts the joins (sockets, and the kernel's own); net-tools
	// prints it as RefCnt.
	Users uint32
}

// Family selects which memberships List returns.
type Family uint8

// Families; IPv4|IPv6 means both.
const (
	IPv4 Family = 1 << iota
	IPv6
)

// List returns the memberships of the selected families: the IPv4 ones
// first, each family in the kernel's order (by interface, then as the
// kernel keeps its list).
func List(f Family) ([]Membership, error) { return list(f) }
