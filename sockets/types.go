package sockets

import (
	"net/netip"
	"strconv"
)

// Protocol is a transport protocol a socket belongs to.
type Protocol uint8

// The protocols this package lists.
const (
	TCP Protocol = iota + 1
	UDP
	UDPLite
	Raw
	Unix
)

// String returns the protocol's lower-case name ("tcp", "udplite", ...).
func (p Protocol) String() string {
	switch p {
	case TCP:
		return "tcp"
	case UDP:
		return "udp"
	case UDPLite:
		return "udplite"
	case Raw:
		return "raw"
	case Unix:
		return "unix"
	}
	return "proto(" + strconv.Itoa(int(p)) + ")"
}

// Family is the address family of a socket.
type Family uint8

// The address families this package lists.
const (
	IPv4 Family = iota + 1
	IPv6
	Local // AF_UNIX
)

// String returns "inet", "inet6" or "unix", the names netstat uses.
func (f Family) String() string {
	switch f {
	case IPv4:
		return "inet"
	case IPv6:
		return "inet6"
	case Local:
		return "unix"
	}
	return "family(" + strconv.Itoa(int(f)) + ")"
}

// State is a socket's state in the kernel's TCP numbering (include/net/tcp_states.h).
// UDP and raw sockets use it too: ESTABLISHED once connected, CLOSE otherwise.
// UNIX sockets report LISTEN, ESTABLISHED, SYN_SENT (connecting) or CLOSE.
type State uint8

// Kernel TCP states.
const (
	Established State = iota + 1
	SynSent
	SynRecv
	FinWait1
	FinWait2
	TimeWait
	Close
	CloseWait
	LastAck
	Listen
	Closing
	NewSynRecv
)

var stateNames = [...]string{
	Established: "ESTABLISHED",
	SynSent:     "SYN_SENT",
	SynRecv:     "SYN_RECV",
	FinWait1:    "FIN_WAIT1",
	FinWait2:    "FIN_WAIT2",
	TimeWait:    "TIME_WAIT",
	Close:       "CLOSE",
	CloseWait:   "CLOSE_WAIT",
	LastAck:     "LAST_ACK",
	Listen:      "LISTEN",
	Closing:     "CLOSING",
	NewSynRecv:  "NEW_SYN_RECV",
}

// String returns the state's name as net-tools netstat prints it for TCP,
// or "UNKNOWN" for a number the kernel does not define.
func (s State) String() string {
	if int(s) < len(stateNames) && stateNames[s] != "" {
		return stateNames[s]
	}
	return "UNKNOWN"
}

// StateSet is a set of States, bit 1<<State, the kernel's idiag_states layout.
type StateSet uint32

// AllStates holds every state.
const AllStates StateSet = 0xffffffff

// Has reports whether s is in the set.
func (ss StateSet) Has(s State) bool { return ss&(1<<s) != 0 }

// UnixType is the type of a UNIX socket (SOCK_STREAM, ...), in Linux numbering.
type UnixType uint8

// UNIX socket types.
const (
	Stream    UnixType = 1
	Datagram  UnixType = 2
	RawType   UnixType = 3
	RDM       UnixType = 4
	SeqPacket UnixType = 5
)

// String returns the type as netstat prints it ("STREAM", "DGRAM", ...).
func (t UnixType) String() string {
	switch t {
	case Stream:
		return "STREAM"
	case Datagram:
		return "DGRAM"
	case RawType:
		return "RAW"
	case RDM:
		return "RDM"
	case SeqPacket:
		return "SEQPACKET"
	}
	return "UNKNOWN"
}

// Socket is one socket. Inet fields (Local, Remote, queues) are set for TCP,
// UDP, UDP-Lite and raw sockets; Unix fields for UNIX sockets.
type Socket struct {
	Protocol Protocol
	Family   Family
	State    State

	// Local and Remote are the endpoints. A raw socket's port is its IP
	// protocol number. IPv4-mapped IPv6 addresses are kept as the kernel
	// reports them.
	Local, Remote netip.AddrPort

	// RecvQ and SendQ are the queue lengths in bytes: for listeners the
	// accept backlog and its limit, as the kernel reports them.
	RecvQ, SendQ uint64

	UID   uint32
	Inode uint64
	// IfIndex is the interface the socket is bound to (SO_BINDTODEVICE),
	// 0 for none. Only sock_diag reports it; from /proc it is 0.
	IfIndex uint32

	// Timer is the kernel's active timer (0 none, 1 retransmit, 2 keepalive,
	// 3 TIME_WAIT, 4 zero-window probe), Expires its time left in
	// milliseconds, Retransmits the retransmissions so far and Probes the
	// unanswered keepalive or zero-window probes. TCP only.
	Timer       uint8
	Retransmits uint8
	Probes      uint8
	Expires     uint64

	// Internals holds what Query.TCPInfo and Query.Memory ask the kernel
	// for; nil when they did not ask, or the kernel sent none of it (the
	// /proc fallback never does). It is allocated afresh for each socket,
	// so a copy of the Socket may keep it; the ordinary listing pays
	// nothing for it.
	Internals *Internals

	// UNIX sockets.
	Type     UnixType
	Path     string // abstract names begin with '@'; "" when unbound
	Peer     uint64 // inode of the peer, 0 when none or unknown
	RefCount uint32
	// Embryo marks a connection waiting in a listener's backlog: it has no
	// file yet, so its inode is 0.
	Embryo bool
}

// Internals is a socket's TCP internals and memory accounting.
type Internals struct {
	// TCPInfo is the connection's tcp_info, Congestion its
	// congestion-control algorithm ("cubic", "bbr") and BBR that
	// algorithm's state when it is BBR, when Query.TCPInfo asked for
	// them; TCP sockets only. Memory is the socket's memory accounting
	// when Query.Memory asked for it; any socket. TCPInfo.Valid and
	// Memory.Valid report whether the kernel sent them: TIME_WAIT and
	// SYN_RECV sockets have no tcp_info (the kernel keeps no such state
	// for them), and Congestion then stays "".
	TCPInfo    TCPInfo
	Congestion string
	BBR        BBRInfo
	Memory     MemInfo
}

// Listening reports whether net-tools netstat counts the socket as a server
// (shown by -l, hidden without -a or -l): a TCP socket with no remote port, a
// UDP or raw socket with no remote address, a UNIX socket in LISTEN.
func (s *Socket) Listening() bool {
	switch s.Protocol {
	case TCP:
		return s.Remote.Port() == 0
	case Unix:
		return s.State == Listen
	default:
		a := s.Remote.Addr()
		return !a.IsValid() || a.IsUnspecified()
	}
}
