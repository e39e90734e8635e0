package filter

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"

	"github.com/netstat-go/netstat/sockets"
)

// audit checks a program as the kernel's inet_diag_bc_audit does (rules
// restated in Compile's doc comment).
func audit(bc []byte) error {
	// The yes chain: the offsets of every operation it visits.
	chain := map[int]bool{}
	off := 0
	for off < len(bc) {
		chain[off] = true
		if len(bc)-off < 4 {
			return fmt.Errorf("truncated op at %d", off)
		}
		code, yes, no := bc[off], int(bc[off+1]), int(ne.Uint16(bc[off+2:]))
		minLen := 4
		switch code {
		case bcSCond, bcDCond:
			if len(bc)-off < 12 {
				return fmt.Errorf("short hostcond at %d", off)
			}
			fam, plen := bc[off+4], int(bc[off+5])
			alen := map[byte]int{afUnspec: 0, afInet: 4, afInet6: 16}
			n, ok := alen[fam]
			if !ok || plen > 8*n || len(bc)-off < 12+n {
				return fmt.Errorf("bad hostcond at %d", off)
			}
			minLen = 12 + n
		case bcDevCond:
			minLen = 8
		case bcSGE, bcSLE, bcDGE, bcDLE, bcSEQ, bcDEQ:
			minLen = 8
		case bcJmp, bcNop:
		default:
			return fmt.Errorf("bad code %d at %d", code, off)
		}
		rem := len(bc) - off
		if len(bc)-off < minLen {
			return fmt.Errorf("op at %d longer than program", off)
		}
		if code != bcNop {
			if no < minLen || no > rem+4 || no&3 != 0 {
				return fmt.Errorf("bad no %d at %d", no, off)
			}
		}
		if yes < minLen || yes > rem+4 || yes&3 != 0 {
			return fmt.Errorf("bad yes %d at %d", yes, off)
		}
		off += yes
	}
	if off != len(bc) {
		return fmt.Errorf("yes chain ends at %d, not %d", off, len(bc))
	}
	// Every "no" inside the program lands on the yes chain.
	for o := range chain {
		if bc[o] == bcNop {
			continue
		}
		t := o + int(ne.Uint16(bc[o+2:]))
		if t < len(bc) && !chain[t] {
			return fmt.Errorf("no of op at %d lands at %d, not an op", o, t)
		}
	}
	return nil
}

type entry struct {
	family       byte
	saddr, daddr []byte // 4 or 16 bytes
	sport, dport uint16
	ifindex      uint32
}

func entryOf(s *sockets.Socket) entry {
	e := entry{sport: s.Local.Port(), dport: s.Remote.Port()}
	if s.Local.Addr().Is4() {
		e.family = afInet
	} else {
		e.family = afInet6
	}
	e.saddr = s.Local.Addr().AsSlice()
	e.daddr = s.Remote.Addr().AsSlice()
	// The test sockets name their interface by index in the zone, which
	// is what Eval can compare with "dev INDEX".
	// A zone that is a name stands for an interface no test resolves.
	if z := s.Local.Addr().Zone(); z != "" {
		e.ifindex = 0xffffffff
		if n, err := strconv.ParseUint(z, 10, 32); err == nil {
			e.ifindex = uint32(n)
		}
	}
	return e
}

func bitsMatch(a, b []byte, n int) bool {
	for i := 0; i < n; i++ {
		if (a[i/8]>>(7-i%8))&1 != (b[i/8]>>(7-i%8))&1 {
			return false
		}
	}
	return true
}

// run executes a program as inet_diag_bc_run does.
func run(bc []byte, e entry) bool {
	n := len(bc)
	off := 0
	for n > 0 {
		op := bc[off:]
		yes := true
		switch op[0] {
		case bcJmp:
			yes = false
		case bcSGE:
			yes = e.sport >= ne.Uint16(op[6:])
		case bcSLE:
			yes = e.sport <= ne.Uint16(op[6:])
		case bcDGE:
			yes = e.dport >= ne.Uint16(op[6:])
		case bcDLE:
			yes = e.dport <= ne.Uint16(op[6:])
		case bcSEQ:
			yes = e.sport == ne.Uint16(op[6:])
		case bcDEQ:
			yes = e.dport == ne.Uint16(op[6:])
		case bcDevCond:
			yes = e.ifindex == ne.Uint32(op[4:])
		case bcSCond, bcDCond:
			port, addr := e.sport, e.saddr
			if op[0] == bcDCond {
				port, addr = e.dport, e.daddr
			}
			fam, plen, cport := op[4], int(op[5]), int32(ne.Uint32(op[8:]))
			switch {
			case cport != -1 && cport != int32(port):
				yes = false
			case plen == 0:
			case fam != afUnspec && fam != e.family:
				yes = e.family == afInet6 && fam == afInet &&
					bytes.Equal(addr[:12], []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}) &&
					bitsMatch(addr[12:], op[12:], plen)
			default:
				yes = bitsMatch(addr, op[12:], plen)
			}
		}
		step := int(op[1])
		if !yes {
			step = int(ne.Uint16(op[2:]))
		}
		n -= step
		off += step
	}
	return n == 0
}

