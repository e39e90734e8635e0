package sockdiag

import (
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMessages(t *testing.T) {
	p1 := inetPayload(inetFixture{family: AFInet, state: 10, sport: 80, inode: 1}, attr(inetDiagShutdown, []byte{0}))
	p2 := unixPayload(1, 1, 2, 3, attr(unixDiagName, []byte("\x00odd"))) // 24 bytes: message needs no padding
	p3 := []byte{1, 2, 3}                                                // 19-byte message: padded to 20
	req := InetRequest(1, AFInet, IPProtoTCP, AllStates, 0)

	// nlmsgerr builds an NLMSG_ERROR payload: errno, the offending request's
	// header and (unless capped) payload, then extended-ack TLVs.
	nlmsgerr := func(errno int32, orig []byte, tlvs ...[]byte) []byte {
		return cat(u32(uint32(errno)), orig, cat(tlvs...))
	}
	errMsg := func(flags uint16, payload []byte) []byte { return nlmsg(nlmsgError, flags, 1, 1234, payload) }

	tests := []struct {
		name     string
		buf      []byte
		want     [][]byte // payloads passed to fn
		wantDone bool
		wantIs   error  // errors.Is target; nil means success
		wantText string // substring of the error
		wantMsg  string // *Error.Msg
	}{{
		name:     "messages then done",
		buf:      cat(diagMsg(p1), diagMsg(p2), diagMsg(p3), doneMsg(0, 0)),
		want:     [][]byte{p1, p2, p3},
		wantDone: true,
	}, {
		name: "batch without done",
		buf:  cat(diagMsg(p1), diagMsg(p2)),
		want: [][]byte{p1, p2},
	}, {
		name: "empty buffer",
		buf:  nil,
	}, {
		name:     "noop is skipped",
		buf:      cat(nlmsg(nlmsgNoop, 0, 1, 1234, nil), diagMsg(p1), doneMsg(0, 0)),
		want:     [][]byte{p1},
		wantDone: true,
	}, {
		name:     "done stops the walk",
		buf:      cat(diagMsg(p1), doneMsg(0, 0), diagMsg(p2), []byte{0xff, 0xff}),
		want:     [][]byte{p1},
		wantDone: true,
	}, {
		name:     "done without status",
		buf:      nlmsg(nlmsgDone, nlmFMulti, 1, 1234, nil),
		wantDone: true,
	}, {
		name: "last message lacks its padding",
		buf:  diagMsg(p3)[:nlmsgHdrLen+3],
		want: [][]byte{p3},
	}, {
		name:     "NLMSG_ERROR ENOENT",
		buf:      errMsg(0, nlmsgerr(-2, req)),
		wantIs:   syscall.ENOENT,
		wantText: "sock_diag: kernel error: no such file or directory",
	}, {
		name:     "NLMSG_ERROR with extended ack, capped",
		buf:      errMsg(nlmFCapped|nlmFAckTLVs, nlmsgerr(-22, req[:16], attr(nlmsgerrAttrMsg, []byte("bad family\x00")), attr(2, u32(16)))),
		wantIs:   syscall.EINVAL,
		wantText: "invalid argument (bad family)",
		wantMsg:  "bad family",
	}, {
		name:     "NLMSG_ERROR with extended ack after the full request",
		buf:      errMsg(nlmFAckTLVs, nlmsgerr(-1, req, attr(nlmsgerrAttrMsg, []byte("nope\x00")))),
		wantIs:   syscall.EPERM,
		wantMsg:  "nope",
		wantText: "operation not permitted (nope)",
	}, {
		name:   "NLMSG_ERROR with broken TLVs still reports the errno",
		buf:    errMsg(nlmFAckTLVs, nlmsgerr(-2, req, attrLen(200, 1, nil))),
		wantIs: syscall.ENOENT,
	}, {
		name:   "NLMSG_ERROR with an impossible original length",
		buf:    errMsg(nlmFAckTLVs, cat(u32(uint32(0xfffffff2)), u32(0xffff), zeros(12))), // -14
		wantIs: syscall.EFAULT,
	}, {
		name: "ACK (error 0) is ignored",
		buf:  cat(errMsg(0, nlmsgerr(0, req[:16])), diagMsg(p1)),
		want: [][]byte{p1},
	}, {
		name:     "done with -ENOENT (what a kernel without raw_diag sends)",
		buf:      cat(u32(20), u16(3), u16(2), u32(7), u32(1234), u32(0xfffffffe)),
		wantDone: true,
		wantIs:   syscall.ENOENT,
	}, {
		name:     "done with error and extended ack",
		buf:      nlmsg(nlmsgDone, nlmFMulti|nlmFAckTLVs, 1, 1234, cat(u32(uint32(0xfffffff0)), attr(nlmsgerrAttrMsg, []byte("busy\x00")))), // -16
		wantDone: true,
		wantIs:   syscall.EBUSY,
		wantMsg:  "busy",
	}, {
		name:   "dump interrupted mid batch: whole batch delivered",
		buf:    cat(diagMsg(p1), nlmsg(sockDiagByFamily, nlmFMulti|nlmFDumpIntr, 1, 1234, p2), diagMsg(p3)),
		want:   [][]byte{p1, p2, p3},
		wantIs: ErrDumpInterrupted,
	}, {
		name:     "dump interrupted flagged on done",
		buf:      cat(diagMsg(p1), doneMsg(nlmFDumpIntr, 0)),
		want:     [][]byte{p1},
		wantDone: true,
		wantIs:   ErrDumpInterrupted,
	}, {
		name:     "dump interrupted earlier in the batch, then done",
		buf:      cat(nlmsg(sockDiagByFamily, nlmFMulti|nlmFDumpIntr, 1, 1234, p1), doneMsg(0, 0)),
		want:     [][]byte{p1},
		wantDone: true,
		wantIs:   ErrDumpInterrupted,
	}, {
		name:     "truncated header",
		buf:      cat(diagMsg(p1), diagMsg(p2)[:10]),
		want:     [][]byte{p1},
		wantIs:   ErrMalformed,
		wantText: "10 trailing bytes",
	}, {
		name:     "length below header size",
		buf:      cat(u32(8), u16(20), u16(0), u32(0), u32(0)),
		wantIs:   ErrMalformed,
		wantText: "claims 8 bytes",
	}, {
		name:     "length beyond the buffer",
		buf:      diagMsg(p1)[:40],
		wantIs:   ErrMalformed,
		wantText: "message at offset 0 claims 96 bytes, have 40",
	}, {
		name:     "length near 2^32",
		buf:      cat(u32(0xfffffffc), u16(20), u16(0), u32(0), u32(0)),
		wantIs:   ErrMalformed,
		wantText: "claims 4294967292 bytes",
	}, {
		name:     "short NLMSG_ERROR",
		buf:      errMsg(0, []byte{1, 2}),
		wantIs:   ErrMalformed,
		wantText: "NLMSG_ERROR payload of 2 bytes",
	}, {
		name:     "overrun",
		buf:      nlmsg(nlmsgOverrun, 0, 1, 1234, nil),
		wantIs:   ErrMalformed,
		wantText: "NLMSG_OVERRUN",
	}, {
		name:     "unknown type",
		buf:      cat(diagMsg(p1), nlmsg(99, 0, 1, 1234, nil)),
		want:     [][]byte{p1},
		wantIs:   ErrMalformed,
		wantText: "unexpected message type 99 at offset 96",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]byte
			done, err := Messages(tt.buf, func(p []byte) error {
				got = append(got, p)
				return nil
			})
			if done != tt.wantDone {
				t.Errorf("done = %v, want %v", done, tt.wantDone)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("payloads (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantIs == nil && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.wantIs != nil && !errors.Is(err, tt.wantIs):
				t.Errorf("error %v, want one matching %v", err, tt.wantIs)
			}
			if tt.wantText != "" && (err == nil || !strings.Contains(err.Error(), tt.wantText)) {
				t.Errorf("error %v, want one containing %q", err, tt.wantText)
			}
			if tt.wantMsg != "" {
				var kerr *Error
				if !errors.As(err, &kerr) || kerr.Msg != tt.wantMsg {
					t.Errorf("error %#v, want *Error with Msg %q", err, tt.wantMsg)
				}
			}
		})
	}
}

