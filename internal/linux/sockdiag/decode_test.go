package sockdiag

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDecodeInet(t *testing.T) {
	tcp4 := inetFixture{
		family: AFInet, state: 1, timer: 2, retrans: 3,
		sport: 40000, dport: 443,
		src: ip4(127, 0, 0, 1), dst: ip4(10, 1, 2, 3),
		ifindex: 5, cookie: 0x1122334455667788,
		expires: 1000, rqueue: 10, wqueue: 20, uid: 1000, inode: 123456,
	}
	tcp4Want := InetMsg{
		Family: AFInet, State: 1, Timer: 2, Retrans: 3,
		SrcPort: 40000, DstPort: 443,
		Src: ip4(127, 0, 0, 1), Dst: ip4(10, 1, 2, 3),
		IfIndex: 5, Cookie: 0x1122334455667788,
		Expires: 1000, RQueue: 10, WQueue: 20, UID: 1000, Inode: 123456,
	}
	with := func(m InetMsg, f func(*InetMsg)) InetMsg { f(&m); return m }

	tests := []struct {
		name    string
		payload []byte
		want    InetMsg
		wantErr string // substring; "" means success
	}{{
		name:    "bare struct",
		payload: inetPayload(tcp4),
		want:    tcp4Want,
	}, {
		name:    "shutdown",
		payload: inetPayload(tcp4, attr(inetDiagShutdown, []byte{3})),
		want:    with(tcp4Want, func(m *InetMsg) { m.Shutdown, m.HasShutdown = 3, true }),
	}, {
		name: "tcp6 with v6only and attributes we skip",
		payload: inetPayload(inetFixture{family: AFInet6, state: 10, sport: 22, src: ip6Loopback, inode: 7},
			attr(inetDiagShutdown, []byte{0}),
			attr(15, u32(0xabc)),                 // INET_DIAG_MARK
			attr(21, cat(u32(1), u32(0))),        // INET_DIAG_CGROUP_ID
			attr(22, []byte{0x52, 0}),            // INET_DIAG_SOCKOPT
			attr(inetDiagV6Only, []byte{1}),      // INET_DIAG_SKV6ONLY
			attr(nlaFNested|30, attr(1, u32(0))), // unknown nested attribute
		),
		want: InetMsg{Family: AFInet6, State: 10, SrcPort: 22, Src: ip6Loopback, Inode: 7,
			HasShutdown: true, V6Only: true, HasV6Only: true},
	}, {
		name:    "raw socket protocol",
		payload: inetPayload(inetFixture{family: AFInet, state: 7, sport: 1}, attr(inetDiagProtocol, []byte{1})),
		want:    InetMsg{Family: AFInet, State: 7, SrcPort: 1, Protocol: 1, HasProtocol: true},
	}, {
		name:    "v6only false",
		payload: inetPayload(inetFixture{family: AFInet6}, attr(inetDiagV6Only, []byte{0})),
		want:    InetMsg{Family: AFInet6, HasV6Only: true},
	}, {
		name:    "last attribute without padding",
		payload: inetPayload(tcp4, attrLen(5, inetDiagShutdown, []byte{1})),
		want:    with(tcp4Want, func(m *InetMsg) { m.Shutdown, m.HasShutdown = 1, true }),
	}, {
		name:    "trailing bytes shorter than an attribute header are ignored",
		payload: cat(inetPayload(tcp4, attr(inetDiagShutdown, []byte{2})), []byte{0, 0}),
		want:    with(tcp4Want, func(m *InetMsg) { m.Shutdown, m.HasShutdown = 2, true }),
	}, {
		name:    "empty",
		payload: nil,
		wantErr: "inet_diag: message of 0 bytes, need 72",
	}, {
		name:    "truncated struct",
		payload: inetPayload(tcp4)[:71],
		wantErr: "inet_diag: message of 71 bytes, need 72",
	}, {
		name:    "attribute length below header size",
		payload: inetPayload(tcp4, attrLen(3, inetDiagShutdown, []byte{0, 0, 0, 0})),
		wantErr: "attribute type 8 claims 3 bytes",
	}, {
		name:    "attribute longer than the message",
		payload: inetPayload(tcp4, attrLen(12, inetDiagShutdown, []byte{1, 0, 0, 0})),
		wantErr: "attribute type 8 claims 12 bytes, have 8",
	}, {
		name:    "bad attribute after a good one",
		payload: inetPayload(tcp4, attr(inetDiagShutdown, []byte{1}), attrLen(0, 0, nil)),
		wantErr: "claims 0 bytes",
	}, {
		name:    "empty shutdown",
		payload: inetPayload(tcp4, attr(inetDiagShutdown, nil)),
		wantErr: "INET_DIAG_SHUTDOWN of 0 bytes, need 1",
	}, {
		name:    "empty protocol",
		payload: inetPayload(tcp4, attr(inetDiagProtocol, nil)),
		wantErr: "INET_DIAG_PROTOCOL of 0 bytes, need 1",
	}, {
		name:    "empty v6only",
		payload: inetPayload(tcp4, attr(inetDiagV6Only, nil)),
		wantErr: "INET_DIAG_SKV6ONLY of 0 bytes, need 1",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Start from garbage: DecodeInet must overwrite every field.
			m := InetMsg{Family: 99, HasProtocol: true, Protocol: 6, HasV6Only: true, Inode: 1}
			err := DecodeInet(tt.payload, &m)
			if tt.wantErr != "" {
				checkMalformed(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("DecodeInet: %v", err)
			}
			if diff := cmp.Diff(tt.want, m, cmpopts.IgnoreFields(InetMsg{}, "Attrs")); diff != "" {
				t.Errorf("DecodeInet (-want +got):\n%s", diff)
			}
			// Attrs is the rest of the payload, in place.
			if rest := tt.payload[inetMsgLen:]; len(m.Attrs) != len(rest) || !within(m.Attrs, tt.payload) {
				t.Errorf("Attrs is %d bytes (aliasing the payload: %v), want the payload's last %d", len(m.Attrs), within(m.Attrs, tt.payload), len(rest))
			}
		})
	}
}

