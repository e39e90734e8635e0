package procfs

import (
	"bytes"
	"io"
)

// Counter is one named counter of /proc/net/snmp, /proc/net/netstat or
// /proc/net/snmp6.
type Counter struct {
	Name  string
	Value uint64
}

// SNMPSection is one section of /proc/net/snmp or /proc/net/netstat
// ("Ip", "TcpExt", ...) with its counters in file order.
type SNMPSection struct {
	Name     string
	Counters []Counter
}

// ParseSNMP parses /proc/net/snmp or /proc/net/netstat text read from r.
// Both print every section as two lines, a header and its values:
//
//	Ip: Forwarding DefaultTTL InReceives ...
//	Ip: 1 64 769 ...
//
// The two lines must name the same section and have the same number of
// fields. Values are decimal; a few are signed (Tcp MaxConn is -1), and
// those are kept as their 64-bit two's complement, as strtoull does.
// Sections and counters are returned in file order. A malformed line is a
// *ParseError naming name, the line number and its text: a line that is
// not "Name: ...", a header that is not followed by its section's values
// (the error names the header), values without a header, or values that
// do not match their header. With SkipMalformed each of these is a
// warning instead and only that section is left out. A line that follows
// a header and names its section is its values; any other line whose
// first field starts with a digit or '-' is values without a header (no
// counter name does), so one missing line costs one section, not the
// rest of the file.
func ParseSNMP(r io.Reader, name string, opts ...Option) ([]SNMPSection, error) {
	warn := warnOf(opts)
	var secs []SNMPSection
	// The pending header: its section is the last of secs.
	var pending *ParseError
	n := 0
	// orphan reports the pending header as lacking its values and drops
	// its section.
	orphan := func() error {
		pe := pending
		pe.Reason = "header without a line of values"
		pending = nil
		secs = secs[:len(secs)-1]
		if warn == nil {
			return pe
		}
		warn(pe)
		return nil
	}
	err := scanLines(r, name, warn, func([]byte) bool { return false }, func(line []byte) (string, error) {
		n++
		sec, rest, ok := sectionName(line)
		if pending != nil {
			s := &secs[len(secs)-1]
			if ok && string(sec) == s.Name {
				pending = nil
				if reason := snmpValues(s, rest); reason != "" {
					secs = secs[:len(secs)-1]
					return reason, nil
				}
				return "", nil
			}
			if err := orphan(); err != nil {
				return "", err
			}
		}
		// Counter names start with a letter, values with a digit or '-':
		// so values whose header is missing are not taken for a header
		// (which would make the next section's header its values).
		f, _ := field(rest)
		switch {
		case !ok:
			return "want \"Section: Name ...\"", nil
		case len(f) > 0 && (f[0] == '-' || '0' <= f[0] && f[0] <= '9'):
			return "values without a header line before them", nil
		}
		s := SNMPSection{Name: string(sec)}
		for f, r := field(rest); len(f) > 0; f, r = field(r) {
			s.Counters = append(s.Counters, Counter{Name: string(f)})
		}
		if len(s.Counters) == 0 {
			return "header without counter names", nil
		}
		secs = append(secs, s)
		// Keep the header's text: the reader's buffer moves on.
		pending = malformed(name, n, line, "")
		return "", nil
	})
	if err == nil && pending != nil {
		err = orphan()
	}
	if err != nil {
		return secs, err
	}
	return secs, nil
}

// snmpValues fills s's counters from a line of values (after the section
// name), or returns why it cannot.
func snmpValues(s *SNMPSection, rest []byte) string {
	i := 0
	for f, r := field(rest); len(f) > 0; f, r = field(r) {
		if i == len(s.Counters) {
			return "more values than names"
		}
		v, ok := parseCounter(f)
		if !ok {
			return s.Counters[i].Name + ": want a decimal number of at most 64 bits"
		}
		s.Counters[i].Value = v
		i++
	}
	if i < len(s.Counters) {
		return "fewer values than names"
	}
	return ""
}

// ParseSNMP6 parses /proc/net/snmp6 text: one "Name value" per line, the
// name padded with spaces and then a tab. Values are parsed as in
// ParseSNMP. With SkipMalformed (see ParseInet) a malformed line is a
// warning and left out.
func ParseSNMP6(r io.Reader, name string, opts ...Option) ([]Counter, error) {
	var cs []Counter
	err := scanLines(r, name, warnOf(opts), func([]byte) bool { return false }, func(line []byte) (string, error) {
		f, rest := fieldWS(line)
		if len(f) == 0 {
			return "want \"Name value\"", nil
		}
		v, rest := fieldWS(rest)
		if len(v) == 0 {
			return "no value", nil
		}
		if extra, _ := fieldWS(rest); len(extra) > 0 {
			return "more than two fields", nil
		}
		n, ok := parseCounter(v)
		if !ok {
			return "value: want a decimal number of at most 64 bits", nil
		}
		cs = append(cs, Counter{Name: string(f), Value: n})
		return "", nil
	})
	return cs, err
}

// sectionName splits "Name: rest" off a line.
func sectionName(line []byte) (name, rest []byte, ok bool) {
	f, rest := field(line)
	if len(f) < 2 || f[len(f)-1] != ':' || bytes.IndexByte(f[:len(f)-1], ':') >= 0 {
		return nil, nil, false
	}
	return f[:len(f)-1], rest, true
}

// fieldWS is field with spaces and tabs as separators (snmp6 uses both).
func fieldWS(b []byte) (f, rest []byte) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	b = b[i:]
	if j := bytes.IndexAny(b, " \t"); j >= 0 {
		return b[:j], b[j:]
	}
	return b, nil
}

// parseCounter parses a decimal counter; a leading '-' gives the two's
// complement (the kernel prints Tcp MaxConn as -1).
func parseCounter(f []byte) (uint64, bool) {
	if len(f) > 1 && f[0] == '-' {
		v, ok := parseDec(f[1:], 64)
		if !ok || v > 1<<63 {
			return 0, false
		}
		return -v, true
	}
	return parseDec(f, 64)
}