// TestMessagesCallbackError checks that the callback's error stops the walk
// and comes back unchanged.
func TestMessagesCallbackError(t *testing.T) {
	errStop := errors.New("stop")
	buf := cat(diagMsg(u32(1)), diagMsg(u32(2)), doneMsg(0, 0))
	n := 0
	done, err := Messages(buf, func([]byte) error { n++; return errStop })
	if err != errStop || done || n != 1 {
		t.Errorf("got done=%v err=%v after %d calls, want false, errStop, 1", done, err, n)
	}
}

// TestWalkFilter checks the reply filter Conn uses: replies to another
// request (sequence number) or another socket (port id) are rejected.
func TestWalkFilter(t *testing.T) {
	f := replyFilter{check: true, seq: 1, pid: 1234}
	for _, tt := range []struct {
		name string
		buf  []byte
		ok   bool
	}{
		{"match", diagMsg(u32(1)), true},
		{"other seq", nlmsg(sockDiagByFamily, nlmFMulti, 2, 1234, nil), false},
		{"other port", nlmsg(sockDiagByFamily, nlmFMulti, 1, 1, nil), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := walk(tt.buf, f, func([]byte) error { return nil })
			if (err == nil) != tt.ok {
				t.Errorf("walk error %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	for _, tt := range []struct {
		err  *Error
		want string
	}{
		{&Error{Errno: syscall.ENOENT}, "sock_diag: kernel error: no such file or directory"},
		{&Error{Errno: syscall.EINVAL, Msg: "x"}, "sock_diag: kernel error: invalid argument (x)"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
