-- SPDX-License-Identifier: MIT
-- The one result line of bench/wrk/*.lua: "mlc_result key=value ..." with
-- requests, ok (2xx), non-2xx, socket errors, req/s, events/s (ok × batch)
-- and latency percentiles, which bench/serve_bench.sh parses. Loaded by
-- the other scripts from their own directory (dofile).
function mlc_result(summary, latency, batch)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local ok = summary.requests - e.status
  io.write(string.format(
    "mlc_result requests=%d ok=%d non2xx=%d errors=%d seconds=%.3f rps=%.1f " ..
    "events_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f batch=%d\n",
    summary.requests, ok, e.status, e.connect + e.read + e.write + e.timeout, secs,
    summary.requests / secs, ok * batch / secs, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, batch))
end
