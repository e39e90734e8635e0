package procfs

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

var errStop = errors.New("stop")

// TestCallbackError checks that an error from fn ends the parse at once and
// comes back unchanged (not wrapped), so callers can stop early.
func TestCallbackError(t *testing.T) {
	tests := []struct {
		name  string
		parse func(r io.Reader, fn func() error) error
		input string
	}{
		{"inet", func(r io.Reader, fn func() error) error {
			return ParseInet(r, "tcp", func(*InetRow) error { return fn() })
		}, inetHeader + strings.Repeat(tcpListen+"\n", 5)},
		{"unix", func(r io.Reader, fn func() error) error {
			return ParseUnix(r, "unix", func(*UnixRow) error { return fn() })
		}, unixHeader + strings.Repeat(unixListen+"\n", 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := tt.parse(strings.NewReader(tt.input), func() error {
				calls++
				if calls == 2 {
					return errStop
				}
				return nil
			})
			if err != errStop {
				t.Errorf("got error %v, want errStop itself", err)
			}
			if calls != 2 {
				t.Errorf("fn called %d times after failing, want 2", calls)
			}
		})
	}
}

// TestReaderError checks that read errors are returned wrapped, with the
// file name and the line being read, and are not ErrMalformed.
func TestReaderError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	tests := []struct {
		name string
		r    io.Reader
		want string
		rows int
	}{
		{"at once", iotest.ErrReader(errDisk), "/proc/net/tcp line 1: disk on fire", 0},
		{"mid file", io.MultiReader(strings.NewReader(inetHeader+tcpListen+"\n"+"   1: 01"), iotest.ErrReader(errDisk)),
			"/proc/net/tcp line 3: disk on fire", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := 0
			err := ParseInet(tt.r, "/proc/net/tcp", func(*InetRow) error { rows++; return nil })
			if !errors.Is(err, errDisk) || errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want an error wrapping only errDisk", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if rows != tt.rows {
				t.Errorf("fn called %d times, want %d", rows, tt.rows)
			}
		})
	}
}

// TestOneByteReads checks that lines are reassembled from short reads, as
// they may come from any io.Reader.
func TestOneByteReads(t *testing.T) {
	skipOnBigEndian(t)
	input := readCapture(t, "tcp")
	want, err := collectInet(input)
	if err != nil {
		t.Fatal(err)
	}
	var got []InetRow
	err = ParseInet(iotest.OneByteReader(strings.NewReader(input)), "tcp", func(r *InetRow) error {
		got = append(got, *r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestAllocsPerFile checks that parsing allocates a constant amount per
// file whatever its length: the promise that lets netstat read large
// tables cheaply. A big enough *bufio.Reader is used as is.
func TestAllocsPerFile(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	inet := func(n int) string { return inetHeader + strings.Repeat(tcpListen+"\n", n) }
	unix := func(n int) string { return unixHeader + strings.Repeat(unixListen+"\n", n) }
	tests := []struct {
		name  string
		parse func(io.Reader) error
		input func(int) string
	}{
		{"inet", func(r io.Reader) error { return ParseInet(r, "tcp", func(*InetRow) error { return nil }) }, inet},
		{"unix", func(r io.Reader) error { return ParseUnix(r, "unix", func(*UnixRow) error { return nil }) }, unix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			measure := func(rows int, wrap func(io.Reader) io.Reader) float64 {
				input := []byte(tt.input(rows))
				rd := bytes.NewReader(input)
				var r io.Reader
				return testing.AllocsPerRun(20, func() {
					rd.Reset(input)
					r = wrap(rd)
					if err := tt.parse(r); err != nil {
						t.Fatal(err)
					}
				})
			}
			plain := func(r io.Reader) io.Reader { return r }
			few, many := measure(10, plain), measure(5000, plain)
			t.Logf("allocs: %v for 10 rows, %v for 5000", few, many)
			if few != many || many > 3 {
				t.Errorf("allocations: %v for 10 rows, %v for 5000; want the same small number", few, many)
			}
			br := bufio.NewReaderSize(nil, bufSize)
			reuse := func(r io.Reader) io.Reader { br.Reset(r); return br }
			got := measure(5000, reuse)
			t.Logf("allocs with a reused *bufio.Reader: %v", got)
			if got >= many {
				t.Errorf("allocations with a *bufio.Reader: %v, want fewer than %v", got, many)
			}
		})
	}
}
