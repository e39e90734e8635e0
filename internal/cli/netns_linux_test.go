package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/cli"
	"github.com/netstat-go/netstat/internal/render"
)

// twoSpaces is a pair of named network namespaces joined by a veth pair
// (192.0.2.1 in a, 192.0.2.2 in b), with a process in each: a listens on
// 192.0.2.1:7100 and on 127.0.0.1:7200, b is connected to a's listener
// over the veth pair and listens on 127.0.0.1:7200 too.
type twoSpaces struct {
	a, b       string // names
	pidA, pidB int
}

func ip(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

func newTwoSpaces(t *testing.T) *twoSpaces {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("iproute2's ip is not installed")
	}
	tag := fmt.Sprintf("%d-%d", os.Getpid(), rand.IntN(1e6))
	s := &twoSpaces{a: "nsta-" + tag, b: "nstb-" + tag}
	for _, n := range []string{s.a, s.b} {
		ip(t, "netns", "add", n)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", n).Run() })
		ip(t, "-n", n, "link", "set", "lo", "up")
	}
	va, vb := "nsva"+tag[len(tag)-4:], "nsvb"+tag[len(tag)-4:]
	ip(t, "link", "add", va, "netns", s.a, "type", "veth", "peer", "name", vb, "netns", s.b)
	ip(t, "-n", s.a, "addr", "add", "192.0.2.1/24", "dev", va)
	ip(t, "-n", s.b, "addr", "add", "192.0.2.2/24", "dev", vb)
	ip(t, "-n", s.a, "link", "set", va, "up")
	ip(t, "-n", s.b, "link", "set", vb, "up")
	s.pidA = s.holder(t, s.a, "listen 192.0.2.1:7100,listen 127.0.0.1:7200")
	s.pidB = s.holder(t, s.b, "dial 192.0.2.1:7100,listen 127.0.0.1:7200")
	return s
}

// holder starts the test binary as a socket holder in namespace name and
// waits until its sockets are open.
func (s *twoSpaces) holder(t *testing.T, name, spec string) int {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", name, os.Args[0])
	cmd.Env = append(os.Environ(), "NETSTAT_TEST_HOLD="+spec)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	must(t, cmd.Start())
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("holder in %s: %q %v: %s", name, line, err, errOut.String())
	}
	// ip netns exec execs the command: the PID is the holder's.
	return cmd.Process.Pid
}

// runHost runs this program in the test's own (host) namespace.
func runHost(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), selfEnv...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

// rowsWith keeps the socket rows that mention one of the test's ports.
func rowsWith(out string) []string {
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, ":7100") || strings.Contains(l, ":7200") {
			rows = append(rows, strings.Join(strings.Fields(l), " "))
		}
	}
	return rows
}

