package procfs

import "io"

// ParseSockstat parses /proc/net/sockstat or sockstat6: one line a
// protocol, "NAME: key value key value ...", such as
//
//	TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 65
//
// Each line becomes a section whose counters are its key/value pairs in
// order. name is used in error messages only. With SkipMalformed (see
// ParseInet) a malformed line is a warning and its section left out.
func ParseSockstat(r io.Reader, name string, opts ...Option) ([]SNMPSection, error) {
	var secs []SNMPSection
	err := scanLines(r, name, warnOf(opts), func([]byte) bool { return false }, func(line []byte) (string, error) {
		sec, rest, ok := sectionName(line)
		if !ok {
			return "want \"NAME: key value ...\"", nil
		}
		s := SNMPSection{Name: string(sec)}
		for k, r := field(rest); len(k) > 0; k, r = field(r) {
			var v []byte
			v, r = field(r)
			if len(v) == 0 {
				return string(k) + ": no value", nil
			}
			n, ok := parseCounter(v)
			if !ok {
				return string(k) + ": want a decimal number of at most 64 bits", nil
			}
			s.Counters = append(s.Counters, Counter{Name: string(k), Value: n})
		}
		secs = append(secs, s)
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return secs, nil
}
