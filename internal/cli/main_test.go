package cli_test

import (
	"os"
	"testing"

	"github.com/netstat-go/netstat/internal/cli"
)

// TestMain lets the test binary stand in for the netstat command: with
// NETSTAT_TEST_MAIN=1 it runs cli.Main, so integration tests can start it
// inside a network namespace without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("NETSTAT_TEST_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
