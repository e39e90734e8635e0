package cli_test

import (
	"fmt"
	"net/netip"
	"slices"
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

// ssPairs reads "local remote" pairs from ss -H output, normalised to
// address/port numbers.
func ssPairs(out string) []string {
	norm := func(ep string) string {
		i := strings.LastIndexByte(ep, ':')
		host, port := ep[:i], ep[i+1:]
		host = strings.Trim(host, "[]")
		if j := strings.IndexByte(host, '%'); j >= 0 {
			host = host[:j]
		}
		if host == "*" {
			host = "::" // ss prints a dual-stack wildcard as *
		}
		if port == "*" {
			port = "0"
		}
		return netip.MustParseAddr(strings.Trim(host, "[]")).String() + "/" + port
	}
	var pairs []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		// ss leaves the State column out when the filter allows a
		// single state.
		if len(f) > 0 && strings.Trim(f[0], "0123456789") == "" {
			f = append([]string{"-"}, f...)
		}
		if len(f) >= 5 {
			pairs = append(pairs, norm(f[3])+" "+norm(f[4]))
		}
	}
	slices.Sort(pairs)
	return pairs
}

// jsonPairs reads the same pairs from a --json document.
func jsonPairs(t *testing.T, out string) []string {
	t.Helper()
	d := decodeDoc(t, []byte(out))
	var pairs []string
	for _, s := range d.Sockets {
		pairs = append(pairs, fmt.Sprintf("%s/%d %s/%d", s.Local.Address, s.Local.Port, s.Remote.Address, s.Remote.Port))
	}
	slices.Sort(pairs)
	return pairs
}

// TestFiltersSameAsSS runs the same filters through ss and through this
// program (--json, so addresses compare as numbers) on one namespace with
// listeners, established and mapped connections, TIME_WAIT and SYN_SENT
// sockets: the selected sockets must be the same.
func TestFiltersSameAsSS(t *testing.T) {
	w := newNamedWorld(t)
	w.ns.NoDNS(t)
	if _, err := w.ns.Command("ss", "-V"); err != nil {
		t.Skip("ss is not installed")
	}
	exprs := []string{
		"state connected",
		"state synchronized",
		"state bucket",
		"state big",
		"state all",
		"state listening",
		"state time-wait",
		"state syn-sent",
		"state established",
		"exclude listening",
		"exclude established exclude time-wait",
		"state established state syn-sent",
		"state listening sport = :22",
		"state connected dport != :22",
		"sport = :22",
		"sport >= :8000 and sport <= :12345",
		"sport gt :2000 and not sport = :65535",
		"dport lt :100",
		"src 192.0.2.1",
		"src 192.0.2/24",
		"src 127.0.0.1/8",
		"dst [::ffff:127.0.0.1]",
		"src [2001:db8::/32]",
		"src [::1]:8000",
		"dst 192.0.2.1:65535 or dst 192.0.2.1:2000",
		"not ( src 192.0.2.1 or src [2001:db8::1] )",
		"( sport = :22 or ( sport = :8000 and src [::1] ) ) and not dst 198.51.100.0/24",
		"! ( ( dport = :9 ) || ( sport = :9 ) )",
		"state connected ( dport = :2000 or sport = :2000 )",
	}
	for _, x := range exprs {
		t.Run(x, func(t *testing.T) {
			out, errOut, status := w.ours("--json", "-tan", x)
			if status != 0 {
				t.Fatalf("status %d: %s", status, errOut)
			}
			// ss reads state words only as separate arguments.
			ss, err := w.ns.Command("ss", append([]string{"-tanH"}, strings.Fields(x)...)...)
			if err != nil {
				t.Fatalf("ss: %v: %s", err, ss)
			}
			want, got := ssPairs(string(ss)), jsonPairs(t, out)
			if len(want) == 0 && x != "dport lt :100" {
				t.Errorf("ss selected nothing; the world has sockets for it")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ss (-) and netstat (+) differ:\n%s", diff)
			}
		})
	}
	// UDP, whose sockets are all "listening" or connected.
	for _, x := range []string{"sport = :4534", "src 192.0.2.1 and sport > :4000", "state all"} {
		out, _, _ := w.ours("--json", "-uan", x)
		ss, err := w.ns.Command("ss", append([]string{"-uanH"}, strings.Fields(x)...)...)
		if err != nil {
			t.Fatalf("ss: %v: %s", err, ss)
		}
		if diff := cmp.Diff(ssPairs(string(ss)), jsonPairs(t, out)); diff != "" {
			t.Errorf("udp %q: ss (-) and netstat (+) differ:\n%s", x, diff)
		}
	}
}
