package sockdiag

import (
	"errors"
	"fmt"
	"syscall"
)

// ErrDumpInterrupted reports that the kernel flagged a dump as inconsistent
// (NLM_F_DUMP_INTR): the socket tables changed while the dump was in
// progress, so some sockets may be missing or listed twice. Everything that
// was received has still been handed to the callback; the caller may retry.
var ErrDumpInterrupted = errors.New("sock_diag: dump interrupted by concurrent changes (NLM_F_DUMP_INTR)")

// ErrMalformed is wrapped by every error about bytes that do not form a
// valid netlink message or sock_diag payload (truncated input, impossible
// lengths). Such errors mean a bug or a kernel/ABI surprise, not an
// ordinary failure, so callers may want to report them differently.
var ErrMalformed = errors.New("malformed netlink data")

// ErrNotSupported is wrapped by the error Dial returns on systems other than
// Linux.
var ErrNotSupported = errors.New("sock_diag not supported")

// Error is an error the kernel reported for a request, in an NLMSG_ERROR
// message or in the status of NLMSG_DONE. It unwraps to its Errno, so
// errors.Is(err, syscall.ENOENT) works.
type Error struct {
	// Errno is the positive errno the kernel returned.
	Errno syscall.Errno
	// Msg is the extended-ack message text (NLMSGERR_ATTR_MSG), if the
	// kernel sent one.
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Msg != "" {
		return fmt.Sprintf("sock_diag: kernel error: %v (%s)", e.Errno, e.Msg)
	}
	return fmt.Sprintf("sock_diag: kernel error: %v", e.Errno)
}

// Unwrap returns e.Errno.
func (e *Error) Unwrap() error { return e.Errno }

func malformed(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, ErrMalformed)...)
}

// replyFilter tells walk which replies belong to the current request. The
// zero value accepts everything (what Messages wants: it has no request to
// compare with).
type replyFilter struct {
	check bool
	seq   uint32 // nlmsg_seq of the request
	pid   uint32 // our netlink port id, echoed by the kernel in nlmsg_pid
}

// Messages walks the netlink messages in buf, the bytes of one recv from a
// NETLINK_SOCK_DIAG socket. For each SOCK_DIAG_BY_FAMILY message it calls fn
// with the message payload (what follows struct nlmsghdr, aliasing buf); a
// non-nil error from fn stops the walk and is returned unchanged.
//
// It returns done=true when it reaches NLMSG_DONE (later messages in buf are
// ignored). An NLMSG_ERROR message, or an NLMSG_DONE carrying a negative
// status, yields an *Error that unwraps to the syscall.Errno. If any message
// walked carries NLM_F_DUMP_INTR, Messages still walks the whole batch and
// then returns ErrDumpInterrupted (with done set as usual). Truncated or
// malformed input yields an error wrapping ErrMalformed.
func Messages(buf []byte, fn func(payload []byte) error) (done bool, err error) {
	done, _, err = walk(buf, replyFilter{}, fn)
	return done, err
}

