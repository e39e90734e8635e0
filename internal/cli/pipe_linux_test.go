package cli_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/netstat-go/netstat/internal/nstest"
)

// TestClosedStdout is `netstat -an | head -1`: the reader goes away after
// one line while the program still has most of its output to write. It
// must end quietly with status 0, whether SIGPIPE is ignored or not, and
// with -c too.
func TestClosedStdout(t *testing.T) {
	ns := nstest.New(t)
	// Enough sockets that the output is far larger than a pipe's buffer.
	ns.Do(func() {
		for range 3000 {
			fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
			must(t, err)
			t.Cleanup(func() { syscall.Close(fds[0]); syscall.Close(fds[1]) })
		}
	})
	for _, args := range [][]string{{"-an"}, {"-anc"}, {"--json", "-anc"}, {"-anp"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), selfEnv...)
			stdout, err := cmd.StdoutPipe()
			must(t, err)
			var errOut bytes.Buffer
			cmd.Stderr = &errOut
			ns.Do(func() { err = cmd.Start() })
			must(t, err)
			if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
				t.Fatal(err)
			}
			stdout.Close()
			err = cmd.Wait()
			if err != nil || errOut.Len() != 0 {
				t.Errorf("after the reader left: %v, stderr %q; want status 0 and silence", err, errOut.String())
			}
		})
	}
}
