package rtnl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
)

var ne = binary.NativeEndian

// HeaderLen is the size of struct nlmsghdr.
const HeaderLen = 16

// Netlink message types and flags (linux/netlink.h), spelled here so that
// the walk compiles on every system.
const (
	msgNoop     = 0x1
	msgError    = 0x2
	msgDone     = 0x3
	flagDumpInt = 0x10 // NLM_F_DUMP_INTR
)

// ErrDumpInterrupted means the kernel flagged a dump inconsistent
// (NLM_F_DUMP_INTR): what it lists changed while the dump ran. Every
// message was still delivered.
var ErrDumpInterrupted = errors.New("rtnetlink: dump interrupted by a concurrent change")

// Walk walks the netlink messages in b, calling fn for those that answer
// request seq of port pid and are neither NLMSG_DONE nor NLMSG_ERROR. It
// reports whether the dump ended (NLMSG_DONE), whether any message carried
// NLM_F_DUMP_INTR, and a kernel error, malformed input or fn's error.
func Walk(b []byte, seq, pid uint32, fn func(typ uint16, payload []byte) error) (done, intr bool, err error) {
	for len(b) > 0 {
		if len(b) < HeaderLen {
			return done, intr, fmt.Errorf("rtnetlink: %d trailing bytes, short of a message header", len(b))
		}
		l := ne.Uint32(b[0:4])
		if l < HeaderLen || uint64(l) > uint64(len(b)) {
			return done, intr, fmt.Errorf("rtnetlink: message length %d out of range (%d bytes left)", l, len(b))
		}
		typ, flags := ne.Uint16(b[4:6]), ne.Uint16(b[6:8])
		mseq, mpid := ne.Uint32(b[8:12]), ne.Uint32(b[12:16])
		payload := b[HeaderLen:l]
		b = b[min(align4(int(l)), len(b)):]
		if mseq != seq || mpid != pid {
			continue // stale reply to something else
		}
		if flags&flagDumpInt != 0 {
			intr = true
		}
		switch typ {
		case msgNoop:
		case msgDone:
			if len(payload) >= 4 {
				if e := int32(ne.Uint32(payload[0:4])); e < 0 {
					return true, intr, fmt.Errorf("rtnetlink: dump: %w", syscall.Errno(-e))
				}
			}
			return true, intr, nil
		case msgError:
			if len(payload) < 4 {
				return done, intr, errors.New("rtnetlink: short NLMSG_ERROR")
			}
			if e := int32(ne.Uint32(payload[0:4])); e != 0 {
				if e < 0 {
					e = -e
				}
				return true, intr, fmt.Errorf("rtnetlink: %w", syscall.Errno(e))
			}
		default:
			if err := fn(typ, payload); err != nil {
				return done, intr, err
			}
		}
	}
	return done, intr, nil
}

func align4(n int) int { return (n + 3) &^ 3 }
