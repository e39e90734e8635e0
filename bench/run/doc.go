// Command run is the project's socket-listing benchmark (issue 8). From the
// module root, as root:
//
//	go run ./bench/run                       # everything, several minutes
//	go run ./bench/run -configs 1000:1 -runs 3 -startup-runs 20   # quick
//
// It builds this module's netstat (./cmd/netstat, or takes -netstat), the
// floors (./bench/floor), an empty Go program (./bench/empty) and the load
// generator (./bench/loadgen). For each configuration N:P it starts
// loadgen (N loopback TCP connections over P processes, in a private
// network namespace), enters that namespace on a locked thread and times
// whole commands started from there, interleaved round-robin: our netstat
// -tan, -tanp, -tan --json and -tan with a filter matching a handful of sockets,
// net-tools netstat -tan and -tanp, ss -tan, -tanp and the same filter,
// and the three floors. Then it times start-up in an empty namespace:
// netstat -tln against `true` and an empty Go program.
//
// Before the timed runs each command runs once with its output captured,
// and its rows are counted against what loadgen opened (and, for -p, the
// rows that name a process); that check run is traced (ptrace) so that its
// peak RSS (VmHWM) is read just before it exits. A command whose check run
// took longer than -slow gets only -slow-runs timed runs; the table says
// so. Times are wall clock from fork to exit, output to /dev/null, with the
// median CPU time (user + system) beside them. The result is a Markdown
// report on standard output (or -o).
package main
