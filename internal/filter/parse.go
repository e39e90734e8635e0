package filter

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/netstat-go/netstat/sockets"
)

// Filter is a parsed ss filter: a state selection and an expression.
type Filter struct {
	// States is the selected set, or 0 when no state or exclude word was
	// given (the caller applies its default, as ss does with and without -a).
	States sockets.StateSet
	// Expr is the expression, nil when there is none (every socket passes).
	Expr Expr
}

// Names resolves the names a filter may hold; a nil member leaves only
// numbers.
type Names struct {
	// Services resolves a service name (as in /etc/services) to a port.
	Services func(name string) (port uint16, ok bool)
	// Hosts resolves a host name in src and dst to its IPv4 addresses
	// (ss resolves names with gethostbyname, IPv4 only).
	Hosts func(name string) ([]netip.Addr, bool)
}

// Error is a parse error. Word is the 1-based index of the offending word
// among the words the arguments split into (0 when the input ended early).
type Error struct {
	Word int
	Text string // the offending word, "" at the end of input
	Msg  string // what was wrong, e.g. `unexpected "foo"`
}

func (e *Error) Error() string {
	if e.Word == 0 {
		return "filter: " + e.Msg + " at end of filter"
	}
	return fmt.Sprintf("filter: %s at word %d", e.Msg, e.Word)
}

// Words splits command-line arguments into filter words on white space, as
// ss does with a quoted filter: "( sport = :22 )" is five words. Parentheses
// and operators must be separate words, as in ss.
func Words(args []string) []string {
	var w []string
	for _, a := range args {
		w = append(w, strings.Fields(a)...)
	}
	return w
}

// Parse parses ss filter arguments: optional leading "state NAME" and
// "exclude NAME" pairs, then an expression. names resolves service and
// host names.
//
// "state" adds states to the selection; an "exclude" before any "state"
// starts from all states; "exclude" removes states.
func Parse(args []string, names Names) (Filter, error) {
	p := &parser{words: Words(args), names: names}
	var f Filter
	set := false
	for p.pos < len(p.words) {
		w := p.words[p.pos]
		if w != "state" && w != "exclude" {
			break
		}
		p.pos++
		name, ok := p.next()
		if !ok {
			return Filter{}, p.errEnd("expected a state name after " + strconv.Quote(w))
		}
		st, ok := stateWords[name]
		if !ok {
			return Filter{}, p.err(fmt.Sprintf("unknown state %q", name))
		}
		if w == "state" {
			f.States |= st
		} else {
			if !set {
				f.States = StatesAll
			}
			f.States &^= st
		}
		set = true
	}
	if set && f.States == 0 {
		// Every state excluded: keep the selection non-zero so that
		// callers do not take it for "no selection"; bit 0 is no state.
		f.States = 1
	}
	if p.pos == len(p.words) {
		return f, nil
	}
	e, err := p.parseExpr()
	if err != nil {
		return Filter{}, err
	}
	f.Expr = e
	return f, nil
}

// ParseExpr parses an expression alone (no state words).
func ParseExpr(args []string, names Names) (Expr, error) {
	p := &parser{words: Words(args), names: names}
	if len(p.words) == 0 {
		return nil, p.errEnd("empty expression")
	}
	return p.parseExpr()
}

type parser struct {
	words []string
	pos   int
	names Names
}

func (p *parser) peek() string {
	if p.pos < len(p.words) {
		return p.words[p.pos]
	}
	return ""
}

func (p *parser) next() (string, bool) {
	if p.pos < len(p.words) {
		p.pos++
		return p.words[p.pos-1], true
	}
	return "", false
}

// err reports the word just consumed.
func (p *parser) err(msg string) error {
	return &Error{Word: p.pos, Text: p.words[p.pos-1], Msg: msg}
}

func (p *parser) errEnd(msg string) error { return &Error{Msg: msg} }

func (p *parser) unexpected() error {
	if p.pos >= len(p.words) {
		return p.errEnd("unexpected end")
	}
	p.pos++
	return p.err(fmt.Sprintf("unexpected %q", p.words[p.pos-1]))
}

func (p *parser) parseExpr() (Expr, error) {
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.words) {
		return nil, p.unexpected()
	}
	return e, nil
}

func isOr(w string) bool  { return w == "or" || w == "|" || w == "||" }
func isAnd(w string) bool { return w == "and" || w == "&" || w == "&&" }

