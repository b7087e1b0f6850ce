-- wrk script: GET the URL given (a GraphQL query in its query string, as a
-- cache or CDN in front sees it), asking for gzip as bench/load does, and
-- print one line in bench/load's format, labelled with the environment's
-- NAME: requests answered 2xx/3xx, failures (socket errors and other
-- statuses), requests per second, latency percentiles in ms.
--   NAME=x wrk -t2 -c32 -d10s -s bench/wrk/get.lua 'http://127.0.0.1:18080/graphql?query=…'
wrk.headers["Accept-Encoding"] = "gzip"

function done(summary, latency, requests)
  local e = summary.errors
  local failures = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format("%s requests=%d failures=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
    os.getenv("NAME") or "wrk", summary.requests - failures, failures, (summary.requests - failures) / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
