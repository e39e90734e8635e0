//go:build !linux

package sockets

import (
	"fmt"
	"runtime"
)

func readSummary(Config) (Summary, error) {
	return Summary{}, fmt.Errorf("socket summary on %s: %w", runtime.GOOS, ErrNotSupported)
}