func (p *parser) parseOr() (Expr, error) {
	x, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for isOr(p.peek()) {
		p.pos++
		y, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		x = &Or{x, y}
	}
	return x, nil
}

func (p *parser) parseAnd() (Expr, error) {
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		w := p.peek()
		switch {
		case isAnd(w):
			p.pos++
		case w == "" || w == ")" || isOr(w):
			return x, nil
		}
		// An explicit or an implicit "and".
		y, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		x = &And{x, y}
	}
}

func (p *parser) parseUnary() (Expr, error) {
	w, ok := p.next()
	if !ok {
		return nil, p.errEnd("expected a condition")
	}
	switch w {
	case "not", "!":
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Not{x}, nil
	case "(":
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			if p.pos >= len(p.words) {
				return nil, p.errEnd(`missing ")"`)
			}
			return nil, p.unexpected()
		}
		p.pos++
		return x, nil
	case "sport", "dport":
		return p.parsePort(w == "dport")
	case "src", "dst":
		return p.parseHost(w == "dst")
	case "dev":
		return p.parseDev()
	}
	return nil, p.err(fmt.Sprintf("unexpected %q", w))
}

var ops = map[string]Op{
	"=": OpEq, "==": OpEq, "eq": OpEq,
	"!=": OpNe, "ne": OpNe, "neq": OpNe,
	"<": OpLt, "lt": OpLt,
	"<=": OpLe, "le": OpLe, "leq": OpLe,
	">": OpGt, "gt": OpGt,
	">=": OpGe, "ge": OpGe, "geq": OpGe,
}

// operand consumes an optional operator and the word after it.
func (p *parser) operand(what string) (Op, string, error) {
	op := OpEq
	if o, ok := ops[p.peek()]; ok {
		op = o
		p.pos++
	}
	w, ok := p.next()
	if !ok {
		return 0, "", p.errEnd("expected " + what)
	}
	return op, w, nil
}

// stripFamily removes an "inet:" or "inet6:" prefix.
func stripFamily(w string) string {
	for _, f := range [...]string{"inet:", "inet6:"} {
		if strings.HasPrefix(w, f) {
			return w[len(f):]
		}
	}
	return w
}

// port parses a port word: a number (decimal, or 0x hexadecimal), a
// service name, or "*" (any: returns -1).
func (p *parser) port(s string) (int32, error) {
	if s == "*" {
		return -1, nil
	}
	if s != "" && s[0] >= '0' && s[0] <= '9' && !strings.Contains(s, "_") {
		n, err := strconv.ParseUint(s, 0, 16)
		if err != nil {
			return 0, p.err(fmt.Sprintf("%q is not a port", p.words[p.pos-1]))
		}
		return int32(n), nil
	}
	if s != "" && p.names.Services != nil {
		if n, ok := p.names.Services(s); ok {
			return int32(n), nil
		}
	}
	return 0, p.err(fmt.Sprintf("%q is not a port", p.words[p.pos-1]))
}

func (p *parser) parsePort(dst bool) (Expr, error) {
	op, w, err := p.operand("a port")
	if err != nil {
		return nil, err
	}
	w = strings.TrimPrefix(stripFamily(w), ":")
	n, err := p.port(w)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return True{}, nil
	}
	return &PortCmp{Dst: dst, Op: op, Port: uint16(n)}, nil
}

func (p *parser) parseHost(dst bool) (Expr, error) {
	op, w, err := p.operand("an address")
	if err != nil {
		return nil, err
	}
	if op != OpEq && op != OpNe {
		return nil, p.err(fmt.Sprintf("%q: src and dst take only = and !=", op))
	}
	h, more, err := p.host(stripFamily(w))
	if err != nil {
		return nil, err
	}
	h.Dst = dst
	var e Expr = h
	if !h.Prefix.IsValid() && h.Port < 0 {
		e = True{}
	}
	// A host name with several addresses matches any of them.
	for _, pf := range more {
		e = &Or{e, &HostCond{Dst: dst, Prefix: pf, Port: h.Port}}
	}
	if op == OpNe {
		e = &Not{e}
	}
	return e, nil
}

