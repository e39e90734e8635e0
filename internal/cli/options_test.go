package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want Options
	}{
		{[]string{"-tulpn"}, Options{TCP: true, UDP: true, Listening: true, Programs: true, NumericHosts: true, NumericPorts: true, NumericUsers: true}},
		{[]string{"-A", "inet,inet6"}, Options{Inet: true, Inet6: true}},
		{[]string{"-Ainet"}, Options{Inet: true}},
		{[]string{"--protocol=unix"}, Options{UnixAF: true}},
		{[]string{"--protocol", "inet6"}, Options{Inet6: true}},
		{[]string{"-ee"}, Options{Extend: 2}},
		{[]string{"-e", "--extend"}, Options{Extend: 2}},
		{[]string{"--numeric-hosts", "--numeric-ports"}, Options{NumericHosts: true, NumericPorts: true}},
		{[]string{"--listen", "--tcp"}, Options{Listening: true, TCP: true}},
		{[]string{"-46x"}, Options{Inet: true, Inet6: true, Unix: true}},
		{[]string{"-A", "ddp"}, Options{}},
		{[]string{"-tn", "5"}, Options{TCP: true, NumericHosts: true, NumericPorts: true, NumericUsers: true, Args: []string{"5"}}},
		{[]string{"--", "-t"}, Options{Args: []string{"-t"}}},
		{[]string{"-V"}, Options{Version: true}},
		{[]string{"--help"}, Options{Help: true}},
		{[]string{"--source=proc", "-x"}, Options{Unix: true, Source: "proc"}},
		{[]string{"-s", "-p", "tcp"}, Options{Statistics: true, TCP: true}},
		{[]string{"-sp", "UDP"}, Options{Statistics: true, UDP: true}},
		{[]string{"-sp", "tcp6", "5"}, Options{Statistics: true, TCP: true, Inet6: true, Args: []string{"5"}}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			got, err := Parse(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want.Source == "" {
				tc.want.Source = "auto"
			}
			if diff := cmp.Diff(&tc.want, got, cmpopts.EquateEmpty(), cmp.AllowUnexported(Options{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrors checks the messages and statuses against net-tools 2.10's
// (glibc getopt's wording), as captured on Debian 12.
func TestErrors(t *testing.T) {
	usage, err := os.ReadFile("testdata/usage.golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args       []string
		status     int
		stderr     string // first line
		wantUsage  bool
		stdoutLine string
	}{
		{[]string{"--foo"}, 3, "netstat: unrecognized option '--foo'", true, ""},
		{[]string{"-k"}, 3, "netstat: invalid option -- 'k'", true, ""},
		{[]string{"-tk"}, 3, "netstat: invalid option -- 'k'", true, ""},
		{[]string{"-A"}, 3, "netstat: option requires an argument -- 'A'", true, ""},
		{[]string{"--protocol"}, 3, "netstat: option '--protocol' requires an argument", true, ""},
		{[]string{"--tcp=yes"}, 3, "netstat: option '--tcp' doesn't allow an argument", true, ""},
		{[]string{"--num"}, 3, "netstat: option '--num' is ambiguous; possibilities: '--numeric' '--numeric-hosts' '--numeric-ports' '--numeric-users'", true, ""},
		{[]string{"-?"}, 3, "", true, ""},
		{[]string{"-A", "foo"}, 1, "Unknown address family `foo'.", false, ""},
		{[]string{"-Ainet,foo"}, 1, "Unknown address family `foo'.", false, ""},
		{[]string{"-sp", "sctp"}, 3, "netstat: unknown protocol `sctp' for -p", true, ""},
		{[]string{"-V", "--foo"}, 0, "", false, "netstat-go " + Version + " (net-tools 2.10 compatible)"},
		{[]string{"-V"}, 0, "", false, "netstat-go " + Version + " (net-tools 2.10 compatible)"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := Main(tc.args, &stdout, &stderr)
			if status != tc.status {
				t.Errorf("status = %d, want %d", status, tc.status)
			}
			errText := stderr.String()
			if tc.stderr != "" {
				first, rest, _ := strings.Cut(errText, "\n")
				if first != tc.stderr {
					t.Errorf("stderr first line = %q, want %q", first, tc.stderr)
				}
				errText = rest
			}
			if tc.wantUsage && errText != string(usage) {
				t.Errorf("stderr after the message is not net-tools' usage:\n%s", cmp.Diff(string(usage), errText))
			}
			if !tc.wantUsage && errText != "" {
				t.Errorf("unexpected stderr %q", errText)
			}
			if first, _, _ := strings.Cut(stdout.String(), "\n"); first != tc.stdoutLine {
				t.Errorf("stdout first line = %q, want %q", first, tc.stdoutLine)
			}
		})
	}
}

// TestHelp checks -h: net-tools' usage with this program's extensions
// before the family list (testdata/help.golden).
func TestHelp(t *testing.T) {
	usage, err := os.ReadFile("testdata/help.golden")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if st := Main([]string{"-h"}, &stdout, &stderr); st != 0 {
		t.Errorf("status %d", st)
	}
	// net-tools splits its usage: the family list goes to standard error.
	if got := stdout.String() + stderr.String(); got != string(usage) {
		t.Errorf("-h output (-want +got):\n%s", cmp.Diff(string(usage), got))
	}
	if !strings.HasPrefix(stderr.String(), "  List of possible address families") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestSelection(t *testing.T) {
	type sel struct {
		Inet       string
		IPv4, IPv6 bool
		Unix       bool
	}
	// Expectations from net-tools 2.10 runs on the same options.
	for _, tc := range []struct {
		args string
		want sel
	}{
		{"", sel{"tcp udp udplite raw", true, true, true}},
		{"-4", sel{"tcp udp udplite raw", true, false, false}},
		{"-6 -x", sel{"tcp udp udplite raw", false, true, true}},
		{"-x", sel{"", true, true, true}},
		{"-A unix -t", sel{"tcp", true, true, true}},
		{"-t -4", sel{"tcp", true, false, false}},
		{"-A inet6 -4", sel{"tcp udp udplite raw", true, true, false}},
		{"-U", sel{"udplite", true, true, false}},
		{"-w -u", sel{"udp raw", true, true, false}},
		{"-A ddp", sel{"tcp udp udplite raw", true, true, true}},
	} {
		t.Run(tc.args, func(t *testing.T) {
			o, err := Parse(strings.Fields(tc.args))
			if err != nil {
				t.Fatal(err)
			}
			s := selectSockets(o)
			var names []string
			for _, p := range s.inet {
				names = append(names, p.String())
			}
			got := sel{strings.Join(names, " "), s.ipv4, s.ipv6, s.unix}
			if got.Inet == "" {
				got.IPv4, got.IPv6 = tc.want.IPv4, tc.want.IPv6
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestContextWithoutSELinux: -Z fails where it stands on the command line,
// as net-tools' getopt loop does.
func TestContextWithoutSELinux(t *testing.T) {
	if selinuxEnabled() {
		t.Skip("SELinux is enabled here")
	}
	for _, tc := range []struct {
		args   []string
		status int
		first  string
	}{
		{[]string{"-Z"}, 1, "SELinux is not enabled on this machine."},
		{[]string{"-tanpZ"}, 1, "SELinux is not enabled on this machine."},
		{[]string{"-Z", "--foo"}, 1, "SELinux is not enabled on this machine."},
		{[]string{"-Z", "-V"}, 1, "SELinux is not enabled on this machine."},
		{[]string{"-Q", "-Z"}, 3, "netstat: invalid option -- 'Q'"},
		{[]string{"-A", "foo", "-Z"}, 1, "Unknown address family `foo'."},
		{[]string{"--context=x"}, 3, "netstat: option '--context' doesn't allow an argument"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if st := Main(tc.args, &stdout, &stderr); st != tc.status {
				t.Errorf("status %d, want %d", st, tc.status)
			}
			if first, _, _ := strings.Cut(stderr.String(), "\n"); first != tc.first {
				t.Errorf("stderr %q, want first line %q", stderr.String(), tc.first)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if st := Main([]string{"-V", "-Z"}, &stdout, &stderr); st != 0 || stderr.Len() != 0 {
		t.Errorf("-V -Z: status %d, stderr %q; -V comes first and wins", st, stderr.String())
	}
}
