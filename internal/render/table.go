package render

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/netstat-go/netstat/sockets"
)

// Namer turns numbers into names. Each method reports false when it has no
// name, and the number is printed instead.
type Namer interface {
	Host(addr netip.Addr) (string, bool)
	Port(port uint16, proto string) (string, bool)
	Protocol(num uint8) (string, bool)
	User(uid uint32) (string, bool)
}

// Selection is which sockets a listing shows, for its title.
type Selection uint8

// Selections, as chosen by -a and -l.
const (
	Connected  Selection = iota // neither -a nor -l: "w/o servers"
	Servers                     // -l: "only servers"
	Everything                  // -a: "servers and established"
)

func (s Selection) suffix() string {
	switch s {
	case Servers:
		return "(only servers)"
	case Everything:
		return "(servers and established)"
	}
	return "(w/o servers)"
}

// Table holds the column choices of one socket listing.
type Table struct {
	Wide                                     bool // -W: never truncate addresses
	Extend                                   int  // -e count: User and Inode columns
	NumericHosts, NumericPorts, NumericUsers bool
	Names                                    Namer // used only where not numeric

	// Programs (-p) adds the PID/Program name column; Owner answers it
	// for a socket inode (ok false: "-").
	Programs bool
	Owner    func(inode uint64) (pid int, name string, ok bool)
	// Contexts (-Z) adds the Security Context column; Context answers it
	// for a PID.
	Contexts bool
	Context  func(pid int) (string, bool)
	// Timers (-o) adds the Timer column to Internet sockets.
	Timers bool
	// Processes answers, for JSON, every descriptor holding a socket
	// inode; it is used with Programs or Contexts.
	Processes func(inode uint64) []Process
	// TCPInfo (--tcp-info) and Memory (--memory) end each row with the
	// socket's TCP internals and memory counters, when it has them.
	TCPInfo, Memory bool
}

// InetTitle is the line above the Internet sockets' header.
func InetTitle(sel Selection) string {
	return "Active Internet connections " + sel.suffix() + "\n"
}

// UnixTitle is the line above the UNIX sockets' header.
func UnixTitle(sel Selection) string {
	return "Active UNIX domain sockets " + sel.suffix() + "\n"
}

// InetHeader is the column header of the Internet sockets' table.
func (t *Table) InetHeader() string {
	h := "Proto Recv-Q Send-Q Local Address           Foreign Address         State      "
	if t.Extend > 0 {
		h += " User       Inode     "
	}
	if t.Programs {
		h += " PID/Program name    "
	}
	if t.Contexts {
		// net-tools' header is one byte narrower than its rows here.
		h += " Security Context" + strings.Repeat(" ", contextWidth-1-len("Security Context"))
	}
	if t.Timers {
		h += " Timer"
	}
	return h + t.internalsHeader() + "\n"
}

// internalsHeader names --tcp-info's and --memory's trailing tokens.
func (t *Table) internalsHeader() string {
	switch {
	case t.TCPInfo && t.Memory:
		return " TCP internals, memory"
	case t.TCPInfo:
		return " TCP internals"
	case t.Memory:
		return " Memory"
	}
	return ""
}

// UnixHeader is the column header of the UNIX sockets' table.
func (t *Table) UnixHeader() string {
	h := "Proto RefCnt Flags       Type       State         I-Node   "
	if t.Programs {
		h += "PID/Program name     "
	}
	if t.Contexts {
		h += "Security Context                                  "
	}
	return h + "Path" + t.internalsHeader() + "\n"
}

// addrWidth is net-tools' address column: host and port share 23 columns
// unless -W is given.
const addrWidth = 23

// protoName is the Proto column: net-tools cuts "udplite" to "udpl".
func protoName(s *sockets.Socket) string {
	v6 := s.Family == sockets.IPv6
	switch s.Protocol {
	case sockets.TCP:
		if v6 {
			return "tcp6"
		}
		return "tcp"
	case sockets.UDP:
		if v6 {
			return "udp6"
		}
		return "udp"
	case sockets.UDPLite:
		if v6 {
			return "udpl6"
		}
		return "udpl"
	case sockets.Raw:
		if v6 {
			return "raw6"
		}
		return "raw"
	}
	return s.Protocol.String()
}

