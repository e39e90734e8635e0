package filter

import (
	"encoding/binary"
	"errors"
)

// INET_DIAG bytecode operation codes (enum in linux/inet_diag.h).
const (
	bcNop     = 0  // INET_DIAG_BC_NOP
	bcJmp     = 1  // INET_DIAG_BC_JMP
	bcSGE     = 2  // INET_DIAG_BC_S_GE
	bcSLE     = 3  // INET_DIAG_BC_S_LE
	bcDGE     = 4  // INET_DIAG_BC_D_GE
	bcDLE     = 5  // INET_DIAG_BC_D_LE
	bcAuto    = 6  // INET_DIAG_BC_AUTO
	bcSCond   = 7  // INET_DIAG_BC_S_COND
	bcDCond   = 8  // INET_DIAG_BC_D_COND
	bcDevCond = 9  // INET_DIAG_BC_DEV_COND
	bcSEQ     = 11 // INET_DIAG_BC_S_EQ
	bcDEQ     = 12 // INET_DIAG_BC_D_EQ
)

// AttrBytecode is the netlink attribute type that carries the program in an
// inet_diag request (INET_DIAG_REQ_BYTECODE).
const AttrBytecode = 1

const (
	afUnspec = 0
	afInet   = 2
	afInet6  = 10
)

// ne is the byte order of the program's integers (ports, jump offsets,
// interface indexes): the kernel reads them in host order. Addresses are in
// network order.
var ne = binary.NativeEndian

// ErrTooLong is returned when a program outgrows the 16-bit jump offsets.
var ErrTooLong = errors.New("filter: bytecode program too long")

// An insn is one operation while a program is being assembled. Its failure
// target (the "no" jump) is symbolic until the program is laid out.
type insn struct {
	code    uint8
	payload []byte
	fail    int // an offset in the fragment, or toAccept / toReject
}

const (
	toAccept = -1 // the end of the fragment (the expression held)
	toReject = -2 // the end of the fragment + 4 (it did not)
)

func (in insn) size() int { return 4 + len(in.payload) }

type frag []insn

func (f frag) size() int {
	n := 0
	for _, in := range f {
		n += in.size()
	}
	return n
}

// moved returns a copy of f placed at offset off of a larger fragment,
// with its symbolic targets replaced by acc and rej (each an offset in the
// larger fragment or a symbol).
func (f frag) moved(off, acc, rej int) frag {
	g := make(frag, len(f))
	for i, in := range f {
		switch in.fail {
		case toAccept:
			in.fail = acc
		case toReject:
			in.fail = rej
		default:
			in.fail += off
		}
		g[i] = in
	}
	return g
}

func and(a, b frag) frag {
	n := a.size()
	out := a.moved(0, n, toReject)
	return append(out, b.moved(n, toAccept, toReject)...)
}

func or(a, b frag) frag {
	n := a.size()
	out := a.moved(0, n, n+4)
	out = append(out, insn{code: bcJmp, fail: toAccept})
	return append(out, b.moved(n+4, toAccept, toReject)...)
}

func not(a frag) frag {
	n := a.size()
	out := a.moved(0, n, toAccept)
	return append(out, insn{code: bcJmp, fail: toReject})
}

// Compile translates e into INET_DIAG bytecode, to be sent as the
// INET_DIAG_REQ_BYTECODE attribute (AttrBytecode) of an inet_diag dump
// request. ifindex resolves "dev NAME" (nil: names are not resolved).
//
// When exact is true the kernel selects exactly the sockets e.Eval selects;
// otherwise the program selects a superset (it leaves out the parts it
// cannot express: a device name ifindex does not know) and Eval must run on
// every socket the kernel returns. A nil program with exact true means e
// holds for every socket; send no attribute then.
//
// # The program
//
// A program is a sequence of operations, each a struct inet_diag_bc_op
// {u8 code; u8 yes; u16 no} followed by its operand (a second bc_op whose
// "no" field holds the port for S_GE..D_EQ; a struct inet_diag_hostcond
// {u8 family; u8 prefix_len; int port; be32 addr[]} for S_COND and D_COND;
// a u32 interface index for DEV_COND). The kernel runs it
// (inet_diag_bc_run) from offset 0: when an operation's condition holds it
// moves forward "yes" bytes, otherwise "no" bytes (JMP's condition never
// holds, so JMP always takes "no"). A socket is selected when execution
// lands exactly on the end of the program; landing at end+4 rejects it.
//
// Before running a program the kernel audits it (inet_diag_bc_audit):
// every yes and no must be a multiple of 4, at least the operation's own
// length and at most the remaining length + 4; following the yes offsets
// from the start must reach the end exactly; and every "no" that lands
// inside the program must land on an operation boundary of that yes chain.
// Compile lays programs out so: every operation's yes is its own length
// (JMP's is 4), and jumps go forward only.
//
// The layout is the one ss uses. For "A and B" A's failures jump to the
// reject point of the whole, and its success falls into B. For "A or B",
// A is followed by a JMP to the end (A held), then B; A's failures land
// at end(A)+4, on B. For "not A", A is followed by a JMP to the reject
// point, and A's failures land at end(A)+4, the end: accept.
func Compile(e Expr, ifindex func(name string) (uint32, bool)) (program []byte, exact bool, err error) {
	f, ok, exact := compile(e, ifindex)
	if !ok || len(f) == 0 {
		return nil, exact, nil
	}
	b, err := f.encode()
	if err != nil {
		return nil, false, err
	}
	return b, exact, nil
}

