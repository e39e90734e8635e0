package rtnl

import (
	"errors"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	rtmNewLink = 16 // RTM_NEWLINK
	flagMulti  = 0x2
)

// TestWalk checks stale replies, NLM_F_DUMP_INTR, NLMSG_DONE, a kernel
// error and a truncated message.
func TestWalk(t *testing.T) {
	msg := func(typ, flags uint16, seq uint32, payload []byte) []byte {
		m := make([]byte, HeaderLen, align4(HeaderLen+len(payload)))
		ne.PutUint32(m[0:], uint32(HeaderLen+len(payload)))
		ne.PutUint16(m[4:], typ)
		ne.PutUint16(m[6:], flags)
		ne.PutUint32(m[8:], seq)
		ne.PutUint32(m[12:], 42)
		return append(m, payload...)[:cap(m)]
	}
	var b []byte
	b = append(b, msg(rtmNewLink, flagMulti, 5, []byte{1, 2, 3})...)
	b = append(b, msg(rtmNewLink, flagMulti, 4, []byte{9})...) // other request
	b = append(b, msg(rtmNewLink, flagMulti|flagDumpInt, 5, []byte{4})...)
	b = append(b, msg(msgDone, flagMulti, 5, make([]byte, 4))...)
	var got [][]byte
	done, intr, err := Walk(b, 5, 42, func(typ uint16, p []byte) error {
		got = append(got, p)
		return nil
	})
	if !done || !intr || err != nil || cmp.Diff([][]byte{{1, 2, 3}, {4}}, got) != "" {
		t.Errorf("Walk: done %v intr %v err %v payloads %v", done, intr, err, got)
	}
	e := make([]byte, 4)
	ne.PutUint32(e, uint32(0xffffffff)) // -EPERM
	if _, _, err := Walk(msg(msgError, 0, 5, e), 5, 42, nil); !errors.Is(err, syscall.EPERM) {
		t.Errorf("NLMSG_ERROR -1: %v, want EPERM", err)
	}
	if _, _, err := Walk(b[:18], 5, 42, func(uint16, []byte) error { return nil }); err == nil {
		t.Error("truncated message: no error")
	}
}

// FuzzWalk: any bytes, never a panic.
func FuzzWalk(f *testing.F) {
	f.Add([]byte{20, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = Walk(b, 1, 0, func(uint16, []byte) error { return nil })
	})
}
