package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/render"
	"github.com/netstat-go/netstat/internal/schematest"
)

// jsonDoc is what the tests read of any --json document.
type jsonDoc struct {
	Schema   string              `json:"schema"`
	Mode     string              `json:"mode"`
	Sockets  []render.JSONSocket `json:"sockets"`
	Warnings []string            `json:"warnings"`
}

func decodeDoc(t *testing.T, line []byte) jsonDoc {
	t.Helper()
	schematest.Validate(t, line)
	var d jsonDoc
	if err := json.Unmarshal(line, &d); err != nil {
		t.Fatalf("%v\n%s", err, line)
	}
	return d
}

// TestJSONEveryMode runs every mode with --json on the test world: one
// line, one document that the schema accepts, of the mode asked for.
func TestJSONEveryMode(t *testing.T) {
	w := newProcessWorld(t)
	w.ns.NoDNS(t)
	for _, tc := range []struct {
		mode string
		args []string
	}{
		{"sockets", []string{"-tuwxan"}},
		{"sockets", []string{"-tuwxa"}},
		{"sockets", []string{"-tuwxanp"}},
		{"sockets", []string{"-tanpoeW"}},
		{"sockets", []string{"-l"}},
		{"sockets", []string{"-x"}},
		{"sockets", []string{"-6tan"}},
		{"sockets", []string{"-tan", "state", "listening"}},
		{"sockets", []string{"-tanp", "dport = :8080 or sport = :8080"}},
		{"sockets", []string{"-anp", "--pid", strconv.Itoa(w.holderPID)}},
		{"sockets", []string{"-an", "--source=proc"}},
		{"routes", []string{"-r"}},
		{"routes", []string{"-rn6"}},
		{"routes", []string{"-rnC"}},
		{"interfaces", []string{"-i"}},
		{"interfaces", []string{"-ia"}},
		{"interfaces", []string{"-ie"}},
		{"groups", []string{"-g"}},
		{"groups", []string{"-gn6"}},
		{"statistics", []string{"-s"}},
		{"statistics", []string{"-s6"}},
		{"statistics", []string{"-st"}},
		{"summary", []string{"--summary"}},
	} {
		args := append([]string{"--json"}, tc.args...)
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errOut, status := w.ours(args...)
			if status != 0 {
				t.Fatalf("status %d, stderr %q", status, errOut)
			}
			if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
				t.Fatalf("not one line:\n%s", out)
			}
			d := decodeDoc(t, []byte(out))
			if d.Mode != tc.mode {
				t.Errorf("mode %q, want %q", d.Mode, tc.mode)
			}
		})
	}
}

// socketKey identifies a socket in both outputs.
type socketKey struct {
	Proto, Local, Remote, State string
	Inode                       uint64
	Program                     string
}

// textKeys reads the keys of -tuwxanpe rows (wide, so nothing is cut).
func textKeys(t *testing.T, out string) []socketKey {
	t.Helper()
	var keys []socketKey
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "Active" || f[0] == "Proto" {
			continue
		}
		var k socketKey
		if f[0] == "unix" {
			// unix RefCnt [ flags ] Type State I-Node PID/Program Path;
			// the flags and the state may be empty.
			rest := strings.TrimSpace(line[strings.Index(line, "]")+1:])
			g := strings.Fields(rest)
			k.Proto = "unix"
			i := 1
			if len(g) > 1 {
				if _, err := strconv.ParseUint(g[1], 10, 64); err != nil {
					k.State = g[1]
					i = 2
				}
			}
			k.Inode, _ = strconv.ParseUint(g[i], 10, 64)
			k.Program = g[i+1]
			if len(g) > i+2 {
				k.Local = g[i+2]
			}
		} else {
			// Proto Recv-Q Send-Q Local Foreign [State] User Inode PID/Program
			k.Proto, k.Local, k.Remote = f[0], f[3], f[4]
			n := len(f)
			k.Inode, _ = strconv.ParseUint(f[n-2], 10, 64)
			k.Program = f[n-1]
			if n == 9 {
				k.State = f[5]
			}
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b socketKey) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return keys
}

