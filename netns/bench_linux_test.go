package netns

import "testing"

// BenchmarkAll scans this host: one stat per process plus the netns
// directories.
func BenchmarkAll(b *testing.B) {
	var n int
	for b.Loop() {
		scan, err := All()
		if err != nil {
			b.Fatal(err)
		}
		n = len(scan.Namespaces)
	}
	b.ReportMetric(float64(n), "namespaces")
}

// BenchmarkDo enters this process's own namespace and leaves it: the cost of
// Do around a function that does nothing.
func BenchmarkDo(b *testing.B) {
	h, err := Open("/proc/self/ns/net")
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	if err := h.Do(func() error { return nil }); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if err := h.Do(func() error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
