package sockdiag

// MemInfo is a decoded INET_DIAG_SKMEMINFO (or UNIX_DIAG_MEMINFO)
// attribute: the kernel's u32 array indexed by SK_MEMINFO_* in
// linux/sock_diag.h, in bytes except Drops (packets). Len is how many bytes
// came: a counter is valid when it ends at or before Len, and reads as zero
// otherwise (Linux added Backlog in 3.9 and Drops in 4.6; counters a newer
// kernel may add are ignored).
type MemInfo struct {
	Len int // bytes of the array the kernel sent; 0 when none

	RmemAlloc  uint32 // SK_MEMINFO_RMEM_ALLOC
	RcvBuf     uint32 // SK_MEMINFO_RCVBUF
	WmemAlloc  uint32 // SK_MEMINFO_WMEM_ALLOC
	SndBuf     uint32 // SK_MEMINFO_SNDBUF
	FwdAlloc   uint32 // SK_MEMINFO_FWD_ALLOC
	WmemQueued uint32 // SK_MEMINFO_WMEM_QUEUED
	OptMem     uint32 // SK_MEMINFO_OPTMEM
	Backlog    uint32 // SK_MEMINFO_BACKLOG
	Drops      uint32 // SK_MEMINFO_DROPS
}

// MemInfoKnownLen is the size of the SK_MEMINFO_* array as this package
// knows it (SK_MEMINFO_VARS = 9 counters).
const MemInfoKnownLen = 9 * 4

// DecodeMemInfo decodes b, the data of an INET_DIAG_SKMEMINFO attribute
// (InetMsg.SkMemInfo) or of UNIX_DIAG_MEMINFO, into *mi, overwriting every
// field. Any length is accepted, as for DecodeTCPInfo. It does not
// allocate.
func DecodeMemInfo(b []byte, mi *MemInfo) {
	var r [MemInfoKnownLen]byte
	copy(r[:], b)
	u32 := func(i int) uint32 { return ne.Uint32(r[i*4 : i*4+4]) }
	*mi = MemInfo{
		Len:       len(b),
		RmemAlloc: u32(0), RcvBuf: u32(1), WmemAlloc: u32(2), SndBuf: u32(3),
		FwdAlloc: u32(4), WmemQueued: u32(5), OptMem: u32(6), Backlog: u32(7), Drops: u32(8),
	}
}
