package render

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/netstat-go/netstat/groups"
	"github.com/netstat-go/netstat/interfaces"
	"github.com/netstat-go/netstat/internal/linux/procfs"
	"github.com/netstat-go/netstat/internal/schematest"
	"github.com/netstat-go/netstat/routes"
	"github.com/netstat-go/netstat/sockets"
)

var docTime = time.Date(2026, 11, 29, 6, 0, 0, 123456789, time.UTC)

func fakeProcesses(inode uint64) []Process {
	switch inode {
	case 4372:
		return []Process{{1234, "python3.11", 3}, {1234, "python3.11", 7}, {1240, "worker", 3}}
	case 4387:
		return []Process{{7, "evil\x1b[31m\nname\xff", 5}}
	}
	if pid, name, ok := fakeOwner(inode); ok {
		return []Process{{pid, name, 4}}
	}
	return nil
}

// jsonGolden checks a document against the schema and against its golden
// file, which holds it indented so that a diff is readable.
func jsonGolden(t *testing.T, name string, doc []byte) {
	t.Helper()
	if len(doc) == 0 || doc[len(doc)-1] != '\n' || bytes.Count(doc, []byte("\n")) != 1 {
		t.Fatalf("document is not one line: %q", doc)
	}
	schematest.Validate(t, doc)
	var ind bytes.Buffer
	if err := json.Indent(&ind, doc, "", "  "); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, doc)
	}
	golden(t, filepath.Join("testdata", name+".json.golden"), ind.Bytes())
}

func TestJSONSocketsGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table Table
	}{
		{"sockets-numeric", Table{NumericHosts: true, NumericPorts: true, NumericUsers: true}},
		{"sockets-names", Table{Names: fakeNames{}}},
		{"sockets-programs", Table{NumericHosts: true, NumericPorts: true, NumericUsers: true,
			Programs: true, Owner: fakeOwner, Processes: fakeProcesses, Contexts: true, Context: fakeContext}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := BeginDoc(nil, "sockets", docTime)
			d.BeginArray("sockets")
			for _, rows := range [][]sockets.Socket{inetRows, unixRows} {
				for i := range rows {
					d.Item(tc.table.JSON(&rows[i]))
				}
			}
			d.EndArray()
			jsonGolden(t, "json-"+tc.name, d.End([]string{"a warning"}))
		})
	}
}

