package sockdiag

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	gocmp "github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// tcpPair opens a loopback TCP connection in the current namespace and
// passes n bytes from client to server, returning both ends.
func tcpPair(t *testing.T, n int) (client, server int) {
	t.Helper()
	l := mustSocket(t, unix.AF_INET, unix.SOCK_STREAM, 0)
	must(t, "bind", unix.Bind(l, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	must(t, "listen", unix.Listen(l, 1))
	client = mustSocket(t, unix.AF_INET, unix.SOCK_STREAM, 0)
	must(t, "connect", unix.Connect(client, sockaddr(localAddr(t, l))))
	server, _, err := unix.Accept4(l, unix.SOCK_CLOEXEC)
	must(t, "accept", err)
	t.Cleanup(func() { unix.Close(server) })
	if n > 0 {
		w, err := unix.Write(client, make([]byte, n))
		must(t, "write", err)
		buf := make([]byte, n)
		for got := 0; got < w; {
			r, err := unix.Read(server, buf)
			must(t, "read", err)
			got += r
		}
	}
	return client, server
}

// dumpExt dumps IPv4 TCP sockets with ext and returns a copy of the
// extension attributes of the socket with inode ino.
func dumpExt(t *testing.T, c *Conn, ext uint8, ino uint32) (info, cong, mem, bbr []byte) {
	t.Helper()
	var m InetMsg
	found := false
	err := c.Dump(InetRequest(7, AFInet, IPProtoTCP, AllStates, ext), func(p []byte) error {
		if err := DecodeInet(p, &m); err != nil {
			return err
		}
		if m.Inode == ino {
			found = true
			info = append([]byte(nil), m.Info()...)
			cong = append([]byte(nil), m.Cong()...)
			mem = append([]byte(nil), m.SkMemInfo()...)
			bbr = append([]byte(nil), m.BBRInfo()...)
		}
		return nil
	})
	must(t, "dump", err)
	if !found {
		t.Fatalf("socket %d not in the dump", ino)
	}
	return info, cong, mem, bbr
}

// sysView maps x/sys/unix's TCPInfo, an independent rendering of struct
// tcp_info (generated from the kernel headers), onto our field names, for
// every field it has.
func sysView(s *unix.TCPInfo) TCPInfo {
	return TCPInfo{
		State: s.State, CAState: s.Ca_state, Retransmits: s.Retransmits, Probes: s.Probes, Backoff: s.Backoff, Options: s.Options,
		RTO: s.Rto, ATO: s.Ato, SndMSS: s.Snd_mss, RcvMSS: s.Rcv_mss,
		Unacked: s.Unacked, Sacked: s.Sacked, Lost: s.Lost, Retrans: s.Retrans, Fackets: s.Fackets,
		LastDataSent: s.Last_data_sent, LastAckSent: s.Last_ack_sent, LastDataRecv: s.Last_data_recv, LastAckRecv: s.Last_ack_recv,
		PMTU: s.Pmtu, RcvSsthresh: s.Rcv_ssthresh, RTT: s.Rtt, RTTVar: s.Rttvar, SndSsthresh: s.Snd_ssthresh, SndCwnd: s.Snd_cwnd,
		AdvMSS: s.Advmss, Reordering: s.Reordering, RcvRTT: s.Rcv_rtt, RcvSpace: s.Rcv_space, TotalRetrans: s.Total_retrans,
		PacingRate: s.Pacing_rate, MaxPacingRate: s.Max_pacing_rate, BytesAcked: s.Bytes_acked, BytesReceived: s.Bytes_received,
		SegsOut: s.Segs_out, SegsIn: s.Segs_in, NotsentBytes: s.Notsent_bytes, MinRTT: s.Min_rtt,
		DataSegsIn: s.Data_segs_in, DataSegsOut: s.Data_segs_out, DeliveryRate: s.Delivery_rate,
		BusyTime: s.Busy_time, RwndLimited: s.Rwnd_limited, SndbufLimited: s.Sndbuf_limited,
		Delivered: s.Delivered, DeliveredCE: s.Delivered_ce, BytesSent: s.Bytes_sent, BytesRetrans: s.Bytes_retrans,
		DSACKDups: s.Dsack_dups, ReordSeen: s.Reord_seen, RcvOOOPack: s.Rcv_ooopack, SndWnd: s.Snd_wnd, RcvWnd: s.Rcv_wnd,
		Rehash: s.Rehash, TotalRTO: s.Total_rto, TotalRTORecoveries: s.Total_rto_recoveries, TotalRTOTime: s.Total_rto_time,
		ReceivedCE: s.Received_ce, DeliveredE1Bytes: s.Delivered_e1_bytes, DeliveredE0Bytes: s.Delivered_e0_bytes,
		DeliveredCEBytes: s.Delivered_ce_bytes, ReceivedE1Bytes: s.Received_e1_bytes, ReceivedE0Bytes: s.Received_e0_bytes,
		ReceivedCEBytes: s.Received_ce_bytes,
	}
}

// x/sys has no bit-fields: compare those separately.
var ignoreBitFields = gocmp.Options{ignoreLen, gocmp.FilterPath(func(p gocmp.Path) bool {
	switch p.Last().String() {
	case ".SndWScale", ".RcvWScale", ".DeliveryRateAppLimited", ".FastOpenClientFail",
		".ECNMode", ".AccECNOptSeen", ".AccECNFailMode", ".Options2":
		return true
	}
	return false
}, gocmp.Ignore())}

// checkAgainstSys decodes b both ways and compares.
func checkAgainstSys(t *testing.T, what string, b []byte) {
	t.Helper()
	var s unix.TCPInfo
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&s)), unsafe.Sizeof(s)), b)
	var got TCPInfo
	DecodeTCPInfo(b, &got)
	if diff := gocmp.Diff(sysView(&s), got, ignoreBitFields); diff != "" {
		t.Errorf("%s: DecodeTCPInfo disagrees with x/sys/unix.TCPInfo (-sys +ours):\n%s", what, diff)
	}
}

