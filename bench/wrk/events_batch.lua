-- SPDX-License-Identifier: MIT
-- wrk script: POST /v1/events with MLC_BATCH NDJSON events per request,
-- each with an id no other request of this run uses (so every event is
-- ingested, none is a duplicate). MLC_TOKEN: bearer token; MLC_RUN: a
-- prefix that makes ids unique across runs.
local batch = tonumber(os.getenv("MLC_BATCH") or "1000")
local run = os.getenv("MLC_RUN") or tostring(os.time())
local token = os.getenv("MLC_TOKEN")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
end

function request()
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    parts[i] = string.format(
      '{"id":"%s-%d-%d","model":"model-%d","team":"team-%d","endpoint":"/predict",' ..
      '"instance":"g4dn.xlarge_1xt4","compute_seconds":0.05,"input_tokens":0}',
      run, tid, counter, counter % 8, counter % 3)
  end
  return wrk.format(nil, "/v1/events", nil, table.concat(parts, "\n"))
end

function done(summary, latency, requests)
  io.write(string.format("events/s %.0f\n", summary.requests / (summary.duration / 1e6) * batch))
end
