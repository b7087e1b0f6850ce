-- wrk script: POST the GraphQL document in the environment's QUERY as JSON,
-- and count answers other than 200 as errors (wrk counts only non-2xx/3xx).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":' .. string.format("%q", os.getenv("QUERY") or "{ __typename }") .. '}'
