-- SPDX-License-Identifier: MIT
-- wrk script: GET the URL given to wrk (a budget check, or nginx's static
-- 200) with a bearer token (MLC_TOKEN) when one is given. Prints one line
-- "mlc_result ..." of key=value pairs that bench/serve_bench.sh parses.
local token = os.getenv("MLC_TOKEN")

function init(args)
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local ok = summary.requests - e.status
  io.write(string.format(
    "mlc_result requests=%d ok=%d non2xx=%d errors=%d seconds=%.3f rps=%.1f " ..
    "events_per_s=0 p50_ms=%.3f p99_ms=%.3f batch=0\n",
    summary.requests, ok, e.status, e.connect + e.read + e.write + e.timeout, secs,
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