// AppendInet appends one Internet socket row, newline included.
func (t *Table) AppendInet(b []byte, s *sockets.Socket) []byte {
	b = padRight(b, protoName(s), 5)
	b = append(b, ' ')
	b = padLeftUint(b, s.RecvQ, 6)
	b = append(b, ' ')
	b = padLeftUint(b, s.SendQ, 6)
	b = append(b, ' ')
	b = t.appendEndpoint(b, s.Local, s.Protocol)
	b = append(b, ' ')
	b = t.appendEndpoint(b, s.Remote, s.Protocol)
	b = append(b, ' ')
	switch s.Protocol {
	case sockets.TCP:
		b = padRight(b, s.State.String(), 11)
	case sockets.Raw:
		start := len(b)
		b = strconv.AppendUint(b, uint64(s.State), 10)
		b = pad(b, start, 11)
	default:
		switch s.State {
		case sockets.Established:
			b = padRight(b, "ESTABLISHED", 11)
		case sockets.Close:
			b = padRight(b, "", 11)
		default:
			b = padRight(b, "UNKNOWN", 11)
		}
	}
	if t.Extend > 0 {
		b = append(b, ' ')
		start := len(b)
		if name, ok := t.user(s.UID); ok {
			b = AppendEscaped(b, name)
		} else {
			// net-tools prints the uid as a signed int: 4294967294 is -2.
			b = strconv.AppendInt(b, int64(int32(s.UID)), 10)
		}
		b = pad(b, start, 10)
		b = append(b, ' ')
		start = len(b)
		b = strconv.AppendUint(b, s.Inode, 10)
		b = pad(b, start, 10)
	}
	if t.Programs || t.Contexts {
		b = append(b, ' ')
		b = t.appendProcess(b, s.Inode, false)
	}
	if t.Timers {
		b = append(b, ' ')
		b = appendTimer(b, s)
	}
	b = t.appendInternals(b, s)
	return append(b, '\n')
}

// appendInternals ends a row with --tcp-info's and --memory's tokens,
// each after a space, when the socket has them.
func (t *Table) appendInternals(b []byte, s *sockets.Socket) []byte {
	in := s.Internals
	if in == nil {
		return b
	}
	if t.TCPInfo && in.TCPInfo.Valid() {
		b = AppendTCPInfo(append(b, ' '), s)
	}
	if t.Memory && in.Memory.Valid() {
		b = AppendMemInfo(append(b, ' '), &in.Memory)
	}
	return b
}

// programWidth is the PID/Program name column; net-tools keeps at most
// programWidth-1 bytes of "pid/name" so that a space always follows.
const programWidth = 20

// appendProcess appends the PID/Program name column (when -p) and the
// Security Context column (when -Z), each padded; unix rows end each with
// a space before the path.
func (t *Table) appendProcess(b []byte, inode uint64, unixRow bool) []byte {
	pid, name, ok := 0, "", false
	if inode != 0 && t.Owner != nil {
		pid, name, ok = t.Owner(inode)
	}
	if t.Programs {
		start := len(b)
		if ok {
			b = strconv.AppendInt(b, int64(pid), 10)
			b = append(b, '/')
			b = appendEscapedCut(b, name, start+programWidth-1)
		} else {
			b = append(b, '-')
		}
		b = pad(b, start, programWidth)
		if unixRow || t.Contexts {
			b = append(b, ' ')
		}
	}
	if t.Contexts {
		b = t.appendContext(b, pid, ok)
		if unixRow {
			b = append(b, ' ')
		}
	}
	return b
}

// contextWidth is the Security Context column. net-tools keeps the last
// contextWidth-2 bytes of a longer context.
const contextWidth = 50