// checkMalformed checks that err is a decoding error mentioning want.
func checkMalformed(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("error %q does not wrap ErrMalformed", err)
	}
}

func TestDecodeUnix(t *testing.T) {
	meminfo := cat(u32(0), u32(212992), zeros(7*4)) // UNIX_DIAG_MEMINFO: SK_MEMINFO_VARS u32s
	tests := []struct {
		name    string
		payload []byte
		want    UnixMsg
		icons   []uint32 // expected Icon(i) values
		wantErr string
	}{{
		name: "listener with path, vfs, icons, rqlen, uid, shutdown, meminfo",
		payload: unixPayload(1, 10, 1000, 0x0000000100000002,
			attr(unixDiagName, []byte("/run/a.sock\x00")),
			attr(unixDiagVFS, cat(u32(555), u32(0x00800001))),
			attr(unixDiagIcons, cat(u32(2001), u32(2002))),
			attr(unixDiagRQLen, cat(u32(2), u32(128))),
			attr(unixDiagMemInfo, meminfo),
			attr(unixDiagShutdown, []byte{0}),
			attr(unixDiagUID, u32(1000)),
		),
		want: UnixMsg{
			Family: AFUnix, Type: 1, State: 10, Inode: 1000, Cookie: 0x0000000100000002,
			Name:   []byte("/run/a.sock"),
			HasVFS: true, VFSInode: 555, VFSDev: 0x00800001,
			Icons:    cat(u32(2001), u32(2002)),
			HasRQLen: true, RQueue: 2, WQueue: 128,
			HasShutdown: true,
			HasUID:      true, UID: 1000,
			MemInfo: meminfo,
		},
		icons: []uint32{2001, 2002},
	}, {
		name: "abstract name keeps its NULs; socketpair peer",
		payload: unixPayload(5, 1, 42, 1,
			attr(unixDiagName, []byte("\x00abs\x00tract")),
			attr(unixDiagPeer, u32(43)),
			attr(unixDiagShutdown, []byte{3}),
		),
		want: UnixMsg{Family: AFUnix, Type: 5, State: 1, Inode: 42, Cookie: 1,
			Name: []byte("\x00abs\x00tract"), HasPeer: true, Peer: 43, Shutdown: 3, HasShutdown: true},
	}, {
		name:    "path without terminating NUL",
		payload: unixPayload(2, 7, 1, 0, attr(unixDiagName, []byte("rel"))),
		want:    UnixMsg{Family: AFUnix, Type: 2, State: 7, Inode: 1, Name: []byte("rel")},
	}, {
		name:    "empty name is present but empty",
		payload: unixPayload(2, 7, 1, 0, attr(unixDiagName, nil)),
		want:    UnixMsg{Family: AFUnix, Type: 2, State: 7, Inode: 1, Name: []byte{}},
	}, {
		name:    "no icons pending",
		payload: unixPayload(1, 10, 1, 0, attr(unixDiagIcons, nil)),
		want:    UnixMsg{Family: AFUnix, Type: 1, State: 10, Inode: 1, Icons: []byte{}},
	}, {
		name:    "empty",
		wantErr: "unix_diag: message of 0 bytes, need 16",
	}, {
		name:    "truncated struct",
		payload: unixPayload(1, 1, 1, 1)[:15],
		wantErr: "unix_diag: message of 15 bytes, need 16",
	}, {
		name:    "attribute longer than the message",
		payload: unixPayload(1, 1, 1, 1, attrLen(40, unixDiagName, []byte("abcd"))),
		wantErr: "attribute type 0 claims 40 bytes, have 8",
	}, {
		name:    "attribute length below header size",
		payload: unixPayload(1, 1, 1, 1, attrLen(2, unixDiagPeer, u32(0))),
		wantErr: "claims 2 bytes",
	}, {
		name:    "short vfs",
		payload: unixPayload(1, 1, 1, 1, attr(unixDiagVFS, u32(1))),
		wantErr: "UNIX_DIAG_VFS of 4 bytes, need 8",
	}, {
		name:    "short peer",
		payload: unixPayload(1, 1, 1, 1, attr(unixDiagPeer, []byte{1, 2})),
		wantErr: "UNIX_DIAG_PEER of 2 bytes, need 4",
	}, {
		name:    "icons not a multiple of 4",
		payload: unixPayload(1, 1, 1, 1, attr(unixDiagIcons, zeros(6))),
		wantErr: "UNIX_DIAG_ICONS of 6 bytes, not a multiple of 4",
	}, {
		name:    "short rqlen",
		payload: unixPayload(1, 1, 1, 1, attr(unixDiagRQLen, zeros(7))),
		wantErr: "UNIX_DIAG_RQLEN of 7 bytes, need 8",
	}, {
		name:    "short uid",
		payload: unixPayload(1, 1, 1, 1, attr(unixDiagUID, zeros(3))),
		wantErr: "UNIX_DIAG_UID of 3 bytes, need 4",
	}, {
		name:    "empty shutdown",
		payload: unixPayload(1, 1, 1, 1, attr(unixDiagShutdown, nil)),
		wantErr: "UNIX_DIAG_SHUTDOWN of 0 bytes, need 1",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := UnixMsg{Name: []byte("stale"), HasPeer: true, Peer: 9, Icons: u32(1)}
			err := DecodeUnix(tt.payload, &m)
			if tt.wantErr != "" {
				checkMalformed(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("DecodeUnix: %v", err)
			}
			if diff := cmp.Diff(tt.want, m); diff != "" {
				t.Errorf("DecodeUnix (-want +got):\n%s", diff)
			}
			var icons []uint32
			for i := range m.NIcons() {
				icons = append(icons, m.Icon(i))
			}
			if diff := cmp.Diff(tt.icons, icons); diff != "" {
				t.Errorf("Icon(i) (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeUnixAliases checks that Name and Icons point into the payload
// (no copy) and cannot be appended into the bytes that follow them.
func TestDecodeUnixAliases(t *testing.T) {
	p := unixPayload(1, 10, 1, 0, attr(unixDiagName, []byte("/x\x00")), attr(unixDiagIcons, u32(7)), attr(unixDiagUID, u32(0)))
	var m UnixMsg
	if err := DecodeUnix(p, &m); err != nil {
		t.Fatal(err)
	}
	if &m.Name[0] != &p[unixMsgLen+nlaHdrLen] {
		t.Error("Name does not alias the payload")
	}
	if cap(m.Name) != len(m.Name) || cap(m.Icons) != len(m.Icons) {
		t.Errorf("cap(Name)=%d cap(Icons)=%d, want their lengths", cap(m.Name), cap(m.Icons))
	}
}