// TestJSONExactBytes checks that text that is not UTF-8 survives: the
// member carries U+FFFD, raw carries the bytes.
func TestJSONExactBytes(t *testing.T) {
	path := "/tmp/\xff\xfeodd\nname"
	s := sockets.Socket{Protocol: sockets.Unix, Type: sockets.Stream, State: sockets.Close, Path: path, Inode: 9}
	tb := Table{Programs: true, Processes: func(uint64) []Process { return []Process{{1, "bad\x80name", 0}} }}
	d := BeginDoc(nil, "sockets", docTime)
	d.BeginArray("sockets")
	d.Item(tb.JSON(&s))
	d.EndArray()
	doc := d.End(nil)
	schematest.Validate(t, doc)
	var got struct {
		Sockets []JSONSocket `json:"sockets"`
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	j := got.Sockets[0]
	if diff := cmp.Diff(path, string(j.Raw["path"])); diff != "" {
		t.Errorf("raw path (-want +got):\n%s", diff)
	}
	if want := "/tmp/\ufffd\ufffdodd\nname"; *j.Path != want {
		t.Errorf("path = %q, want %q", *j.Path, want)
	}
	if p := (*j.Processes)[0]; string(p.Raw["name"]) != "bad\x80name" {
		t.Errorf("raw process name = %q", p.Raw["name"])
	}
	if bytes.ContainsAny(doc[:len(doc)-1], "\x1b\n") {
		t.Errorf("raw control byte in document: %q", doc)
	}
}

func TestJSONTablesGolden(t *testing.T) {
	v4, v6 := loadRoutes(t)
	for _, tc := range []struct {
		name  string
		table RouteTable
	}{{"routes-numeric", RouteTable{}}, {"routes-names", RouteTable{Names: routeNames{}}}} {
		t.Run(tc.name, func(t *testing.T) {
			d := BeginDoc(nil, "routes", docTime)
			d.Field("cache", false)
			d.BeginArray("routes")
			for _, rs := range [][]routes.Route{v4, v6} {
				for i := range rs {
					d.Item(tc.table.JSON(&rs[i]))
				}
			}
			d.EndArray()
			jsonGolden(t, "json-"+tc.name, d.End(nil))
		})
	}

	t.Run("interfaces", func(t *testing.T) {
		rows := append([]interfaces.Interface{}, ifaceRows...)
		rows = append(rows, interfaces.Interface{Name: "veth0", MTU: 1500,
			Flags: interfaces.Up | interfaces.Broadcast | interfaces.Running, Stats: &interfaces.Stats{RxBytes: 1},
			Detail: &interfaces.Detail{
				Addr: netip.MustParseAddr("192.0.2.1"), Netmask: netip.MustParseAddr("255.255.255.0"),
				Broadcast: netip.MustParseAddr("192.0.2.255"), Destination: netip.MustParseAddr("192.0.2.1"),
				IPv6: []interfaces.IPv6Addr{
					{Addr: netip.MustParseAddr("2001:db8::1"), PrefixLen: 64},
					{Addr: netip.MustParseAddr("fe80::1"), PrefixLen: 64, Scope: 0x20},
					{Addr: netip.MustParseAddr("fe80::2"), PrefixLen: 64, Scope: 0x21},
				},
				HasHW: true, HWType: interfaces.HWEther,
				HWAddr:     []byte{0x5a, 0x0e, 0xa1, 0xfa, 0xce, 0x5d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
				TxQueueLen: 1000,
			}},
			interfaces.Interface{Name: "tun\xff", MTU: 1500, Flags: interfaces.Up | interfaces.PointToPoint | 1<<20,
				Stats: &interfaces.Stats{},
				Detail: &interfaces.Detail{Addr: netip.MustParseAddr("198.51.100.1"), Destination: netip.MustParseAddr("198.51.100.2"),
					HasHW: true, HWType: interfaces.HWNone, HWAddr: make([]byte, 16), TxQueueLen: -1}})
		d := BeginDoc(nil, "interfaces", docTime)
		d.BeginArray("interfaces")
		for i := range rows {
			d.Item(InterfaceJSON(&rows[i]))
		}
		d.EndArray()
		jsonGolden(t, "json-interfaces", d.End(nil))
	})

	t.Run("groups", func(t *testing.T) {
		rows := []groups.Membership{
			{Index: 1, Interface: "lo", Group: netip.MustParseAddr("224.0.0.1"), Users: 1},
			{Index: 3, Interface: "eth0", Group: netip.MustParseAddr("127.0.0.1"), Users: 1234567},
			{Index: 3, Interface: "evil\x1b[31m\nname", Group: netip.MustParseAddr("ff02::1:ff00:1"), Users: 2},
		}
		d := BeginDoc(nil, "groups", docTime)
		d.BeginArray("groups")
		for i := range rows {
			d.Item(GroupJSON(&rows[i], fakeNames{}))
		}
		d.EndArray()
		jsonGolden(t, "json-groups", d.End(nil))
	})

	t.Run("statistics", func(t *testing.T) {
		secs := []procfs.SNMPSection{
			{Name: "Ip", Counters: []procfs.Counter{{Name: "Forwarding", Value: 1}, {Name: "InReceives", Value: 1<<63 - 1}}},
			{Name: "Tcp", Counters: []procfs.Counter{{Name: "MaxConn", Value: 1<<64 - 1}, {Name: "ActiveOpens", Value: 7}}},
			{Name: "Empty"},
			{Name: "Ip6", Counters: []procfs.Counter{{Name: "Ip6InReceives", Value: 3}}},
		}
		d := BeginDoc(nil, "statistics", docTime)
		d.RawField("statistics", AppendStatsJSON(nil, secs))
		jsonGolden(t, "json-statistics", d.End(nil))
	})

	t.Run("summary", func(t *testing.T) {
		s := sockets.Summary{Sockets: 1234, TCPAlloc: 20, TCPOrphans: 1, TCPTimeWait: 3, TCPEstablished: 8,
			TCP4: 15, TCP6: 4, UDP4: 2, UDP6: 1, Raw4: 1, Raw6: 1, Frag6: 1234567890}
		d := BeginDoc(nil, "summary", docTime)
		d.Field("summary", SummaryJSON(&s))
		jsonGolden(t, "json-summary", d.End(nil))
	})
}

// TestSchemaRejects makes sure the schema is not a rubber stamp.
func TestSchemaRejects(t *testing.T) {
	for _, doc := range []string{
		`{}`,
		`{"schema":"netstat-go/v2","mode":"sockets","time":"2026-11-29T06:00:00Z","sockets":[],"warnings":[]}`,
		`{"schema":"netstat-go/v1","mode":"sockets","time":"2026-11-29T06:00:00Z","warnings":[]}`,
		`{"schema":"netstat-go/v1","mode":"sockets","time":"yesterday","sockets":[],"warnings":[]}`,
		`{"schema":"netstat-go/v1","mode":"sockets","time":"2026-11-29T06:00:00Z","warnings":[],"sockets":[{"protocol":"tcp","family":"inet","state":"LISTEN","listening":true,"uid":0,"inode":1}]}`,
		`{"schema":"netstat-go/v1","mode":"sockets","time":"2026-11-29T06:00:00Z","warnings":[],"sockets":[{"protocol":"unix","family":"unix","state":"CLOSE","listening":false,"uid":0,"inode":1,"type":"STREAM","path":"","ref_count":2,"extra":1}]}`,
		`{"schema":"netstat-go/v1","mode":"statistics","time":"2026-11-29T06:00:00Z","warnings":[],"statistics":{"Ip":{"Forwarding":"1"}}}`,
	} {
		if schematest.Check([]byte(doc)) == nil {
			t.Errorf("schema accepts %s", doc)
		}
	}
}
