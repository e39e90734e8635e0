package sockdiag

// UnixMsg is a decoded struct unix_diag_msg, one AF_UNIX socket, plus the
// attributes selected by the show mask of UnixRequest. Slices alias the
// payload passed to DecodeUnix (no copy), so they are only valid as long as
// that payload is: inside the Conn.Dump callback.
type UnixMsg struct {
	Family uint8  // always AFUnix
	Type   uint8  // SOCK_STREAM=1, SOCK_DGRAM=2, SOCK_SEQPACKET=5
	State  uint8  // TCP_ESTABLISHED=1, TCP_CLOSE=7 (unconnected), TCP_LISTEN=10
	Inode  uint32 // socket inode
	Cookie uint64 // kernel socket cookie

	// Name is the bound address from UNIX_DIAG_NAME (ShowName), nil when the
	// socket is unbound or the attribute was not requested. A leading NUL
	// byte marks an abstract name, which is returned byte for byte. A
	// filesystem path is returned without the terminating NUL the kernel
	// includes.
	Name []byte

	// VFSInode and VFSDev identify the filesystem node a socket is bound to
	// (UNIX_DIAG_VFS, ShowVFS); HasVFS reports presence. VFSDev is in the
	// kernel's internal dev_t encoding, major<<20 | minor, not the encoding
	// stat(2) returns in st_dev.
	HasVFS   bool
	VFSInode uint32
	VFSDev   uint32

	// Peer is the inode of the connected peer (UNIX_DIAG_PEER, ShowPeer);
	// HasPeer reports presence.
	HasPeer bool
	Peer    uint32

	// Icons holds the raw UNIX_DIAG_ICONS payload (ShowIcons): for a
	// listening socket, the inodes of the peers of connections waiting to
	// be accepted, as host-order u32s. Use NIcons and Icon to read it.
	Icons []byte

	// RQueue and WQueue come from UNIX_DIAG_RQLEN (ShowRQLen): for a
	// listener the number of pending connections and the backlog, otherwise
	// bytes queued for reading and for writing. HasRQLen reports presence.
	HasRQLen bool
	RQueue   uint32
	WQueue   uint32

	// UID is the owner (UNIX_DIAG_UID, ShowUID); HasUID reports presence.
	HasUID bool
	UID    uint32

	// Shutdown is the sk_shutdown mask (UNIX_DIAG_SHUTDOWN, sent
	// unconditionally by current kernels); HasShutdown reports presence.
	Shutdown    uint8
	HasShutdown bool

	// MemInfo is the raw UNIX_DIAG_MEMINFO payload (ShowMemInfo), the
	// same SK_MEMINFO_* array as INET_DIAG_SKMEMINFO: decode it with
	// DecodeMemInfo. nil when absent.
	MemInfo []byte
}

// NIcons returns the number of inodes in m.Icons.
func (m *UnixMsg) NIcons() int { return len(m.Icons) / 4 }

// Icon returns the i'th inode in m.Icons; i must be in [0, NIcons()).
func (m *UnixMsg) Icon(i int) uint32 { return ne.Uint32(m.Icons[i*4 : i*4+4]) }

// DecodeUnix decodes the payload of one SOCK_DIAG_BY_FAMILY reply to a
// UnixRequest (the bytes after struct nlmsghdr) into *m, overwriting every
// field. It does not allocate unless it fails; m.Name, m.Icons and
// m.MemInfo alias payload. Attributes it does not know are skipped.
func DecodeUnix(payload []byte, m *UnixMsg) error {
	*m = UnixMsg{}
	if len(payload) < unixMsgLen {
		return malformed("unix_diag: message of %d bytes, need %d", len(payload), unixMsgLen)
	}
	m.Family = payload[0]
	m.Type = payload[1]
	m.State = payload[2]
	m.Inode = ne.Uint32(payload[4:8])
	m.Cookie = uint64(ne.Uint32(payload[8:12])) | uint64(ne.Uint32(payload[12:16]))<<32

	attrs := payload[unixMsgLen:]
	for len(attrs) >= nlaHdrLen {
		typ, data, rest, err := nextAttr(attrs)
		if err != nil {
			return err
		}
		attrs = rest
		switch typ {
		case unixDiagName:
			m.Name = unixName(data)
		case unixDiagVFS:
			if len(data) < 8 {
				return malformed("unix_diag: UNIX_DIAG_VFS of %d bytes, need 8", len(data))
			}
			m.HasVFS = true
			m.VFSInode = ne.Uint32(data[0:4])
			m.VFSDev = ne.Uint32(data[4:8])
		case unixDiagPeer:
			if len(data) < 4 {
				return malformed("unix_diag: UNIX_DIAG_PEER of %d bytes, need 4", len(data))
			}
			m.HasPeer, m.Peer = true, ne.Uint32(data[0:4])
		case unixDiagIcons:
			if len(data)%4 != 0 {
				return malformed("unix_diag: UNIX_DIAG_ICONS of %d bytes, not a multiple of 4", len(data))
			}
			m.Icons = data[:len(data):len(data)]
		case unixDiagRQLen:
			if len(data) < 8 {
				return malformed("unix_diag: UNIX_DIAG_RQLEN of %d bytes, need 8", len(data))
			}
			m.HasRQLen = true
			m.RQueue = ne.Uint32(data[0:4])
			m.WQueue = ne.Uint32(data[4:8])
		case unixDiagMemInfo:
			m.MemInfo = data
		case unixDiagShutdown:
			if len(data) < 1 {
				return malformed("unix_diag: UNIX_DIAG_SHUTDOWN of %d bytes, need 1", len(data))
			}
			m.Shutdown, m.HasShutdown = data[0], true
		case unixDiagUID:
			if len(data) < 4 {
				return malformed("unix_diag: UNIX_DIAG_UID of %d bytes, need 4", len(data))
			}
			m.HasUID, m.UID = true, ne.Uint32(data[0:4])
		}
	}
	return nil
}

// unixName trims a UNIX_DIAG_NAME payload (sun_path, addr_len - 2 bytes) to
// what netstat prints. Abstract names (leading NUL) may legitimately contain
// NULs and are kept whole; a path ends at its first NUL.
func unixName(b []byte) []byte {
	if len(b) == 0 || b[0] == 0 {
		return b[:len(b):len(b)]
	}
	for i, c := range b {
		if c == 0 {
			return b[:i:i]
		}
	}
	return b[:len(b):len(b)]
}
