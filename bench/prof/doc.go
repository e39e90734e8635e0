// Command prof runs this module's netstat in-process (cli.Main) in a given
// network namespace, repeatedly, under the Go CPU profiler, so that the
// hot spots of a large listing can be read with `go tool pprof`:
//
//	loadgen -conns 100000 &   # prints "ready"; its pid names the namespace
//	prof -netns /proc/PID/ns/net -n 20 -cpuprofile cpu.out -- -tan
//	go tool pprof -top prof cpu.out
//
// Output goes to /dev/null. It enters the namespace by setns on one thread
// and re-executes itself from there, so that every thread of the profiled
// run is in the namespace.
package main
