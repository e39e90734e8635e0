package procfs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// ErrMalformed is wrapped by every error about a file's content (as opposed
// to errors from the reader or from the caller's function).
var ErrMalformed = errors.New("malformed /proc/net line")

// ParseError reports a malformed line. It wraps ErrMalformed.
type ParseError struct {
	Name   string // the name given to the parser, normally the file's path
	Line   int    // 1-based line number
	Text   string // the line without its newline, cut to 80 bytes
	Cut    bool   // whether Text was cut
	Reason string // what is wrong, e.g. "inode: not a decimal number"
}

// maxErrorText is how much of a malformed line a ParseError keeps: enough
// to recognise the line, while a line of garbage cannot flood the error.
const maxErrorText = 80

// Error formats the error as `NAME line N: REASON: "TEXT"`, with "..." after
// the quoted text if it was cut.
func (e *ParseError) Error() string {
	cut := ""
	if e.Cut {
		cut = "..."
	}
	return fmt.Sprintf("%s line %d: %s: %q%s", e.Name, e.Line, e.Reason, e.Text, cut)
}

// Unwrap returns ErrMalformed, so that errors.Is(err, ErrMalformed) tells
// content errors from I/O errors.
func (e *ParseError) Unwrap() error { return ErrMalformed }

// bufSize is the read buffer and thereby the longest line parsed. Real
// lines are under 300 bytes (a unix path is at most 108); a large buffer
// means fewer read calls, as seq_file fills whatever it is given.
const bufSize = 64 << 10

// Option changes how a parser treats malformed lines. The zero Option
// changes nothing.
type Option struct {
	warn func(*ParseError)
}

// SkipMalformed makes a parser skip a malformed line instead of stopping
// there: it passes the line to warn as a *ParseError (the same value it
// would have returned) and goes on with the next line, so one odd row
// does not hide the rest of the file. warn is called in line order,
// between calls of the row function, and may keep the error. What a
// parser still returns as an error with this option (reader errors, the
// row function's errors, and per parser the problems that spoil the whole
// file) is in its doc. A nil warn is the same as no option.
//
// Without this option a parser stops at the first malformed line and
// returns it, as it always has.
func SkipMalformed(warn func(*ParseError)) Option { return Option{warn: warn} }

// warnOf returns the warning function of the last option that sets one.
func warnOf(opts []Option) func(*ParseError) {
	var w func(*ParseError)
	for _, o := range opts {
		if o.warn != nil {
			w = o.warn
		}
	}
	return w
}

// scanLines calls row for every line of r but a header on line 1, which
// isHeader recognises. row returns "" or the reason the line is malformed.
// A malformed line is passed to warn and skipped, or, if warn is nil,
// ends the scan with a *ParseError. It is the one place that reads,
// counts lines and builds errors, so all parsers report alike.
func scanLines(r io.Reader, name string, warn func(*ParseError), isHeader func([]byte) bool, row func([]byte) (reason string, err error)) error {
	br := bufio.NewReaderSize(r, bufSize)
	for n := 1; ; n++ {
		line, rerr := br.ReadSlice('\n')
		switch {
		case rerr == nil:
			line = line[:len(line)-1]
		case rerr == io.EOF:
			if len(line) == 0 {
				return nil
			}
			// A last line without a newline: parse it like any other.
		case errors.Is(rerr, bufio.ErrBufferFull):
			pe := malformed(name, n, line, "line longer than 64 KiB")
			if warn == nil {
				return pe
			}
			// Drop the rest of the line; only its start is reported.
			for errors.Is(rerr, bufio.ErrBufferFull) {
				_, rerr = br.ReadSlice('\n')
			}
			if rerr != nil && rerr != io.EOF {
				return fmt.Errorf("%s line %d: %w", name, n, rerr)
			}
			warn(pe)
			if rerr == io.EOF {
				return nil
			}
			continue
		default:
			return fmt.Errorf("%s line %d: %w", name, n, rerr)
		}
		if n == 1 && isHeader(line) {
			continue
		}
		reason, err := row(line)
		if reason != "" {
			pe := malformed(name, n, line, reason)
			if warn == nil {
				return pe
			}
			warn(pe)
		} else if err != nil {
			return err
		}
		if rerr == io.EOF {
			return nil
		}
	}
}

func malformed(name string, n int, line []byte, reason string) *ParseError {
	e := &ParseError{Name: name, Line: n, Reason: reason}
	if len(line) > maxErrorText {
		line, e.Cut = line[:maxErrorText], true
	}
	e.Text = string(line)
	return e
}

// firstFieldIs reports whether the first field of line is word.
func firstFieldIs(line []byte, word string) bool {
	f, _ := field(line)
	return string(f) == word // does not allocate
}

// field returns the first space-separated field of b and what follows it
// (starting with the separating space, if any). Only ' ' separates: the
// kernel uses nothing else, and a tab or '\r' should fail number parsing
// rather than be silently accepted.
func field(b []byte) (f, rest []byte) {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	b = b[i:]
	if j := bytes.IndexByte(b, ' '); j >= 0 {
		return b[:j], b[j:]
	}
	return b, nil
}

// pair splits the field called name at its first ':' (fields like
// "tx_queue:rx_queue" and "ADDR:PORT").
func pair(f []byte, name string) (before, after []byte, reason string) {
	if len(f) == 0 {
		return nil, nil, "too few fields (no " + name + ")"
	}
	i := bytes.IndexByte(f, ':')
	if i < 0 {
		return nil, nil, name + ": want two numbers separated by ':'"
	}
	return f[:i], f[i+1:], ""
}

// slot checks the first field of a row: a number in base parse followed
// by ':' (the sl column of the inet files, Num of unix). Its value is not
// kept: it is a hash bucket or a kernel address.
func slot(f []byte, name string, parse func([]byte, uint) (uint64, bool)) string {
	if n := len(f) - 1; n < 1 || f[n] != ':' {
		return name + ": want a number followed by ':'"
	} else if _, ok := parse(f[:n], 64); !ok {
		return name + ": want a number followed by ':'"
	}
	return ""
}

// hexField parses the field called name as a hex number of at most bits
// bits.
func hexField(f []byte, bits uint, name string) (uint64, string) {
	if len(f) == 0 {
		return 0, "too few fields (no " + name + ")"
	}
	v, ok := parseHex(f, bits)
	if !ok {
		return 0, name + ": want a hex number of at most " + bitsText(bits) + " bits"
	}
	return v, ""
}

// decField parses the field called name as a decimal number of at most
// bits bits.
func decField(f []byte, bits uint, name string) (uint64, string) {
	if len(f) == 0 {
		return 0, "too few fields (no " + name + ")"
	}
	v, ok := parseDec(f, bits)
	if !ok {
		return 0, name + ": want a decimal number of at most " + bitsText(bits) + " bits"
	}
	return v, ""
}

func bitsText(bits uint) string { return strconv.FormatUint(uint64(bits), 10) }

// parseHex parses b as an unsigned hexadecimal number of at most bits bits.
// Leading zeros are allowed (the kernel pads), signs and "0x" are not.
func parseHex(b []byte, bits uint) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		default:
			return 0, false
		}
		if v>>(bits-4) != 0 {
			return 0, false // shifting would overflow
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}

// parseDec parses b as an unsigned decimal number of at most bits bits.
func parseDec(b []byte, bits uint) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	max := uint64(math.MaxUint64) >> (64 - bits)
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (max-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}
