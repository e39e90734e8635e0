package cli

import "io"

// rowWriter batches whole rows into large writes. Unlike bufio.Writer, it
// never splits a row between two writes, so whatever reads the output
// (a pipe, `head`, a program killed halfway) sees only whole rows.
type rowWriter struct {
	w   io.Writer
	buf []byte
	err error
}

// rowBatch is the size of a write: large enough that a listing of a
// hundred thousand sockets costs a few hundred writes.
const rowBatch = 64 << 10

func newRowWriter(w io.Writer) *rowWriter {
	return &rowWriter{w: w, buf: make([]byte, 0, rowBatch)}
}

// Write adds one or more whole rows.
func (r *rowWriter) Write(rows []byte) (int, error) { return add(r, rows) }

// WriteString adds whole rows given as a string.
func (r *rowWriter) WriteString(rows string) (int, error) { return add(r, rows) }

func add[T string | []byte](r *rowWriter, rows T) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(r.buf)+len(rows) > cap(r.buf) && len(r.buf) > 0 {
		r.Flush()
	}
	r.buf = append(r.buf, rows...)
	return len(rows), r.err
}

// Flush writes what is gathered.
func (r *rowWriter) Flush() error {
	if r.err == nil && len(r.buf) > 0 {
		_, r.err = r.w.Write(r.buf)
		r.buf = r.buf[:0]
	}
	return r.err
}
