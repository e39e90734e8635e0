package sockdiag

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var writeSeeds = flag.Bool("sockdiag.write-seeds", false,
	"regenerate the seed corpora under testdata/fuzz (needs root: captures kernel replies in a new network namespace)")

// TestWriteFuzzSeeds regenerates testdata/fuzz/Fuzz*/ when run as
//
//	go test -run TestWriteFuzzSeeds ./internal/linux/sockdiag/ -sockdiag.write-seeds
//
// The kernel-* seeds are real replies of this machine's kernel, captured in
// a fresh network namespace holding only the sockets of makeKnownSockets so
// that no host details end up in the repository. The synthetic-* seeds
// cover paths a healthy kernel rarely takes.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeSeeds {
		t.Skip("run with -sockdiag.write-seeds to regenerate testdata/fuzz")
	}
	enterNewNetns(t)
	makeKnownSockets(t)
	c, err := Dial()
	must(t, "Dial", err)
	defer c.Close()

	// capture returns the raw bytes of every recv of one dump, concatenated.
	capture := func(req []byte) []byte {
		must(t, "send", c.send(req))
		var all []byte
		for {
			n, err := c.recv()
			must(t, "recv", err)
			all = append(all, c.buf[:n]...)
			done, finished, _ := walk(c.buf[:n], replyFilter{}, func([]byte) error { return nil })
			if done || finished {
				return all
			}
		}
	}
	payloads := func(buf []byte) (out [][]byte) {
		_, _ = Messages(buf, func(p []byte) error { out = append(out, p); return nil })
		return out
	}

	inet := []struct {
		name          string
		family, proto uint8
		ext           uint8
	}{
		{"tcp4-ext", AFInet, IPProtoTCP, 0xff}, // every extension: tcp_info, meminfo, cong, tos...
		{"tcp6", AFInet6, IPProtoTCP, 0},
		{"udp4", AFInet, IPProtoUDP, 0},
		{"udplite4", AFInet, IPProtoUDPLite, 0},
	}
	for i, q := range inet {
		buf := capture(InetRequest(uint32(i+1), q.family, q.proto, AllStates, q.ext))
		writeSeed(t, "FuzzMessages", "kernel-"+q.name, buf)
		for j, p := range payloads(buf) {
			writeSeed(t, "FuzzDecodeInet", fmt.Sprintf("kernel-%s-%d", q.name, j), p)
		}
	}
	buf := capture(UnixRequest(10, AllStates, ShowName|ShowVFS|ShowPeer|ShowIcons|ShowRQLen|ShowMemInfo|ShowUID))
	writeSeed(t, "FuzzMessages", "kernel-unix", buf)
	for j, p := range payloads(buf) {
		writeSeed(t, "FuzzDecodeUnix", fmt.Sprintf("kernel-unix-%d", j), p)
	}
	// No raw_diag: NLMSG_DONE carrying -ENOENT.
	writeSeed(t, "FuzzMessages", "kernel-raw-enoent", capture(InetRequest(11, AFInet, IPProtoRaw, AllStates, 0)))
	// An invalid family: NLMSG_ERROR carrying -EINVAL.
	bad := InetRequest(12, AFInet, IPProtoTCP, AllStates, 0)
	bad[nlmsgHdrLen] = 200
	writeSeed(t, "FuzzMessages", "kernel-error-einval", capture(bad))

	// Synthetic seeds.
	req := InetRequest(1, AFInet, IPProtoTCP, AllStates, 0)
	p := inetPayload(inetFixture{family: AFInet, state: 1, sport: 1, dport: 2, inode: 3}, attr(inetDiagShutdown, []byte{0}))
	writeSeed(t, "FuzzMessages", "synthetic-dump-intr", cat(diagMsg(p), nlmsg(sockDiagByFamily, nlmFMulti|nlmFDumpIntr, 1, 1, p), doneMsg(nlmFDumpIntr, 0)))
	writeSeed(t, "FuzzMessages", "synthetic-error-extack", nlmsg(nlmsgError, nlmFAckTLVs, 1, 1, cat(u32(uint32(0xffffffea)), req, attr(nlmsgerrAttrMsg, []byte("bad\x00")))))
	writeSeed(t, "FuzzMessages", "synthetic-error-capped", nlmsg(nlmsgError, nlmFAckTLVs|nlmFCapped, 1, 1, cat(u32(uint32(0xfffffffe)), req[:16], attr(nlmsgerrAttrMsg, []byte("x\x00")))))
	writeSeed(t, "FuzzMessages", "synthetic-truncated", cat(diagMsg(p), diagMsg(p)[:30]))
	writeSeed(t, "FuzzDecodeInet", "synthetic-raw-protocol", inetPayload(inetFixture{family: AFInet6, state: 7}, attr(inetDiagProtocol, []byte{58}), attr(inetDiagV6Only, []byte{1})))
	writeSeed(t, "FuzzDecodeInet", "synthetic-bad-attr", inetPayload(inetFixture{family: AFInet}, attrLen(3, inetDiagShutdown, []byte{0})))
	writeSeed(t, "FuzzDecodeUnix", "synthetic-abstract-icons", unixPayload(1, 10, 5, 6,
		attr(unixDiagName, []byte("\x00a\x00b")), attr(unixDiagIcons, cat(u32(1), u32(2), u32(3))), attr(unixDiagRQLen, cat(u32(3), u32(8)))))
	writeSeed(t, "FuzzDecodeUnix", "synthetic-odd-icons", unixPayload(1, 10, 5, 6, attr(unixDiagIcons, zeros(5))))
}

// writeSeed writes data as one seed in the `go test fuzz v1` format.
func writeSeed(t *testing.T, fuzzName, name string, data []byte) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", fuzzName)
	must(t, "mkdir", os.MkdirAll(dir, 0o755))
	// []byte(%q) is exactly how the fuzzing engine itself encodes []byte.
	body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
	must(t, "write seed", os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
}
