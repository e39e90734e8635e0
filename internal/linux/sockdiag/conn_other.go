//go:build !linux

package sockdiag

import (
	"fmt"
	"runtime"
)

// Conn is a NETLINK_SOCK_DIAG socket. Netlink exists only on Linux; on this
// system every method fails with an error wrapping ErrNotSupported, so that
// the package (and everything importing it) still builds and callers can
// fall back to another data source.
type Conn struct{}

func errNotSupported() error {
	return fmt.Errorf("sock_diag: netlink on %s: %w", runtime.GOOS, ErrNotSupported)
}

// Dial always fails on this system with an error wrapping ErrNotSupported.
func Dial() (*Conn, error) { return nil, errNotSupported() }

// Close always fails on this system with an error wrapping ErrNotSupported.
func (c *Conn) Close() error { return errNotSupported() }

// Dump always fails on this system with an error wrapping ErrNotSupported.
func (c *Conn) Dump(req []byte, fn func(payload []byte) error) error {
	return errNotSupported()
}
