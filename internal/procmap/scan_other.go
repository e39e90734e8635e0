//go:build !linux

package procmap

import (
	"context"
	"fmt"
	"runtime"
)

// scan fails on this system: only Linux has /proc/PID/fd.
func (s *Scanner) scan(context.Context, map[uint64]struct{}) (map[uint64][]Owner, Stats, error) {
	return nil, Stats{}, fmt.Errorf("procmap: socket owners on %s: %w", runtime.GOOS, ErrNotSupported)
}
