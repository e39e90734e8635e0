package stats

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/internal/linux/procfs"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The fixtures are a capture of this machine's /proc/net/{snmp,netstat,
// snmp6} with a counter (TcpExt FooBarNew) and a section (FooExt) no
// kernel has, which must come out in the fallback form, not be lost. The
// goldens were checked byte for byte against net-tools 2.10 reading the same
// files (bind-mounted over /proc in a private mount namespace).
func load(t *testing.T) ([]procfs.SNMPSection, []procfs.Counter) {
	t.Helper()
	var v4 []procfs.SNMPSection
	for _, name := range []string{"snmp", "netstat"} {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		secs, err := procfs.ParseSNMP(f, name)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		v4 = append(v4, secs...)
	}
	f, err := os.Open("testdata/snmp6")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v6, err := procfs.ParseSNMP6(f, "snmp6")
	if err != nil {
		t.Fatal(err)
	}
	return v4, v6
}

func TestGolden(t *testing.T) {
	v4, v6 := load(t)
	for _, tc := range []struct {
		name string
		out  []byte
	}{
		{"s", Append4(nil, v4, Selection{All: true})},
		{"st", Append4(nil, v4, Selection{TCP: true})},
		{"su", Append4(nil, v4, Selection{UDP: true})},
		{"sw", Append4(nil, v4, Selection{Raw: true})},
		{"s6", Append6(nil, v6, v4, Selection{All: true})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, tc.out, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(tc.out)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}
