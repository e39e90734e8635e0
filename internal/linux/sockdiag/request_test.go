package sockdiag

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInetRequest(t *testing.T) {
	noCookie := cat(u32(0xffffffff), u32(0xffffffff))
	// header writes struct nlmsghdr for a 72-byte dump request.
	header := func(seq uint32) []byte {
		return cat(u32(72), u16(20), u16(0x001|0x300), u32(seq), u32(0))
	}
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{{
		name: "tcp4 listeners",
		got:  InetRequest(1, AFInet, IPProtoTCP, 1<<10, 0),
		want: cat(header(1), []byte{2, 6, 0, 0}, u32(1<<10), zeros(4+32+4), noCookie),
	}, {
		name: "udp6 all states",
		got:  InetRequest(0xdeadbeef, AFInet6, IPProtoUDP, AllStates, 0),
		want: cat(header(0xdeadbeef), []byte{10, 17, 0, 0}, u32(0xffffffff), zeros(40), noCookie),
	}, {
		name: "udplite with extensions",
		got:  InetRequest(7, AFInet, IPProtoUDPLite, 0x2, 1<<(8-1)),
		want: cat(header(7), []byte{2, 136, 0x80, 0}, u32(2), zeros(40), noCookie),
	}, {
		name: "raw puts IPPROTO_RAW in sdiag_raw_protocol",
		got:  InetRequest(2, AFInet6, IPProtoRaw, AllStates, 0),
		want: cat(header(2), []byte{10, 255, 0, 255}, u32(0xffffffff), zeros(40), noCookie),
	}, {
		name: "InetRawRequest with ICMP",
		got:  InetRawRequest(3, AFInet, 1, AllStates, 0),
		want: cat(header(3), []byte{2, 255, 0, 1}, u32(0xffffffff), zeros(40), noCookie),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("request bytes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInetRequestLiteral pins one request byte for byte, as it goes on the
// wire of a little-endian machine, independent of the test builders.
func TestInetRequestLiteral(t *testing.T) {
	if ne.Uint16([]byte{1, 0}) != 1 {
		t.Skip("literal is little-endian")
	}
	want := []byte{
		0x48, 0, 0, 0, // nlmsg_len 72
		20, 0, // nlmsg_type SOCK_DIAG_BY_FAMILY
		0x01, 0x03, // NLM_F_REQUEST|NLM_F_DUMP
		0x2a, 0, 0, 0, // nlmsg_seq 42
		0, 0, 0, 0, // nlmsg_pid
		2, 6, 0, 0, // AF_INET, IPPROTO_TCP, idiag_ext, pad
		0x02, 0x04, 0, 0, // idiag_states: ESTABLISHED|LISTEN
		0, 0, 0, 0, // sport, dport
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // src
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // dst
		0, 0, 0, 0, // if
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // cookie: INET_DIAG_NOCOOKIE
	}
	if diff := cmp.Diff(want, InetRequest(42, AFInet, IPProtoTCP, 1<<1|1<<10, 0)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestUnixRequest(t *testing.T) {
	header := func(seq uint32) []byte {
		return cat(u32(40), u16(20), u16(0x301), u32(seq), u32(0))
	}
	noCookie := cat(u32(0xffffffff), u32(0xffffffff))
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{{
		name: "all states, everything shown",
		got:  UnixRequest(9, AllStates, ShowName|ShowVFS|ShowPeer|ShowIcons|ShowRQLen|ShowMemInfo|ShowUID),
		want: cat(header(9), []byte{1, 0, 0, 0}, u32(0xffffffff), u32(0), u32(0x7f), noCookie),
	}, {
		name: "listeners, name only",
		got:  UnixRequest(1, 1<<10, ShowName),
		want: cat(header(1), []byte{1, 0, 0, 0}, u32(1<<10), u32(0), u32(1), noCookie),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("request bytes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestShowBits checks the Show constants against linux/unix_diag.h.
func TestShowBits(t *testing.T) {
	got := []uint32{ShowName, ShowVFS, ShowPeer, ShowIcons, ShowRQLen, ShowMemInfo, ShowUID}
	want := []uint32{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestAppendAttr(t *testing.T) {
	req := InetRequest(7, AFInet, IPProtoTCP, AllStates, 0)
	base := len(req)
	got := AppendAttr(req, ReqBytecode, []byte{1, 2, 3, 4, 5})
	if len(got) != base+12 {
		t.Fatalf("length %d, want %d (4 header + 5 data + 3 pad)", len(got), base+12)
	}
	if l := ne.Uint32(got[0:4]); int(l) != len(got) {
		t.Errorf("nlmsg_len %d, want %d", l, len(got))
	}
	if l, typ := ne.Uint16(got[base:]), ne.Uint16(got[base+2:]); l != 9 || typ != ReqBytecode {
		t.Errorf("attribute header len %d type %d, want 9 and %d", l, typ, ReqBytecode)
	}
	if string(got[base+4:base+9]) != "\x01\x02\x03\x04\x05" || string(got[base+9:]) != "\x00\x00\x00" {
		t.Errorf("payload and padding % x", got[base+4:])
	}
}
