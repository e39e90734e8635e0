package cli_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFilters runs ss-style filters through both backends: netlink (kernel
// bytecode, then the userland check) and /proc (userland only) must select
// the same sockets, and the selections are the expected ones.
func TestFilters(t *testing.T) {
	w := newNamedWorld(t)
	for _, tc := range []struct {
		args []string
		want []string // local:remote state of every row
	}{
		{[]string{"-tan", "sport = :2000"}, []string{"192.0.2.1:2000 0.0.0.0:* LISTEN"}},
		{[]string{"-tan", "dport", "=", ":2000"}, nil}, // the TIME_WAIT row
		{[]string{"-tan", "state", "time-wait"}, nil},
		{[]string{"-tan", "state", "syn-sent"}, nil},
		{[]string{"-tn", "state", "listening", "sport", "<", ":100"}, nil},
		{[]string{"-tan", "state", "connected", "src", "192.0.2.0/24", "and", "not", "dport", "=", ":22"}, nil},
		{[]string{"-tan", "dst", "[2001:db8::]/32"}, nil},
		{[]string{"-tan", "( sport = :22 or dport = :22 ) and src 192.0.2.1"}, nil},
		{[]string{"-uan", "sport", ">=", ":4000", "and", "sport", "<=", ":5000"}, nil},
		{[]string{"-tan", "exclude", "listening"}, nil},
		{[]string{"-tan", "state", "connected", "dport", "!=", ":7777"}, nil},
		{[]string{"-tan", "sport = :ssh"}, nil},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			nl, nlErr, nlStatus := w.ours(append(tc.args, "--source=netlink")...)
			pr, prErr, prStatus := w.ours(append(tc.args, "--source=proc")...)
			if nlStatus != 0 || prStatus != 0 {
				t.Fatalf("status netlink %d (%s), proc %d (%s)", nlStatus, nlErr, prStatus, prErr)
			}
			if diff := cmp.Diff(sections(pr), sections(nl)); diff != "" {
				t.Errorf("backends differ (-proc +netlink):\n%s", diff)
			}
			secs := sections(nl)
			if len(secs) == 0 || len(secs[0].Rows) == 0 {
				t.Fatalf("the filter selected nothing; the world has sockets for it:\n%s", nl)
			}
			if tc.want != nil {
				var got []string
				for _, r := range secs[0].Rows {
					f := strings.Fields(r)
					got = append(got, strings.Join(f[3:], " "))
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("rows (-want +got):\n%s", diff)
				}
			}
		})
	}
	// The unfiltered listing is a superset; a filter must drop something.
	all, _, _ := w.ours("-tan")
	some, _, _ := w.ours("-tan", "state", "established")
	if len(sections(some)[0].Rows) >= len(sections(all)[0].Rows) {
		t.Errorf("state established kept every row")
	}
	for _, bad := range [][]string{{"-tan", "dport", "=", "foo"}, {"-tan", "(", "sport", "=", ":1"}, {"-tan", "state", "bogus"}} {
		_, errOut, status := w.ours(bad...)
		if status != 1 || !strings.HasPrefix(errOut, "netstat: filter: ") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: status %d, stderr %q; want one line and status 1", bad, status, errOut)
		}
	}
	// A trailing number is the repeat interval, not part of the filter.
	if _, errOut, status := w.ours("-tan", "sport", "=", ":2000", "0"); status != 1 || !strings.Contains(errOut, "filter") {
		t.Errorf("0 is no interval, so it is a filter word: status %d %q", status, errOut)
	}
}
