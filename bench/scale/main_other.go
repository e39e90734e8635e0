//go:build !linux

package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "scale: needs Linux network namespaces, not supported on %s\n", runtime.GOOS)
	os.Exit(1)
}
