//go:build !linux

package groups

import (
	"fmt"
	"runtime"
)

func list(Family) ([]Membership, error) {
	return nil, fmt.Errorf("listing multicast groups on %s: %w", runtime.GOOS, ErrNotSupported)
}
