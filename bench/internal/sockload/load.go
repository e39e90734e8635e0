// Package sockload starts bench/loadgen and holds its sockets for the
// benchmarks (bench/run, bench/scale).
package sockload
