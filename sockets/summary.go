package sockets

// Summary is the kernel's own count of sockets in a network namespace, the
// figures `ss -s` shows: sockets in use, and per protocol and family the
// sockets hashed in the kernel's tables.
type Summary struct {
	// Sockets is every socket in use, of any family.
	Sockets int64
	// TCPAlloc counts allocated TCP sockets (hashed or not), TCPOrphans
	// those no process holds, TCPTimeWait those in TIME_WAIT, and
	// TCPEstablished the connections in ESTABLISHED or CLOSE_WAIT
	// (the Tcp CurrEstab counter).
	TCPAlloc, TCPOrphans, TCPTimeWait, TCPEstablished int64
	// Per family: sockets in use (for IP fragments, queues).
	TCP4, TCP6, UDP4, UDP6, UDPLite4, UDPLite6, Raw4, Raw6, Frag4, Frag6 int64
}

// ReadSummary reads the counts of the namespace cfg.ProcNet belongs to.
func ReadSummary(cfg Config) (Summary, error) { return readSummary(cfg) }
