package render

import (
	"path/filepath"
	"testing"

	"github.com/netstat-go/netstat/sockets"
)

// established is a loopback client as this kernel (6.18) reported one after
// sending 100000 bytes.
var established = sockets.TCPInfo{
	Len: 280, State: 1, Options: sockets.TCPOptTimestamps | sockets.TCPOptSACK | sockets.TCPOptWScale,
	SndWScale: 10, RcvWScale: 10,
	RTO: 204000, SndMSS: 47616, RcvMSS: 536, LastDataSent: 912, LastDataRecv: 912, LastAckRecv: 912,
	PMTU: 65535, RcvSsthresh: 65495, RTT: 24, RTTVar: 8, SndSsthresh: 0x7fffffff, SndCwnd: 13,
	AdvMSS: 65483, Reordering: 3, RcvSpace: 65495,
	PacingRate: 37427564972, MaxPacingRate: ^uint64(0), BytesAcked: 100001,
	SegsOut: 5, SegsIn: 3, MinRTT: 11, DataSegsOut: 3, DeliveryRate: 4328727272,
	Delivered: 4, BytesSent: 100000, SndWnd: 93184, RcvWnd: 65536,
}

func TestTCPInfoGolden(t *testing.T) {
	lossy := sockets.TCPInfo{
		Len: 280, State: 1, CAState: 4, Retransmits: 2, Backoff: 2,
		Options:   sockets.TCPOptTimestamps | sockets.TCPOptSACK | sockets.TCPOptWScale | sockets.TCPOptECN | sockets.TCPOptECNSeen,
		SndWScale: 7, RcvWScale: 9, DeliveryRateAppLimited: true,
		RTO: 1632000, ATO: 40000, SndMSS: 1448, RcvMSS: 1448, Unacked: 40, Sacked: 12, Lost: 7, Retrans: 3,
		LastDataSent: 4, LastDataRecv: 1200, LastAckRecv: 8, PMTU: 1500, RcvSsthresh: 64088,
		RTT: 203125, RTTVar: 41250, SndSsthresh: 21, SndCwnd: 14, AdvMSS: 1448, Reordering: 5,
		RcvRTT: 210500, RcvSpace: 14480, TotalRetrans: 96,
		PacingRate: 125000, MaxPacingRate: 1250000, BytesAcked: 52428800, BytesReceived: 4096,
		SegsOut: 37000, SegsIn: 18000, NotsentBytes: 65536, MinRTT: 190000, DataSegsIn: 3, DataSegsOut: 36900,
		DeliveryRate: 99000, BusyTime: 61000000, RwndLimited: 2100000, SndbufLimited: 30500000,
		Delivered: 36200, DeliveredCE: 12, BytesSent: 53000000, BytesRetrans: 139008,
		DSACKDups: 2, ReordSeen: 4, RcvOOOPack: 1, SndWnd: 3145728, RcvWnd: 64128, Rehash: 1,
		TotalRTO: 3, TotalRTORecoveries: 2, TotalRTOTime: 4890, ReceivedCE: 6,
	}
	// A listener as 6.18 reports one: little but its window and backlog.
	listener := sockets.TCPInfo{Len: 280, State: 10, SndCwnd: 10, Reordering: 3, Sacked: 4096, Unacked: 2}
	// A 3.x kernel's 104-byte struct, ending at total_retrans.
	old := established
	old.Len = 104
	for _, f := range []*uint64{&old.PacingRate, &old.MaxPacingRate, &old.BytesAcked, &old.DeliveryRate, &old.BytesSent} {
		*f = 0
	}
	old.SegsOut, old.SegsIn, old.MinRTT, old.DataSegsOut, old.Delivered, old.SndWnd, old.RcvWnd = 0, 0, 0, 0, 0, 0, 0

	var b []byte
	for _, tc := range []struct {
		name string
		s    sockets.Socket
	}{
		{"established client", sockets.Socket{Internals: &sockets.Internals{TCPInfo: established, Congestion: "bbr",
			BBR: sockets.BBRInfo{Len: 20, Bw: 4328725982, MinRTT: 11, PacingGain: 739, CwndGain: 739}}}},
		{"bbr receiver", sockets.Socket{Internals: &sockets.Internals{TCPInfo: sockets.TCPInfo{Len: 280, RTO: 200000, SndMSS: 32768, SndCwnd: 10, RTT: 17, RTTVar: 8, SndSsthresh: 0x7fffffff, Reordering: 3, BytesReceived: 100000},
			Congestion: "bbr", BBR: sockets.BBRInfo{Len: 20, MinRTT: 17}}}},
		{"lossy, limited, ecn", sockets.Socket{Internals: &sockets.Internals{TCPInfo: lossy, Congestion: "cubic"}}},
		{"listener", sockets.Socket{Internals: &sockets.Internals{TCPInfo: listener, Congestion: "cubic"}}},
		{"104-byte tcp_info", sockets.Socket{Internals: &sockets.Internals{TCPInfo: old, Congestion: "reno"}}},
		{"no congestion name", sockets.Socket{Internals: &sockets.Internals{TCPInfo: sockets.TCPInfo{Len: 8, Options: sockets.TCPOptSACK}}}},
		{"congestion name with control bytes", sockets.Socket{Internals: &sockets.Internals{TCPInfo: sockets.TCPInfo{Len: 8}, Congestion: "x\x1b[2Jy"}}},
		{"no tcp_info", sockets.Socket{Internals: &sockets.Internals{Congestion: "cubic"}}},
	} {
		b = append(b, tc.name...)
		b = append(b, ":\n\t"...)
		b = AppendTCPInfo(b, &tc.s)
		b = append(b, '\n')
	}
	golden(t, filepath.Join("testdata", "tcpinfo.golden"), b)
}

func TestMemInfoGolden(t *testing.T) {
	full := sockets.MemInfo{Len: 36, RmemAlloc: 2304, RcvBuf: 131072, WmemAlloc: 0, SndBuf: 2626560,
		FwdAlloc: 1792, WmemQueued: 4352, OptMem: 320, Backlog: 0, Drops: 17}
	var b []byte
	for _, tc := range []struct {
		name string
		m    sockets.MemInfo
	}{
		{"all nine", full},
		{"before Linux 3.9 (no bl, no d)", func() sockets.MemInfo { m := full; m.Len = 28; return m }()},
		{"newer kernel with more counters", func() sockets.MemInfo { m := full; m.Len = 44; return m }()},
		{"none", sockets.MemInfo{}},
	} {
		b = append(b, tc.name...)
		b = append(b, ":\n\t"...)
		b = AppendMemInfo(b, &tc.m)
		b = append(b, '\n')
	}
	golden(t, filepath.Join("testdata", "tcpinfo-skmem.golden"), b)
}

func TestAppendTCPInfoAllocs(t *testing.T) {
	s := sockets.Socket{Internals: &sockets.Internals{TCPInfo: established, Congestion: "bbr", Memory: sockets.MemInfo{Len: 36, RcvBuf: 131072}}}
	b := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() {
		b = AppendTCPInfo(b[:0], &s)
		b = AppendMemInfo(append(b, ' '), &s.Internals.Memory)
	}); n != 0 {
		t.Errorf("%v allocations per socket", n)
	}
}

func BenchmarkAppendTCPInfo(b *testing.B) {
	s := sockets.Socket{Internals: &sockets.Internals{TCPInfo: established, Congestion: "bbr", Memory: sockets.MemInfo{Len: 36, RcvBuf: 131072}}}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendTCPInfo(buf[:0], &s)
		buf = AppendMemInfo(append(buf, ' '), &s.Internals.Memory)
	}
}