func (t *Table) appendContext(b []byte, pid int, ok bool) []byte {
	start := len(b)
	ctx := "-"
	if ok && t.Context != nil {
		if c, found := t.Context(pid); found {
			ctx = c
		}
	}
	if len(ctx) >= contextWidth {
		ctx = ctx[len(ctx)-(contextWidth-2):]
	}
	b = AppendEscaped(b, ctx)
	return pad(b, start, contextWidth)
}

// appendEscapedCut appends s escaped, stopping before the escaped form of a
// character would reach the limit offset: the cut never splits an escape
// or a UTF-8 sequence.
func appendEscapedCut(b []byte, s string, limit int) []byte {
	var tmp [8]byte
	for i := 0; i < len(s); {
		n := escapeLen(s, i)
		e := appendEscapedAt(tmp[:0], s, i, n)
		if len(b)+len(e) > limit {
			break
		}
		b = append(b, e...)
		i += n
	}
	return b
}

// appendTimer appends net-tools' Timer column: the timer's name, then
// (seconds left/retransmits/probes); seconds are 0.00 when no timer runs.
func appendTimer(b []byte, s *sockets.Socket) []byte {
	b = append(b, timerName(s.Timer)...)
	b = append(b, " ("...)
	// /proc/net/tcp gives hundredths of a second, truncated; sock_diag
	// gives milliseconds. Truncating milliseconds to hundredths gives the
	// same figure for the same kernel timer.
	var cs uint64
	if s.Timer != 0 {
		cs = s.Expires / 10
	}
	b = strconv.AppendUint(b, cs/100, 10)
	b = append(b, '.', byte('0'+cs%100/10), byte('0'+cs%10))
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(s.Retransmits), 10)
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(s.Probes), 10)
	return append(b, ')')
}

func (t *Table) user(uid uint32) (string, bool) {
	if t.NumericUsers || t.Names == nil {
		return "", false
	}
	return t.Names.User(uid)
}

// appendEndpoint appends "host:port" padded to the address column, cutting
// the host (never the port) so that both fit in 23 columns without -W.
func (t *Table) appendEndpoint(b []byte, ap netip.AddrPort, proto sockets.Protocol) []byte {
	start := len(b)
	b = t.appendHost(b, ap.Addr())
	hostEnd := len(b)
	var portBuf [32]byte
	port := t.appendPort(portBuf[:0], ap.Port(), proto)
	if !t.Wide && hostEnd-start+1+len(port) > addrWidth {
		keep := addrWidth - 1 - len(port)
		if keep < 0 {
			keep = 0
		}
		b = b[:start+keep]
	}
	b = append(b, ':')
	b = append(b, port...)
	return pad(b, start, addrWidth)
}

func (t *Table) appendHost(b []byte, a netip.Addr) []byte {
	switch {
	case !a.IsValid():
		return append(b, "0.0.0.0"...)
	case a.Is4In6():
		// net-tools prints a v4-mapped address as plain IPv4, but looks
		// it up as the IPv6 address it is (::ffff: lines of /etc/hosts,
		// then DNS).
		if !t.NumericHosts {
			if name, ok := t.host(a); ok {
				return AppendEscaped(b, name)
			}
		}
		return a.Unmap().AppendTo(b)
	case a.Is4():
		if !t.NumericHosts && !a.IsUnspecified() {
			if name, ok := t.host(a); ok {
				return AppendEscaped(b, name)
			}
		}
		return a.AppendTo(b)
	case a.IsUnspecified():
		if t.NumericHosts {
			return append(b, "::"...)
		}
		return append(b, "[::]"...)
	}
	if !t.NumericHosts {
		if name, ok := t.host(a); ok {
			return AppendEscaped(b, name)
		}
	}
	return appendIPv6(b, a)
}

func (t *Table) host(a netip.Addr) (string, bool) {
	if t.Names == nil {
		return "", false
	}
	return t.Names.Host(a)
}

