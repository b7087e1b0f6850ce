package graph

import (
	"bytes"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tiendo-vn/tiendo/domain"
)

// The appenders of the scalars and enums the writer writes: each writes
// byte for byte what the marshaler gqlgen binds the type to writes
// (TestAppendersMatchMarshalers); the generator (graph/internal/gen) knows
// which appender stands for which marshaler.

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// appendFloat writes a float as gqlgen's Float does (%g: the shortest
// representation); false for one that is not finite, which the executor
// refuses with an error.
func appendFloat(b []byte, v float64) ([]byte, bool) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return b, false
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64), true
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

const hexDigits = "0123456789ABCDEF" // gqlgen writes \u001F

// appendString quotes a string as gqlgen's String does: only control
// characters, the quote and the backslash are escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\t':
			b = append(b, `\t`...)
		case '\r':
			b = append(b, `\r`...)
		case '\n':
			b = append(b, `\n`...)
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendQuoted writes s as strconv.Quote does (MarshalUnitKind and the
// other enums of scalars.go).
func appendQuoted(b []byte, s string) []byte { return strconv.AppendQuote(b, s) }

// appendDate writes a Date as MarshalDate does.
func appendDate(b []byte, d domain.Date) []byte { return strconv.AppendQuote(b, d.String()) }

// appendMarshaler writes what a marshaler writes, for the scalars that
// have no appender of their own; false for null where the schema says
// non-null, which the executor refuses.
func appendMarshaler(b []byte, m graphql.Marshaler, nonNull bool) ([]byte, bool) {
	if m == graphql.Null && nonNull {
		return b, false
	}
	buf := bytes.NewBuffer(b)
	m.MarshalGQL(buf)
	return buf.Bytes(), true
}