// walk implements Messages. It also reports whether the kernel has finished
// answering the request (NLMSG_DONE or NLMSG_ERROR seen), which Conn needs
// to know whether unread replies may still be pending after an error.
func walk(buf []byte, f replyFilter, fn func(payload []byte) error) (done, finished bool, err error) {
	intr := false
	off := 0
	for len(buf)-off > 0 {
		b := buf[off:]
		if len(b) < nlmsgHdrLen {
			return false, false, malformed("netlink: %d trailing bytes at offset %d, need %d for a message header", len(b), off, nlmsgHdrLen)
		}
		n := ne.Uint32(b[0:4])
		typ := ne.Uint16(b[4:6])
		flags := ne.Uint16(b[6:8])
		seq := ne.Uint32(b[8:12])
		pid := ne.Uint32(b[12:16])
		if n < nlmsgHdrLen || uint64(n) > uint64(len(b)) {
			return false, false, malformed("netlink: message at offset %d claims %d bytes, have %d (minimum %d)", off, n, len(b), nlmsgHdrLen)
		}
		if f.check && (seq != f.seq || pid != f.pid) {
			// Not ErrMalformed: the bytes are fine, they answer some other
			// request (which Conn prevents by never leaving a dump unread).
			return false, false, fmt.Errorf("netlink: reply with seq %d port %d, want seq %d port %d", seq, pid, f.seq, f.pid)
		}
		if flags&nlmFDumpIntr != 0 {
			intr = true
		}
		payload := b[nlmsgHdrLen:n]
		// Messages are NLMSG_ALIGNed; the last one in a buffer may lack its
		// padding, which is harmless.
		next := (uint64(n) + 3) &^ 3
		if next > uint64(len(b)) {
			next = uint64(len(b))
		}
		off += int(next)

		switch typ {
		case sockDiagByFamily:
			if err := fn(payload); err != nil {
				return false, false, err
			}
		case nlmsgDone:
			// A dump ends with NLMSG_DONE whose payload is an int status:
			// 0, or a negative errno when the dump failed part way.
			if len(payload) >= 4 {
				if status := int32(ne.Uint32(payload[0:4])); status < 0 {
					var tlvs []byte
					if flags&nlmFAckTLVs != 0 {
						tlvs = payload[4:]
					}
					return true, true, kernelError(status, tlvs)
				}
			}
			if intr {
				return true, true, ErrDumpInterrupted
			}
			return true, true, nil
		case nlmsgError:
			if err := decodeError(payload, flags); err != nil {
				return false, true, err
			}
			// error == 0 is an ACK, which a dump without NLM_F_ACK does not
			// get; ignore it.
		case nlmsgNoop:
		case nlmsgOverrun:
			return false, false, fmt.Errorf("netlink: kernel reported data lost (NLMSG_OVERRUN): %w", ErrMalformed)
		default:
			return false, false, malformed("netlink: unexpected message type %d at offset %d", typ, off-int(next))
		}
	}
	if intr {
		return false, false, ErrDumpInterrupted
	}
	return false, false, nil
}

// decodeError decodes the payload of an NLMSG_ERROR message (struct
// nlmsgerr). It returns nil for an ACK (error 0).
func decodeError(p []byte, flags uint16) error {
	if len(p) < 4 {
		return malformed("netlink: NLMSG_ERROR payload of %d bytes, need 4", len(p))
	}
	status := int32(ne.Uint32(p[0:4]))
	if status == 0 {
		return nil
	}
	var tlvs []byte
	if flags&nlmFAckTLVs != 0 {
		// struct nlmsgerr is the errno followed by the offending request's
		// header and, unless NLM_F_CAPPED, its payload; extended-ack TLVs
		// follow that.
		rest := p[4:]
		if len(rest) >= nlmsgHdrLen {
			skip := uint64(nlmsgHdrLen)
			if flags&nlmFCapped == 0 {
				skip = (uint64(ne.Uint32(rest[0:4])) + 3) &^ 3
			}
			if skip >= nlmsgHdrLen && skip <= uint64(len(rest)) {
				tlvs = rest[skip:]
			}
		}
	}
	return kernelError(status, tlvs)
}

// kernelError builds an *Error from a non-zero status (a negative errno) and
// optional extended-ack TLVs. Broken TLVs are ignored: the errno is what
// matters.
func kernelError(status int32, tlvs []byte) error {
	e := &Error{Errno: syscall.Errno(-int64(status))}
	if status > 0 { // not something Linux sends; keep the number readable
		e.Errno = syscall.Errno(status)
	}
	for len(tlvs) >= nlaHdrLen {
		typ, data, rest, err := nextAttr(tlvs)
		if err != nil {
			break
		}
		if typ == nlmsgerrAttrMsg {
			for len(data) > 0 && data[len(data)-1] == 0 {
				data = data[:len(data)-1]
			}
			e.Msg = string(data)
		}
		tlvs = rest
	}
	return e
}

// nextAttr splits the first netlink attribute (struct nlattr: u16 len, u16
// type, then len-4 bytes of data padded to 4) off b, which must hold at
// least nlaHdrLen bytes. The type is returned without the NLA_F_NESTED and
// NLA_F_NET_BYTEORDER flag bits.
func nextAttr(b []byte) (typ uint16, data, rest []byte, err error) {
	n := int(ne.Uint16(b[0:2]))
	typ = ne.Uint16(b[2:4]) & nlaTypeMask
	if n < nlaHdrLen || n > len(b) {
		return 0, nil, nil, malformed("netlink: attribute type %d claims %d bytes, have %d (minimum %d)", typ, n, len(b), nlaHdrLen)
	}
	data = b[nlaHdrLen:n]
	next := (n + 3) &^ 3
	if next > len(b) {
		// The final attribute's padding may be missing; nothing follows.
		next = len(b)
	}
	return typ, data, b[next:], nil
}
