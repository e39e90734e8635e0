package procfs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Rows as this machine's kernel printed them (testdata/capture/tcp, udp).
const (
	tcpListen   = "   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 158641 1 000000004cf8b866 100 0 0 10 0                    "
	tcpTimeWait = "  11: 0100007F:9C43 0100007F:1389 06 00000000:00000000 03:000016EA 00000000     0        0 0 3 0000000003867fc1                                      "
	udpDrops    = " 2762: 0100007F:1B5B 00000000:0000 07 00000000:00000900 00:00000000 00000000     0        0 158666 2 000000003ade01f4 49       "
	tcp6Mapped  = "   8: 0000000000000000FFFF00000100007F:A02B 0000000000000000FFFF00000100007F:1389 01 00000000:00000000 00:00000000 00000000     0        0 158658 1 00000000b1f5a7e6 20 0 0 10 -1"
	// tcpListen cut after its uid column.
	tcpCut = "   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
	// The fields after the addresses, for building cases.
	tail = " 0A 00000000:00000000 00:00000000 00000000     0        0 7"
)

var (
	wantListen   = in{"127.0.0.1:5001", "0.0.0.0:0", 0x0A, 0, 0, 0, 0, 0, 0, 0, 158641}
	wantTimeWait = in{"127.0.0.1:40003", "127.0.0.1:5001", 0x06, 0, 0, 3, 0x16EA, 0, 0, 0, 0}
	wantDrops    = in{"127.0.0.1:7003", "0.0.0.0:0", 0x07, 0, 0x900, 0, 0, 0, 0, 0, 158666}
	wantMapped   = in{"[::ffff:127.0.0.1]:41003", "[::ffff:127.0.0.1]:5001", 0x01, 0, 0, 0, 0, 0, 0, 0, 158658}
)

