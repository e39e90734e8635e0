package procfs

import "io"

// UnixAcceptCon is the bit of UnixRow.Flags that marks a listening socket
// (the kernel's __SO_ACCEPTCON, printed as 00010000); such sockets have
// State 1 (unconnected), so this bit is what tells a listener.
const UnixAcceptCon = 1 << 16

// UnixRow is one line of /proc/net/unix.
type UnixRow struct {
	RefCount uint32 // RefCount column: references to the socket
	Protocol uint32 // Protocol column: always 0 for AF_UNIX
	Flags    uint32 // Flags column; see UnixAcceptCon
	Type     uint16 // Type column: 1 SOCK_STREAM, 2 SOCK_DGRAM, 5 SOCK_SEQPACKET
	// State is the St column: 1 unconnected (also listeners), 2
	// connecting, 3 connected, 4 disconnecting.
	State uint8
	// Inode is the socket's inode number ("socket:[N]" under /proc/PID/fd).
	Inode uint64
	// Path is the socket's name as printed: a filesystem path (relative
	// if it was bound so), or an abstract name starting with '@' (with
	// its NUL bytes shown as '@'). Raw bytes, not necessarily UTF-8, and
	// may contain spaces. nil for a socket without a name. It aliases the
	// parser's buffer: valid only until fn returns.
	Path []byte
}

// ParseUnix parses a whole /proc/net/unix file and calls fn for each row.
// The *UnixRow, including the bytes of its Path, is reused between calls:
// copy what must outlive fn. name appears only in error messages. Errors
// and SkipMalformed are as for ParseInet. A newline in a socket's name
// splits its row; with SkipMalformed the torn-off rest, unless it happens
// to look like a row, is a warning and the rows after it are still read
// (see the package doc).
func ParseUnix(r io.Reader, name string, fn func(*UnixRow) error, opts ...Option) error {
	var row UnixRow
	return scanLines(r, name, warnOf(opts), isUnixHeader, func(line []byte) (string, error) {
		if reason := parseUnixLine(line, &row); reason != "" {
			return reason, nil
		}
		return "", fn(&row)
	})
}

func isUnixHeader(line []byte) bool { return firstFieldIs(line, "Num") }

// parseUnixLine fills every field of row from line, or returns why it
// cannot. Reasons are built only on failure: success must not allocate.
func parseUnixLine(line []byte, row *UnixRow) string {
	*row = UnixRow{}
	f, rest := field(line)
	if len(f) == 0 {
		return "empty line"
	}
	// Num is the socket's kernel address: checked, not kept (it is hashed
	// or zero for unprivileged readers, so useless as an identifier).
	if reason := slot(f, "Num", parseHex); reason != "" {
		return reason
	}

	var v uint64
	var reason string
	f, rest = field(rest)
	if v, reason = hexField(f, 32, "RefCount"); reason != "" {
		return reason
	}
	row.RefCount = uint32(v)
	f, rest = field(rest)
	if v, reason = hexField(f, 32, "Protocol"); reason != "" {
		return reason
	}
	row.Protocol = uint32(v)
	f, rest = field(rest)
	if v, reason = hexField(f, 32, "Flags"); reason != "" {
		return reason
	}
	row.Flags = uint32(v)
	f, rest = field(rest)
	if v, reason = hexField(f, 16, "Type"); reason != "" {
		return reason
	}
	row.Type = uint16(v)
	f, rest = field(rest)
	if v, reason = hexField(f, 8, "St"); reason != "" {
		return reason
	}
	row.State = uint8(v)
	f, rest = field(rest)
	if row.Inode, reason = decField(f, 64, "Inode"); reason != "" {
		return reason
	}
	// rest is empty or starts with the one space the kernel prints before
	// the name; everything after that space is the name, spaces included.
	if len(rest) > 1 {
		row.Path = rest[1:]
	}
	return ""
}
