package httpapi

import (
	"strconv"
	"strings"
	"testing"
)

func TestDuplicateKey(t *testing.T) {
	for body, want := range map[string]string{
		`{"query":"a","variables":{"x":1}}`:                  "",
		`{"query":"a","query":"b"}`:                          "query",
		` { "a" : [ {"b":1} , {"b":2,"c":"\"b\"","b":3} ] }`: "a[1].b",
		`{"a":{"x":1},"b":{"x":1}}`:                          "",
		`{"a\\"b":1,"a\"b":2}`:                               "",
		`{"a\"b":1,"a\u0022b":2}`:                            `a"b`,
		`[1,{"k":null,"k":true}]`:                            "[1].k",
		`"just a string"`:                                    "",
	} {
		if got := duplicateKey([]byte(body)); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
	// Many members: a set, not a quadratic search.
	var b strings.Builder
	b.WriteString(`{`)
	for i := range 100000 {
		b.WriteString(`"k` + strconv.Itoa(i) + `":0,`)
	}
	b.WriteString(`"k5":1}`)
	if got := duplicateKey([]byte(b.String())); got != "k5" {
		t.Errorf("100,001 members: %q, want k5", got)
	}
}
