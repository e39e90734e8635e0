// Command empty does nothing: the benchmark's reference for the start-up
// and exit of a Go program.
package main

func main() {}
