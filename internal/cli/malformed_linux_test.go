package cli_test

import (
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTornUnixLines binds UNIX sockets whose names hold newlines, one
// forged to read like a row: /proc/net/unix cannot show them unambiguously.
// From /proc the torn lines are skipped with a warning naming file and
// line, as net-tools skips them, and every other row is shown; over
// netlink the names are exact (escaped in text, whole in JSON).
func TestTornUnixLines(t *testing.T) {
	w := newWorld(t)
	forged := "@nl-test\nunix  2      [ ACC ]     STREAM     LISTENING     1 @forged"
	w.ns.Do(func() {
		for _, name := range []string{forged, "@nl-torn\nbogus", "@nl-after"} {
			l, err := net.Listen("unix", name)
			must(t, err)
			w.keep(l)
		}
	})
	out, errOut, status := w.ours("-xl", "--source=proc")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	theirs, _, _ := w.theirs(t, "-xl")
	if diff := cmp.Diff(sections(theirs), sections(out)); diff != "" {
		t.Errorf("rows differ from net-tools (-net-tools +ours):\n%s", diff)
	}
	if strings.Contains(out, "@forged") {
		t.Errorf("the forged row was shown:\n%s", out)
	}
	warnings := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(warnings) != 2 {
		t.Fatalf("want 2 warnings, got %q", errOut)
	}
	for _, wr := range warnings {
		if !strings.HasPrefix(wr, "netstat: warning: /proc/thread-self/net/unix line ") || !strings.HasSuffix(wr, "(line skipped)") {
			t.Errorf("warning does not name file and line: %q", wr)
		}
	}

	out, errOut, status = w.ours("-xl", "--source=netlink")
	if status != 0 || errOut != "" {
		t.Fatalf("netlink: status %d, stderr %q", status, errOut)
	}
	if !strings.Contains(out, ` @nl-test\nunix  2      [ ACC ]     STREAM     LISTENING     1 @forged`+"\n") {
		t.Errorf("netlink: the name is not whole and escaped:\n%s", out)
	}

	out, _, _ = w.ours("--json", "-xl", "--source=proc")
	d := decodeDoc(t, []byte(out))
	if len(d.Warnings) != 2 {
		t.Errorf("JSON warnings %q, want the 2 skipped lines", d.Warnings)
	}
	out, _, _ = w.ours("--json", "-xl")
	d = decodeDoc(t, []byte(out))
	found := false
	for _, s := range d.Sockets {
		found = found || *s.Path == forged
	}
	if !found {
		t.Errorf("JSON over netlink lacks the exact name %q:\n%s", forged, out)
	}
}
