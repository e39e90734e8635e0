package resolve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The tests in this file hold the parsers to glibc itself: getent reads
// each fixture, bind-mounted over the /etc file in a private mount
// namespace, through the NSS "files" module. They need root, unshare and
// getent, and skip without them.

// getent runs script, with args as $1..., in a mount namespace where
// testdata/<db> is mounted over /etc/<db>, and returns its output.
func getent(t *testing.T, db, script string, args ...string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to bind-mount over /etc")
	}
	for _, tool := range []string{"unshare", "getent", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	fixture, err := filepath.Abs(filepath.Join("testdata", db))
	if err != nil {
		t.Fatal(err)
	}
	argv := append([]string{"--mount", "--propagation", "private", "sh", "-ec",
		`mount --bind "$1" "/etc/$2"; shift 2; ` + script, "sh", fixture, db}, args...)
	cmd := exec.Command("unshare", argv...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Skipf("cannot run getent in a mount namespace: %v: %s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	return string(out)
}

// TestServicesMatchGlibc enumerates the fixture as net-tools does (with
// getservent, here via getent) and keeps the last entry per port and
// protocol, as netstat prints.
func TestServicesMatchGlibc(t *testing.T) {
	out := getent(t, "services", `exec getent -s files services`)
	want := services{tcp: map[uint16]string{}, udp: map[uint16]string{}}
	for _, f := range lines(out) {
		if len(f) < 2 {
			t.Fatalf("getent line %q", f)
		}
		port, proto, _ := strings.Cut(f[1], "/")
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			t.Fatalf("getent line %q: %v", f, err)
		}
		switch proto {
		case "tcp":
			want.tcp[uint16(n)] = f[0]
		case "udp":
			want.udp[uint16(n)] = f[0]
		}
	}
	got := parseFixture(t, "services", parseServices)
	if diff := cmp.Diff(want.tcp, got.tcp); diff != "" {
		t.Errorf("tcp (-glibc +ours):\n%s", diff)
	}
	if diff := cmp.Diff(want.udp, got.udp); diff != "" {
		t.Errorf("udp (-glibc +ours):\n%s", diff)
	}
	t.Logf("%d tcp and %d udp ports named", len(want.tcp), len(want.udp))
}

// TestProtocolsMatchGlibc does the same with getprotoent.
func TestProtocolsMatchGlibc(t *testing.T) {
	out := getent(t, "protocols", `exec getent -s files protocols`)
	want := new(protocols)
	for _, f := range lines(out) {
		n, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("getent line %q: %v", f, err)
		}
		if 0 <= n && n <= 255 { // glibc keeps -1 for 4294967295
			want[n] = f[0]
		}
	}
	got := parseFixture(t, "protocols", parseProtocols)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-glibc +ours):\n%s", diff)
	}
}

// TestPasswdMatchGlibc asks getpwuid about every UID the fixture mentions
// and a few more.
func TestPasswdMatchGlibc(t *testing.T) {
	uids := []string{"0", "1", "2", "4242", "65534", "4294967295", "4294967294"}
	for i := 8; i <= 40; i++ {
		uids = append(uids, strconv.Itoa(i))
	}
	uids = append(uids, "1000")
	out := getent(t, "passwd", `for u; do echo "? $u"; getent -s files passwd "$u" || true; done`, uids...)
	want := map[uint32]string{}
	var q uint32
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if u, ok := strings.CutPrefix(line, "? "); ok {
			n, _ := strconv.ParseUint(u, 10, 32)
			q = uint32(n)
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		want[q] = name
	}
	t.Logf("%d UIDs asked, %d named", len(uids), len(want))
	r := New(Config{Passwd: "testdata/passwd"})
	got := map[uint32]string{}
	for _, u := range uids {
		n, _ := strconv.ParseUint(u, 10, 32)
		if name, ok := r.User(uint32(n)); ok {
			got[uint32(n)] = name
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-glibc +ours):\n%s", diff)
	}
}

// TestHostsMatchGlibc asks gethostbyaddr about every address of the
// fixture, in its IPv4, IPv4-mapped and IPv6 forms.
func TestHostsMatchGlibc(t *testing.T) {
	seen := map[netip.Addr]bool{}
	var addrs []string
	add := func(a netip.Addr) {
		if !seen[a] && !a.IsUnspecified() {
			seen[a] = true
			addrs = append(addrs, a.String())
		}
	}
	for _, f := range lines(readFile(t, "testdata/hosts")) {
		a, err := netip.ParseAddr(strings.SplitN(f[0], "%", 2)[0])
		if err != nil {
			continue
		}
		add(a)
		add(a.Unmap())
		if a.Is4() {
			add(netip.AddrFrom16(a.As16()))
		}
	}
	for _, s := range []string{"127.0.0.3", "127.0.0.6", "192.0.2.3", "::2"} {
		add(netip.MustParseAddr(s))
	}
	out := getent(t, "hosts", `for a; do echo "? $a"; getent -s files hosts "$a" || true; done`, addrs...)
	want := map[string]string{}
	var q string
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if a, ok := strings.CutPrefix(line, "? "); ok {
			q = a
			continue
		}
		f := strings.Fields(line)
		want[q] = ""
		if len(f) > 1 {
			want[q] = f[1]
		}
	}
	cfg := Config{Hosts: "testdata/hosts", Budget: -1}
	r := New(cfg)
	got := map[string]string{}
	for _, s := range addrs {
		if name, ok := r.Host(context.Background(), netip.MustParseAddr(s)); ok {
			got[s] = name
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-glibc +ours):\n%s", diff)
	}
	t.Logf("%d addresses asked, %d named", len(addrs), len(want))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lines splits getent's (or a fixture's) output into blank-separated
// fields, dropping empty lines.
func lines(s string) [][]string {
	var out [][]string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

func parseFixture[T any](t *testing.T, db string, parse func(io.Reader) (T, error)) T {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", db))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := parse(f)
	if err != nil {
		t.Fatal(fmt.Errorf("%s: %w", db, err))
	}
	return v
}
