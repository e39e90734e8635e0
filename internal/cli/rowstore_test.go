package cli

import (
	"testing"

	"github.com/netstat-go/netstat/sockets"
)

// TestRowStore fills several chunks, keeps every third row and checks
// order, count and namespaces.
func TestRowStore(t *testing.T) {
	var st rowStore
	const n = 3*chunkRows + 17
	for i := range n {
		st.add(&sockets.Socket{Inode: uint64(i)})
		st.ns = append(st.ns, i%5)
	}
	if st.len() != n || len(st.chunks) != 4 {
		t.Fatalf("len %d in %d chunks", st.len(), len(st.chunks))
	}
	st.keep(func(s *sockets.Socket) bool { return s.Inode%3 == 0 })
	want := uint64(0)
	err := st.each(func(i int, s *sockets.Socket) error {
		if s.Inode != want || st.ns[i] != int(want%5) {
			t.Fatalf("row %d: inode %d ns %d, want %d %d", i, s.Inode, st.ns[i], want, want%5)
		}
		want += 3
		return nil
	})
	if err != nil || st.len() != (n+2)/3 {
		t.Errorf("kept %d rows, want %d (%v)", st.len(), (n+2)/3, err)
	}
}
