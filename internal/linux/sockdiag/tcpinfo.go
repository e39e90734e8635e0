package sockdiag

// TCPInfo is a decoded struct tcp_info (linux/tcp.h), the INET_DIAG_INFO
// attribute of a TCP socket. Field names follow the kernel's (without the
// tcpi_ prefix); units are the kernel's and are documented on the public
// copy of this type, sockets.TCPInfo, which must keep exactly these fields
// so that one converts to the other.
//
// The kernel sends as many bytes as its own struct has: older kernels
// fewer, newer ones more. Len is how many bytes came: a field is valid when
// it ends at or before Len, and bytes the kernel did not send read as zero.
// Bytes past the fields known here are ignored.
type TCPInfo struct {
	Len int // bytes of struct tcp_info the kernel sent; 0 when none

	State, CAState, Retransmits, Probes, Backoff, Options uint8
	SndWScale, RcvWScale                                  uint8
	DeliveryRateAppLimited                                bool
	FastOpenClientFail                                    uint8

	RTO, ATO, SndMSS, RcvMSS                             uint32
	Unacked, Sacked, Lost, Retrans, Fackets              uint32
	LastDataSent, LastAckSent, LastDataRecv, LastAckRecv uint32
	PMTU, RcvSsthresh, RTT, RTTVar, SndSsthresh, SndCwnd uint32
	AdvMSS, Reordering, RcvRTT, RcvSpace, TotalRetrans   uint32

	PacingRate, MaxPacingRate, BytesAcked, BytesReceived uint64
	SegsOut, SegsIn                                      uint32
	NotsentBytes, MinRTT, DataSegsIn, DataSegsOut        uint32
	DeliveryRate                                         uint64
	BusyTime, RwndLimited, SndbufLimited                 uint64
	Delivered, DeliveredCE                               uint32
	BytesSent, BytesRetrans                              uint64
	DSACKDups, ReordSeen, RcvOOOPack, SndWnd             uint32
	RcvWnd, Rehash                                       uint32
	TotalRTO, TotalRTORecoveries                         uint16
	TotalRTOTime                                         uint32

	ReceivedCE                                           uint32
	DeliveredE1Bytes, DeliveredE0Bytes, DeliveredCEBytes uint32
	ReceivedE1Bytes, ReceivedE0Bytes, ReceivedCEBytes    uint32
	ECNMode, AccECNOptSeen, AccECNFailMode               uint8
	Options2                                             uint32
}

// TCPInfoKnownLen is the size of struct tcp_info as this package knows it
// (Linux 6.18, which added the AccECN counters): the bytes DecodeTCPInfo
// reads at most.
const TCPInfoKnownLen = 280

// DecodeTCPInfo decodes b, the data of an INET_DIAG_INFO attribute of a TCP
// socket (InetMsg.Info), into *ti, overwriting every field. Any length is
// accepted: ti.Len records it, bytes the kernel did not send read as zero
// and bytes past TCPInfoKnownLen are ignored. It does not allocate.
func DecodeTCPInfo(b []byte, ti *TCPInfo) {
	// Decoding from a zero-padded copy of the known size keeps every
	// offset below in bounds whatever the kernel sent, and leaves the
	// fields it did not send at zero.
	var r [TCPInfoKnownLen]byte
	copy(r[:], b)
	u32 := func(off int) uint32 { return ne.Uint32(r[off : off+4]) }
	u64 := func(off int) uint64 { return ne.Uint64(r[off : off+8]) }
	u16 := func(off int) uint16 { return ne.Uint16(r[off : off+2]) }

	*ti = TCPInfo{Len: len(b)}
	ti.State, ti.CAState, ti.Retransmits, ti.Probes = r[0], r[1], r[2], r[3]
	ti.Backoff, ti.Options = r[4], r[5]
	// Bytes 6 and 7 are C bit-fields, which compilers allocate from the
	// least significant bit on little-endian machines and from the most
	// significant on big-endian ones.
	if bigEndian {
		ti.SndWScale, ti.RcvWScale = r[6]>>4, r[6]&0xf
		ti.DeliveryRateAppLimited = r[7]&0x80 != 0
		ti.FastOpenClientFail = r[7] >> 5 & 3
	} else {
		ti.SndWScale, ti.RcvWScale = r[6]&0xf, r[6]>>4
		ti.DeliveryRateAppLimited = r[7]&1 != 0
		ti.FastOpenClientFail = r[7] >> 1 & 3
	}
	ti.RTO, ti.ATO, ti.SndMSS, ti.RcvMSS = u32(8), u32(12), u32(16), u32(20)
	ti.Unacked, ti.Sacked, ti.Lost, ti.Retrans, ti.Fackets = u32(24), u32(28), u32(32), u32(36), u32(40)
	ti.LastDataSent, ti.LastAckSent, ti.LastDataRecv, ti.LastAckRecv = u32(44), u32(48), u32(52), u32(56)
	ti.PMTU, ti.RcvSsthresh, ti.RTT, ti.RTTVar = u32(60), u32(64), u32(68), u32(72)
	ti.SndSsthresh, ti.SndCwnd, ti.AdvMSS, ti.Reordering = u32(76), u32(80), u32(84), u32(88)
	ti.RcvRTT, ti.RcvSpace, ti.TotalRetrans = u32(92), u32(96), u32(100)
	ti.PacingRate, ti.MaxPacingRate, ti.BytesAcked, ti.BytesReceived = u64(104), u64(112), u64(120), u64(128)
	ti.SegsOut, ti.SegsIn = u32(136), u32(140)
	ti.NotsentBytes, ti.MinRTT, ti.DataSegsIn, ti.DataSegsOut = u32(144), u32(148), u32(152), u32(156)
	ti.DeliveryRate = u64(160)
	ti.BusyTime, ti.RwndLimited, ti.SndbufLimited = u64(168), u64(176), u64(184)
	ti.Delivered, ti.DeliveredCE = u32(192), u32(196)
	ti.BytesSent, ti.BytesRetrans = u64(200), u64(208)
	ti.DSACKDups, ti.ReordSeen, ti.RcvOOOPack, ti.SndWnd = u32(216), u32(220), u32(224), u32(228)
	ti.RcvWnd, ti.Rehash = u32(232), u32(236)
	ti.TotalRTO, ti.TotalRTORecoveries, ti.TotalRTOTime = u16(240), u16(242), u32(244)
	ti.ReceivedCE = u32(248)
	ti.DeliveredE1Bytes, ti.DeliveredE0Bytes, ti.DeliveredCEBytes = u32(252), u32(256), u32(260)
	ti.ReceivedE1Bytes, ti.ReceivedE0Bytes, ti.ReceivedCEBytes = u32(264), u32(268), u32(272)
	// A u32 of bit-fields: ecn_mode:2, accecn_opt_seen:2,
	// accecn_fail_mode:4, options2:24.
	w := u32(276)
	if bigEndian {
		ti.ECNMode, ti.AccECNOptSeen, ti.AccECNFailMode = uint8(w>>30), uint8(w>>28&3), uint8(w>>24&0xf)
		ti.Options2 = w & 0xffffff
	} else {
		ti.ECNMode, ti.AccECNOptSeen, ti.AccECNFailMode = uint8(w&3), uint8(w>>2&3), uint8(w>>4&0xf)
		ti.Options2 = w >> 8
	}
}

// bigEndian reports whether this machine stores integers most significant
// byte first, which decides how C bit-fields are laid out.
var bigEndian = ne.Uint16([]byte{0, 1}) == 1
