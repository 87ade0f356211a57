-- SPDX-License-Identifier: MIT
-- wrk script: POST MLC_BATCH (default 1000) NDJSON events per request to
-- the URL given to wrk (/v1/events, or nginx for the peer figure), each
-- with an id no other request of this run uses (so every event is
-- ingested, none is a duplicate). MLC_TOKEN: bearer token; MLC_RUN: a
-- prefix that makes ids unique across runs. The events carry no time (the
-- server stamps the time it receives them) and are priced from the
-- catalog (an instance and compute seconds), as serving code would send
-- them. bench/serve_bench.sh runs it and parses the one line
-- "mlc_result ..." of key=value pairs it prints (result.lua).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
local batch = tonumber(os.getenv("MLC_BATCH") or "1000")
local run = os.getenv("MLC_RUN") or tostring(os.time())
local token = os.getenv("MLC_TOKEN")
local threads = {}
local counter = 0
local parts = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-ndjson"
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
  -- The body is kept as pieces with a slot for the request number in each
  -- id; a request fills the slots and joins the pieces (in C). Events are
  -- kept short so that 1000 of them stay under 128 KiB: LuaJIT's allocator
  -- maps larger strings with mmap and unmaps them when collected, and the
  -- page faults and TLB shootdowns of that capped wrk near 250 requests/s.
  for i = 1, batch do
    parts[3 * i - 2] = (i > 1 and "\n" or "") .. string.format('{"id":"%s-%d-', run, tid)
    parts[3 * i - 1] = "0"
    parts[3 * i] = string.format(
      '-%d","model":"model-%d","team":"team-%d","instance":"g4dn.xlarge_1xt4",' ..
      '"compute_seconds":0.05}', i, i % 8, i % 3)
  end
end

function request()
  counter = counter + 1
  local n = tostring(counter)
  for i = 2, 3 * batch, 3 do parts[i] = n end
  return wrk.format(nil, nil, nil, table.concat(parts))
end

function done(summary, latency, requests)
  mlc_result(summary, latency, batch)
end
