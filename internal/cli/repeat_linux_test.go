package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestRepeat runs -c and the trailing interval until SIGINT: status 0, and
// the output is whole rounds, each equal to a single run's output.
func TestRepeat(t *testing.T) {
	w := newWorld(t)
	for _, args := range [][]string{{"-tnc"}, {"-tn", "1"}, {"--continuous", "-tn"}, {"-ic"}, {"-s", "1"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			// One round is the same command without the repetition.
			single := []string{strings.TrimSuffix(strings.TrimSuffix(args[0], "c"), "--continuous")}
			if args[0] == "--continuous" {
				single = args[1:]
			}
			once, _, status := w.ours(single...)
			if status != 0 {
				t.Fatalf("%v: status %d", single, status)
			}
			cmd, out, errOut := w.start(t, args...)
			first, _, _ := strings.Cut(once, "\n")
			waitFor(t, func() bool { return strings.Count(out.String(), first+"\n") >= 2 })
			must(t, cmd.Process.Signal(syscall.SIGINT))
			err := cmd.Wait()
			if err != nil {
				t.Fatalf("after SIGINT: %v (stderr %q)", err, errOut.String())
			}
			rounds := strings.Count(out.String(), first+"\n")
			if rounds < 2 {
				t.Fatalf("%d rounds:\n%s", rounds, out.String())
			}
			if want := strings.Repeat(once, rounds); out.String() != want {
				t.Errorf("rounds differ from a single run, or one is cut:\n%s", out.String())
			}
		})
	}
}

// syncBuffer is a bytes.Buffer that a command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds: a wait, not a time limit (the test's
// own deadline bounds it), so that a slow machine only makes it longer.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(50 * time.Millisecond)
	}
}

// waitRounds waits until out holds n whole lines.
func waitRounds(t *testing.T, out *syncBuffer, n int) {
	t.Helper()
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") >= n })
}

// start runs this program in the world with args and returns at once,
// with its standard output and error as they grow.
func (w *world) start(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	t.Helper()
	var out, errOut syncBuffer
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), selfEnv...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	var err error
	w.ns.Do(func() { err = cmd.Start() })
	if err != nil {
		t.Fatal(err)
	}
	return cmd, &out, &errOut
}
