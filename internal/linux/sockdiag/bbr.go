package sockdiag

// BBRInfo is a decoded struct tcp_bbr_info (linux/inet_diag.h), the
// INET_DIAG_BBRINFO attribute of a socket whose congestion control is BBR.
// Len is how many bytes came, as for TCPInfo.
type BBRInfo struct {
	Len        int
	Bw         uint64 // bandwidth estimate, bytes per second (bbr_bw_hi<<32 | bbr_bw_lo)
	MinRTT     uint32 // min RTT estimate, µs
	PacingGain uint32 // pacing gain, fixed point with 8 fractional bits (256 = 1.0)
	CwndGain   uint32 // cwnd gain, fixed point with 8 fractional bits
}

// BBRInfoKnownLen is sizeof(struct tcp_bbr_info).
const BBRInfoKnownLen = 20

// DecodeBBRInfo decodes b, the data of an INET_DIAG_BBRINFO attribute
// (InetMsg.BBRInfo), into *bi, overwriting every field. Any length is
// accepted, as for DecodeTCPInfo. It does not allocate.
func DecodeBBRInfo(b []byte, bi *BBRInfo) {
	var r [BBRInfoKnownLen]byte
	copy(r[:], b)
	*bi = BBRInfo{
		Len:        len(b),
		Bw:         uint64(ne.Uint32(r[0:4])) | uint64(ne.Uint32(r[4:8]))<<32,
		MinRTT:     ne.Uint32(r[8:12]),
		PacingGain: ne.Uint32(r[12:16]),
		CwndGain:   ne.Uint32(r[16:20]),
	}
}
