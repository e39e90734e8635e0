package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// counterLine matches the RX/TX packets lines of the long form, whose
// numbers move on up interfaces (router solicitations, MLD reports).
var counterLine = regexp.MustCompile(`(?m)^(        [RT]X packets )\d+  bytes \d+ \([^)]*\)$`)

func maskLongCounters(s string) string {
	return counterLine.ReplaceAllString(s, "${1}#  bytes # (#)")
}

// TestInterfacesLongSameAsNetTools compares -ie with net-tools in
// ifaceWorld plus: IPv6 addresses of every scope net-tools names on lo
// (and an IPv4-mapped one), a tun device with a point-to-point address,
// interfaces up but not running and down with an address, and the DEBUG,
// PORTSEL and AUTOMEDIA flags set with SIOCSIFFLAGS (net-tools names
// neither; PORTSEL adds a media line).
func TestInterfacesLongSameAsNetTools(t *testing.T) {
	ns := ifaceWorld(t)
	tool := netToolsPath(t)
	for _, c := range [][]string{
		{"link", "set", "lo", "up"},
		{"addr", "add", "fec0::1/64", "dev", "lo"},
		{"addr", "add", "::c000:201/96", "dev", "lo"},
		{"addr", "add", "::ffff:192.0.2.3/128", "dev", "lo"},
		{"addr", "add", "2001:db8:1::5/48", "dev", "veth0", "nodad"},
		{"link", "add", "v7", "type", "veth", "peer", "name", "v8"},
		{"link", "set", "v7", "up"},
		{"addr", "add", "203.0.113.200/25", "brd", "+", "dev", "v7"},
		{"addr", "add", "203.0.113.5/25", "brd", "+", "dev", "v8"},
	} {
		if out, err := ns.Command("ip", c...); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(c, " "), err, out)
		}
	}
	if _, err := ns.Command("ip", "tuntap", "add", "tun0", "mode", "tun"); err == nil {
		for _, c := range [][]string{
			{"link", "set", "tun0", "up"},
			{"addr", "add", "10.0.0.1", "peer", "10.0.0.2", "dev", "tun0"},
		} {
			if out, err := ns.Command("ip", c...); err != nil {
				t.Fatalf("ip %s: %v: %s", strings.Join(c, " "), err, out)
			}
		}
	} else {
		t.Logf("no tun device: %v", err)
	}
	ns.Do(func() {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		for name, add := range map[string]uint16{
			"eth10": unix.IFF_DEBUG | unix.IFF_PORTSEL | unix.IFF_AUTOMEDIA,
			"eth9":  unix.IFF_PORTSEL,
			"x2":    unix.IFF_AUTOMEDIA,
		} {
			ifr, _ := unix.NewIfreq(name)
			if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
				t.Fatal(err)
			}
			ifr.SetUint16(ifr.Uint16() | add)
			if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
				t.Fatal(err)
			}
		}
	})
	for _, args := range [][]string{{"-ie"}, {"-iae"}, {"-ie", "-a"}, {"-ien"}, {"--interfaces", "--extend", "--all", "--numeric"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			want1, wantErr, wantStatus := ns.Run(nil, tool, args...)
			got, gotErr, gotStatus := ourMode(t, ns, args)
			want2, _, _ := ns.Run(nil, tool, args...)
			if gotStatus != wantStatus {
				t.Errorf("status %d, net-tools %d (stderr %q, net-tools %q)", gotStatus, wantStatus, gotErr, wantErr)
			}
			if got == string(want1) || got == string(want2) {
				return
			}
			if diff := cmp.Diff(maskLongCounters(string(want1)), maskLongCounters(got)); diff != "" {
				t.Errorf("differs from net-tools (-want +got):\n%s\nnet-tools:\n%s\nours:\n%s", diff, want1, got)
			}
		})
	}
}
