package main

import (
	"bytes"
	"time"

	"github.com/netstat-go/netstat/bench/internal/trace"
)

// run is one run of a command.
type run struct {
	wall time.Duration
	rss  int64 // VmHWM at exit, bytes
	rows int
}

// traced runs argv under ptrace (see trace.Run) with its standard output
// counted by rows. It must run on a locked thread.
func traced(argv []string, rows *rowCounter) (run, error) {
	r, err := trace.Run(argv, rows)
	return run{wall: r.Wall, rss: r.RSS, rows: rows.rows()}, err
}

// rowCounter counts the occurrences of needle in what is written to it,
// across write boundaries, without keeping the output: at a million
// sockets a JSON document is hundreds of megabytes on one line.
type rowCounter struct {
	needle []byte
	// minus is subtracted from the count: header lines counted by "\n".
	minus int
	n     int
	tail  []byte // the last len(needle)-1 bytes seen
	buf   []byte
}

func newRowCounter(needle string, minus int) *rowCounter {
	c := &rowCounter{needle: []byte(needle), minus: minus}
	if len(needle) > 1 {
		// A newline before the output makes the first line count like
		// the others when the needle is "\nPREFIX".
		c.tail = []byte("\n")
	}
	return c
}

func (c *rowCounter) Write(p []byte) (int, error) {
	c.buf = append(append(c.buf[:0], c.tail...), p...)
	c.n += bytes.Count(c.buf, c.needle)
	// Keep fewer bytes than the needle, so no match is counted twice.
	k := min(len(c.needle)-1, len(c.buf))
	c.tail = append(c.tail[:0], c.buf[len(c.buf)-k:]...)
	return len(p), nil
}

func (c *rowCounter) rows() int { return c.n - c.minus }
