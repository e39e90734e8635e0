package sockets

import "iter"

// TCPInfo is a TCP connection's internal state, the kernel's struct
// tcp_info (linux/tcp.h; tcp(7) TCP_INFO), as sock_diag reports it with
// Query.TCPInfo. Units are the kernel's: times in microseconds unless a
// field says otherwise, rates in bytes per second, windows and sizes in
// bytes unless counted in segments.
//
// Each kernel sends its own struct, older ones shorter and newer ones
// longer than the one described here. Len is the number of bytes the kernel
// sent, 0 when there is no tcp_info at all (not asked for, not TCP, a
// TIME_WAIT or SYN_RECV mini socket, or read from /proc, which has none). A
// field is valid when the offset it ends at, given in brackets, is at most
// Len; fields the kernel did not send are zero. All iterates over the valid
// fields only.
type TCPInfo struct {
	// Len is how many bytes of struct tcp_info the kernel sent.
	Len int

	State       uint8 // [1] TCP state, as Socket.State
	CAState     uint8 // [2] congestion-avoidance state: 0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss
	Retransmits uint8 // [3] retransmissions of the current timeout (icsk_retransmits)
	Probes      uint8 // [4] unanswered zero-window or keepalive probes
	Backoff     uint8 // [5] exponential backoff of the retransmission timer (the timeout is RTO << Backoff)
	Options     uint8 // [6] negotiated options, a mask of TCPOpt*
	SndWScale   uint8 // [7] window scale the peer applies to what we send (valid with TCPOptWScale)
	RcvWScale   uint8 // [7] window scale we apply to what we receive (valid with TCPOptWScale)
	// DeliveryRateAppLimited reports that DeliveryRate was measured while
	// the application, not the network, limited sending. [8]
	DeliveryRateAppLimited bool
	FastOpenClientFail     uint8 // [8] why a TCP Fast Open client attempt failed (0 none)

	RTO          uint32 // [12] retransmission timeout, µs
	ATO          uint32 // [16] delayed-ACK timeout, µs
	SndMSS       uint32 // [20] sender maximum segment size, bytes
	RcvMSS       uint32 // [24] estimated peer MSS, bytes
	Unacked      uint32 // [28] segments sent and not acknowledged; for a listener, the accept queue length
	Sacked       uint32 // [32] segments selectively acknowledged; for a listener, the accept backlog
	Lost         uint32 // [36] segments presumed lost
	Retrans      uint32 // [40] segments retransmitted and not yet acknowledged
	Fackets      uint32 // [44] forward-acknowledged segments (0 since Linux 4.15)
	LastDataSent uint32 // [48] time since data was last sent, ms
	LastAckSent  uint32 // [52] time since an ACK was last sent, ms (never filled in by Linux)
	LastDataRecv uint32 // [56] time since data was last received, ms
	LastAckRecv  uint32 // [60] time since an ACK was last received, ms
	PMTU         uint32 // [64] path MTU, bytes
	RcvSsthresh  uint32 // [68] receive window clamp used in slow start, bytes
	RTT          uint32 // [72] smoothed round-trip time, µs
	RTTVar       uint32 // [76] round-trip time mean deviation, µs
	SndSsthresh  uint32 // [80] slow-start threshold, segments (0x7fffffff before the first loss)
	SndCwnd      uint32 // [84] congestion window, segments
	AdvMSS       uint32 // [88] MSS we advertise, bytes
	Reordering   uint32 // [92] reordering degree the sender tolerates, segments
	RcvRTT       uint32 // [96] receiver-side RTT estimate, µs
	RcvSpace     uint32 // [100] receive buffer auto-tuning space, bytes
	TotalRetrans uint32 // [104] segments retransmitted over the connection's life

	PacingRate    uint64 // [112] current pacing rate, bytes/s (all ones: unlimited)
	MaxPacingRate uint64 // [120] SO_MAX_PACING_RATE, bytes/s (all ones: unlimited)
	BytesAcked    uint64 // [128] bytes acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked; includes the SYN)
	BytesReceived uint64 // [136] bytes received and acknowledged (RFC 4898 tcpEStatsAppHCThruOctetsReceived)
	SegsOut       uint32 // [140] segments sent, retransmissions included
	SegsIn        uint32 // [144] segments received
	NotsentBytes  uint32 // [148] bytes queued and not yet sent
	MinRTT        uint32 // [152] minimum RTT seen (windowed), µs
	DataSegsIn    uint32 // [156] segments received carrying data
	DataSegsOut   uint32 // [160] segments sent carrying data
	DeliveryRate  uint64 // [168] most recent delivery-rate sample, bytes/s
	BusyTime      uint64 // [176] time spent with data outstanding, µs
	RwndLimited   uint64 // [184] time sending was limited by the peer's receive window, µs
	SndbufLimited uint64 // [192] time sending was limited by our send buffer, µs
	Delivered     uint32 // [196] segments delivered (acknowledged, retransmissions included)
	DeliveredCE   uint32 // [200] segments delivered with an ECN CE echo
	BytesSent     uint64 // [208] bytes sent, retransmissions included (RFC 4898 tcpEStatsPerfHCDataOctetsOut)
	BytesRetrans  uint64 // [216] bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans)
	DSACKDups     uint32 // [220] duplicate segments the peer reported with D-SACK
	ReordSeen     uint32 // [224] reordering events seen
	RcvOOOPack    uint32 // [228] out-of-order packets received
	SndWnd        uint32 // [232] peer's advertised receive window, scaled, bytes
	RcvWnd        uint32 // [236] our advertised receive window, scaled, bytes
	Rehash        uint32 // [240] times the flow was rehashed onto another path (PLB or timeouts)

	TotalRTO           uint16 // [242] retransmission timeouts, SYN and repeated ones included
	TotalRTORecoveries uint16 // [244] recoveries from a timeout, any unfinished one included
	TotalRTOTime       uint32 // [248] time spent recovering from timeouts, ms

	ReceivedCE       uint32 // [252] segments received with ECN CE
	DeliveredE1Bytes uint32 // [256] AccECN: bytes delivered with ECT(1)
	DeliveredE0Bytes uint32 // [260] AccECN: bytes delivered with ECT(0)
	DeliveredCEBytes uint32 // [264] AccECN: bytes delivered with CE
	ReceivedE1Bytes  uint32 // [268] AccECN: bytes received with ECT(1)
	ReceivedE0Bytes  uint32 // [272] AccECN: bytes received with ECT(0)
	ReceivedCEBytes  uint32 // [276] AccECN: bytes received with CE
	ECNMode          uint8  // [280] negotiated ECN mode: 0 disabled, 1 RFC 3168, 2 AccECN, 3 pending
	AccECNOptSeen    uint8  // [280] AccECN option seen state
	AccECNFailMode   uint8  // [280] AccECN failure mode bits
	Options2         uint32 // [280] further option and feature bits (24 bits)
}

