package cli_test

import (
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/netstat-go/netstat/internal/cli"
)

// selfEnv makes the test binary act as netstat. The race detector's default
// one-second pause at exit would otherwise dominate every run.
var selfEnv = []string{"NETSTAT_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0"}

// TestMain lets the test binary stand in for the netstat command: with
// NETSTAT_TEST_MAIN=1 it runs cli.Main, so integration tests can start it
// inside a network namespace without a separate build. With
// NETSTAT_TEST_HOLD it is a socket holder instead (see hold).
func TestMain(m *testing.M) {
	if os.Getenv("NETSTAT_TEST_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	if spec := os.Getenv("NETSTAT_TEST_HOLD"); spec != "" {
		if err := hold(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// hold opens the TCP sockets spec lists ("listen ADDR", "dial ADDR",
// separated by commas), accepting every connection to its listeners,
// prints "ready" and keeps them until standard input closes: a process of
// known sockets for tests to start in another namespace.
func hold(spec string) error {
	for _, step := range strings.Split(spec, ",") {
		verb, addr, _ := strings.Cut(strings.TrimSpace(step), " ")
		switch verb {
		case "listen":
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			defer l.Close()
			go func() {
				var kept []net.Conn
				defer func() {
					for _, c := range kept {
						c.Close()
					}
				}()
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					kept = append(kept, c)
				}
			}()
		case "dial":
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return err
			}
			// Referenced until exit: a collected Conn closes its socket.
			defer c.Close()
		default:
			return fmt.Errorf("hold: unknown step %q", step)
		}
	}
	fmt.Println("ready")
	_, err := io.Copy(io.Discard, os.Stdin)
	return err
}
