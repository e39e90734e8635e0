// Package trace runs a command the way the benchmarks measure it: its peak
// resident set size read just before it exits, and threads that stand in a
// network namespace while they start commands. It serves bench/run and
// bench/scale.
package trace
