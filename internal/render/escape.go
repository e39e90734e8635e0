package render

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// AppendEscaped appends s with every control character escaped: C0 controls
// and DEL as \n, \t, \r or \xHH, and the C1 controls U+0080-U+009F as \u0080
// ... so that no process name, socket path or DNS answer can forge, hide or
// recolour rows on a terminal. Other bytes, invalid UTF-8 included, pass
// through as net-tools prints them.
func AppendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20 || c == 0x7f:
			dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
			r, _ := utf8.DecodeRuneInString(s[i:])
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[r>>4&15], hexDigits[r&15])
			i += 2
			continue
		default:
			dst = append(dst, c)
		}
		i++
	}
	return dst
}

// needsEscape reports whether AppendEscaped would change s; the common case
// (no control bytes) then costs no copy.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || (c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f) {
			return true
		}
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
