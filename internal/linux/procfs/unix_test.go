package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Rows as this machine's kernel printed them (testdata/capture/unix).
const (
	unixListen = "000000004d65fe47: 00000002 00000000 00010000 0001 01 158677 sock with spaces"
	unixNoPath = "0000000009ffbb75: 00000003 00000000 00000000 0001 03 160150"
	unixLead   = "000000000b3be577: 00000002 00000000 00000000 0002 01 160155  leading space"
)

var (
	wantUnixListen = un{2, 0, UnixAcceptCon, 1, 1, 158677, "sock with spaces", false}
	wantUnixNoPath = un{3, 0, 0, 1, 3, 160150, "", true}
	wantUnixLead   = un{2, 0, 0, 2, 1, 160155, " leading space", false}
)

func TestParseUnix(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		want      []un
		errLine   int
		errReason string
	}{
		{name: "empty file", input: "", want: []un{}},
		{name: "header only", input: unixHeader, want: []un{}},
		{name: "rows", input: unixHeader + unixListen + "\n" + unixNoPath + "\n" + unixLead + "\n",
			want: []un{wantUnixListen, wantUnixNoPath, wantUnixLead}},
		{name: "no header: rows from line 1", input: unixNoPath + "\n", want: []un{wantUnixNoPath}},
		{name: "no newline at end", input: unixHeader + unixListen, want: []un{wantUnixListen}},
		{name: "path keeps trailing spaces", input: unixNoPath + " /run/x  \n",
			want: []un{{3, 0, 0, 1, 3, 160150, "/run/x  ", false}}},
		{name: "only the separating space: no path", input: unixNoPath + " \n", want: []un{wantUnixNoPath}},
		{name: "non-UTF-8 and control bytes in path", input: unixNoPath + " /tmp/\xff\xfe\x01\ttab\n",
			want: []un{{3, 0, 0, 1, 3, 160150, "/tmp/\xff\xfe\x01\ttab", false}}},
		{name: "path may look like fields", input: unixNoPath + " 00000002 00000000 5\n",
			want: []un{{3, 0, 0, 1, 3, 160150, "00000002 00000000 5", false}}},
		{name: "abstract", input: "0000000000000000: 00000002 00000000 00000000 0002 01 12345 @abc@def\n",
			want: []un{{2, 0, 0, 2, 1, 12345, "@abc@def", false}}},
		{name: "unknown state and type", input: "0000000000000000: 00000002 00000000 00000000 0009 0F 1\n",
			want: []un{{2, 0, 0, 9, 0x0F, 1, "", true}}},
		{name: "inode wider than its column", input: "0000000000000000: 00000002 00000000 00000000 0001 01 18446744073709551615 /p\n",
			want: []un{{2, 0, 0, 1, 1, 1<<64 - 1, "/p", false}}},
		{name: "largest numbers", input: "FFFFFFFFFFFFFFFF: FFFFFFFF FFFFFFFF FFFFFFFF FFFF FF 0\n",
			want: []un{{1<<32 - 1, 1<<32 - 1, 1<<32 - 1, 1<<16 - 1, 0xFF, 0, "", true}}},
		{name: "short Num (32-bit kernel)", input: "c1234567: 00000002 00000000 00000000 0001 01 7\n",
			want: []un{{2, 0, 0, 1, 1, 7, "", true}}},

		// A newline in a name ends the row early; what follows is a line
		// of its own, here malformed (a forged row is in the captures).
		{name: "newline in path", input: unixHeader + unixNoPath + " /tmp/a\nb c\n" + unixLead + "\n",
			want:    []un{{3, 0, 0, 1, 3, 160150, "/tmp/a", false}},
			errLine: 3, errReason: "Num: want a number followed by ':'"},

		// Malformed.
		{name: "truncated before inode", input: unixHeader + "0000000009ffbb75: 00000003 00000000 00000000 0001 03\n",
			want: []un{}, errLine: 2, errReason: "too few fields (no Inode)"},
		{name: "truncated in Num", input: unixHeader + unixNoPath + "\n00000000", want: []un{wantUnixNoPath},
			errLine: 3, errReason: "Num: want a number followed by ':'"},
		{name: "header not on line 1", input: unixNoPath + "\n" + unixHeader, want: []un{wantUnixNoPath},
			errLine: 2, errReason: "Num: want a number followed by ':'"},
		{name: "blank line", input: unixHeader + "\n", want: []un{}, errLine: 2, errReason: "empty line"},
		{name: "Num overflows", input: "10000000000000000: 00000002 00000000 00000000 0001 01 7\n", want: []un{},
			errLine: 1, errReason: "Num: want a number followed by ':'"},
		{name: "RefCount overflows", input: "0: 100000000 00000000 00000000 0001 01 7\n", want: []un{},
			errLine: 1, errReason: "RefCount: want a hex number of at most 32 bits"},
		{name: "Type overflows", input: "0: 00000002 00000000 00000000 10000 01 7\n", want: []un{},
			errLine: 1, errReason: "Type: want a hex number of at most 16 bits"},
		{name: "St overflows", input: "0: 00000002 00000000 00000000 0001 100 7\n", want: []un{},
			errLine: 1, errReason: "St: want a hex number of at most 8 bits"},
		{name: "Flags not hex", input: "0: 00000002 00000000 0001000G 0001 01 7\n", want: []un{},
			errLine: 1, errReason: "Flags: want a hex number of at most 32 bits"},
		{name: "Inode overflows", input: "0: 00000002 00000000 00000000 0001 01 18446744073709551616\n", want: []un{},
			errLine: 1, errReason: "Inode: want a decimal number of at most 64 bits"},
		{name: "Inode in hex", input: "0: 00000002 00000000 00000000 0001 01 7F\n", want: []un{},
			errLine: 1, errReason: "Inode: want a decimal number of at most 64 bits"},
		{name: "inet file", input: inetHeader + tcpListen + "\n", want: []un{},
			errLine: 1, errReason: "Num: want a number followed by ':'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collectUnix(tt.input)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			checkParseError(t, err, tt.errLine, tt.errReason)
		})
	}
}
