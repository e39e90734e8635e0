package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/nstest"
)

var statsArgs = [][]string{{"-s"}, {"-st"}, {"-su"}, {"-sw"}, {"-sU"}, {"-s6"}, {"-st6"}, {"-su6"}, {"-sw6"}, {"-s", "-A", "inet6"}, {"-s", "-4", "-6"}, {"-sx"}}

// runStatsIn runs writeStats over the files in dir.
func runStatsIn(t *testing.T, dir string, args []string) string {
	t.Helper()
	o, err := Parse(args)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_ = writeStats(o, os.DirFS(dir), &out)
	return out.String()
}

// netToolsIn runs /usr/bin/netstat with dir bind-mounted over /proc in a
// private mount namespace, so that it reads dir/net/{snmp,netstat,snmp6}.
func netToolsIn(t *testing.T, procDir string, args []string) string {
	t.Helper()
	cmd := exec.Command("unshare", append([]string{"-m", "--propagation", "private", "sh", "-c",
		`mount --bind "$0" /proc && exec netstat "$@"`, procDir}, args...)...)
	out, err := cmd.Output()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return string(out)
}

func needNetTools(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux (mount namespaces)")
	}
	for _, p := range []string{"/usr/bin/netstat", "/usr/bin/unshare"} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("needs %s", p)
		}
	}
}

// TestStatsCrafted writes copies of the real files with every counter set
// to a distinct value, to zero, to one, and with names and sections net-tools
// has never heard of, and compares the output with net-tools'.
func TestStatsCrafted(t *testing.T) {
	needNetTools(t)
	real := map[string]string{}
	for _, f := range []string{"snmp", "netstat", "snmp6"} {
		b, err := os.ReadFile("/proc/net/" + f)
		if err != nil {
			t.Skip(err)
		}
		real[f] = string(b)
	}
	extra := map[string][]string{
		"TcpExt":  {"TCPPrequeued", "TCPDirectCopyFromBacklog", "TCPDirectCopyFromPrequeue", "TCPHPHitsToUser", "TCPForwardRetrans", "TCPSchedulerFailed", "FooBarNew"},
		"IcmpMsg": {"InType0", "InType8", "OutType0", "OutType3", "OutType99"},
		"Tcp":     {"FooTcp"},
	}
	extra6 := []string{"Icmp6InType1", "Icmp6OutType135", "Ip6Foo", "Blah", "Udp6Zork", "Foo6Bar"}
	for _, mode := range []string{"distinct", "zero", "one", "huge"} {
		t.Run(mode, func(t *testing.T) {
			k := 0
			val := func() string {
				k++
				switch mode {
				case "zero":
					return "0"
				case "one":
					return "1"
				case "huge":
					if k%3 == 0 {
						return "18446744073709551615"
					}
					return "0"
				}
				return strconv.Itoa(1000 + k)
			}
			dir := t.TempDir()
			os.Mkdir(filepath.Join(dir, "net"), 0o755)
			for _, f := range []string{"snmp", "netstat"} {
				var b strings.Builder
				lines := strings.Split(strings.TrimSpace(real[f]), "\n")
				for i := 0; i+1 < len(lines); i += 2 {
					h := strings.Fields(lines[i])
					names := append(h[1:], extra[strings.TrimSuffix(h[0], ":")]...)
					vals := make([]string, len(names))
					for j := range names {
						vals[j] = val()
					}
					b.WriteString(h[0] + " " + strings.Join(names, " ") + "\n" + h[0] + " " + strings.Join(vals, " ") + "\n")
				}
				if f == "netstat" {
					b.WriteString("FooExt: A B\nFooExt: " + val() + " " + val() + "\n")
				}
				os.WriteFile(filepath.Join(dir, "net", f), []byte(b.String()), 0o644)
			}
			var b strings.Builder
			for _, l := range strings.Split(strings.TrimSpace(real["snmp6"]), "\n") {
				b.WriteString(strings.Fields(l)[0] + " \t" + val() + "\n")
			}
			for _, n := range extra6 {
				b.WriteString(n + " \t" + val() + "\n")
			}
			os.WriteFile(filepath.Join(dir, "net", "snmp6"), []byte(b.String()), 0o644)
			for _, args := range statsArgs {
				want := netToolsIn(t, dir, args)
				got := runStatsIn(t, filepath.Join(dir, "net"), args)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("netstat %v (-net-tools +ours):\n%s", args, diff)
				}
			}
		})
	}
}

// TestStatsLive compares with net-tools on a real kernel: in a fresh
// network namespace, whose counters nothing else moves, so whole outputs
// must agree.
func TestStatsLive(t *testing.T) {
	needNetTools(t)
	ns := nstest.New(t)
	for _, args := range statsArgs {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			want, _, wantStatus := ns.Run(nil, "netstat", args...)
			got, gotErr, gotStatus := ns.Run([]string{"NETSTAT_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0"}, os.Args[0], args...)
			if gotStatus != wantStatus {
				t.Errorf("status %d, net-tools %d (stderr %s)", gotStatus, wantStatus, gotErr)
			}
			if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")); diff != "" {
				t.Errorf("netstat %v (-net-tools +ours):\n%s", args, diff)
			}
		})
	}
}
