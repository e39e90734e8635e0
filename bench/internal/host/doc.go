// Package host holds what the benchmarks ask of the machine they run on:
// its description for a report, the peers' binaries, a static build of
// the programs under test, and values of /proc files such as VmHWM.
package host