// Bits of TCPInfo.Options (TCPI_OPT_* in linux/tcp.h).
const (
	TCPOptTimestamps = 1 << iota // timestamps negotiated
	TCPOptSACK                   // selective acknowledgements negotiated
	TCPOptWScale                 // window scaling negotiated: SndWScale and RcvWScale are valid
	TCPOptECN                    // ECN negotiated
	TCPOptECNSeen                // an ECT packet was received
	TCPOptSYNData                // the SYN carried data (Fast Open)
	TCPOptUsecTS                 // microsecond timestamps
	TCPOptTFOChild               // the connection was accepted with Fast Open
)

// Valid reports whether the kernel sent any tcp_info.
func (t *TCPInfo) Valid() bool { return t.Len > 0 }

// tcpInfoFields names each field of TCPInfo as linux/tcp.h does (without
// "tcpi_"), with the offset it ends at, in kernel order.
var tcpInfoFields = [...]struct {
	name string
	end  int
	get  func(*TCPInfo) uint64
}{
	{"state", 1, func(t *TCPInfo) uint64 { return uint64(t.State) }},
	{"ca_state", 2, func(t *TCPInfo) uint64 { return uint64(t.CAState) }},
	{"retransmits", 3, func(t *TCPInfo) uint64 { return uint64(t.Retransmits) }},
	{"probes", 4, func(t *TCPInfo) uint64 { return uint64(t.Probes) }},
	{"backoff", 5, func(t *TCPInfo) uint64 { return uint64(t.Backoff) }},
	{"options", 6, func(t *TCPInfo) uint64 { return uint64(t.Options) }},
	{"snd_wscale", 7, func(t *TCPInfo) uint64 { return uint64(t.SndWScale) }},
	{"rcv_wscale", 7, func(t *TCPInfo) uint64 { return uint64(t.RcvWScale) }},
	{"delivery_rate_app_limited", 8, func(t *TCPInfo) uint64 { return b2u(t.DeliveryRateAppLimited) }},
	{"fastopen_client_fail", 8, func(t *TCPInfo) uint64 { return uint64(t.FastOpenClientFail) }},
	{"rto", 12, func(t *TCPInfo) uint64 { return uint64(t.RTO) }},
	{"ato", 16, func(t *TCPInfo) uint64 { return uint64(t.ATO) }},
	{"snd_mss", 20, func(t *TCPInfo) uint64 { return uint64(t.SndMSS) }},
	{"rcv_mss", 24, func(t *TCPInfo) uint64 { return uint64(t.RcvMSS) }},
	{"unacked", 28, func(t *TCPInfo) uint64 { return uint64(t.Unacked) }},
	{"sacked", 32, func(t *TCPInfo) uint64 { return uint64(t.Sacked) }},
	{"lost", 36, func(t *TCPInfo) uint64 { return uint64(t.Lost) }},
	{"retrans", 40, func(t *TCPInfo) uint64 { return uint64(t.Retrans) }},
	{"fackets", 44, func(t *TCPInfo) uint64 { return uint64(t.Fackets) }},
	{"last_data_sent", 48, func(t *TCPInfo) uint64 { return uint64(t.LastDataSent) }},
	{"last_ack_sent", 52, func(t *TCPInfo) uint64 { return uint64(t.LastAckSent) }},
	{"last_data_recv", 56, func(t *TCPInfo) uint64 { return uint64(t.LastDataRecv) }},
	{"last_ack_recv", 60, func(t *TCPInfo) uint64 { return uint64(t.LastAckRecv) }},
	{"pmtu", 64, func(t *TCPInfo) uint64 { return uint64(t.PMTU) }},
	{"rcv_ssthresh", 68, func(t *TCPInfo) uint64 { return uint64(t.RcvSsthresh) }},
	{"rtt", 72, func(t *TCPInfo) uint64 { return uint64(t.RTT) }},
	{"rttvar", 76, func(t *TCPInfo) uint64 { return uint64(t.RTTVar) }},
	{"snd_ssthresh", 80, func(t *TCPInfo) uint64 { return uint64(t.SndSsthresh) }},
	{"snd_cwnd", 84, func(t *TCPInfo) uint64 { return uint64(t.SndCwnd) }},
	{"advmss", 88, func(t *TCPInfo) uint64 { return uint64(t.AdvMSS) }},
	{"reordering", 92, func(t *TCPInfo) uint64 { return uint64(t.Reordering) }},
	{"rcv_rtt", 96, func(t *TCPInfo) uint64 { return uint64(t.RcvRTT) }},
	{"rcv_space", 100, func(t *TCPInfo) uint64 { return uint64(t.RcvSpace) }},
	{"total_retrans", 104, func(t *TCPInfo) uint64 { return uint64(t.TotalRetrans) }},
	{"pacing_rate", 112, func(t *TCPInfo) uint64 { return t.PacingRate }},
	{"max_pacing_rate", 120, func(t *TCPInfo) uint64 { return t.MaxPacingRate }},
	{"bytes_acked", 128, func(t *TCPInfo) uint64 { return t.BytesAcked }},
	{"bytes_received", 136, func(t *TCPInfo) uint64 { return t.BytesReceived }},
	{"segs_out", 140, func(t *TCPInfo) uint64 { return uint64(t.SegsOut) }},
	{"segs_in", 144, func(t *TCPInfo) uint64 { return uint64(t.SegsIn) }},
	{"notsent_bytes", 148, func(t *TCPInfo) uint64 { return uint64(t.NotsentBytes) }},
	{"min_rtt", 152, func(t *TCPInfo) uint64 { return uint64(t.MinRTT) }},
	{"data_segs_in", 156, func(t *TCPInfo) uint64 { return uint64(t.DataSegsIn) }},
	{"data_segs_out", 160, func(t *TCPInfo) uint64 { return uint64(t.DataSegsOut) }},
	{"delivery_rate", 168, func(t *TCPInfo) uint64 { return t.DeliveryRate }},
	{"busy_time", 176, func(t *TCPInfo) uint64 { return t.BusyTime }},
	{"rwnd_limited", 184, func(t *TCPInfo) uint64 { return t.RwndLimited }},
	{"sndbuf_limited", 192, func(t *TCPInfo) uint64 { return t.SndbufLimited }},
	{"delivered", 196, func(t *TCPInfo) uint64 { return uint64(t.Delivered) }},
	{"delivered_ce", 200, func(t *TCPInfo) uint64 { return uint64(t.DeliveredCE) }},
	{"bytes_sent", 208, func(t *TCPInfo) uint64 { return t.BytesSent }},
	{"bytes_retrans", 216, func(t *TCPInfo) uint64 { return t.BytesRetrans }},
	{"dsack_dups", 220, func(t *TCPInfo) uint64 { return uint64(t.DSACKDups) }},
	{"reord_seen", 224, func(t *TCPInfo) uint64 { return uint64(t.ReordSeen) }},
	{"rcv_ooopack", 228, func(t *TCPInfo) uint64 { return uint64(t.RcvOOOPack) }},
	{"snd_wnd", 232, func(t *TCPInfo) uint64 { return uint64(t.SndWnd) }},
	{"rcv_wnd", 236, func(t *TCPInfo) uint64 { return uint64(t.RcvWnd) }},
	{"rehash", 240, func(t *TCPInfo) uint64 { return uint64(t.Rehash) }},
	{"total_rto", 242, func(t *TCPInfo) uint64 { return uint64(t.TotalRTO) }},
	{"total_rto_recoveries", 244, func(t *TCPInfo) uint64 { return uint64(t.TotalRTORecoveries) }},
	{"total_rto_time", 248, func(t *TCPInfo) uint64 { return uint64(t.TotalRTOTime) }},
	{"received_ce", 252, func(t *TCPInfo) uint64 { return uint64(t.ReceivedCE) }},
	{"delivered_e1_bytes", 256, func(t *TCPInfo) uint64 { return uint64(t.DeliveredE1Bytes) }},
	{"delivered_e0_bytes", 260, func(t *TCPInfo) uint64 { return uint64(t.DeliveredE0Bytes) }},
	{"delivered_ce_bytes", 264, func(t *TCPInfo) uint64 { return uint64(t.DeliveredCEBytes) }},
	{"received_e1_bytes", 268, func(t *TCPInfo) uint64 { return uint64(t.ReceivedE1Bytes) }},
	{"received_e0_bytes", 272, func(t *TCPInfo) uint64 { return uint64(t.ReceivedE0Bytes) }},
	{"received_ce_bytes", 276, func(t *TCPInfo) uint64 { return uint64(t.ReceivedCEBytes) }},
	{"ecn_mode", 280, func(t *TCPInfo) uint64 { return uint64(t.ECNMode) }},
	{"accecn_opt_seen", 280, func(t *TCPInfo) uint64 { return uint64(t.AccECNOptSeen) }},
	{"accecn_fail_mode", 280, func(t *TCPInfo) uint64 { return uint64(t.AccECNFailMode) }},
	{"options2", 280, func(t *TCPInfo) uint64 { return uint64(t.Options2) }},
}

