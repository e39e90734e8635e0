package cli_test

import (
	"os"
	"testing"

	"github.com/netstat-go/netstat/internal/cli"
)

// selfEnv makes the test binary act as netstat. The race detector's default
// one-second pause at exit would otherwise dominate every run.
var selfEnv = []string{"NETSTAT_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0"}

// TestMain lets the test binary stand in for the netstat command: with
// NETSTAT_TEST_MAIN=1 it runs cli.Main, so integration tests can start it
// inside a network namespace without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("NETSTAT_TEST_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
