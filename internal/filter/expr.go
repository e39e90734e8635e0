package filter

import (
	"net/netip"
	"strconv"

	"github.com/netstat-go/netstat/sockets"
)

// Expr is a parsed filter expression: *And, *Or, *Not, *PortCmp, *HostCond,
// *Dev or True.
type Expr interface {
	// Eval reports whether the socket passes the expression.
	Eval(s *sockets.Socket) bool
	// String returns the expression in ss syntax, fully parenthesised,
	// ports numeric; parsing it gives back an equal Expr.
	String() string
	isExpr()
}

// And holds when both X and Y hold.
type And struct{ X, Y Expr }

// Or holds when X or Y holds.
type Or struct{ X, Y Expr }

// Not holds when X does not.
type Not struct{ X Expr }

// True holds for every socket: what wildcards ("src *", "sport = :*") parse to.
type True struct{}

// Op is a comparison operator of sport and dport.
type Op uint8

// Comparison operators; each has its ss spellings in parentheses.
const (
	OpEq Op = iota // = == eq
	OpNe           // != ne neq
	OpLt           // < lt
	OpLe           // <= le leq
	OpGt           // > gt
	OpGe           // >= ge geq
)

var opNames = [...]string{OpEq: "=", OpNe: "!=", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">="}

// String returns the operator's symbol.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// PortCmp compares the source (local) or destination (remote) port with Port.
type PortCmp struct {
	Dst  bool
	Op   Op
	Port uint16
}

// HostCond matches the source (local) or destination (remote) endpoint:
// its address must be in Prefix (any address when Prefix is the zero
// value) and its port must be Port (any port when Port is -1). An IPv4
// prefix also matches IPv4-mapped IPv6 addresses, as the kernel does.
type HostCond struct {
	Dst    bool
	Prefix netip.Prefix
	Port   int32
}

// Dev matches sockets bound to an interface (the kernel's idiag_if), named
// by Name or, when Name is "", by Index ("dev 0": bound to none).
//
// sockets.Socket does not carry the kernel's idiag_if, so Eval can only see
// the interface in an address's IPv6 zone (fe80::1%eth0, or %2): a socket
// without a zone counts as bound to no interface (index 0). The kernel evaluates it exactly (DEV_COND), which is why
// Compile keeps it whenever it can resolve the name to an index.
type Dev struct {
	Name  string
	Index uint32
}

func (*And) isExpr()      {}
func (*Or) isExpr()       {}
func (*Not) isExpr()      {}
func (True) isExpr()      {}
func (*PortCmp) isExpr()  {}
func (*HostCond) isExpr() {}
func (*Dev) isExpr()      {}

// Eval implements Expr.
func (e *And) Eval(s *sockets.Socket) bool { return e.X.Eval(s) && e.Y.Eval(s) }

// Eval implements Expr.
func (e *Or) Eval(s *sockets.Socket) bool { return e.X.Eval(s) || e.Y.Eval(s) }

// Eval implements Expr.
func (e *Not) Eval(s *sockets.Socket) bool { return !e.X.Eval(s) }

// Eval implements Expr.
func (True) Eval(*sockets.Socket) bool { return true }

func endpoint(s *sockets.Socket, dst bool) netip.AddrPort {
	if dst {
		return s.Remote
	}
	return s.Local
}

// Eval implements Expr.
func (e *PortCmp) Eval(s *sockets.Socket) bool {
	p := endpoint(s, e.Dst).Port()
	switch e.Op {
	case OpEq:
		return p == e.Port
	case OpNe:
		return p != e.Port
	case OpLt:
		return p < e.Port
	case OpLe:
		return p <= e.Port
	case OpGt:
		return p > e.Port
	case OpGe:
		return p >= e.Port
	}
	return false
}

// Eval implements Expr.
func (e *HostCond) Eval(s *sockets.Socket) bool {
	ap := endpoint(s, e.Dst)
	if e.Port >= 0 && int32(ap.Port()) != e.Port {
		return false
	}
	if !e.Prefix.IsValid() || e.Prefix.Bits() == 0 && !e.Prefix.Addr().IsValid() {
		return true
	}
	a := ap.Addr().WithZone("")
	if e.Prefix.Addr().Is4() {
		a = a.Unmap()
	}
	if e.Prefix.Bits() == 0 {
		// The kernel matches any address (of any family) with a
		// zero-length prefix.
		return true
	}
	return e.Prefix.Contains(a)
}

// Eval implements Expr.
func (e *Dev) Eval(s *sockets.Socket) bool {
	if e.Name == "" && s.IfIndex != 0 {
		// sock_diag reports the bound device; /proc does not (0).
		return s.IfIndex == e.Index
	}
	z := s.Local.Addr().Zone()
	if z == "" {
		z = s.Remote.Addr().Zone()
	}
	if e.Name != "" {
		return z == e.Name
	}
	if e.Index == 0 {
		return z == ""
	}
	return z == strconv.FormatUint(uint64(e.Index), 10)
}

func (e *And) String() string { return "( " + e.X.String() + " and " + e.Y.String() + " )" }
func (e *Or) String() string  { return "( " + e.X.String() + " or " + e.Y.String() + " )" }
func (e *Not) String() string { return "not " + e.X.String() }
func (True) String() string   { return "sport = :*" }

func dir(dst bool, d, s string) string {
	if dst {
		return d
	}
	return s
}

func (e *PortCmp) String() string {
	return dir(e.Dst, "dport", "sport") + " " + e.Op.String() + " :" + strconv.Itoa(int(e.Port))
}

func (e *HostCond) String() string {
	var h string
	switch {
	case !e.Prefix.IsValid():
		h = "*"
	case e.Prefix.Addr().Is6():
		h = "[" + e.Prefix.Addr().String() + "]"
		if e.Prefix.Bits() != 128 {
			h += "/" + strconv.Itoa(e.Prefix.Bits())
		}
	default:
		h = e.Prefix.Addr().String()
		if e.Prefix.Bits() != 32 {
			h += "/" + strconv.Itoa(e.Prefix.Bits())
		}
	}
	if e.Port >= 0 {
		h += ":" + strconv.Itoa(int(e.Port))
	} else if !e.Prefix.IsValid() {
		h += ":*"
	}
	return dir(e.Dst, "dst ", "src ") + h
}

func (e *Dev) String() string {
	if e.Name != "" {
		return "dev " + e.Name
	}
	return "dev " + strconv.FormatUint(uint64(e.Index), 10)
}
