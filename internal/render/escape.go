package render

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// AppendEscaped appends s with every control character escaped: C0 controls
// and DEL as \n, \t, \r or \xHH, the C1 controls U+0080-U+009F as \u0080
// ..., and a byte 0x80-0x9F that is not part of valid UTF-8 as \xHH (an
// 8-bit terminal reads 0x9B as CSI), so that no process name, socket path
// or DNS answer can forge, hide or recolour rows on a terminal. Other
// bytes, other invalid UTF-8 included, pass through as net-tools prints
// them.
func AppendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		n := escapeLen(s, i)
		dst = appendEscapedAt(dst, s, i, n)
		i += n
	}
	return dst
}

// escapeLen is the length of the unit at s[i] that escaping treats as one:
// a whole UTF-8 sequence, or one byte.
func escapeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// appendEscapedAt appends the unit s[i:i+n], escaped if it must be.
func appendEscapedAt(dst []byte, s string, i, n int) []byte {
	c := s[i]
	switch {
	case c == '\n':
		return append(dst, '\\', 'n')
	case c == '\t':
		return append(dst, '\\', 't')
	case c == '\r':
		return append(dst, '\\', 'r')
	case c < 0x20 || c == 0x7f || n == 1 && c >= 0x80 && c <= 0x9f:
		return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
	case n == 2 && c == 0xc2 && s[i+1] <= 0x9f:
		r, _ := utf8.DecodeRuneInString(s[i:])
		return append(dst, '\\', 'u', '0', '0', hexDigits[r>>4&15], hexDigits[r&15])
	}
	return append(dst, s[i:i+n]...)
}

// needsEscape reports whether AppendEscaped would change s; the common case
// (no control bytes) then costs no copy.
func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		n := escapeLen(s, i)
		if n == 1 && c <= 0x9f || n == 2 && c == 0xc2 && s[i+1] <= 0x9f {
			return true
		}
		i += n
	}
	return false
}

// escaped is AppendEscaped for callers that need a string (for padding and
// cutting); it costs nothing when s has no control character.
func escaped(s string) string {
	if !needsEscape(s) {
		return s
	}
	return string(AppendEscaped(nil, s))
}
