//go:build !linux

package procmap

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestScanNotSupported(t *testing.T) {
	for _, all := range []bool{false, true} {
		s := New("")
		s.AllOwners = all
		got, _, err := s.Scan(context.Background(), map[uint64]struct{}{1: {}})
		if !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), runtime.GOOS) || got != nil {
			t.Errorf("AllOwners=%v: Scan = %v, %v; want an error wrapping ErrNotSupported naming %s", all, got, err, runtime.GOOS)
		}
	}
}
