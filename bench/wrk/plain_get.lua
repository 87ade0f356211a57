-- SPDX-License-Identifier: MIT
-- wrk script: GET the URL given to wrk (a budget check, or nginx's static
-- 200) with a bearer token (MLC_TOKEN) when one is given. Prints one line
-- "mlc_result ..." of key=value pairs (result.lua) that bench/serve_bench.sh parses.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
local token = os.getenv("MLC_TOKEN")

function init(args)
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
end

function done(summary, latency, requests)
  mlc_result(summary, latency, 0)
end
