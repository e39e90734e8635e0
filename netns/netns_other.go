//go:build !linux

package netns

import (
	"fmt"
	"runtime"
)

func errNotSupported(what string) error {
	return fmt.Errorf("netns: %s on %s: %w", what, runtime.GOOS, ErrNotSupported)
}

func (Finder) open(string) (*Handle, error) { return nil, errNotSupported("opening a namespace") }

func (Finder) openNamespace(Namespace) (*Handle, error) {
	return nil, errNotSupported("opening a namespace")
}

func (Finder) current() (Namespace, error) { return Namespace{}, errNotSupported("namespaces") }

func (Finder) all() (Scan, error) { return Scan{}, errNotSupported("listing namespaces") }

func (*Handle) do(func() error) error { return errNotSupported("entering a namespace") }

func (*Handle) close() error { return nil }