func TestDecodeTCPInfoAgainstSys(t *testing.T) {
	if unsafe.Sizeof(unix.TCPInfo{}) > TCPInfoKnownLen {
		t.Fatalf("x/sys/unix knows %d bytes of tcp_info, we know %d: add the new fields", unsafe.Sizeof(unix.TCPInfo{}), TCPInfoKnownLen)
	}
	checkAgainstSys(t, "capture", readCapture(t, "tcpinfo-6.18-client"))
	checkAgainstSys(t, "capture (server)", readCapture(t, "tcpinfo-6.18-server"))
}

// TestTCPInfoDump checks INET_DIAG_INFO, INET_DIAG_CONG and
// INET_DIAG_SKMEMINFO of a live connection against what the socket itself
// reports through getsockopt.
func TestTCPInfoDump(t *testing.T) {
	enterNewNetns(t)
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()
	client, server := tcpPair(t, 1000)

	for _, fd := range []int{client, server} {
		// The same struct through getsockopt, read before and after the
		// dump: on a quiet connection only the times since the last
		// send/receive move, unless a delayed ACK goes out in between, in
		// which case the two getsockopt reads differ and we read again.
		ignoreTime := gocmp.FilterPath(func(p gocmp.Path) bool {
			switch p.Last().String() {
			case ".LastDataSent", ".LastAckSent", ".LastDataRecv", ".LastAckRecv":
				return true
			}
			return false
		}, gocmp.Ignore())
		var info, cong, mem []byte
		var want TCPInfo
		for try := 0; ; try++ {
			s1, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
			must(t, "TCP_INFO", err)
			info, cong, mem, _ = dumpExt(t, c, ExtInfo|ExtCong|ExtSkMemInfo, inode(t, fd))
			s2, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
			must(t, "TCP_INFO", err)
			want = sysView(s2)
			if gocmp.Equal(sysView(s1), want, ignoreTime) || try == 10 {
				break
			}
		}
		if len(info) < 104 {
			t.Fatalf("INET_DIAG_INFO of %d bytes", len(info))
		}
		var got TCPInfo
		DecodeTCPInfo(info, &got)
		if diff := gocmp.Diff(want, got, ignoreBitFields, ignoreTime); diff != "" {
			t.Errorf("fd %d: INET_DIAG_INFO vs TCP_INFO (-getsockopt +diag):\n%s", fd, diff)
		}
		if got.Options&4 == 0 /* TCPI_OPT_WSCALE */ && got.SndWScale != 0 {
			t.Errorf("window scales without the option: %+v", got)
		}

		name, err := unix.GetsockoptString(fd, unix.IPPROTO_TCP, unix.TCP_CONGESTION)
		must(t, "TCP_CONGESTION", err)
		if string(cong) != strings.TrimRight(name, "\x00") {
			t.Errorf("INET_DIAG_CONG %q, TCP_CONGESTION %q", cong, name)
		}

		var mi MemInfo
		DecodeMemInfo(mem, &mi)
		rcv, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
		must(t, "SO_RCVBUF", err)
		snd, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF)
		must(t, "SO_SNDBUF", err)
		if mi.Len != MemInfoKnownLen || int(mi.RcvBuf) != rcv || int(mi.SndBuf) != snd || mi.RmemAlloc != 0 {
			t.Errorf("skmeminfo %+v; SO_RCVBUF %d, SO_SNDBUF %d, nothing unread", mi, rcv, snd)
		}
	}

	// Without the extension bits the kernel sends none of them.
	if info, cong, mem, bbr := dumpExt(t, c, 0, inode(t, client)); len(info)+len(cong)+len(mem)+len(bbr) != 0 {
		t.Errorf("unrequested attributes: info %d bytes, cong %q, mem %d bytes, bbr %d bytes", len(info), cong, len(mem), len(bbr))
	}

	// BBR's own state comes with ExtCongInfo, where BBR is available.
	if err := unix.SetsockoptString(client, unix.IPPROTO_TCP, unix.TCP_CONGESTION, "bbr"); err != nil {
		t.Logf("no BBR here (%v): INET_DIAG_BBRINFO not checked", err)
		return
	}
	_, cong, _, bbr := dumpExt(t, c, ExtCong|ExtCongInfo, inode(t, client))
	var bi BBRInfo
	DecodeBBRInfo(bbr, &bi)
	if string(cong) != "bbr" || bi.Len != BBRInfoKnownLen || bi.PacingGain == 0 || bi.CwndGain == 0 {
		t.Errorf("BBR socket: cong %q, bbr info %+v", cong, bi)
	}
	if _, _, _, bbr := dumpExt(t, c, ExtCong, inode(t, client)); bbr != nil {
		t.Errorf("INET_DIAG_BBRINFO without ExtCongInfo")
	}
}

