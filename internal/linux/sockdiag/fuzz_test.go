package sockdiag

import (
	"errors"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// The fuzz targets are one-liners so that each is bound to its decoder by
// name; the seed corpora are under testdata/fuzz/<FuzzName>/ (partly real
// kernel replies, see TestWriteFuzzSeeds).

func FuzzDecodeInet(f *testing.F) { fuzzDecoder(f, DecodeInet, nil) }
func FuzzDecodeUnix(f *testing.F) { fuzzDecoder(f, DecodeUnix, checkUnixAliases) }
func FuzzMessages(f *testing.F)   { fuzzMessages(f) }
func FuzzDecodeTCPInfo(f *testing.F) {
	fuzzTolerant(f, DecodeTCPInfo, TCPInfoKnownLen, func(m *TCPInfo) *int { return &m.Len })
}
func FuzzDecodeMemInfo(f *testing.F) {
	fuzzTolerant(f, DecodeMemInfo, MemInfoKnownLen, func(m *MemInfo) *int { return &m.Len })
}
func FuzzDecodeBBRInfo(f *testing.F) {
	fuzzTolerant(f, DecodeBBRInfo, BBRInfoKnownLen, func(m *BBRInfo) *int { return &m.Len })
}

// fuzzDecoder checks that decode never panics, fails only with ErrMalformed
// and is deterministic (it must overwrite every field of *M).
func fuzzDecoder[M any](f *testing.F, decode func([]byte, *M) error, check func(*testing.T, []byte, *M)) {
	f.Fuzz(func(t *testing.T, payload []byte) {
		var m1 M
		err := decode(payload, &m1)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		var m2 M
		// Decode again over a value holding the first result: nothing of
		// it may leak into the second.
		m2 = m1
		if err := decode(payload, &m2); err != nil {
			t.Fatalf("second decode failed: %v", err)
		}
		if diff := cmp.Diff(m1, m2); diff != "" {
			t.Fatalf("decode is not deterministic (-first +second):\n%s", diff)
		}
		if check != nil {
			check(t, payload, &m1)
		}
	})
}

// fuzzTolerant checks a decoder that accepts any length (DecodeTCPInfo,
// DecodeMemInfo): it never panics, records the length, is deterministic,
// and a short input decodes as if zero-padded to the known size.
func fuzzTolerant[M any](f *testing.F, decode func([]byte, *M), known int, lenOf func(*M) *int) {
	f.Fuzz(func(t *testing.T, b []byte) {
		var m1 M
		decode(b, &m1)
		if n := *lenOf(&m1); n != len(b) {
			t.Fatalf("Len %d for %d bytes", n, len(b))
		}
		m2 := m1
		decode(b, &m2)
		if diff := cmp.Diff(m1, m2); diff != "" {
			t.Fatalf("decode is not deterministic (-first +second):\n%s", diff)
		}
		if len(b) < known {
			var m3 M
			decode(append(b[:len(b):len(b)], make([]byte, known-len(b))...), &m3)
			*lenOf(&m3) = len(b)
			if diff := cmp.Diff(m1, m3); diff != "" {
				t.Fatalf("short input differs from zero padding (-short +padded):\n%s", diff)
			}
		}
	})
}

// checkUnixAliases checks that Name and Icons lie within the payload and
// that every icon is readable.
func checkUnixAliases(t *testing.T, payload []byte, m *UnixMsg) {
	for _, s := range [][]byte{m.Name, m.Icons, m.MemInfo} {
		if len(s) > 0 && !within(s, payload) {
			t.Fatalf("slice of %d bytes does not alias the payload", len(s))
		}
	}
	for i := range m.NIcons() {
		_ = m.Icon(i)
	}
}

// within reports whether s lies inside buf.
func within(s, buf []byte) bool {
	if len(s) == 0 {
		return true
	}
	if len(buf) == 0 {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return p >= start && p+uintptr(len(s)) <= start+uintptr(len(buf))
}

// fuzzMessages checks that Messages never panics, hands out only payloads
// inside the buffer, fails only with the documented errors, and that the
// decoders survive whatever payloads it hands out.
func fuzzMessages(f *testing.F) {
	f.Fuzz(func(t *testing.T, buf []byte) {
		var payloads [][]byte
		var im InetMsg
		var um UnixMsg
		done, err := Messages(buf, func(p []byte) error {
			if !within(p, buf) {
				t.Fatalf("payload of %d bytes is not inside the buffer", len(p))
			}
			payloads = append(payloads, p)
			if DecodeInet(p, &im) == nil {
				var ti TCPInfo
				var mi MemInfo
				DecodeTCPInfo(im.Info(), &ti)
				DecodeMemInfo(im.SkMemInfo(), &mi)
				var bi BBRInfo
				DecodeBBRInfo(im.BBRInfo(), &bi)
				if c := im.Cong(); !within(c, p) {
					t.Fatalf("Cong of %d bytes is not inside the payload", len(c))
				}
			}
			_ = DecodeUnix(p, &um)
			return nil
		})
		if len(payloads)*nlmsgHdrLen > len(buf) {
			t.Fatalf("%d payloads from %d bytes", len(payloads), len(buf))
		}
		var kerr *Error
		switch {
		case err == nil, errors.Is(err, ErrMalformed), errors.Is(err, ErrDumpInterrupted):
		case errors.As(err, &kerr):
			if kerr.Errno == 0 {
				t.Fatalf("kernel error with errno 0: %v", err)
			}
		default:
			t.Fatalf("unexpected error %v", err)
		}
		// Same input, same walk.
		n := 0
		done2, err2 := Messages(buf, func([]byte) error { n++; return nil })
		if done2 != done || n != len(payloads) || (err == nil) != (err2 == nil) {
			t.Fatalf("second walk: done=%v n=%d err=%v; first: done=%v n=%d err=%v", done2, n, err2, done, len(payloads), err)
		}
	})
}
