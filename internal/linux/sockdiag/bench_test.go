package sockdiag

import "testing"

// benchInetPayload is shaped like what this kernel sends for a TCP socket
// (72-byte struct plus SHUTDOWN, MARK, CGROUP_ID and SOCKOPT attributes).
func benchInetPayload() []byte {
	return inetPayload(inetFixture{
		family: AFInet, state: 1, sport: 443, dport: 51234,
		src: ip4(10, 0, 0, 1), dst: ip4(10, 0, 0, 2), cookie: 77, inode: 123456,
	},
		attr(inetDiagShutdown, []byte{0}),
		attr(15, u32(0)),
		attr(21, cat(u32(1), u32(0))),
		attr(22, []byte{0x52, 0}),
	)
}

func BenchmarkDecodeInet(b *testing.B) {
	p := benchInetPayload()
	var m InetMsg
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if err := DecodeInet(p, &m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeUnix(b *testing.B) {
	p := unixPayload(1, 1, 1000, 5,
		attr(unixDiagName, []byte("/run/systemd/journal/stdout\x00")),
		attr(unixDiagPeer, u32(1001)),
		attr(unixDiagRQLen, cat(u32(0), u32(0))),
		attr(unixDiagShutdown, []byte{0}),
		attr(unixDiagUID, u32(0)),
	)
	var m UnixMsg
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if err := DecodeUnix(p, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessages walks and decodes one full 32 KiB batch, the most the
// kernel puts in one recv.
func BenchmarkMessages(b *testing.B) {
	msg := diagMsg(benchInetPayload())
	var buf []byte
	for len(buf)+len(msg) <= 32<<10 {
		buf = append(buf, msg...)
	}
	n := len(buf) / len(msg)
	var m InetMsg
	count := 0
	fn := func(p []byte) error {
		count++
		return DecodeInet(p, &m)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		count = 0
		if _, err := Messages(buf, fn); err != nil {
			b.Fatal(err)
		}
		if count != n {
			b.Fatalf("walked %d messages, want %d", count, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/msg")
}

// BenchmarkDecodeTCPInfo decodes the extensions a --tcp-info --memory
// listing asks for, from a message shaped like this kernel's.
func BenchmarkDecodeTCPInfo(b *testing.B) {
	p := inetPayload(inetFixture{family: AFInet, state: 1, inode: 1},
		attr(inetDiagShutdown, []byte{0}),
		attr(inetDiagSkMemInfo, zeros(MemInfoKnownLen)),
		attr(inetDiagInfo, zeros(TCPInfoKnownLen)),
		attr(inetDiagCong, []byte("cubic\x00")),
	)
	var m InetMsg
	var ti TCPInfo
	var mi MemInfo
	b.ReportAllocs()
	for b.Loop() {
		if err := DecodeInet(p, &m); err != nil {
			b.Fatal(err)
		}
		DecodeTCPInfo(m.Info(), &ti)
		DecodeMemInfo(m.SkMemInfo(), &mi)
		if len(m.Cong()) != 5 {
			b.Fatal("no congestion name")
		}
	}
}