func TestCompileLayout(t *testing.T) {
	h16 := func(v uint16) string { var b [2]byte; ne.PutUint16(b[:], v); return hex.EncodeToString(b[:]) }
	h32 := func(v uint32) string { var b [4]byte; ne.PutUint32(b[:], v); return hex.EncodeToString(b[:]) }
	tests := []struct {
		expr  string
		want  string // hex, spaces ignored
		exact bool
	}{
		{"sport = :22", "0b08" + h16(12) + "0000" + h16(22), true},
		{"dport >= :1024", "0408" + h16(12) + "0000" + h16(1024), true},
		{"dport > :1024", "0408" + h16(12) + "0000" + h16(1025), true},
		{"sport < :1024", "0308" + h16(12) + "0000" + h16(1023), true},
		// not: S_EQ fails to the end (accept), else JMP to end+4.
		{"sport != :22", "0b08" + h16(12) + "0000" + h16(22) + "0104" + h16(8), true},
		{"dst 10.0.0.0/8:80", "0810" + h16(20) + "02080000" + h32(80) + "0a000000", true},
		{"src [::1]", "071c" + h16(32) + "0a800000" + h32(0xffffffff) + "00000000000000000000000000000001", true},
		{"src *:22", "070c" + h16(16) + "00000000" + h32(22), true},
		{"dev 3", "0908" + h16(12) + h32(3), true},
		{"dev lo", "0908" + h16(12) + h32(1), true},
		{"dev eth9", "", false},
		{"sport = :*", "", true},
		{"sport = :22 and dev eth9", "0b08" + h16(12) + "0000" + h16(22), false},
		{"sport = :22 or dev eth9", "", false},
		{"not dev eth9", "", false},
		// or: A fails onto B (8+4 bytes on), A holds into the JMP to the end.
		{"sport = :1 or sport = :2", "0b08" + h16(12) + "0000" + h16(1) + "0104" + h16(12) + "0b08" + h16(12) + "0000" + h16(2), true},
		// and: A fails to the end+4 of the whole.
		{"sport = :1 dport = :2", "0b08" + h16(20) + "0000" + h16(1) + "0c08" + h16(12) + "0000" + h16(2), true},
		{"sport > :65535", "0104" + h16(8), true},
	}
	ifindex := func(name string) (uint32, bool) { return 1, name == "lo" }
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := ParseExpr([]string{tt.expr}, testNames)
			if err != nil {
				t.Fatal(err)
			}
			bc, exact, err := Compile(e, ifindex)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(bc); got != tt.want {
				t.Errorf("program\n %s\nwant\n %s", got, tt.want)
			}
			if exact != tt.exact {
				t.Errorf("exact %v, want %v", exact, tt.exact)
			}
			if bc != nil {
				if err := audit(bc); err != nil {
					t.Errorf("audit: %v", err)
				}
			}
		})
	}
}

// TestCompileMatchesEval runs every Eval test's program through the
// kernel's semantics and checks it selects what Eval selects.
func TestCompileMatchesEval(t *testing.T) {
	extra := []string{
		"not ( sport = :22 and ( dport = :40000 or not dst 127.0.0.1 ) ) or src [::]/0:0",
		"! ( ! sport = :22 || ! dport = :40000 )",
		"( sport < :100 or sport > :10000 ) and not ( dst [::1] or dst 127.0.0.1 )",
		"not not not src 10.0.0.0/8",
		"dev lo or not dev 1",
	}
	var exprs []string
	for _, tt := range evalTests {
		exprs = append(exprs, tt.expr)
	}
	for _, x := range append(exprs, extra...) {
		e, err := ParseExpr([]string{x}, testNames)
		if err != nil {
			t.Fatal(err)
		}
		bc, exact, err := Compile(e, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit(bc); bc != nil && err != nil {
			t.Errorf("%s: audit: %v", x, err)
			continue
		}
		for i, s := range evalSockets {
			k := bc == nil || run(bc, entryOf(s))
			u := e.Eval(s)
			if exact && k != u || !exact && u && !k {
				t.Errorf("%s: socket %d: kernel %v, Eval %v (exact %v)", x, i, k, u, exact)
			}
		}
	}
}