// All yields the fields the kernel sent, in the kernel's order, each named
// as in linux/tcp.h without the "tcpi_" prefix ("rtt", "snd_cwnd",
// "bytes_acked", ...; the bit-fields are "snd_wscale", "rcv_wscale",
// "delivery_rate_app_limited" (0 or 1), "fastopen_client_fail", "ecn_mode",
// "accecn_opt_seen", "accecn_fail_mode", "options2"), with the value in the
// kernel's unit. It is the way to show tcp_info in full (JSON, metrics)
// without knowing which kernel sent it.
func (t *TCPInfo) All() iter.Seq2[string, uint64] {
	return func(yield func(string, uint64) bool) {
		for i := range tcpInfoFields {
			f := &tcpInfoFields[i]
			if f.end > t.Len {
				return
			}
			if !yield(f.name, f.get(t)) {
				return
			}
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// BBRInfo is the state of the BBR congestion control (struct tcp_bbr_info in
// linux/inet_diag.h), sent with Query.TCPInfo for sockets whose Congestion
// is "bbr" in states numbered below TIME_WAIT (ESTABLISHED, SYN_SENT,
// SYN_RECV, FIN_WAIT1, FIN_WAIT2: the kernel asks the algorithm in no
// others); what `ss -ti` prints as bbr:(...). Len is the number of bytes
// the kernel sent, 0 when there is none; a field is valid when the offset
// it ends at, in brackets, is at most Len.
type BBRInfo struct {
	// Len is how many bytes of struct tcp_bbr_info the kernel sent.
	Len int

	Bw         uint64 // [8] bottleneck bandwidth estimate, bytes/s
	MinRTT     uint32 // [12] min RTT estimate, µs
	PacingGain uint32 // [16] pacing gain, fixed point: 256 is 1.0
	CwndGain   uint32 // [20] cwnd gain, fixed point: 256 is 1.0
}

// Valid reports whether the kernel sent BBR state.
func (b *BBRInfo) Valid() bool { return b.Len > 0 }

// MemInfo is a socket's memory accounting, the kernel's SK_MEMINFO_* array
// (linux/sock_diag.h) as sock_diag reports it with Query.Memory; what
// `ss -m` prints as skmem. All values are bytes except Drops.
//
// Len is the number of bytes the kernel sent, 0 when there is none (not
// asked for, a TIME_WAIT or SYN_RECV mini socket, or read from /proc, which
// has none). A counter is valid when the offset it ends at, given in
// brackets, is at most Len.
type MemInfo struct {
	// Len is how many bytes of the array the kernel sent.
	Len int

	RmemAlloc  uint32 // [4] memory of data received and not yet read (ss: r)
	RcvBuf     uint32 // [8] receive buffer limit, SO_RCVBUF as the kernel keeps it (ss: rb)
	WmemAlloc  uint32 // [12] memory of data handed to the IP layer and not yet freed (ss: t)
	SndBuf     uint32 // [16] send buffer limit, SO_SNDBUF as the kernel keeps it (ss: tb)
	FwdAlloc   uint32 // [20] memory reserved ahead and not yet used (ss: f)
	WmemQueued uint32 // [24] memory of data queued for sending, not yet sent or acknowledged (ss: w)
	OptMem     uint32 // [28] memory of socket options, filters and the like (ss: o)
	Backlog    uint32 // [32] memory of packets in the backlog while the socket is locked (ss: bl; Linux 3.9+)
	Drops      uint32 // [36] packets dropped before reaching the socket (ss: d; Linux 4.6+)
}

// Valid reports whether the kernel sent any memory counters.
func (m *MemInfo) Valid() bool { return m.Len > 0 }

var memInfoFields = [...]struct {
	name string
	get  func(*MemInfo) uint32
}{
	{"rmem_alloc", func(m *MemInfo) uint32 { return m.RmemAlloc }},
	{"rcvbuf", func(m *MemInfo) uint32 { return m.RcvBuf }},
	{"wmem_alloc", func(m *MemInfo) uint32 { return m.WmemAlloc }},
	{"sndbuf", func(m *MemInfo) uint32 { return m.SndBuf }},
	{"fwd_alloc", func(m *MemInfo) uint32 { return m.FwdAlloc }},
	{"wmem_queued", func(m *MemInfo) uint32 { return m.WmemQueued }},
	{"optmem", func(m *MemInfo) uint32 { return m.OptMem }},
	{"backlog", func(m *MemInfo) uint32 { return m.Backlog }},
	{"drops", func(m *MemInfo) uint32 { return m.Drops }},
}

// All yields the counters the kernel sent, in the kernel's order, named as
// the SK_MEMINFO_* constants in lower case without the prefix
// ("rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc",
// "wmem_queued", "optmem", "backlog", "drops").
func (m *MemInfo) All() iter.Seq2[string, uint64] {
	return func(yield func(string, uint64) bool) {
		for i := range memInfoFields {
			if (i+1)*4 > m.Len {
				return
			}
			if !yield(memInfoFields[i].name, uint64(memInfoFields[i].get(m))) {
				return
			}
		}
	}
}
