package procfs

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

const benchRows = 10000

// benchInet returns a file like /proc/net/tcp (v6 false) or tcp6 with
// benchRows rows, printed as the kernel prints tcp rows (padded, with the
// extra fields) so the scan covers realistic line lengths.
func benchInet(v6 bool) []byte {
	var buf bytes.Buffer
	buf.WriteString(inetHeader)
	var r InetRow
	r.V6 = v6
	for i := range benchRows {
		r.Local[0], r.Local[15] = 10, byte(i)
		r.Remote[0], r.Remote[3] = 192, byte(i>>8)
		r.LocalPort, r.RemotePort = uint16(i), 443
		r.State = uint8(1 + i%11)
		r.RxQueue, r.Inode = uint64(i), uint64(100000+i)
		r.UID = uint32(i % 2000)
		var line bytes.Buffer
		formatInet(&line, i, &r)
		line.Truncate(line.Len() - 1)
		fmt.Fprintf(&buf, "%-149s\n", line.String()+" 1 0000000000000000 20 4 30 10 -1")
	}
	return buf.Bytes()
}

func benchUnix() []byte {
	var buf bytes.Buffer
	buf.WriteString(unixHeader)
	var r UnixRow
	for i := range benchRows {
		r = UnixRow{RefCount: 2, Type: 1, State: uint8(1 + i%3), Inode: uint64(100000 + i)}
		switch i % 3 {
		case 0:
			r.Path = fmt.Appendf(nil, "/run/user/1000/service-%d.sock", i)
		case 1:
			r.Path = fmt.Appendf(nil, "@/tmp/.X11-unix/X%d", i)
		}
		formatUnix(&buf, &r)
	}
	return buf.Bytes()
}

func BenchmarkParseInet(b *testing.B) {
	for _, v6 := range []bool{false, true} {
		name := "tcp"
		if v6 {
			name = "tcp6"
		}
		input := benchInet(v6)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(input)))
			rd := bytes.NewReader(input)
			var rows int
			for b.Loop() {
				rd.Reset(input)
				rows = 0
				if err := ParseInet(rd, name, func(*InetRow) error { rows++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			if rows != benchRows {
				b.Fatalf("%d rows", rows)
			}
		})
	}
	// What the hand-written field scanner saves: the obvious parser,
	// bufio.Scanner + strings.Fields + strconv, on the same IPv4 file
	// (and doing less: no address conversion or validation).
	input := benchInet(false)
	b.Run("tcp/fields-baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(input)))
		for b.Loop() {
			sc := bufio.NewScanner(bytes.NewReader(input))
			sc.Scan()
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				tx, rx, _ := strings.Cut(f[4], ":")
				_, _ = strconv.ParseUint(tx, 16, 64)
				_, _ = strconv.ParseUint(rx, 16, 64)
				_, _ = strconv.ParseUint(f[9], 10, 64)
			}
		}
	})
}

func BenchmarkParseUnix(b *testing.B) {
	input := benchUnix()
	b.ReportAllocs()
	b.SetBytes(int64(len(input)))
	rd := bytes.NewReader(input)
	var rows int
	for b.Loop() {
		rd.Reset(input)
		rows = 0
		if err := ParseUnix(rd, "unix", func(*UnixRow) error { rows++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	if rows != benchRows {
		b.Fatalf("%d rows", rows)
	}
}

// TestBenchInput checks that the generated benchmark files parse back to
// what was printed, so the benchmarks measure the real path.
func TestBenchInput(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		n := 0
		err := ParseInet(bytes.NewReader(benchInet(v6)), "bench", func(r *InetRow) error {
			if r.V6 != v6 || r.Inode != uint64(100000+n) || r.LocalPort != uint16(n) {
				return fmt.Errorf("row %d: %+v", n, *r)
			}
			n++
			return nil
		})
		if err != nil || n != benchRows {
			t.Fatalf("v6=%v: %d rows, %v", v6, n, err)
		}
	}
	n := 0
	err := ParseUnix(bytes.NewReader(benchUnix()), "bench", func(r *UnixRow) error {
		if r.Inode != uint64(100000+n) || (n%3 == 2) != (r.Path == nil) {
			return fmt.Errorf("row %d: %+v", n, *r)
		}
		n++
		return nil
	})
	if err != nil || n != benchRows {
		t.Fatalf("unix: %d rows, %v", n, err)
	}
}
