package sockdiag

// The constants below are restated from the Linux UAPI headers rather than
// imported from golang.org/x/sys/unix so that the codecs build on every
// GOOS (x/sys/unix lacks most of them outside linux, and windows has no
// x/sys/unix at all).

// Address families (linux/socket.h).
const (
	AFUnix  = 1  // AF_UNIX
	AFInet  = 2  // AF_INET
	AFInet6 = 10 // AF_INET6
)

// IP protocols (linux/in.h).
const (
	IPProtoTCP     = 6   // IPPROTO_TCP
	IPProtoUDP     = 17  // IPPROTO_UDP
	IPProtoUDPLite = 136 // IPPROTO_UDPLITE
	IPProtoRaw     = 255 // IPPROTO_RAW
)

// AllStates is a state bitmask that selects sockets in every state. Bit n of
// a state mask selects sockets whose state is n (TCP_ESTABLISHED=1 ...
// TCP_LISTEN=10 for inet, the same numbers for unix sockets).
const AllStates = ^uint32(0)

// Unix diag "show" bits for UnixRequest (UDIAG_SHOW_* in linux/unix_diag.h).
// Each bit asks the kernel to append one attribute to every reply.
const (
	ShowName    = 1 << 0 // UDIAG_SHOW_NAME: bound address (UNIX_DIAG_NAME)
	ShowVFS     = 1 << 1 // UDIAG_SHOW_VFS: inode/device of the bound path (UNIX_DIAG_VFS)
	ShowPeer    = 1 << 2 // UDIAG_SHOW_PEER: peer socket inode (UNIX_DIAG_PEER)
	ShowIcons   = 1 << 3 // UDIAG_SHOW_ICONS: pending connections of a listener (UNIX_DIAG_ICONS)
	ShowRQLen   = 1 << 4 // UDIAG_SHOW_RQLEN: receive/send queue lengths (UNIX_DIAG_RQLEN)
	ShowMemInfo = 1 << 5 // UDIAG_SHOW_MEMINFO: socket memory counters (UNIX_DIAG_MEMINFO)
	ShowUID     = 1 << 6 // UDIAG_SHOW_UID: owner uid (UNIX_DIAG_UID)
)

// linux/netlink.h
const (
	nlmsgHdrLen = 16 // sizeof(struct nlmsghdr), already NLMSG_ALIGNed
	nlaHdrLen   = 4  // NLA_HDRLEN

	nlmsgNoop    = 0x1 // NLMSG_NOOP
	nlmsgError   = 0x2 // NLMSG_ERROR
	nlmsgDone    = 0x3 // NLMSG_DONE
	nlmsgOverrun = 0x4 // NLMSG_OVERRUN

	nlmFRequest  = 0x01  // NLM_F_REQUEST
	nlmFMulti    = 0x02  // NLM_F_MULTI
	nlmFDumpIntr = 0x10  // NLM_F_DUMP_INTR
	nlmFRoot     = 0x100 // NLM_F_ROOT
	nlmFMatch    = 0x200 // NLM_F_MATCH
	nlmFDump     = nlmFRoot | nlmFMatch
	nlmFCapped   = 0x100 // NLM_F_CAPPED (on NLMSG_ERROR)
	nlmFAckTLVs  = 0x200 // NLM_F_ACK_TLVS (on NLMSG_ERROR / NLMSG_DONE)

	nlaFNested       = 1 << 15 // NLA_F_NESTED
	nlaFNetByteorder = 1 << 14 // NLA_F_NET_BYTEORDER
	nlaTypeMask      = ^uint16(nlaFNested | nlaFNetByteorder)

	nlmsgerrAttrMsg = 1 // NLMSGERR_ATTR_MSG

	// netlinkSockDiag is the netlink protocol number NETLINK_SOCK_DIAG.
	netlinkSockDiag = 4
	// netlinkExtAck is the SOL_NETLINK option NETLINK_EXT_ACK.
	netlinkExtAck = 11
)

// linux/sock_diag.h
const (
	// sockDiagByFamily is the message type of both requests and replies.
	sockDiagByFamily = 20 // SOCK_DIAG_BY_FAMILY
)

