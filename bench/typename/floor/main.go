// Command floor is bench/typename.sh's floor: Go's net/http answering
// `{ __typename }` with nothing around it (no router, log, limits, cache or
// GraphQL), the same body as tiendo's answer (not its headers: no Vary or
// X-Request-Id). Measured with the same pins and wrk as the servers, it is
// the tail this machine's kernel and net/http give any Go server; tiendo's
// tail can approach it, not pass it.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18085", "where to listen")
	flag.Parse()
	answer := []byte(`{"data":{"__typename":"Query"}}` + "\n")
	http.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(answer)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
