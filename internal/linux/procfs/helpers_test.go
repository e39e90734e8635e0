package procfs

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// in is a compact InetRow for tables: addresses as "ip:port" strings
// ("[v6]:port" for IPv6), numbers in column order.
type in struct {
	local, remote  string
	st             uint8
	tx, rx         uint64
	tr             uint8
	when, retr     uint64
	uid            uint32
	timeout, inode uint64
}

func (w in) row(t testing.TB) InetRow {
	t.Helper()
	r := InetRow{State: w.st, TxQueue: w.tx, RxQueue: w.rx, Timer: w.tr, Expires: w.when,
		Retransmits: w.retr, UID: w.uid, Timeout: w.timeout, Inode: w.inode}
	var v6l, v6r bool
	r.Local, r.LocalPort, v6l = addrPortBytes(t, w.local)
	r.Remote, r.RemotePort, v6r = addrPortBytes(t, w.remote)
	if v6l != v6r {
		t.Fatalf("bad test row: %q and %q differ in family", w.local, w.remote)
	}
	r.V6 = v6l
	return r
}

func rows(t testing.TB, ws ...in) []InetRow {
	out := []InetRow{}
	for _, w := range ws {
		out = append(out, w.row(t))
	}
	return out
}

// addrPortBytes is the independent oracle for the byte-order conversion:
// netip's own parsing of the dotted or colon notation.
func addrPortBytes(t testing.TB, s string) (b [16]byte, port uint16, v6 bool) {
	t.Helper()
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatalf("bad test address: %v", err)
	}
	if ap.Addr().Is4() {
		a := ap.Addr().As4()
		copy(b[:], a[:])
		return b, ap.Port(), false
	}
	return ap.Addr().As16(), ap.Port(), true
}

// skipOnBigEndian skips tests whose input was captured on a little-endian
// machine: the parser swaps address words by the running machine's order
// (see the package doc), so those files only decode right there.
func skipOnBigEndian(t testing.TB) {
	t.Helper()
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("address fixtures were captured on a little-endian machine")
	}
}

// collectInet parses input and returns copies of all rows; it also checks
// that the row passed to fn is always the same value (reused, no per-row
// allocation).
func collectInet(input string) ([]InetRow, error) {
	got := []InetRow{}
	var prev *InetRow
	err := ParseInet(strings.NewReader(input), "/proc/net/test", func(r *InetRow) error {
		if prev != nil && prev != r {
			return fmt.Errorf("row not reused: %p then %p", prev, r)
		}
		prev = r
		got = append(got, *r)
		return nil
	})
	return got, err
}

// un is a UnixRow with Path as a string, comparable by cmp.
type un struct {
	RefCount, Protocol, Flags uint32
	Type                      uint16
	State                     uint8
	Inode                     uint64
	Path                      string
	NilPath                   bool // Path was nil rather than empty
}

func collectUnix(input string) ([]un, error) {
	got := []un{}
	var prev *UnixRow
	err := ParseUnix(strings.NewReader(input), "/proc/net/test", func(r *UnixRow) error {
		if prev != nil && prev != r {
			return fmt.Errorf("row not reused: %p then %p", prev, r)
		}
		prev = r
		got = append(got, un{r.RefCount, r.Protocol, r.Flags, r.Type, r.State, r.Inode, string(r.Path), r.Path == nil})
		return nil
	})
	return got, err
}

// readCapture returns a file of testdata/capture.
func readCapture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "capture", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// formatInet prints r the way the kernel prints a udp row. It is the
// inverse the fuzz targets and benchmarks use.
func formatInet(buf *bytes.Buffer, slot int, r *InetRow) {
	fmt.Fprintf(buf, "%5d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d 2 0000000000000000 0\n",
		slot, addrHex(r.Local, r.V6), r.LocalPort, addrHex(r.Remote, r.V6), r.RemotePort,
		r.State, r.TxQueue, r.RxQueue, r.Timer, r.Expires, r.Retransmits, r.UID, r.Timeout, r.Inode)
}

// addrHex prints address bytes as the kernel does: 32-bit words in host
// order.
func addrHex(b [16]byte, v6 bool) string {
	n := 4
	if v6 {
		n = 16
	}
	var s strings.Builder
	for i := 0; i < n; i += 4 {
		fmt.Fprintf(&s, "%08X", binary.NativeEndian.Uint32(b[i:]))
	}
	return s.String()
}

// formatUnix prints r the way the kernel prints a /proc/net/unix row.
func formatUnix(buf *bytes.Buffer, r *UnixRow) {
	fmt.Fprintf(buf, "%016x: %08X %08X %08X %04X %02X %5d", 0, r.RefCount, r.Protocol, r.Flags, r.Type, r.State, r.Inode)
	if len(r.Path) > 0 {
		buf.WriteByte(' ')
		buf.Write(r.Path)
	}
	buf.WriteByte('\n')
}

const (
	inetHeader = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	unixHeader = "Num       RefCount Protocol Flags    Type St Inode Path\n"
)
