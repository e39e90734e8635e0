package sockdiag

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// readCapture reads a kernel attribute captured by TestWriteInfoCaptures.
// The captures are in this machine's byte order (little-endian): other
// machines skip.
func readCapture(t *testing.T, name string) []byte {
	t.Helper()
	if bigEndian {
		t.Skip("captures are little-endian")
	}
	b, err := os.ReadFile(filepath.Join("testdata", "captures", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ignoreLen compares decodes of different lengths of the same bytes.
var ignoreLen = cmpopts.IgnoreFields(TCPInfo{}, "Len")

func TestDecodeTCPInfoCaptured(t *testing.T) {
	full := readCapture(t, "tcpinfo-6.18-client")
	var ti TCPInfo
	DecodeTCPInfo(full, &ti)
	// What the capture's connection was: established, window scaling and
	// SACK and timestamps on, 1000 bytes sent and acknowledged (plus the
	// SYN) over loopback's 65535-byte MTU.
	if ti.Len != 280 || ti.State != 1 || ti.Options&7 != 7 || ti.PMTU != 65535 ||
		ti.BytesAcked != 1001 || ti.BytesSent != 1000 || ti.SndCwnd == 0 || ti.RTT == 0 {
		t.Errorf("implausible decode of a captured tcp_info: %+v", ti)
	}

	for _, n := range []int{0, 1, 7, 8, 104, 120, 160, 192, 200, 228, 232, 248, 279} {
		// A shorter struct (an older kernel) decodes as if the rest were
		// zero, and says how long it was.
		var got, want TCPInfo
		DecodeTCPInfo(full[:n], &got)
		DecodeTCPInfo(append(full[:n:n], zeros(len(full)-n)...), &want)
		if got.Len != n {
			t.Errorf("%d bytes: Len %d", n, got.Len)
		}
		if diff := cmp.Diff(want, got, ignoreLen); diff != "" {
			t.Errorf("%d bytes: differs from zero padding (-want +got):\n%s", n, diff)
		}
	}
	// A longer one (a newer kernel): the known part decodes the same.
	var longer TCPInfo
	DecodeTCPInfo(append(full[:len(full):len(full)], 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4), &longer)
	if longer.Len != 288 {
		t.Errorf("longer: Len %d, want 288", longer.Len)
	}
	if diff := cmp.Diff(ti, longer, ignoreLen); diff != "" {
		t.Errorf("longer: (-want +got):\n%s", diff)
	}
}

func TestDecodeTCPInfoBitFields(t *testing.T) {
	b := zeros(TCPInfoKnownLen)
	// Little-endian bit-field layout, as this machine's compiler packs it.
	b[6] = 0x7a                       // snd_wscale 10, rcv_wscale 7
	b[7] = 0x05                       // delivery_rate_app_limited 1, fastopen_client_fail 2
	ne.PutUint32(b[276:], 0x12345678) // ecn_mode 0, accecn_opt_seen 2, accecn_fail_mode 7, options2 0x123456
	if bigEndian {
		b[6], b[7] = 0xa7, 0xc0
		ne.PutUint32(b[276:], 0x27123456)
	}
	var got TCPInfo
	DecodeTCPInfo(b, &got)
	want := TCPInfo{Len: TCPInfoKnownLen, SndWScale: 10, RcvWScale: 7, DeliveryRateAppLimited: true, FastOpenClientFail: 2,
		ECNMode: 0, AccECNOptSeen: 2, AccECNFailMode: 7, Options2: 0x123456}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecodeMemInfo(t *testing.T) {
	nine := cat(u32(1), u32(2), u32(3), u32(4), u32(5), u32(6), u32(7), u32(8), u32(9))
	all := MemInfo{Len: 36, RmemAlloc: 1, RcvBuf: 2, WmemAlloc: 3, SndBuf: 4, FwdAlloc: 5, WmemQueued: 6, OptMem: 7, Backlog: 8, Drops: 9}
	for _, tc := range []struct {
		name string
		in   []byte
		want MemInfo
	}{
		{"all nine", nine, all},
		{"before Linux 4.6: no drops", nine[:32], MemInfo{Len: 32, RmemAlloc: 1, RcvBuf: 2, WmemAlloc: 3, SndBuf: 4, FwdAlloc: 5, WmemQueued: 6, OptMem: 7, Backlog: 8}},
		{"newer: extra counters ignored", cat(nine, u32(10), u32(11)), func() MemInfo { m := all; m.Len = 44; return m }()},
		{"empty", nil, MemInfo{}},
		{"odd length", nine[:6], MemInfo{Len: 6, RmemAlloc: 1, RcvBuf: ne.Uint32(cat(nine[4:6], zeros(2)))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MemInfo{Drops: 99, Len: 99} // DecodeMemInfo overwrites everything
			DecodeMemInfo(tc.in, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeMemInfoCaptured(t *testing.T) {
	var m MemInfo
	DecodeMemInfo(readCapture(t, "skmeminfo-6.18-client"), &m)
	// A quiet loopback client: nothing queued, default buffer sizes.
	if m.Len != 36 || m.RcvBuf == 0 || m.SndBuf == 0 || m.RmemAlloc != 0 || m.WmemQueued != 0 || m.Drops != 0 {
		t.Errorf("implausible decode of a captured skmeminfo: %+v", m)
	}
}

func TestInetMsgExtensions(t *testing.T) {
	info := cat(zeros(8), u32(204000)) // a tcp_info cut after rto
	mem := cat(u32(0), u32(131072))
	bbr := cat(u32(1000), u32(0), u32(11), u32(739), u32(739))
	tests := []struct {
		name                 string
		attrs                [][]byte
		info, cong, mem, bbr []byte
	}{
		{"none", nil, nil, nil, nil, nil},
		{"all four", [][]byte{attr(inetDiagShutdown, []byte{0}), attr(inetDiagSkMemInfo, mem), attr(inetDiagInfo, info), attr(inetDiagCong, []byte("bbr\x00")), attr(inetDiagBBRInfo, bbr)},
			info, []byte("bbr"), mem, bbr},
		{"cong without NUL", [][]byte{attr(inetDiagCong, []byte("cubic"))}, nil, []byte("cubic"), nil, nil},
		{"cong with bytes after the NUL", [][]byte{attr(inetDiagCong, []byte("reno\x00xy"))}, nil, []byte("reno"), nil, nil},
		{"empty info", [][]byte{attr(inetDiagInfo, nil)}, []byte{}, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := inetPayload(inetFixture{family: AFInet, state: 1}, tc.attrs...)
			var m InetMsg
			if err := DecodeInet(p, &m); err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				what      string
				got, want []byte
			}{{"Info", m.Info(), tc.info}, {"Cong", m.Cong(), tc.cong}, {"SkMemInfo", m.SkMemInfo(), tc.mem}, {"BBRInfo", m.BBRInfo(), tc.bbr}} {
				if (f.got == nil) != (f.want == nil) || string(f.got) != string(f.want) {
					t.Errorf("%s = %q, want %q", f.what, f.got, f.want)
				}
				if !within(f.got, p) {
					t.Errorf("%s does not alias the payload", f.what)
				}
			}
		})
	}
}

func TestDecodeBBRInfo(t *testing.T) {
	full := cat(u32(0x89abcdef), u32(0x12), u32(11), u32(739), u32(512))
	for _, tc := range []struct {
		name string
		in   []byte
		want BBRInfo
	}{
		{"full", full, BBRInfo{Len: 20, Bw: 0x1289abcdef, MinRTT: 11, PacingGain: 739, CwndGain: 512}},
		{"longer", cat(full, u32(7)), BBRInfo{Len: 24, Bw: 0x1289abcdef, MinRTT: 11, PacingGain: 739, CwndGain: 512}},
		{"short", full[:12], BBRInfo{Len: 12, Bw: 0x1289abcdef, MinRTT: 11}},
		{"empty", nil, BBRInfo{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := BBRInfo{CwndGain: 1}
			DecodeBBRInfo(tc.in, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