// compile returns a fragment selecting a superset of e; ok is false when
// that superset is everything (no fragment), exact when it is e itself.
func compile(e Expr, ifindex func(string) (uint32, bool)) (f frag, ok, exact bool) {
	switch e := e.(type) {
	case True:
		return nil, false, true
	case *And:
		a, aok, aex := compile(e.X, ifindex)
		b, bok, bex := compile(e.Y, ifindex)
		switch {
		case !aok && !bok:
			return nil, false, aex && bex
		case !aok:
			return b, true, aex && bex
		case !bok:
			return a, true, aex && bex
		}
		return and(a, b), true, aex && bex
	case *Or:
		a, aok, aex := compile(e.X, ifindex)
		b, bok, bex := compile(e.Y, ifindex)
		if !aok || !bok {
			// One side holds for everything (exactly or as a
			// superset): so does the whole.
			return nil, false, !aok && aex || !bok && bex
		}
		return or(a, b), true, aex && bex
	case *Not:
		a, aok, aex := compile(e.X, ifindex)
		if !aex {
			return nil, false, false
		}
		if !aok {
			// not True: nothing passes.
			return frag{{code: bcJmp, fail: toReject}}, true, true
		}
		return not(a), true, true
	case *PortCmp:
		return portInsn(e), true, true
	case *HostCond:
		return frag{hostInsn(e)}, true, true
	case *Dev:
		idx := e.Index
		if e.Name != "" {
			if ifindex == nil {
				return nil, false, false
			}
			var found bool
			if idx, found = ifindex(e.Name); !found {
				return nil, false, false
			}
		}
		p := make([]byte, 4)
		ne.PutUint32(p, idx)
		return frag{{code: bcDevCond, payload: p, fail: toReject}}, true, true
	}
	return nil, false, false
}

func portOp(code uint8, port uint16) insn {
	p := make([]byte, 4)
	ne.PutUint16(p[2:4], port)
	return insn{code: code, payload: p, fail: toReject}
}

func portInsn(e *PortCmp) frag {
	eq, ge, le := uint8(bcSEQ), uint8(bcSGE), uint8(bcSLE)
	if e.Dst {
		eq, ge, le = bcDEQ, bcDGE, bcDLE
	}
	never := frag{{code: bcJmp, fail: toReject}}
	switch e.Op {
	case OpEq:
		return frag{portOp(eq, e.Port)}
	case OpNe:
		return not(frag{portOp(eq, e.Port)})
	case OpGe:
		return frag{portOp(ge, e.Port)}
	case OpLe:
		return frag{portOp(le, e.Port)}
	case OpGt:
		if e.Port == 0xffff {
			return never
		}
		return frag{portOp(ge, e.Port+1)}
	case OpLt:
		if e.Port == 0 {
			return never
		}
		return frag{portOp(le, e.Port-1)}
	}
	return never
}

func hostInsn(e *HostCond) insn {
	code := uint8(bcSCond)
	if e.Dst {
		code = bcDCond
	}
	var p []byte
	switch a := e.Prefix.Addr(); {
	case !e.Prefix.IsValid() || e.Prefix.Bits() == 0:
		// Any address: AF_UNSPEC, prefix 0, no address bytes.
		p = make([]byte, 8)
	case a.Is4():
		p = make([]byte, 8, 12)
		p[0] = afInet
		p = append(p, a.AsSlice()...)
	default:
		p = make([]byte, 8, 24)
		p[0] = afInet6
		p = append(p, a.AsSlice()...)
	}
	if e.Prefix.IsValid() {
		p[1] = uint8(e.Prefix.Bits())
	}
	ne.PutUint32(p[4:8], uint32(e.Port))
	return insn{code: code, payload: p, fail: toReject}
}

func (f frag) encode() ([]byte, error) {
	total := f.size()
	if total+4 > 0xffff {
		return nil, ErrTooLong
	}
	b := make([]byte, 0, total)
	off := 0
	for _, in := range f {
		n := in.size()
		yes := n
		if in.code == bcJmp {
			yes = 4
		}
		target := in.fail
		switch target {
		case toAccept:
			target = total
		case toReject:
			target = total + 4
		}
		var hdr [4]byte
		hdr[0] = in.code
		hdr[1] = uint8(yes)
		ne.PutUint16(hdr[2:4], uint16(target-off))
		b = append(b, hdr[:]...)
		b = append(b, in.payload...)
		off += n
	}
	return b, nil
}
