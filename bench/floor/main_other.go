//go:build !linux

package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "floor: needs Linux sock_diag, not supported on %s\n", runtime.GOOS)
	os.Exit(1)
}