func TestNetns(t *testing.T) {
	s := newTwoSpaces(t)
	progA := strconv.Itoa(s.pidA) + "/" + filepath.Base(os.Args[0])
	progB := strconv.Itoa(s.pidB) + "/" + filepath.Base(os.Args[0])

	// --netns by name, path and PID: only that namespace's sockets.
	for _, spec := range []string{s.a, "/var/run/netns/" + s.a, strconv.Itoa(s.pidA)} {
		out, errOut, status := runHost(t, "--netns", spec, "-tanp")
		if status != 0 {
			t.Fatalf("--netns %s: status %d: %s", spec, status, errOut)
		}
		rows := rowsWith(out)
		want := map[string]bool{
			"tcp 0 0 192.0.2.1:7100 0.0.0.0:* LISTEN " + progA: true,
			"tcp 0 0 127.0.0.1:7200 0.0.0.0:* LISTEN " + progA: true,
		}
		established := 0
		for _, r := range rows {
			switch {
			case want[r]:
				delete(want, r)
			case strings.HasPrefix(r, "tcp 0 0 192.0.2.1:7100 192.0.2.2:") && strings.HasSuffix(r, " ESTABLISHED "+progA):
				established++
			default:
				t.Errorf("--netns %s: row not of namespace a: %q", spec, r)
			}
		}
		if len(want) > 0 || established != 1 {
			t.Errorf("--netns %s: missing %v, %d accepted connections; output:\n%s", spec, want, established, out)
		}
	}

	// The /proc fallback reads the namespace's files, not the process's.
	nl, _, _ := runHost(t, "--netns", s.a, "-tanp", "--source=netlink")
	pr, prErr, prStatus := runHost(t, "--netns", s.a, "-tanp", "--source=proc")
	if prStatus != 0 || !cmp.Equal(sections(nl), sections(pr)) {
		t.Errorf("--netns with /proc (status %d, %s):\n%s\nwith netlink:\n%s", prStatus, prErr, pr, nl)
	}

	// --all-netns: both, each tagged with its name, owners from the
	// host's /proc. The filter keeps out whatever else the host runs.
	ours := "sport = :7100 or dport = :7100 or sport = :7200"
	out, errOut, status := runHost(t, "--all-netns", "-tanp", ours)
	if status != 0 {
		t.Fatalf("--all-netns: status %d: %s", status, errOut)
	}
	if !strings.Contains(out, "\nNetns            Proto Recv-Q") {
		t.Errorf("no Netns column header:\n%s", out)
	}
	seen := map[string]int{}
	for _, r := range rowsWith(out) {
		f := strings.Fields(r)
		switch {
		case f[0] == s.a && strings.HasSuffix(r, progA):
			seen["a"]++
		case f[0] == s.b && strings.HasSuffix(r, progB):
			seen["b"]++
		default:
			t.Errorf("--all-netns: row tagged or owned wrongly: %q", r)
		}
	}
	if seen["a"] != 3 || seen["b"] != 2 {
		t.Errorf("--all-netns: rows of a %d (want 3), of b %d (want 2):\n%s", seen["a"], seen["b"], out)
	}

	// The same in JSON: each socket's netns names its namespace.
	out, errOut, status = runHost(t, "--json", "--all-netns", "-tanp", ours)
	if status != 0 {
		t.Fatalf("--json --all-netns: status %d: %s", status, errOut)
	}
	d := decodeDoc(t, []byte(out))
	inodes := map[string]uint64{}
	count := map[string]int{}
	for _, sk := range d.Sockets {
		if sk.Netns == nil {
			t.Fatalf("socket without netns: %+v", sk)
		}
		if p := sk.Local.Port; p != 7100 && p != 7200 && sk.Remote.Port != 7100 {
			continue
		}
		name := sk.Netns.Name
		if name != s.a && name != s.b {
			t.Errorf("test socket in namespace %+v", sk.Netns)
			continue
		}
		if old, ok := inodes[name]; ok && old != sk.Netns.Inode {
			t.Errorf("namespace %s has two inodes", name)
		}
		inodes[name] = sk.Netns.Inode
		count[name]++
		wantPID := map[string]int{s.a: s.pidA, s.b: s.pidB}[name]
		if ps := sk.Processes; ps == nil || len(*ps) == 0 || (*ps)[0].PID != wantPID {
			t.Errorf("socket %s:%d of %s: processes %v, want PID %d", sk.Local.Address, sk.Local.Port, name, sk.Processes, wantPID)
		}
	}
	if count[s.a] != 3 || count[s.b] != 2 || inodes[s.a] == inodes[s.b] {
		t.Errorf("JSON: %v sockets, inodes %v", count, inodes)
	}
	out, _, _ = runHost(t, "--json", "--netns", s.b, "-tan")
	var doc struct {
		Netns *render.JSONNetns
	}
	must(t, json.Unmarshal([]byte(out), &doc))
	if doc.Netns == nil || doc.Netns.Name != s.b || doc.Netns.Inode != inodes[s.b] {
		t.Errorf("--json --netns: document's netns %+v, want %s %d", doc.Netns, s.b, inodes[s.b])
	}

	// The other modes look into the namespace too.
	out, _, _ = runHost(t, "--netns", s.a, "-rn")
	if !strings.Contains(out, "192.0.2.0       0.0.0.0         255.255.255.0   U         0 0          0 nsva") {
		t.Errorf("--netns -rn: no veth route:\n%s", out)
	}
	out, _, _ = runHost(t, "--netns", s.b, "-i")
	if !strings.Contains(out, "\nnsvb") || strings.Contains(out, "\nnsva") {
		t.Errorf("--netns -i: want b's veth only:\n%s", out)
	}
	out, _, _ = runHost(t, "--all-netns", "-i")
	for _, n := range []string{s.a, s.b} {
		if !strings.Contains(out, "Network namespace "+n+" (net:[") {
			t.Errorf("--all-netns -i: no section for %s:\n%s", n, out)
		}
	}
	out, _, _ = runHost(t, "--netns", s.a, "-s")
	if !strings.Contains(out, "passive connection openings") || strings.Contains(out, "\n    0 passive connection openings") {
		t.Errorf("--netns -s: want a's TCP counters (one passive open):\n%s", out)
	}

	for _, bad := range [][]string{{"--netns", "no-such-namespace-here", "-tn"}, {"--netns", "/etc/passwd", "-tn"}, {"--netns", "4194305", "-tn"}} {
		out, errOut, status := runHost(t, bad...)
		if status != 1 || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want status 1 and one line", bad, status, out, errOut)
		}
	}
	if _, errOut, status := runHost(t, "--netns", s.a, "--all-netns"); status != 3 || !strings.Contains(errOut, "exclude") {
		t.Errorf("--netns with --all-netns: status %d %q", status, errOut)
	}
}

// TestNetnsLeavesThreadsAlone runs --netns in this process and checks
// that no thread of it is left in the other namespace.
func TestNetnsLeavesThreadsAlone(t *testing.T) {
	s := newTwoSpaces(t)
	before := threadNamespaces(t)
	var out, errOut bytes.Buffer
	for range 5 {
		if st := cli.Main([]string{"--netns", s.a, "-tln"}, &out, &errOut); st != 0 {
			t.Fatalf("status %d: %s", st, errOut.String())
		}
	}
	if !strings.Contains(out.String(), "127.0.0.1:7200") {
		t.Errorf("in-process --netns did not list a's listener:\n%s", out.String())
	}
	after := threadNamespaces(t)
	for link := range after {
		if !before[link] {
			t.Errorf("a thread is in %s after --netns (before: %v)", link, before)
		}
	}
}

func threadNamespaces(t *testing.T) map[string]bool {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	must(t, err)
	seen := map[string]bool{}
	for _, task := range tasks {
		link, err := os.Readlink("/proc/self/task/" + task.Name() + "/ns/net")
		if err == nil {
			seen[link] = true
		}
	}
	return seen
}
