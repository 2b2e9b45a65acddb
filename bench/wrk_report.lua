-- wrk script for bench/http.py. Reads its request from the environment and writes one JSON line
-- of results to WRK_OUT. WRK_BODY's "{n}" becomes a number unique within the thread.
local method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY") or ""
local out = os.getenv("WRK_OUT")

wrk.method = method
for line in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end
if body ~= "" then wrk.body = body end

local sent = 0
local unique = string.find(body, "{n}", 1, true)
request = function()
  if not unique then return wrk.request() end
  sent = sent + 1
  local text = string.gsub(body, "{n}", tostring(math.random(1, 1e9)) .. "-" .. tostring(sent))
  return wrk.format(nil, nil, nil, text)
end

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local function ms(p) return summary.requests > 0 and latency:percentile(p) / 1000.0 or -1 end
  local line = string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, ' ..
    '"err_status": %d, "err_connect": %d, "err_read": %d, "err_timeout": %d}',
    summary.requests, summary.requests / seconds, ms(50), ms(95), ms(99), latency.max / 1000.0,
    e.status, e.connect, e.read, e.timeout)
  if out then local f = io.open(out, "w"); f:write(line .. "\n"); f:close() end
end