func TestParseInet(t *testing.T) {
	skipOnBigEndian(t)
	tests := []struct {
		name  string
		input string
		want  []in
		// For malformed input: the line and reason of the *ParseError.
		errLine   int
		errReason string
	}{
		{name: "empty file", input: ""},
		{name: "header only", input: inetHeader},
		{name: "header without newline", input: strings.TrimSuffix(inetHeader, "\n")},
		{name: "padded header and rows", input: "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode    \n" +
			tcpListen + "\n" + tcpTimeWait + "\n", want: []in{wantListen, wantTimeWait}},
		{name: "udp with drops", input: inetHeader + udpDrops + "\n", want: []in{wantDrops}},
		{name: "tcp6 v4-mapped", input: inetHeader + tcp6Mapped + "\n", want: []in{wantMapped}},
		{name: "no newline at end", input: inetHeader + tcpListen, want: []in{wantListen}},
		{name: "no header: rows from line 1", input: tcpListen + "\n", want: []in{wantListen}},
		{name: "IPv4 and IPv6 mixed", input: tcp6Mapped + "\n" + tcpListen + "\n", want: []in{wantMapped, wantListen}},
		{name: "extra fields from a newer kernel",
			input: inetHeader + "   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 158641 1 000000004cf8b866 100 0 0 10 0 42 new:field x\n",
			want:  []in{wantListen}},
		{name: "only the ten documented fields",
			input: "0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 158641\n",
			want:  []in{wantListen}},
		{name: "unknown state 0x0F",
			input: "0: 0100007F:1389 00000000:0000 0F 00000000:00000000 00:00000000 00000000 0 0 1\n",
			want:  []in{{"127.0.0.1:5001", "0.0.0.0:0", 0x0F, 0, 0, 0, 0, 0, 0, 0, 1}}},
		{name: "lower-case hex",
			input: "0: 0100007f:abcd 00000000:0000 0a 00000000:0000000a 0f:0000000b 0000000c 0 0 1\n",
			want:  []in{{"127.0.0.1:43981", "0.0.0.0:0", 0x0A, 0, 10, 15, 11, 12, 0, 0, 1}}},
		{name: "largest numbers",
			input: "99999999999: FFFFFFFF:FFFF FFFFFFFF:FFFF FF FFFFFFFFFFFFFFFF:FFFFFFFFFFFFFFFF FF:FFFFFFFFFFFFFFFF FFFFFFFFFFFFFFFF 4294967295 18446744073709551615 18446744073709551615\n",
			want: []in{{"255.255.255.255:65535", "255.255.255.255:65535", 0xFF, 1<<64 - 1, 1<<64 - 1, 0xFF,
				1<<64 - 1, 1<<64 - 1, 1<<32 - 1, 1<<64 - 1, 1<<64 - 1}}},
		{name: "leading zeros beyond the width",
			input: "0: 0100007F:00001389 00000000:0000 000A 00000000:00000000 0000:00000000 00000000 00 00 0158641\n",
			want:  []in{wantListen}},
		{name: "IPv6 word order",
			input: "0: 000080FE00000000FF000002000300FE:0016 B80D0120000000000000000001000000:01BB 01 0:0 0:0 0 0 0 5\n",
			want:  []in{{"[fe80::200:ff:fe00:300]:22", "[2001:db8::1]:443", 1, 0, 0, 0, 0, 0, 0, 0, 5}}},

		// Malformed.
		{name: "header not on line 1", input: tcpListen + "\n" + inetHeader, want: []in{wantListen},
			errLine: 2, errReason: "sl: want a number followed by ':'"},
		{name: "garbage first line", input: "hello world\n" + tcpListen + "\n",
			errLine: 1, errReason: "sl: want a number followed by ':'"},
		{name: "blank line", input: inetHeader + tcpListen + "\n\n" + tcpListen + "\n", want: []in{wantListen},
			errLine: 3, errReason: "empty line"},
		{name: "spaces only", input: inetHeader + "      \n", errLine: 2, errReason: "empty line"},
		{name: "truncated after uid", input: inetHeader + tcpListen + "\n" + tcpCut + "\n", want: []in{wantListen},
			errLine: 3, errReason: "too few fields (no timeout)"},
		{name: "truncated in address", input: inetHeader + "   0: 0100007F:13", errLine: 2,
			errReason: "too few fields (no rem_address)"},
		{name: "truncated address", input: "0: 0100007:1389" + tail + "\n", errLine: 1,
			errReason: "local_address: want 8 or 32 hex digits before ':'"},
		{name: "no port", input: "0: 0100007F 00000000:0000" + tail + "\n", errLine: 1,
			errReason: "local_address: want two numbers separated by ':'"},
		{name: "bad hex in address", input: "0: 0100007G:1389 00000000:0000" + tail + "\n", errLine: 1,
			errReason: "local_address: bad hex digit in address"},
		{name: "families differ", input: "0: 0100007F:1389 00000000000000000000000000000000:0000" + tail + "\n", errLine: 1,
			errReason: "local_address and rem_address differ in length"},
		{name: "port overflows", input: "0: 0100007F:10000 00000000:0000" + tail + "\n", errLine: 1,
			errReason: "local_address port: want a hex number of at most 16 bits"},
		{name: "empty port", input: "0: 0100007F: 00000000:0000" + tail + "\n", errLine: 1,
			errReason: "too few fields (no local_address port)"},
		{name: "state overflows", input: "0: 0100007F:1389 00000000:0000 100 0:0 0:0 0 0 0 1\n", errLine: 1,
			errReason: "st: want a hex number of at most 8 bits"},
		{name: "tx_queue overflows", input: "0: 0100007F:1389 00000000:0000 0A 10000000000000000:0 0:0 0 0 0 1\n", errLine: 1,
			errReason: "tx_queue: want a hex number of at most 64 bits"},
		{name: "no rx_queue", input: "0: 0100007F:1389 00000000:0000 0A 0 0:0 0 0 0 1\n", errLine: 1,
			errReason: "tx_queue:rx_queue: want two numbers separated by ':'"},
		{name: "timer overflows", input: "0: 0100007F:1389 00000000:0000 0A 0:0 100:0 0 0 0 1\n", errLine: 1,
			errReason: "tr: want a hex number of at most 8 bits"},
		{name: "uid overflows", input: "0: 0100007F:1389 00000000:0000 0A 0:0 0:0 0 4294967296 0 1\n", errLine: 1,
			errReason: "uid: want a decimal number of at most 32 bits"},
		{name: "negative uid", input: "0: 0100007F:1389 00000000:0000 0A 0:0 0:0 0 -1 0 1\n", errLine: 1,
			errReason: "uid: want a decimal number of at most 32 bits"},
		{name: "inode overflows", input: "0: 0100007F:1389 00000000:0000 0A 0:0 0:0 0 0 0 18446744073709551616\n", errLine: 1,
			errReason: "inode: want a decimal number of at most 64 bits"},
		{name: "hex inode", input: "0: 0100007F:1389 00000000:0000 0A 0:0 0:0 0 0 0 1A\n", errLine: 1,
			errReason: "inode: want a decimal number of at most 64 bits"},
		{name: "0x prefix", input: "0: 0100007F:1389 00000000:0000 0x0A 0:0 0:0 0 0 0 1\n", errLine: 1,
			errReason: "st: want a hex number of at most 8 bits"},
		{name: "tab separated", input: "0:\t0100007F:1389 00000000:0000 0A 0:0 0:0 0 0 0 1\n", errLine: 1,
			errReason: "sl: want a number followed by ':'"},
		{name: "sl without colon", input: "0 0100007F:1389 00000000:0000 0A 0:0 0:0 0 0 0 1\n", errLine: 1,
			errReason: "sl: want a number followed by ':'"},
		{name: "line too long", input: inetHeader + tcpListen + strings.Repeat(" ", 64<<10) + "\n", errLine: 2,
			errReason: "line longer than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collectInet(tt.input)
			if diff := cmp.Diff(rows(t, tt.want...), got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			checkParseError(t, err, tt.errLine, tt.errReason)
		})
	}
}

// checkParseError checks that err is nil if line is 0 and otherwise a
// *ParseError for that line and reason.
func checkParseError(t *testing.T, err error, line int, reason string) {
	t.Helper()
	if line == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("error %v does not wrap ErrMalformed", err)
	}
	if diff := cmp.Diff(struct {
		Line   int
		Reason string
	}{line, reason}, struct {
		Line   int
		Reason string
	}{pe.Line, pe.Reason}); diff != "" {
		t.Errorf("error %v (-want +got):\n%s", err, diff)
	}
	if pe.Name != "/proc/net/test" {
		t.Errorf("error names %q, want /proc/net/test", pe.Name)
	}
	if len(pe.Text) > 80 {
		t.Errorf("error text is %d bytes long, want at most 80", len(pe.Text))
	}
}

func TestParseErrorText(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"short line quoted", inetHeader + "0: nonsense\n",
			`/proc/net/tcp line 2: local_address: want two numbers separated by ':': "0: nonsense"`},
		{"long line cut at 80 bytes", inetHeader + tcpCut + "\n",
			`/proc/net/tcp line 2: too few fields (no timeout): "   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     "...`},
		{"control and non-UTF-8 bytes escaped", "0:\x00\xff\n",
			`/proc/net/tcp line 1: sl: want a number followed by ':': "0:\x00\xff"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ParseInet(strings.NewReader(tt.input), "/proc/net/tcp", func(*InetRow) error { return nil })
			if err == nil {
				t.Fatal("no error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