// host parses ADDRESS[/LEN][:PORT], [IPV6][/LEN][:PORT], [IPV6/LEN][:PORT],
// :PORT, *, *:PORT, ADDRESS:*, or a bare IPv6 address or prefix. An IPv4
// address may be short, as iproute2 reads it: "127/8" is 127.0.0.0/8,
// "192.0.2" is 192.0.2.0/32. A host name stands for its IPv4 addresses:
// the first is in the HostCond, the others are returned in more.
func (p *parser) host(w string) (h *HostCond, more []netip.Prefix, err error) {
	h = &HostCond{Port: -1}
	bad := func() (*HostCond, []netip.Prefix, error) {
		return nil, nil, p.err(fmt.Sprintf("%q is not an address", p.words[p.pos-1]))
	}
	var addr, port string
	hasPort := false
	if strings.HasPrefix(w, "[") {
		end := strings.IndexByte(w, ']')
		if end < 0 {
			return bad()
		}
		addr, w = w[1:end], w[end+1:]
		if strings.HasPrefix(w, "/") {
			i := strings.IndexByte(w, ':')
			if i < 0 {
				i = len(w)
			}
			if strings.Contains(addr, "/") {
				return bad()
			}
			addr += w[:i]
			w = w[i:]
		}
		if w != "" {
			if w[0] != ':' {
				return bad()
			}
			port, hasPort = w[1:], true
		}
	} else if strings.Count(w, ":") >= 2 {
		// A bare IPv6 address or prefix (ss wants brackets; accept it
		// when it reads as one).
		addr = w
	} else if i := strings.LastIndexByte(w, ':'); i >= 0 {
		addr, port, hasPort = w[:i], w[i+1:], true
	} else {
		addr = w
	}
	if hasPort {
		n, err := p.port(port)
		if err != nil {
			return nil, nil, err
		}
		h.Port = n
	}
	if addr == "*" || addr == "" && hasPort {
		return h, nil, nil
	}
	a, bits, ok := parseAddrLen(addr)
	if !ok {
		as, found := p.lookupHost(addr)
		if !found {
			return bad()
		}
		h.Prefix = netip.PrefixFrom(as[0], 32)
		for _, x := range as[1:] {
			more = append(more, netip.PrefixFrom(x, 32))
		}
		return h, more, nil
	}
	h.Prefix = netip.PrefixFrom(a, bits).Masked()
	return h, nil, nil
}

// parseAddrLen parses ADDRESS[/LEN] with iproute2's short IPv4 forms.
func parseAddrLen(s string) (netip.Addr, int, bool) {
	addr, plen, hasLen := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" {
		var ok bool
		if a, ok = shortIPv4(addr); !ok {
			return netip.Addr{}, 0, false
		}
	}
	if !hasLen {
		return a, a.BitLen(), true
	}
	n, err := strconv.Atoi(plen)
	if err != nil || n < 0 || n > a.BitLen() || plen != strconv.Itoa(n) {
		return netip.Addr{}, 0, false
	}
	return a, n, true
}

// shortIPv4 reads one to three decimal octets ("127", "192.0.2") as an
// address whose missing octets are zero.
func shortIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return netip.Addr{}, false
	}
	var b [4]byte
	for i, x := range parts {
		n, err := strconv.ParseUint(x, 10, 8)
		if err != nil || x == "" || x != strconv.FormatUint(n, 10) {
			return netip.Addr{}, false
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), true
}

// lookupHost resolves a host name to its IPv4 addresses, sorted and
// without duplicates.
func (p *parser) lookupHost(name string) ([]netip.Addr, bool) {
	if p.names.Hosts == nil || name == "" || strings.ContainsAny(name, "/*[]") {
		return nil, false
	}
	as, ok := p.names.Hosts(name)
	var v4 []netip.Addr
	for _, a := range as {
		if a = a.Unmap(); a.Is4() {
			v4 = append(v4, a)
		}
	}
	slices.SortFunc(v4, netip.Addr.Compare)
	v4 = slices.Compact(v4)
	return v4, ok && len(v4) > 0
}

func (p *parser) parseDev() (Expr, error) {
	op, w, err := p.operand("a device")
	if err != nil {
		return nil, err
	}
	if op != OpEq && op != OpNe {
		return nil, p.err(fmt.Sprintf("%q: dev takes only = and !=", op))
	}
	if _, isOp := ops[w]; isOp || isAnd(w) || isOr(w) || w == "(" || w == ")" || w == "not" || w == "!" {
		return nil, p.err(fmt.Sprintf("%q is not a device", w))
	}
	d := &Dev{}
	if n, err := strconv.ParseUint(w, 10, 32); err == nil {
		d.Index = uint32(n)
	} else {
		d.Name = w
	}
	if op == OpNe {
		return &Not{d}, nil
	}
	return d, nil
}
