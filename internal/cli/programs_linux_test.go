package cli_test

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// holder starts /bin/sleep in the namespace holding the given files, with
// argv[0] set to name; it is killed when the test ends.
func (w *world) holder(t *testing.T, name string, files ...*os.File) *exec.Cmd {
	t.Helper()
	cmd := &exec.Cmd{Path: "/bin/sleep", Args: []string{name, "3600"}, ExtraFiles: files}
	var err error
	w.ns.Do(func() { err = cmd.Start() })
	if err != nil {
		t.Fatalf("start holder: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

func fileOf(t *testing.T, c interface {
	File() (*os.File, error)
}) *os.File {
	t.Helper()
	f, err := c.File()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// newProcessWorld is the main world plus sockets shared with, or owned
// only by, other processes.
func newProcessWorld(t *testing.T) *world {
	w := newWorld(t)
	w.ns.Do(func() {
		// Shared after fork: the test process (lower PID) and a child.
		shared, err := net.Listen("tcp4", "127.0.0.1:7001")
		must(t, err)
		w.keep(shared)
		sf := fileOf(t, shared.(*net.TCPListener))
		// Owned only by a child: the parent's copy is closed.
		only, err := net.ListenPacket("udp4", "127.0.0.1:7002")
		must(t, err)
		of := fileOf(t, only.(*net.UDPConn))
		only.Close()
		ux, err := net.Listen("unix", "@netstat-test-child")
		must(t, err)
		uf := fileOf(t, ux.(*net.UnixListener))
		ux.Close()
		w.pending = append(w.pending, sf, of, uf)
	})
	w.holderPID = w.holder(t, "/usr/local/bin/shared-holder", w.pending...).Process.Pid
	// The test process keeps its copy of the first (shared); the others
	// now belong to the holder alone.
	for _, f := range w.pending[1:] {
		f.Close()
	}
	return w
}

// timerSeconds hides the seconds left on a timer, which move between two
// runs; the timer's name and counters must still agree.
var timerSeconds = regexp.MustCompile(`\((\d+)\.\d\d/`)

func TestProgramsSameAsNetTools(t *testing.T) {
	w := newProcessWorld(t)
	netTools(t)
	for _, args := range [][]string{
		{"-tanp"}, {"-tulnp"}, {"-xanp"}, {"-anp"}, {"-tano"}, {"-tanpo"}, {"-tanep"}, {"-uanp"},
		{"-tanpeo"}, {"-xanpeo"}, {"-tuwxlp"}, {"-uanpo"}, {"-wanpo"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			wantOut, wantErr, wantStatus := w.theirs(t, args...)
			gotOut, gotErr, gotStatus := w.ours(args...)
			if gotStatus != wantStatus || gotErr != wantErr {
				t.Errorf("status %d, stderr %q; net-tools %d, %q", gotStatus, gotErr, wantStatus, wantErr)
			}
			want := timerSeconds.ReplaceAllString(wantOut, "(s/")
			got := timerSeconds.ReplaceAllString(gotOut, "(s/")
			if diff := cmp.Diff(sections(want), sections(got)); diff != "" {
				t.Errorf("output differs from net-tools (-want +got):\n%s\nnet-tools:\n%s\nours:\n%s", diff, wantOut, gotOut)
			}
		})
	}
	// The rows the world was built for, so that a scan finding nothing at
	// all cannot pass as agreement.
	out, _, _ := w.ours("-anp")
	// The shared socket shows its lowest-PID holder; PIDs wrap, so the
	// holder may have the lower one.
	sharedBy := strconv.Itoa(os.Getpid()) + "/" + filepath.Base(os.Args[0])
	if w.holderPID < os.Getpid() {
		sharedBy = strconv.Itoa(w.holderPID) + "/shared-holder"
	}
	for _, want := range []string{
		"127.0.0.1:7001          0.0.0.0:*               LISTEN      " + sharedBy,
		"/shared-holder",
		"CONNECTING    0        -                    ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("-anp output lacks %q:\n%s", want, out)
		}
	}
}

// TestUnprivileged runs both tools as nobody: root's sockets show "-", and
// net-tools' note comes on standard error with status 0.
func TestUnprivileged(t *testing.T) {
	w := newProcessWorld(t)
	netTools(t)
	// The test binary stands in for the command; nobody must be able to
	// run it, so copy it out of the build directory.
	dir, err := os.MkdirTemp("", "netstat-nobody")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o755))
	bin := filepath.Join(dir, filepath.Base(os.Args[0]))
	copyFile(t, os.Args[0], bin)
	nobody := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	run := func(env []string, path string, args ...string) (string, string, int) {
		var so, se bytes.Buffer
		status := 0
		w.ns.Do(func() {
			cmd := exec.Command(path, args...)
			cmd.Env = append(os.Environ(), env...)
			cmd.Stdout, cmd.Stderr = &so, &se
			cmd.SysProcAttr = nobody
			cmd.Dir = "/"
			if err := cmd.Run(); err != nil {
				status = -1
				if ee, ok := err.(*exec.ExitError); ok {
					status = ee.ExitCode()
				}
			}
		})
		return so.String(), se.String(), status
	}
	check := func(t *testing.T, args []string) {
		wantOut, wantErr, wantStatus := run(nil, netTools(t), args...)
		gotOut, gotErr, gotStatus := run(selfEnv, bin, args...)
		if gotStatus != wantStatus || gotErr != wantErr {
			t.Errorf("status %d, stderr %q; net-tools %d, %q", gotStatus, gotErr, wantStatus, wantErr)
		}
		if diff := cmp.Diff(sections(wantOut), sections(gotOut)); diff != "" {
			t.Errorf("output differs from net-tools (-want +got):\n%s", diff)
		}
		if args[0] != "-tuln" && !strings.Contains(gotErr, "you would have to be root") && !strings.Contains(gotErr, "you should be root") {
			t.Errorf("no note on standard error: %q", gotErr)
		}
	}
	// nobody holds no socket: net-tools' "No info could be read" note.
	for _, args := range [][]string{{"-tanp"}, {"-xlp"}, {"-tuln"}} {
		t.Run("none/"+strings.Join(args, " "), func(t *testing.T) { check(t, args) })
	}
	// nobody holds one: its row is named, the others are "-", and the
	// note is "Not all processes could be identified".
	var f *os.File
	w.ns.Do(func() {
		l, err := net.Listen("tcp4", "127.0.0.1:7004")
		must(t, err)
		f = fileOf(t, l.(*net.TCPListener))
		l.Close()
	})
	cmd := &exec.Cmd{Path: "/bin/sleep", Args: []string{"nobody-holder", "3600"}, ExtraFiles: []*os.File{f}, SysProcAttr: nobody}
	w.ns.Do(func() { err = cmd.Start() })
	must(t, err)
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	f.Close()
	for _, args := range [][]string{{"-tanp"}, {"-tlp"}} {
		t.Run("some/"+strings.Join(args, " "), func(t *testing.T) {
			check(t, args)
			out, _, _ := run(selfEnv, bin, args...)
			if !strings.Contains(out, strconv.Itoa(cmd.Process.Pid)+"/nobody-holder") {
				t.Errorf("nobody's own socket is not named:\n%s", out)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	must(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	must(t, err)
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	must(t, out.Close())
}

// TestHostileProgramName: a process named with escape sequences and a
// newline cannot forge or recolour rows.
func TestHostileProgramName(t *testing.T) {
	w := newWorld(t)
	var f *os.File
	w.ns.Do(func() {
		l, err := net.Listen("tcp4", "127.0.0.1:7003")
		must(t, err)
		f = fileOf(t, l.(*net.TCPListener))
		l.Close()
	})
	w.holder(t, "evil\x1b[31m\x07\nforged row", f)
	f.Close()
	out, errOut, status := w.ours("-tlnp")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, c := range []string{"\x1b", "\x07"} {
		if strings.Contains(out, c) {
			t.Errorf("output holds a raw %q:\n%s", c, out)
		}
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	rows := 0
	for _, line := range lines[2:] {
		if !strings.HasPrefix(line, "tcp") {
			t.Errorf("a line that is no row (a process name broke out?): %q", line)
		}
		rows++
	}
	if want := strings.Count(out, "LISTEN"); rows != want {
		t.Errorf("%d rows for %d listeners:\n%s", rows, want, out)
	}
	if !strings.Contains(out, `/evil\x1b[31m`) {
		t.Errorf("escaped, 19-byte-cut name missing:\n%s", out)
	}
}

// TestSelectByProcessAndUser: --pid and --program keep the sockets any
// holder of which matches (a shared socket belongs to both its holders);
// --user keeps the sockets of one owner uid.
func TestSelectByProcessAndUser(t *testing.T) {
	w := newProcessWorld(t)
	self := strconv.Itoa(os.Getpid())
	rowsOf := func(args ...string) []string {
		t.Helper()
		out, errOut, status := w.ours(args...)
		if status != 0 {
			t.Fatalf("%v: status %d: %s", args, status, errOut)
		}
		var rows []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "tcp") || strings.HasPrefix(l, "udp") || strings.HasPrefix(l, "unix") {
				f := strings.Fields(l)
				rows = append(rows, f[0]+" "+f[3])
			}
		}
		return rows
	}
	holder := strconv.Itoa(w.holderPID)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-tuan", "--pid", holder}, []string{"tcp 127.0.0.1:7001", "udp 127.0.0.1:7002"}},
		{[]string{"-tuan", "--program", "shared-holder"}, []string{"tcp 127.0.0.1:7001", "udp 127.0.0.1:7002"}},
		{[]string{"-tln4", "--pid", self}, []string{"tcp 127.0.0.1:8080", "tcp 0.0.0.0:22", "tcp 127.0.0.1:7001"}},
		{[]string{"-tln", "--pid", "999999999"}, nil},
		{[]string{"-uan4", "--user", "root"}, []string{"udp 0.0.0.0:53", "udp 127.0.0.1:7002"}},
		{[]string{"-uan", "--user", "4242"}, nil},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			got := rowsOf(tc.args...)
			// Connected UDP sockets have an ephemeral port; compare by
			// what is fixed.
			var fixed []string
			for _, r := range got {
				if !strings.HasPrefix(r, "udp 127.0.0.1:") || r == "udp 127.0.0.1:7002" {
					fixed = append(fixed, r)
				}
			}
			slices.Sort(fixed)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if diff := cmp.Diff(want, fixed, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("rows (-want +got):\n%s\nall rows: %q", diff, got)
			}
		})
	}
	if _, errOut, status := w.ours("-t", "--user", "no-such-user"); status != 1 || !strings.Contains(errOut, "unknown user `no-such-user'") {
		t.Errorf("unknown user: status %d, stderr %q", status, errOut)
	}
}
