package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/netstat-go/netstat/internal/linux/procfs"
	"github.com/netstat-go/netstat/internal/stats"
)

// runStats prints protocol statistics (-s) from /proc/net.
func runStats(o *Options, stdout, stderr io.Writer) error {
	return writeStats(o, os.DirFS(procNet()), stdout)
}

// writeStats is runStats over any directory holding snmp, netstat and
// snmp6. As net-tools: -6 (or -A inet6) shows snmp6 and the shared Tcp
// section, anything else the IPv4 files; -t -u -w pick the known sections
// (other sections always print); asking for both families or for unix is
// refused with a message on standard output and status 1.
func writeStats(o *Options, dir fs.FS, stdout io.Writer) error {
	if msg := statsFamilyError(o); msg != "" {
		fmt.Fprintln(stdout, msg)
		return statusError(exitError)
	}
	v4, v6, err := readStats(o, dir)
	if err != nil {
		return err
	}
	sel := statsSelection(o)
	var out []byte
	if o.Inet6 {
		out = stats.Append6(nil, v6, v4, sel)
	} else {
		out = stats.Append4(nil, v4, sel)
	}
	_, err = stdout.Write(out)
	return err
}

// statsFamilyError is net-tools' refusal of both families, or of unix.
func statsFamilyError(o *Options) string {
	var fams []string
	if o.Inet && o.Inet6 {
		fams = append(fams, "inet", "inet6")
	}
	if o.Unix || o.UnixAF {
		fams = append(fams, "unix")
	}
	if len(fams) == 0 {
		return ""
	}
	return "netstat: No statistics support for specified address family: " + strings.Join(fams, ",")
}

func statsSelection(o *Options) stats.Selection {
	sel := stats.Selection{TCP: o.TCP, UDP: o.UDP, Raw: o.Raw}
	sel.All = !o.TCP && !o.UDP && !o.Raw && !o.UDPLite && !o.SCTP
	return sel
}

// readStats reads the sections of snmp and netstat, and with -6 the
// counters of snmp6.
func readStats(o *Options, dir fs.FS) ([]procfs.SNMPSection, []procfs.Counter, error) {
	var v4 []procfs.SNMPSection
	for _, name := range []string{"snmp", "netstat"} {
		secs, err := readSNMP(dir, name)
		if err != nil && !(name == "netstat" && errors.Is(err, fs.ErrNotExist)) {
			return nil, nil, err
		}
		v4 = append(v4, secs...)
	}
	if !o.Inet6 {
		return v4, nil, nil
	}
	data, err := fs.ReadFile(dir, "snmp6")
	if err != nil {
		return nil, nil, err
	}
	v6, err := procfs.ParseSNMP6(bytes.NewReader(data), "/proc/net/snmp6")
	if err != nil {
		return nil, nil, err
	}
	return v4, v6, nil
}

// procNet is the calling thread's /proc/net: /proc/net itself follows the
// process's main thread, which --netns leaves in its own namespace.
// Kernels before 3.17 have no thread-self; they get /proc/self/net.
func procNet() string {
	if _, err := os.Stat("/proc/thread-self/net"); err == nil {
		return "/proc/thread-self/net"
	}
	return "/proc/self/net"
}

func readSNMP(dir fs.FS, name string) ([]procfs.SNMPSection, error) {
	data, err := fs.ReadFile(dir, name)
	if err != nil {
		return nil, err
	}
	return procfs.ParseSNMP(bytes.NewReader(data), "/proc/net/"+name)
}
