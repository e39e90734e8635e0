package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

const netDevSample = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
 veth0:     586       7    1    2    3     4          5         6      896      10    7    8    9    10      11         12
averylongifnam1:18446744073709551615       1    0    0    0     0          0         0       90       1    0    0    0     0       0          0
`

type nd struct {
	Name string
	C    [16]uint64
}

func snapshotNetDev(r *NetDevRow) nd {
	return nd{string(r.Name), [16]uint64{r.RxBytes, r.RxPackets, r.RxErrs, r.RxDrop, r.RxFIFO, r.RxFrame, r.RxCompressed, r.RxMulticast,
		r.TxBytes, r.TxPackets, r.TxErrs, r.TxDrop, r.TxFIFO, r.TxColls, r.TxCarrier, r.TxCompressed}}
}

func formatNetDev(buf *bytes.Buffer, r *NetDevRow) {
	s := snapshotNetDev(r)
	fmt.Fprintf(buf, "%6s:", s.Name)
	for _, v := range s.C {
		fmt.Fprintf(buf, " %d", v)
	}
	buf.WriteByte('\n')
}

func TestParseNetDev(t *testing.T) {
	var got []nd
	err := ParseNetDev(strings.NewReader(netDevSample), "dev", func(r *NetDevRow) error {
		got = append(got, snapshotNetDev(r))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []nd{
		{"lo", [16]uint64{}},
		{"veth0", [16]uint64{586, 7, 1, 2, 3, 4, 5, 6, 896, 10, 7, 8, 9, 10, 11, 12}},
		{"averylongifnam1", [16]uint64{18446744073709551615, 1, 0, 0, 0, 0, 0, 0, 90, 1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseNetDevMalformed(t *testing.T) {
	for _, tc := range []struct{ name, in, reason string }{
		{"short", "eth0: 1 2 3\n", "too few fields (no rx drop)"},
		{"no colon", "eth0 1\n", "name: want a name followed by ':'"},
		{"empty name", " :" + strings.Repeat(" 1", 16), "name: empty"},
		{"overflow", "eth0: 18446744073709551616" + strings.Repeat(" 1", 15), "rx bytes: want a decimal number of at most 64 bits"},
		{"blank", "\n", "name: want a name followed by ':'"},
		{"header late", "lo:" + strings.Repeat(" 0", 16) + "\nInter-|\n", "name: want a name followed by ':'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ParseNetDev(strings.NewReader(tc.in), "dev", func(*NetDevRow) error { return nil })
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason != tc.reason {
				t.Fatalf("err = %v, want reason %q", err, tc.reason)
			}
		})
	}
}

const igmpSample = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n" +
	"1\tlo        :     1      V3\n" +
	"\t\t\t\t010000E0     1 0:00000000\t\t0\n" +
	"3\tveth0     :     2      V3\n" +
	"\t\t\t\t030201EF     2 0:00000000\t\t0\n" +
	"\t\t\t\t010000E0     1 0:00000000\t\t0\n" +
	"5\taverylongifnam1:     1      V3\n" +
	"6\tnogroups  :     0      V3\n"

const igmp6Sample = `1    lo              ff020000000000000000000000000001     1 0000000C 0
3    veth0           ff150000000000000000000000001234     2 00000004 0
5    averylongifnam1 ff0200000000000000000001ff6e9a44     1 00000004 0
`

type grp struct {
	Index uint32
	Dev   string
	Group string
	Users uint32
}

func snapshotIGMP(r *IGMPRow) grp   { return grp{r.Index, string(r.Device), r.Group.String(), r.Users} }
func snapshotIGMP6(r *IGMP6Row) grp { return grp{r.Index, string(r.Device), r.Group.String(), r.Users} }

// formatIGMP prints each row as a device line and a group line.
func formatIGMP(buf *bytes.Buffer, r *IGMPRow) {
	a := r.Group.As4()
	fmt.Fprintf(buf, "%d\t%-10s: %5d %7s\n\t\t\t\t%08X %5d 0:00000000\t\t0\n", r.Index, r.Device, 1, "V3",
		uint32(a[0])|uint32(a[1])<<8|uint32(a[2])<<16|uint32(a[3])<<24, r.Users)
}

func formatIGMP6(buf *bytes.Buffer, r *IGMP6Row) {
	a := r.Group.As16()
	fmt.Fprintf(buf, "%-4d %-15s %x %5d %08X %d\n", r.Index, r.Device, a[:], r.Users, 4, 0)
}

func TestParseIGMP(t *testing.T) {
	if !littleEndian() {
		t.Skip("the sample is from a little-endian machine")
	}
	var got []grp
	if err := ParseIGMP(strings.NewReader(igmpSample), "igmp", func(r *IGMPRow) error {
		got = append(got, snapshotIGMP(r))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []grp{
		{1, "lo", "224.0.0.1", 1},
		{3, "veth0", "239.1.2.3", 2},
		{3, "veth0", "224.0.0.1", 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	err := ParseIGMP(strings.NewReader("\t\t\t\t010000E0     1 0:00000000\t\t0\n"), "igmp", func(*IGMPRow) error { return nil })
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("group before device: err = %v", err)
	}
}

func TestParseIGMP6(t *testing.T) {
	var got []grp
	if err := ParseIGMP6(strings.NewReader(igmp6Sample), "igmp6", func(r *IGMP6Row) error {
		got = append(got, snapshotIGMP6(r))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []grp{
		{1, "lo", "ff02::1", 1},
		{3, "veth0", "ff15::1234", 2},
		{5, "averylongifnam1", "ff02::1:ff6e:9a44", 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"1 lo ff02 1 0 0\n", "1 lo ff020000000000000000000000000001 1 0\n", "x lo\n"} {
		if err := ParseIGMP6(strings.NewReader(bad), "igmp6", func(*IGMP6Row) error { return nil }); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func littleEndian() bool {
	var b [4]byte
	b[0] = 1
	return *(*uint32)(unsafePointer(&b)) == 1
}

// FuzzParseNetDev and FuzzParseIGMP cannot use fuzzParse: /proc/net/dev
// has two header lines and /proc/net/igmp has device lines that are not
// rows, so fuzzParse's count of rows before a bad line does not hold.
// fuzzParseLoose checks the rest.
func FuzzParseNetDev(f *testing.F) { fuzzParseLoose(f, ParseNetDev, snapshotNetDev, formatNetDev) }

func fuzzParseLoose[R, S any](f *testing.F, parse func(io.Reader, string, func(*R) error, ...Option) error,
	snapshot func(*R) S, format func(*bytes.Buffer, *R)) {
	fuzzRows(f, parse, snapshot, format, false)
}

func FuzzParseIGMP(f *testing.F)  { fuzzParseLoose(f, ParseIGMP, snapshotIGMP, formatIGMP) }
func FuzzParseIGMP6(f *testing.F) { fuzzParse(f, ParseIGMP6, snapshotIGMP6, formatIGMP6) }

func unsafePointer(b *[4]byte) unsafe.Pointer { return unsafe.Pointer(b) }
