package render

import (
	"strconv"

	"github.com/netstat-go/netstat/sockets"
)

// AppendTCPInfo appends a TCP socket's internals (--tcp-info) as one line
// of space-separated tokens, without a newline: `ss -ti` on one line, with
// ss's token names and units so that its users recognise them, but every
// value in key:value form (ss's "send 1bps" is "send:1bps") so that a
// token never depends on its neighbour:
//
//	ts sack cubic wscale:7,7 rto:204 rtt:0.05/0.025 ato:40 mss:32768 pmtu:65535
//	rcvmss:536 advmss:65483 cwnd:10 bytes_acked:1 bytes_received:0 segs_out:2
//	segs_in:1 send:52428800000bps pacing_rate:104857600000bps retrans:0/0 lost:0
//	rcv_space:65483 rcv_ssthresh:65483 minrtt:0.05 snd_wnd:65536
//
// Flags (ts sack ecn ecnseen fastopen app_limited) and the congestion
// algorithm are bare words; BBR's state is ss's bbr:(bw:..bps,mrtt:..,
// pacing_gain:..,cwnd_gain:..). Times are milliseconds (rtt:0.05/0.025 is
// rtt/rttvar), rates bits per second, sizes bytes, cwnd and ssthresh
// segments. cwnd, bytes_acked, bytes_received, retrans (in flight/total)
// and lost always appear when the kernel sent them; the rest, as in ss,
// only when set: rtt once measured, ssthresh once finite, no unacked or
// sacked for listeners (there they are the accept queue and backlog),
// rwnd_limited and sndbuf_limited as time and share of busy time
// (rwnd_limited:12ms(3.4%)). Fields a kernel newer than ss knows are
// named as in linux/tcp.h.
//
// Nothing is appended for a socket without tcp_info (see
// sockets.Internals).
func AppendTCPInfo(b []byte, s *sockets.Socket) []byte {
	in := s.Internals
	if in == nil || !in.TCPInfo.Valid() {
		return b
	}
	ti := &in.TCPInfo
	start := len(b)
	// has reports whether the kernel sent the field ending at byte end.
	has := func(end int) bool { return ti.Len >= end }
	word := func(w string) {
		if len(b) > start {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	key := func(k string) { word(k); b = append(b, ':') }
	u := func(k string, v uint64) { key(k); b = strconv.AppendUint(b, v, 10) }
	nz := func(k string, v uint64, end int) {
		if has(end) && v != 0 {
			u(k, v)
		}
	}
	ms := func(us uint64) { b = strconv.AppendFloat(b, float64(us)/1000, 'f', -1, 64) }
	bps := func(bytesPerSec uint64) {
		if bytesPerSec > ^uint64(0)/8 {
			b = strconv.AppendFloat(b, float64(bytesPerSec)*8, 'f', 0, 64)
		} else {
			b = strconv.AppendUint(b, bytesPerSec*8, 10)
		}
		b = append(b, "bps"...)
	}

	if has(6) {
		for _, o := range [...]struct {
			bit  uint8
			name string
		}{{sockets.TCPOptTimestamps, "ts"}, {sockets.TCPOptSACK, "sack"}, {sockets.TCPOptECN, "ecn"},
			{sockets.TCPOptECNSeen, "ecnseen"}, {sockets.TCPOptSYNData, "fastopen"}} {
			if ti.Options&o.bit != 0 {
				word(o.name)
			}
		}
	}
	if in.Congestion != "" {
		if len(b) > start {
			b = append(b, ' ')
		}
		b = AppendEscaped(b, in.Congestion)
	}
	if has(7) && ti.Options&sockets.TCPOptWScale != 0 {
		key("wscale")
		b = strconv.AppendUint(b, uint64(ti.SndWScale), 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, uint64(ti.RcvWScale), 10)
	}
	if has(12) && ti.RTO != 0 {
		key("rto")
		ms(uint64(ti.RTO))
	}
	nz("backoff", uint64(ti.Backoff), 5)
	if has(76) && ti.RTT != 0 {
		key("rtt")
		ms(uint64(ti.RTT))
		b = append(b, '/')
		ms(uint64(ti.RTTVar))
	}
	if has(16) && ti.ATO != 0 {
		key("ato")
		ms(uint64(ti.ATO))
	}
	nz("mss", uint64(ti.SndMSS), 20)
	nz("pmtu", uint64(ti.PMTU), 64)
	nz("rcvmss", uint64(ti.RcvMSS), 24)
	nz("advmss", uint64(ti.AdvMSS), 88)
	if has(84) {
		u("cwnd", uint64(ti.SndCwnd))
	}
	// The kernel's "infinite" threshold is 0x7fffffff; ss shows none
	// until it falls below 0xffff.
	if has(80) && ti.SndSsthresh != 0 && ti.SndSsthresh < 0xffff {
		u("ssthresh", uint64(ti.SndSsthresh))
	}
	nz("bytes_sent", ti.BytesSent, 208)
	nz("bytes_retrans", ti.BytesRetrans, 216)
	if has(136) {
		u("bytes_acked", ti.BytesAcked)
		u("bytes_received", ti.BytesReceived)
	}
	nz("segs_out", uint64(ti.SegsOut), 140)
	nz("segs_in", uint64(ti.SegsIn), 144)
	nz("data_segs_out", uint64(ti.DataSegsOut), 160)
	nz("data_segs_in", uint64(ti.DataSegsIn), 156)
	if bb := &in.BBR; bb.Valid() {
		// bbr:(bw:1bps,mrtt:0.011,pacing_gain:2.88672,cwnd_gain:2), as ss.
		key("bbr")
		b = append(b, "(bw:"...)
		bps(bb.Bw)
		if bb.Len >= 12 {
			b = append(b, ",mrtt:"...)
			ms(uint64(bb.MinRTT))
		}
		gain := func(k string, g uint32, end int) {
			if bb.Len >= end && g != 0 {
				b = append(b, k...)
				b = strconv.AppendFloat(b, float64(g)/256, 'g', 6, 64)
			}
		}
		gain(",pacing_gain:", bb.PacingGain, 16)
		gain(",cwnd_gain:", bb.CwndGain, 20)
		b = append(b, ')')
	}
	// What the congestion window allows per round trip, as ss computes it.
	if has(84) && ti.RTT != 0 && ti.SndCwnd != 0 && ti.SndMSS != 0 {
		key("send")
		b = strconv.AppendFloat(b, float64(ti.SndCwnd)*float64(ti.SndMSS)*8e6/float64(ti.RTT), 'f', 0, 64)
		b = append(b, "bps"...)
	}
	nz("lastsnd", uint64(ti.LastDataSent), 48)
	nz("lastrcv", uint64(ti.LastDataRecv), 56)
	nz("lastack", uint64(ti.LastAckRecv), 60)
	const unlimited = ^uint64(0)
	if has(112) && ti.PacingRate != 0 && ti.PacingRate != unlimited {
		key("pacing_rate")
		bps(ti.PacingRate)
		if has(120) && ti.MaxPacingRate != unlimited {
			b = append(b, '/')
			bps(ti.MaxPacingRate)
		}
	}
	if has(168) && ti.DeliveryRate != 0 {
		key("delivery_rate")
		bps(ti.DeliveryRate)
	}
	nz("delivered", uint64(ti.Delivered), 196)
	nz("delivered_ce", uint64(ti.DeliveredCE), 200)
	if has(8) && ti.DeliveryRateAppLimited {
		word("app_limited")
	}
	if has(176) && ti.BusyTime != 0 {
		key("busy")
		b = strconv.AppendUint(b, ti.BusyTime/1000, 10)
		b = append(b, "ms"...)
		limited := func(k string, v uint64) {
			if v == 0 {
				return
			}
			key(k)
			b = strconv.AppendUint(b, v/1000, 10)
			b = append(b, "ms("...)
			b = strconv.AppendFloat(b, float64(v)*100/float64(ti.BusyTime), 'f', 1, 64)
			b = append(b, "%)"...)
		}
		if has(184) {
			limited("rwnd_limited", ti.RwndLimited)
		}
		if has(192) {
			limited("sndbuf_limited", ti.SndbufLimited)
		}
	}
	// A listener's unacked and sacked are its accept queue and backlog,
	// which the Recv-Q and Send-Q columns already show.
	listener := ti.State == uint8(sockets.Listen)
	if !listener {
		nz("unacked", uint64(ti.Unacked), 28)
	}
	if has(104) {
		key("retrans")
		b = strconv.AppendUint(b, uint64(ti.Retrans), 10)
		b = append(b, '/')
		b = strconv.AppendUint(b, uint64(ti.TotalRetrans), 10)
	}
	if has(36) {
		u("lost", uint64(ti.Lost))
	}
	if !listener {
		nz("sacked", uint64(ti.Sacked), 32)
	}
	nz("dsack_dups", uint64(ti.DSACKDups), 220)
	nz("fackets", uint64(ti.Fackets), 44)
	// 3 is the kernel's initial reordering degree; ss shows others only.
	if has(92) && ti.Reordering != 3 {
		u("reordering", uint64(ti.Reordering))
	}
	nz("reord_seen", uint64(ti.ReordSeen), 224)
	if has(96) && ti.RcvRTT != 0 {
		key("rcv_rtt")
		ms(uint64(ti.RcvRTT))
	}
	nz("rcv_space", uint64(ti.RcvSpace), 100)
	nz("rcv_ssthresh", uint64(ti.RcvSsthresh), 68)
	nz("notsent", uint64(ti.NotsentBytes), 148)
	if has(152) && ti.MinRTT != 0 {
		key("minrtt")
		ms(uint64(ti.MinRTT))
	}
	nz("rcv_ooopack", uint64(ti.RcvOOOPack), 228)
	nz("snd_wnd", uint64(ti.SndWnd), 232)
	nz("rcv_wnd", uint64(ti.RcvWnd), 236)
	nz("rehash", uint64(ti.Rehash), 240)
	nz("total_rto", uint64(ti.TotalRTO), 242)
	nz("total_rto_recoveries", uint64(ti.TotalRTORecoveries), 244)
	if has(248) && ti.TotalRTOTime != 0 {
		u("total_rto_time", uint64(ti.TotalRTOTime))
		b = append(b, "ms"...)
	}
	nz("received_ce", uint64(ti.ReceivedCE), 252)
	return b
}

// AppendMemInfo appends a socket's memory counters (--memory) as ss -m
// prints them, without a newline: skmem:(r0,rb131072,t0,tb2626560,f0,w0,
// o0,bl0,d0) for rmem_alloc, rcvbuf, wmem_alloc, sndbuf, fwd_alloc,
// wmem_queued, optmem, backlog and drops; bl and d only when the kernel
// sent them. All but d are bytes. Nothing is appended when the socket has
// no counters (see sockets.MemInfo.Valid).
func AppendMemInfo(b []byte, m *sockets.MemInfo) []byte {
	if !m.Valid() {
		return b
	}
	b = append(b, "skmem:("...)
	for i, f := range [...]struct {
		name string
		v    uint32
	}{{"r", m.RmemAlloc}, {"rb", m.RcvBuf}, {"t", m.WmemAlloc}, {"tb", m.SndBuf}, {"f", m.FwdAlloc},
		{"w", m.WmemQueued}, {"o", m.OptMem}, {"bl", m.Backlog}, {"d", m.Drops}} {
		if (i+1)*4 > m.Len {
			break
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f.name...)
		b = strconv.AppendUint(b, uint64(f.v), 10)
	}
	return append(b, ')')
}