// linux/inet_diag.h
const (
	// sizeof(struct inet_diag_req_v2): family, protocol, ext, pad (u8 each),
	// states (u32), then struct inet_diag_sockid (48 bytes).
	inetReqLen = 56
	// sizeof(struct inet_diag_sockid): sport, dport (be16), src[4], dst[4]
	// (be32), if (u32), cookie[2] (u32).
	inetSockIDLen = 48
	// sizeof(struct inet_diag_msg): family, state, timer, retrans (u8),
	// sockid (48), expires, rqueue, wqueue, uid, inode (u32).
	inetMsgLen = 72

	inetDiagNoCookie = ^uint32(0) // INET_DIAG_NOCOOKIE

	// Response attributes (enum in linux/inet_diag.h).
	inetDiagInfo      = 2  // INET_DIAG_INFO, struct tcp_info (TCP)
	inetDiagVegasInfo = 3  // INET_DIAG_VEGASINFO, struct tcpvegas_info
	inetDiagCong      = 4  // INET_DIAG_CONG, NUL-terminated algorithm name
	inetDiagSkMemInfo = 7  // INET_DIAG_SKMEMINFO, u32 array SK_MEMINFO_*
	inetDiagShutdown  = 8  // INET_DIAG_SHUTDOWN, u8
	inetDiagProtocol  = 10 // INET_DIAG_PROTOCOL, u8 (raw sockets only)
	inetDiagV6Only    = 11 // INET_DIAG_SKV6ONLY, u8 (AF_INET6 sockets only)
	inetDiagBBRInfo   = 16 // INET_DIAG_BBRINFO, struct tcp_bbr_info
)

// Extension bits for the ext argument of InetRequest (idiag_ext): bit n-1
// asks for response attribute n. The kernel honours them only where it has
// the data: INET_DIAG_INFO and INET_DIAG_CONG for TCP sockets that are not
// in TIME_WAIT or SYN_RECV, INET_DIAG_SKMEMINFO for every full socket (not
// TIME_WAIT or SYN_RECV, which are mini sockets without buffers).
const (
	ExtInfo      = 1 << (inetDiagInfo - 1)      // INET_DIAG_INFO: struct tcp_info, see DecodeTCPInfo
	ExtCong      = 1 << (inetDiagCong - 1)      // INET_DIAG_CONG: congestion algorithm name
	ExtSkMemInfo = 1 << (inetDiagSkMemInfo - 1) // INET_DIAG_SKMEMINFO: see DecodeMemInfo
	// ExtCongInfo asks the congestion algorithm for its own state. The
	// bit is INET_DIAG_VEGASINFO's, which the kernel reuses for every
	// algorithm because idiag_ext has only 8 bits: BBR answers with
	// INET_DIAG_BBRINFO (see DecodeBBRInfo), DCTCP with
	// INET_DIAG_DCTCPINFO, Vegas and Westwood with INET_DIAG_VEGASINFO.
	ExtCongInfo = 1 << (inetDiagVegasInfo - 1)
)

// linux/unix_diag.h
const (
	// sizeof(struct unix_diag_req): family, protocol (u8), pad (u16),
	// states, ino, show (u32), cookie[2] (u32).
	unixReqLen = 24
	// sizeof(struct unix_diag_msg): family, type, state, pad (u8), ino (u32),
	// cookie[2] (u32).
	unixMsgLen = 16

	// Response attributes (enum in linux/unix_diag.h).
	unixDiagName     = 0 // UNIX_DIAG_NAME, sun_path bytes
	unixDiagVFS      = 1 // UNIX_DIAG_VFS, struct unix_diag_vfs {ino, dev}
	unixDiagPeer     = 2 // UNIX_DIAG_PEER, u32 inode
	unixDiagIcons    = 3 // UNIX_DIAG_ICONS, u32 inode array
	unixDiagRQLen    = 4 // UNIX_DIAG_RQLEN, struct unix_diag_rqlen {rqueue, wqueue}
	unixDiagMemInfo  = 5 // UNIX_DIAG_MEMINFO, u32 array SK_MEMINFO_*
	unixDiagShutdown = 6 // UNIX_DIAG_SHUTDOWN, u8
	unixDiagUID      = 7 // UNIX_DIAG_UID, u32
)
