package sockets

import (
	"testing"

	"github.com/netstat-go/netstat/internal/linux/sockdiag"
)

// BenchmarkFromInetMsg is the per-socket conversion a listing pays on top
// of decoding: the Socket is reset and filled from the InetMsg.
func BenchmarkFromInetMsg(b *testing.B) {
	m := sockdiag.InetMsg{Family: afInet, State: 1, SrcPort: 443, DstPort: 51234, Inode: 123456, Cookie: 77}
	m.Src[0], m.Dst[0] = 127, 127
	var s Socket
	for b.Loop() {
		fromInetMsg(&s, &m, TCP)
	}
}
