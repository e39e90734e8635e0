//go:build !linux

package interfaces

import (
	"fmt"
	"runtime"
)

func list() ([]Interface, error) {
	return nil, fmt.Errorf("listing interfaces on %s: %w", runtime.GOOS, ErrNotSupported)
}

func listDetailed() ([]Interface, error) { return list() }
