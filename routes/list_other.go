//go:build !linux

package routes

import (
	"fmt"
	"runtime"
)

func list(Config, Family) ([]Route, error) {
	return nil, fmt.Errorf("routes on %s: %w", runtime.GOOS, ErrNotSupported)
}
