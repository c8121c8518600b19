-- wrk script: POST one request body at a constant target rate and report the results in one line.
--
-- Plain wrk sends as fast as it can; this script paces it with wrk's delay() hook, which is
-- asked how long to wait before a connection sends its next request. Each wrk thread keeps a
-- timeline of send slots spaced threads / rate apart and hands every ready connection the next
-- free slot, so the rate holds as long as some connection is idle (connections > rate x latency).
-- Without LuaJIT's ffi (no millisecond clock) it falls back to a fixed think time of
-- connections / rate per request per connection, which sends a little below the target rate.
--
-- Environment: BODY (file with the request body), RATE (requests/s, all threads together),
-- CONNECTIONS and THREADS (as given to wrk), CONTENT_TYPE (default application/json).

local body_file = assert(os.getenv("BODY"), "BODY: the request body file")
local rate = tonumber(os.getenv("RATE") or "50")
local connections = tonumber(os.getenv("CONNECTIONS") or "8")
local threads_count = tonumber(os.getenv("THREADS") or "1")

local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "application/json"

local ok, ffi = pcall(require, "ffi")
local now_ms
if ok then
   pcall(ffi.cdef, [[
      typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
      int clock_gettime(int clk_id, bench_timespec *tp);
   ]])
   local ts = ffi.new("bench_timespec")
   now_ms = function()
      ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
   end
end

local interval = threads_count / rate * 1000 -- ms between sends of this thread
local next_slot = nil

function delay()
   if not now_ms then
      return connections / rate * 1000
   end
   local now = now_ms()
   if next_slot == nil or next_slot < now then
      next_slot = now
   end
   local wait = next_slot - now
   next_slot = next_slot + interval
   return math.floor(wait + 0.5)
end

function done(summary, latency, requests)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   -- one line for bench/predict-load.sh: requests, seconds, achieved/s, p50 ms, p99 ms, max ms, non-2xx, socket errors
   io.write(string.format("RESULT %d %.3f %.1f %.2f %.2f %.2f %d %d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      e.status, e.connect + e.read + e.write + e.timeout))
end