// appendIPv6 formats an address as glibc's inet_ntop does, which differs
// from RFC 5952 (netip's form) only for IPv4-compatible addresses
// ("::1.2.3.4").
func appendIPv6(b []byte, a netip.Addr) []byte {
	x := a.As16()
	compat := true
	for _, c := range x[:12] {
		if c != 0 {
			compat = false
			break
		}
	}
	if compat && (x[12] != 0 || x[13] != 0) {
		b = append(b, ':', ':')
		return netip.AddrFrom4([4]byte{x[12], x[13], x[14], x[15]}).AppendTo(b)
	}
	return a.WithZone("").AppendTo(b)
}

func (t *Table) appendPort(b []byte, port uint16, proto sockets.Protocol) []byte {
	if port == 0 {
		return append(b, '*')
	}
	if name, ok := t.portName(port, proto); ok {
		return AppendEscaped(b, name)
	}
	return strconv.AppendUint(b, uint64(port), 10)
}

// portName names a port (a raw socket's: its IP protocol) unless ports
// are numeric.
func (t *Table) portName(port uint16, proto sockets.Protocol) (string, bool) {
	if t.NumericPorts || t.Names == nil {
		return "", false
	}
	switch proto {
	case sockets.TCP:
		return t.Names.Port(port, "tcp")
	case sockets.Raw:
		if port <= 255 {
			return t.Names.Protocol(uint8(port))
		}
		return "", false
	}
	return t.Names.Port(port, "udp")
}

// AppendUnix appends one UNIX socket row, newline included.
func (t *Table) AppendUnix(b []byte, s *sockets.Socket) []byte {
	b = append(b, "unix  "...)
	start := len(b)
	b = strconv.AppendUint(b, uint64(s.RefCount), 10)
	b = pad(b, start, 6)
	b = append(b, ' ')
	if s.State == sockets.Listen && !s.Embryo {
		b = padRight(b, "[ ACC ]", 11)
	} else {
		b = padRight(b, "[ ]", 11)
	}
	b = append(b, ' ')
	b = padRight(b, s.Type.String(), 10)
	b = append(b, ' ')
	b = padRight(b, unixState(s), 13)
	b = append(b, ' ')
	start = len(b)
	b = strconv.AppendUint(b, s.Inode, 10)
	b = pad(b, start, 8)
	b = append(b, ' ')
	if t.Programs || t.Contexts {
		b = t.appendProcess(b, s.Inode, true)
	}
	if needsEscape(s.Path) {
		b = AppendEscaped(b, s.Path)
	} else {
		b = append(b, s.Path...)
	}
	b = t.appendInternals(b, s)
	return append(b, '\n')
}

// unixState names a UNIX socket's state as net-tools does from the socket's
// SS_* state: an unconnected socket shows nothing unless it listens.
func unixState(s *sockets.Socket) string {
	if s.Embryo {
		return "CONNECTING"
	}
	switch s.State {
	case 0:
		return "FREE"
	case sockets.Listen:
		return "LISTENING"
	case sockets.Close:
		return ""
	case sockets.SynSent:
		return "CONNECTING"
	case sockets.Established:
		return "CONNECTED"
	case sockets.Closing:
		return "DISCONNECTING"
	}
	return "UNKNOWN"
}

func padRight(b []byte, s string, width int) []byte {
	b = append(b, s...)
	for n := len(s); n < width; n++ {
		b = append(b, ' ')
	}
	return b
}

func padLeftUint(b []byte, v uint64, width int) []byte {
	var tmp [20]byte
	d := strconv.AppendUint(tmp[:0], v, 10)
	for n := len(d); n < width; n++ {
		b = append(b, ' ')
	}
	return append(b, d...)
}

// pad fills b with spaces until what was appended since start is width long.
func pad(b []byte, start, width int) []byte {
	for n := len(b) - start; n < width; n++ {
		b = append(b, ' ')
	}
	return b
}
