package procmap

import (
	"strings"
	"testing"
)

func TestParseSocketLink(t *testing.T) {
	for _, tc := range []struct {
		link  string
		inode uint64
		ok    bool
	}{
		{"socket:[12345]", 12345, true},
		{"socket:[1]", 1, true},
		{"socket:[18446744073709551615]", 1<<64 - 1, true},
		{"[0000]:9005", 9005, true},                 // Linux 2.0's form, which net-tools accepts
		{"socket:[18446744073709551616]", 0, false}, // overflows 64 bits
		{"socket:[99999999999999999999]", 0, false},
		{"socket:[0]", 0, false},
		{"socket:[012]", 0, false}, // never printed by the kernel (net-tools reads it as octal)
		{"socket:[]", 0, false},
		{"socket:[", 0, false},
		{"socket:[12", 0, false},
		{"socket:12]", 0, false},
		{"socket:[12]x", 0, false},
		{"socket:[ 12]", 0, false},
		{"socket:[+12]", 0, false},
		{"socket:[-12]", 0, false},
		{"socket:[1 2]", 0, false},
		{"socket:[0x12]", 0, false},
		{"xsocket:[12]", 0, false},
		{"Socket:[12]", 0, false},
		{"[0001]:9005", 0, false},
		{"[0000]:", 0, false},
		{"[0000]:9005]", 0, false},
		{"pipe:[12345]", 0, false},
		{"anon_inode:[eventpoll]", 0, false},
		{"anon_inode:[12]", 0, false},
		{"/dev/null", 0, false},
		{"/tmp/socket:[12]", 0, false},
		{"", 0, false},
	} {
		inode, ok := parseSocketLink([]byte(tc.link))
		if inode != tc.inode || ok != tc.ok {
			t.Errorf("parseSocketLink(%q) = %d, %v; want %d, %v", tc.link, inode, ok, tc.inode, tc.ok)
		}
	}
}

// The rules were found by running /usr/bin/netstat -tlnp (net-tools 2.10)
// against python3 listeners started with `exec -a ARGV0` (doc.go).
func TestProgramName(t *testing.T) {
	long := strings.Repeat("a", 600)
	for _, tc := range []struct {
		name, cmdline, want string
	}{
		{"plain", "plainname\x00/tmp/x.py\x00", "plainname"},
		{"absolute path", "/usr/local/bin/mydaemon\x00arg\x00", "mydaemon"},
		{"relative path is kept", "relative/dir/prog\x00", "relative/dir/prog"},
		{"dot slash is kept", "./prog\x00", "./prog"},
		{"trailing slash, relative", "prog/\x00", "prog/"},
		{"trailing slash, absolute", "/usr/bin/\x00", ""},
		{"root", "/\x00", ""},
		{"double slash", "//\x00", ""},
		{"spaces", "/path with/sp ace\x00", "sp ace"},
		{"only argv0 counts", "python3\x00/usr/bin/script\x00", "python3"},
		{"empty argv0", "\x00/tmp/x.py\x00", ""},
		{"empty cmdline", "", ""},
		{"all NULs", "\x00\x00\x00\x00", ""},
		{"no NUL (setproctitle)", "ZZZ SHELL=/bin/sh", "ZZZ SHELL=/bin/sh"},
		{"newline", "/bin/new\nline\x00", "new\nline"},
		{"escape", "esc\x1b[31mred\x00", "esc\x1b[31mred"},
		{"not UTF-8", "\xff\xfeutf\x00", "\xff\xfeutf"},
		{"long name is not cut", "a-very-long-program-name-over-twenty\x00", "a-very-long-program-name-over-twenty"},
		{"only 511 bytes are read", long + "\x00", long[:511]},
		{"slash at 509", "/" + long[:508] + "/bcdefghijk\x00", "b"},
		{"slash at 510", "/" + long[:509] + "/bcdefghijk\x00", ""},
		{"slash at 511 is not seen", "/" + long[:400] + "/" + long[:109] + "/bcdefghijk\x00", long[:109]},
	} {
		if got := string(programName([]byte(tc.cmdline))); got != tc.want {
			t.Errorf("%s: programName(%q) = %q, want %q", tc.name, tc.cmdline, got, tc.want)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		zero bool
		n    uint64
		ok   bool
	}{
		{"0", true, 0, true},
		{"0", false, 0, false},
		{"00", true, 0, false},
		{"01", true, 0, false},
		{"7", false, 7, true},
		{"4194304", false, 4194304, true},
		{"18446744073709551615", false, 1<<64 - 1, true},
		{"18446744073709551616", false, 0, false},
		{"184467440737095516150", false, 0, false},
		{".", true, 0, false},
		{"..", true, 0, false},
		{"self", false, 0, false},
		{"12a", false, 0, false},
		{"", true, 0, false},
	} {
		n, ok := parseDecimal([]byte(tc.in), tc.zero)
		if n != tc.n || ok != tc.ok {
			t.Errorf("parseDecimal(%q, %v) = %d, %v; want %d, %v", tc.in, tc.zero, n, ok, tc.n, tc.ok)
		}
	}
}
