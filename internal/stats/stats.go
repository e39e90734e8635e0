// Package stats renders protocol statistics (/proc/net/snmp, netstat and
// snmp6) the way net-tools `netstat -s` does.
//
// The prose for each counter (table.go) was learned by running net-tools
// netstat 2.10 on crafted files, not from its source. Its rules, as
// observed:
//
//   - Sections and counters come out in file order. Ip, Icmp, Tcp, Udp,
//     TcpExt, Ip6, Icmp6 and Udp6 are "known" sections that a protocol
//     option can deselect; any other section is always printed.
//   - A known counter prints its prose; some prose lines are hidden when
//     the value is zero. Ip DefaultTTL and Tcp RtoAlgorithm, RtoMin, RtoMax
//     and MaxConn are never printed.
//   - A counter without prose prints "Name: value" (the full snmp6 name with
//     -6), and nothing when zero.
//   - ICMP histogram counters print under "ICMP input histogram:" or
//     "ICMP output histogram:" (printed, even when every entry is zero, when
//     the first such counter comes), indented 8 spaces; counters without
//     prose that follow take that indentation, until the next known section.
//   - snmp6 sections are named by the counter names' prefix up to the
//     first '6' (Ip6, Icmp6, Udp6, UdpLite6); a new header is printed
//     whenever the prefix changes.
package stats

import (
	"strconv"
	"strings"

	"github.com/netstat-go/netstat/internal/linux/procfs"
)

type key struct{ section, name string }

type kind uint8

const (
	normal kind = iota
	histIn
	histOut
)

type entry struct {
	before, after string
	kind          kind
	showZero      bool
	hidden        bool
}

// Selection says which known sections to print: with no protocol chosen
// (All) every one; otherwise Ip and Icmp (and their v6 forms) go with Raw,
// Tcp and TcpExt with TCP, Udp and Udp6 with UDP.
type Selection struct {
	All, TCP, UDP, Raw bool
}

// Selects reports whether a listing under sel shows section: a section
// net-tools does not know always shows.
func (sel Selection) Selects(section string) bool {
	_, selected := sel.known(section)
	return selected
}

// known reports whether net-tools knows section, and if so whether sel
// selects it.
func (sel Selection) known(section string) (known, selected bool) {
	var on bool
	switch section {
	case "Ip", "Icmp", "Ip6", "Icmp6":
		on = sel.Raw
	case "Tcp", "TcpExt":
		on = sel.TCP
	case "Udp", "Udp6":
		on = sel.UDP
	default:
		return false, true
	}
	return true, sel.All || on
}

type renderer struct {
	b     []byte
	state kind
	v6    bool
}

// Append4 appends the IPv4 statistics (the sections of /proc/net/snmp then
// /proc/net/netstat) to b.
func Append4(b []byte, sections []procfs.SNMPSection, sel Selection) []byte {
	r := renderer{b: b}
	for i := range sections {
		r.section(sections[i].Name, sections[i].Counters, sel)
	}
	return r.b
}

// Append6 appends the IPv6 statistics: the counters of /proc/net/snmp6,
// grouped by prefix, then the Tcp section of /proc/net/snmp (TCP counters
// are shared by both families), as net-tools does for -6.
func Append6(b []byte, snmp6 []procfs.Counter, v4 []procfs.SNMPSection, sel Selection) []byte {
	r := renderer{b: b, v6: true}
	for _, sec := range Sections6(snmp6) {
		r.section(sec.Name, sec.Counters, sel)
	}
	r.v6 = false
	for i := range v4 {
		if v4[i].Name == "Tcp" {
			r.section("Tcp", v4[i].Counters, sel)
		}
	}
	return r.b
}

// Sections6 groups the counters of /proc/net/snmp6, which has no sections,
// by the prefix of their names up to the "6" ("Ip6", "Icmp6", "Udp6",
// "UdpLite6"), keeping each counter's whole name.
func Sections6(snmp6 []procfs.Counter) []procfs.SNMPSection {
	var secs []procfs.SNMPSection
	for i := 0; i < len(snmp6); {
		p := prefix6(snmp6[i].Name)
		j := i + 1
		for j < len(snmp6) && prefix6(snmp6[j].Name) == p {
			j++
		}
		secs = append(secs, procfs.SNMPSection{Name: p, Counters: snmp6[i:j]})
		i = j
	}
	return secs
}

func prefix6(name string) string {
	if i := strings.IndexByte(name, '6'); i >= 0 {
		return name[:i+1]
	}
	return name
}

func (r *renderer) section(name string, cs []procfs.Counter, sel Selection) {
	known, selected := sel.known(name)
	if known {
		r.state = normal
	}
	if !selected {
		return
	}
	r.b = append(r.b, name...)
	r.b = append(r.b, ":\n"...)
	for _, c := range cs {
		e, ok := prose()[key{name, c.Name}]
		if !ok {
			if c.Value != 0 {
				r.indent(r.state)
				r.b = append(r.b, c.Name...)
				r.b = append(r.b, ": "...)
				r.b = strconv.AppendUint(r.b, c.Value, 10)
				r.b = append(r.b, '\n')
			}
			continue
		}
		if e.hidden {
			continue
		}
		if e.kind != normal && e.kind != r.state {
			r.indent(r.state)
			if e.kind == histIn {
				r.b = append(r.b, "ICMP input histogram:\n"...)
			} else {
				r.b = append(r.b, "ICMP output histogram:\n"...)
			}
		}
		r.state = e.kind
		if c.Value == 0 && !e.showZero {
			continue
		}
		r.indent(e.kind)
		r.b = append(r.b, e.before...)
		r.b = strconv.AppendUint(r.b, c.Value, 10)
		r.b = append(r.b, e.after...)
		r.b = append(r.b, '\n')
	}
}

func (r *renderer) indent(k kind) {
	if k == normal {
		r.b = append(r.b, "    "...)
	} else {
		r.b = append(r.b, "        "...)
	}
}
