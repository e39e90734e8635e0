package procfs

import (
	"bytes"
	"io"
)

// NetDevRow is one interface of /proc/net/dev: its name and the sixteen
// counters the kernel prints for it (struct rtnl_link_stats64, folded the
// way dev_seq_printf_stats folds it: Errs, Drop and Frame are sums).
type NetDevRow struct {
	Name []byte // valid until fn returns

	RxBytes, RxPackets, RxErrs, RxDrop, RxFIFO, RxFrame, RxCompressed, RxMulticast uint64
	TxBytes, TxPackets, TxErrs, TxDrop, TxFIFO, TxColls, TxCarrier, TxCompressed   uint64
}

// ParseNetDev calls fn for every interface of /proc/net/dev text read from
// r, with one reused row. The file starts with two header lines
//
//	Inter-|   Receive ...|  Transmit
//	 face |bytes    packets errs drop fifo frame compressed multicast|bytes ...
//
// which are recognised only as lines 1 and 2 (and only without a ':'); every other line is
//
//	NAME: rx_bytes rx_packets ... (8 receive, then 8 transmit counters)
//
// with NAME right-aligned in 6 columns (so longer names touch the colon and
// the first counter may follow it without a space). Interface names cannot
// contain ':' or spaces (dev_valid_name), so the name ends at the first
// ':'. Counters are decimal and 64-bit. Missing ones are malformed; extra
// ones at the end (from a newer kernel) are ignored. Errors and
// SkipMalformed are as for ParseInet.
func ParseNetDev(r io.Reader, name string, fn func(*NetDevRow) error, opts ...Option) error {
	var row NetDevRow
	n := 0
	isHeader := func(line []byte) bool {
		return bytes.HasPrefix(line, []byte("Inter-|")) && bytes.IndexByte(line, ':') < 0
	}
	sawHeader := false
	return scanLines(r, name, warnOf(opts), func(line []byte) bool {
		if isHeader(line) {
			sawHeader = true
			return true
		}
		return false
	}, func(line []byte) (string, error) {
		n++
		if n == 1 && sawHeader && bytes.HasPrefix(bytes.TrimLeft(line, " "), []byte("face |")) && bytes.IndexByte(line, ':') < 0 {
			return "", nil
		}
		if reason := parseNetDevRow(line, &row); reason != "" {
			return reason, nil
		}
		return "", fn(&row)
	})
}

var netDevFields = [16]string{
	"rx bytes", "rx packets", "rx errs", "rx drop", "rx fifo", "rx frame", "rx compressed", "rx multicast",
	"tx bytes", "tx packets", "tx errs", "tx drop", "tx fifo", "tx colls", "tx carrier", "tx compressed",
}

func parseNetDevRow(line []byte, row *NetDevRow) string {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	line = line[i:]
	c := bytes.IndexByte(line, ':')
	if c < 0 {
		return "name: want a name followed by ':'"
	}
	if c == 0 {
		return "name: empty"
	}
	row.Name = line[:c]
	if bytes.IndexByte(row.Name, ' ') >= 0 {
		return "name: contains a space"
	}
	rest := line[c+1:]
	dst := [16]*uint64{
		&row.RxBytes, &row.RxPackets, &row.RxErrs, &row.RxDrop, &row.RxFIFO, &row.RxFrame, &row.RxCompressed, &row.RxMulticast,
		&row.TxBytes, &row.TxPackets, &row.TxErrs, &row.TxDrop, &row.TxFIFO, &row.TxColls, &row.TxCarrier, &row.TxCompressed,
	}
	for k, p := range dst {
		var f []byte
		f, rest = field(rest)
		v, reason := decField(f, 64, netDevFields[k])
		if reason != "" {
			return reason
		}
		*p = v
	}
	return ""
}