// jsonKeys derives the same keys from the JSON sockets, the way net-tools
// prints them.
func jsonKeys(socks []render.JSONSocket) []socketKey {
	var keys []socketKey
	for _, s := range socks {
		k := socketKey{Inode: s.Inode, Program: "-"}
		if s.Processes != nil && len(*s.Processes) > 0 {
			p := (*s.Processes)[0]
			k.Program = strconv.Itoa(p.PID) + "/" + p.Name
		}
		if s.Protocol == "unix" {
			k.Proto = "unix"
			k.Local = *s.Path
			k.State = map[string]string{"LISTEN": "LISTENING", "ESTABLISHED": "CONNECTED", "SYN_SENT": "CONNECTING"}[s.State]
			if s.Embryo {
				k.State = "CONNECTING"
			}
		} else {
			k.Proto = map[string]string{"tcp": "tcp", "udp": "udp", "udplite": "udpl", "raw": "raw"}[s.Protocol]
			if s.Family == "inet6" {
				k.Proto += "6"
			}
			ep := func(e *render.JSONEndpoint) string {
				addr := e.Address
				if a, ok := strings.CutPrefix(addr, "::ffff:"); ok && strings.Contains(a, ".") {
					addr = a
				}
				port := "*"
				if e.Port != 0 {
					port = strconv.Itoa(int(e.Port))
				}
				return addr + ":" + port
			}
			k.Local, k.Remote = ep(s.Local), ep(s.Remote)
			switch s.Protocol {
			case "tcp":
				k.State = s.State
			case "raw":
				k.State = map[string]string{"CLOSE": "7", "ESTABLISHED": "1"}[s.State]
			default:
				if s.State == "ESTABLISHED" {
					k.State = s.State
				}
			}
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b socketKey) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return keys
}

// TestJSONSameSocketsAsText checks that the JSON and the text output of the
// same selection describe the same sockets, owners included, and that
// JSON lists every holder of a shared socket.
func TestJSONSameSocketsAsText(t *testing.T) {
	w := newProcessWorld(t)
	for _, args := range [][]string{{"-tuwxanpeW"}, {"-tuwxlnpeW"}, {"-tuwxnpeW"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			text, errOut, status := w.ours(args...)
			if status != 0 {
				t.Fatalf("text: status %d, stderr %q", status, errOut)
			}
			out, errOut, status := w.ours(append([]string{"--json"}, args...)...)
			if status != 0 {
				t.Fatalf("json: status %d, stderr %q", status, errOut)
			}
			d := decodeDoc(t, []byte(out))
			want, got := textKeys(t, text), jsonKeys(d.Sockets)
			if len(want) < 10 {
				t.Fatalf("only %d rows in the text output:\n%s", len(want), text)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("text and JSON differ (-text +json):\n%s", diff)
			}
		})
	}

	out, _, _ := w.ours("--json", "-tlnp", "sport = :7001")
	d := decodeDoc(t, []byte(out))
	if len(d.Sockets) != 1 || d.Sockets[0].Processes == nil {
		t.Fatalf("want the shared listener with processes, got %s", out)
	}
	// The test process holds the listener twice (its own descriptor and
	// the one File duplicated), the holder once.
	var pids []int
	for _, p := range *d.Sockets[0].Processes {
		pids = append(pids, p.PID)
		if p.PID == w.holderPID && p.Name != "shared-holder" {
			t.Errorf("holder's name %q, want the base of its argv[0] uncut", p.Name)
		}
	}
	want := []int{os.Getpid(), os.Getpid(), w.holderPID}
	slices.Sort(want) // PIDs wrap: the holder may have the lower one
	if !slices.Equal(pids, want) {
		t.Errorf("holders of the shared listener: %v, want %v (every descriptor, lowest PID first)", pids, want)
	}
}

// TestJSONRepeat checks that -c with --json prints one whole document per
// line (NDJSON) until SIGINT, each a round of its own.
func TestJSONRepeat(t *testing.T) {
	w := newWorld(t)
	for _, args := range [][]string{{"--json", "-tanc"}, {"--json", "-i", "1"}, {"--json", "--summary", "-c"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd, out, errOut := w.start(t, args...)
			waitRounds(t, out, 2)
			must(t, cmd.Process.Signal(syscall.SIGINT))
			if err := cmd.Wait(); err != nil {
				t.Fatalf("after SIGINT: %v (stderr %q)", err, errOut.String())
			}
			lines := strings.SplitAfter(out.String(), "\n")
			if last := lines[len(lines)-1]; last != "" {
				t.Fatalf("last line is not whole: %q", last)
			}
			lines = lines[:len(lines)-1]
			if len(lines) < 2 {
				t.Fatalf("%d rounds:\n%s", len(lines), out.String())
			}
			var times []string
			for _, l := range lines {
				schematest.Validate(t, []byte(l))
				var d struct{ Time string }
				must(t, json.Unmarshal([]byte(l), &d))
				times = append(times, d.Time)
			}
			if !slices.IsSorted(times) || len(slices.Compact(slices.Clone(times))) != len(times) {
				t.Errorf("round times not increasing: %v", times)
			}
		})
	}
}

// TestJSONErrors: a mode that fails prints nothing on standard output, so
// a reader never gets half a document.
func TestJSONErrors(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"--json", "-tan", "dport = :nosuchservice"}, 1, "nosuchservice"},
		{[]string{"--json", "-s", "-4", "-6"}, 1, "No statistics support"},
		{[]string{"--json", "-tan", "--user", "no-such-user-here"}, 1, "unknown user"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, status := w.ours(tc.args...)
			if status != tc.status || out != "" || !strings.Contains(errOut, tc.stderr) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("status %d, stdout %q, stderr %q; want status %d, no output, one line naming %q",
					status, out, errOut, tc.status, tc.stderr)
			}
		})
	}
}
