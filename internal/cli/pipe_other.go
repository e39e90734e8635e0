//go:build !unix

package cli

// quietPipe has nothing to do where there is no SIGPIPE.
func quietPipe() {}