// TestWriteInfoCaptures regenerates testdata/captures/ and the seed corpora
// of FuzzDecodeTCPInfo and FuzzDecodeMemInfo from this kernel, in a fresh
// namespace, when run as
//
//	go test -run TestWriteInfoCaptures ./internal/linux/sockdiag/ -sockdiag.write-seeds
//
// The file names carry the kernel's version, which decides the struct's
// length; TestDecodeTCPInfoCaptured expects the 6.18 ones.
func TestWriteInfoCaptures(t *testing.T) {
	if !*writeSeeds {
		t.Skip("run with -sockdiag.write-seeds to regenerate testdata/captures")
	}
	enterNewNetns(t)
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()
	client, server := tcpPair(t, 1000)
	var u unix.Utsname
	must(t, "uname", unix.Uname(&u))
	rel := unix.ByteSliceToString(u.Release[:])
	ver := rel
	if i := strings.IndexByte(rel, '.'); i > 0 {
		if j := strings.IndexAny(rel[i+1:], ".-"); j > 0 {
			ver = rel[:i+1+j]
		}
	}
	dir := filepath.Join("testdata", "captures")
	must(t, "mkdir", os.MkdirAll(dir, 0o755))
	for _, end := range []struct {
		name string
		fd   int
	}{{"client", client}, {"server", server}} {
		if end.name == "client" {
			must(t, "TCP_CONGESTION bbr", unix.SetsockoptString(end.fd, unix.IPPROTO_TCP, unix.TCP_CONGESTION, "bbr"))
		}
		info, _, mem, bbr := dumpExt(t, c, ExtInfo|ExtCong|ExtSkMemInfo|ExtCongInfo, inode(t, end.fd))
		if bbr != nil {
			writeSeed(t, "FuzzDecodeBBRInfo", "kernel-bbrinfo-"+ver+"-"+end.name, bbr)
		}
		for _, f := range []struct {
			kind, fuzz string
			b          []byte
		}{{"tcpinfo", "FuzzDecodeTCPInfo", info}, {"skmeminfo", "FuzzDecodeMemInfo", mem}} {
			name := fmt.Sprintf("%s-%s-%s", f.kind, ver, end.name)
			must(t, "write", os.WriteFile(filepath.Join(dir, name), f.b, 0o644))
			writeSeed(t, f.fuzz, "kernel-"+name, f.b)
			writeSeed(t, f.fuzz, "kernel-"+name+"-short", f.b[:len(f.b)*2/3])
		}
	}
}
