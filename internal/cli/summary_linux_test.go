package cli_test

import (
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSummarySameAsSS compares --summary with ss -s on the world's sockets
// (TCP in several states, UDP, v4 and v6).
func TestSummarySameAsSS(t *testing.T) {
	if _, err := exec.LookPath("ss"); err != nil {
		t.Skip("iproute2 ss is not installed")
	}
	w := newNamedWorld(t)
	// The kernel's counters can move between the two runs (a TCP socket
	// allocated for a moment); agreement in one of a few tries is what
	// the test asks.
	var diff string
	for try := 0; try < 5; try++ {
		want, _, wantStatus := w.ns.Run(nil, "ss", "-s")
		got, gotErr, gotStatus := w.ours("--summary")
		if gotStatus != wantStatus {
			t.Fatalf("status %d, ss %d (%s)", gotStatus, wantStatus, gotErr)
		}
		if diff = cmp.Diff(string(want), got); diff == "" {
			return
		}
	}
	t.Errorf("--summary differs from ss -s (-ss +ours):\n%s", diff)
}
