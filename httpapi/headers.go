package httpapi

import "net/http"

// Header fields by their canonical names, without http.Header's methods,
// which canonicalize the name at each call: a trivial query looks up and
// sets a dozen fields, and canonicalizing was a tenth of its CPU here.
// Every name given to these must be canonical (TestHeaderNamesCanonical).

// getHeader is h.Get(name).
func getHeader(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// setHeader is h.Set(name, value).
func setHeader(h http.Header, name, value string) { h[name] = []string{value} }

// addHeader is h.Add(name, value).
func addHeader(h http.Header, name, value string) { h[name] = append(h[name], value) }
