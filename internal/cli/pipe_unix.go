//go:build unix

package cli

import (
	"os/signal"
	"syscall"
)

// quietPipe makes a write to a closed standard output fail with EPIPE,
// which finish turns into a quiet exit with status 0, rather than letting
// the Go runtime raise SIGPIPE (which it does for descriptors 1 and 2 even
// where the caller set SIGPIPE to be ignored, and which a shell with
// pipefail reports as status 141).
func quietPipe() { signal.Ignore(syscall.SIGPIPE) }
