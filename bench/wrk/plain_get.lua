-- SPDX-License-Identifier: MIT
-- wrk script: GET with a bearer token (MLC_TOKEN) when one is given.
local token = os.getenv("MLC_TOKEN")
function init(args)
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
end
