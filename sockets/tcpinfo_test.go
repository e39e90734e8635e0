package sockets

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestTCPInfoAll checks that All yields every field, in struct order (which
// is the kernel's), each with its own value, and stops at Len.
func TestTCPInfoAll(t *testing.T) {
	var ti TCPInfo
	v := reflect.ValueOf(&ti).Elem()
	var want []uint64
	for i := 1; i < v.NumField(); i++ { // field 0 is Len
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
			want = append(want, 1)
		default:
			f.SetUint(uint64(i))
			want = append(want, uint64(i))
		}
	}
	for _, tc := range []struct {
		len  int
		n    int    // fields yielded
		last string // name of the last one
	}{
		{0, 0, ""},
		{7, 8, "rcv_wscale"},
		{104, 34, "total_retrans"},
		{160, 44, "data_segs_out"},
		{248, 61, "total_rto_time"},
		{280, len(want), "options2"},
		{400, len(want), "options2"},
	} {
		ti.Len = tc.len
		var got []uint64
		var names []string
		for name, v := range ti.All() {
			got = append(got, v)
			names = append(names, name)
		}
		if diff := cmp.Diff(want[:tc.n], got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Len %d: values (-want +got):\n%s", tc.len, diff)
		}
		if last := ""; len(names) > 0 {
			last = names[len(names)-1]
			if last != tc.last {
				t.Errorf("Len %d: last field %q, want %q", tc.len, last, tc.last)
			}
		}
		seen := map[string]bool{}
		for _, n := range names {
			if seen[n] {
				t.Errorf("field %q twice", n)
			}
			seen[n] = true
		}
	}
	// Breaking out of the loop early must not panic.
	for range ti.All() {
		break
	}
}

func TestMemInfoAll(t *testing.T) {
	m := MemInfo{Len: 32, RmemAlloc: 1, RcvBuf: 2, WmemAlloc: 3, SndBuf: 4, FwdAlloc: 5, WmemQueued: 6, OptMem: 7, Backlog: 8, Drops: 9}
	var got []string
	for name, v := range m.All() {
		got = append(got, name+"="+string(rune('0'+v)))
	}
	want := []string{"rmem_alloc=1", "rcvbuf=2", "wmem_alloc=3", "sndbuf=4", "fwd_alloc=5", "wmem_queued=6", "optmem=7", "backlog=8"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
