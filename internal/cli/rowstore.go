package cli

import "github.com/netstat-go/netstat/sockets"

// rowStore holds the sockets -p must keep until the process scan is done,
// in fixed chunks: growing one slice by doubling would copy every socket
// several times and hold up to twice the memory (it was most of -tanp's
// allocation at 200 000 sockets).
type rowStore struct {
	chunks [][]sockets.Socket
	// ns holds, with --all-netns, each row's namespace, in row order.
	ns []int
}

const chunkRows = 4096

func (st *rowStore) add(s *sockets.Socket) {
	n := len(st.chunks)
	if n == 0 || len(st.chunks[n-1]) == chunkRows {
		st.chunks = append(st.chunks, make([]sockets.Socket, 0, chunkRows))
		n++
	}
	st.chunks[n-1] = append(st.chunks[n-1], *s)
}

func (st *rowStore) len() int {
	n := 0
	for _, c := range st.chunks {
		n += len(c)
	}
	return n
}

// each calls fn for every row in order, with its index, until fn fails.
func (st *rowStore) each(fn func(i int, s *sockets.Socket) error) error {
	i := 0
	for _, c := range st.chunks {
		for k := range c {
			if err := fn(i, &c[k]); err != nil {
				return err
			}
			i++
		}
	}
	return nil
}

// keep drops the rows keep rejects, in place.
func (st *rowStore) keep(keep func(*sockets.Socket) bool) {
	var out rowStore
	_ = st.each(func(i int, s *sockets.Socket) error {
		if keep(s) {
			out.add(s)
			if st.ns != nil {
				out.ns = append(out.ns, st.ns[i])
			}
		}
		return nil
	})
	if st.ns != nil && out.ns == nil {
		out.ns = []int{}
	}
	*st = out
}
