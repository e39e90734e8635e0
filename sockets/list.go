package sockets

import (
	"errors"
)

// ErrNotSupported is wrapped by the errors of platforms without a backend.
var ErrNotSupported = errors.New("not supported")

// Source chooses where a Lister reads sockets from.
type Source uint8

// Sources.
const (
	// Auto uses netlink sock_diag and falls back to /proc/net for each
	// protocol the kernel's diag modules do not serve.
	Auto Source = iota
	// Netlink uses sock_diag only; a protocol it cannot serve is an error.
	Netlink
	// Proc reads the /proc/net text files only.
	Proc
)

// Query selects sockets. The zero Query selects nothing.
type Query struct {
	// Protocols to list; each is listed in the order given, IPv4 before
	// IPv6 (Unix ignores Families).
	Protocols []Protocol
	// IPv4 and IPv6 select the inet families.
	IPv4, IPv6 bool
	// Listening and Connected select servers and the rest, in net-tools'
	// sense (see Socket.Listening). The kernel is asked only for the states
	// that can match.
	Listening, Connected bool
	// States, when not zero, keeps only sockets in these states (for
	// UNIX sockets, their State as this package reports it); the kernel is
	// asked for no others.
	States StateSet
	// Match, when set, keeps only the sockets it accepts; it runs after
	// the other selections, on the Socket being walked.
	Match func(*Socket) bool
	// Bytecode is an inet_diag filter program (INET_DIAG_REQ_BYTECODE)
	// sent with each inet dump, so the kernel drops what it cannot match
	// before copying it out. It is only an optimisation: /proc ignores it,
	// so Match must select the same sockets (or fewer).
	Bytecode []byte
	// TCPInfo asks the kernel for each TCP socket's tcp_info and
	// congestion algorithm (Socket.Internals: TCPInfo, Congestion, BBR),
	// and Memory for each socket's memory counters (Internals.Memory). They make the kernel's replies several times
	// larger, so ask only when shown. Neither needs privileges; /proc
	// cannot provide them. Match sees them.
	TCPInfo, Memory bool
}

// Config is a Lister's seams.
type Config struct {
	Source Source
	// ProcNet is the directory of the /proc/net files; "" means
	// "/proc/thread-self/net", which follows the calling thread's network
	// namespace.
	ProcNet string
	// Warn, when set, receives each malformed line of a /proc/net file
	// (an error naming the file, the line and what is wrong), which is
	// then skipped; the rest of the file is still listed. Without it a
	// malformed line ends the walk with that error.
	Warn func(error)
}

// Lister lists sockets.
type Lister struct {
	cfg Config
	b   backend
}

// backend is what each platform provides.
type backend interface {
	walk(q *Query, fn func(*Socket) error) error
	close() error
}

// NewLister returns a Lister for cfg. It opens nothing until Walk.
func NewLister(cfg Config) *Lister {
	return &Lister{cfg: cfg, b: newBackend(cfg)}
}

// Walk calls fn for each socket that q selects, protocol by protocol. The
// *Socket is reused between calls: copy what must outlive the call. An error
// from fn stops the walk and is returned.
func (l *Lister) Walk(q Query, fn func(*Socket) error) error {
	return l.b.walk(&q, fn)
}

// Close releases the Lister's kernel connections.
func (l *Lister) Close() error { return l.b.close() }

// wants reports whether q selects s: net-tools' server/connected rule,
// then the state set and the match function.
func (q *Query) wants(s *Socket) bool {
	if s.Listening() {
		if !q.Listening {
			return false
		}
	} else if !q.Connected {
		return false
	}
	if q.States != 0 && !q.States.Has(s.State) {
		return false
	}
	return q.Match == nil || q.Match(s)
}
