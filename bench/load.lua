-- wrk script of `make bench-load` (bench/load.py runs it): checks every answer and prints the
-- run's figures in a form bench.load parses.
--
--   wrk ... -s bench/load.lua URL -- STATUS MARKER
--
-- STATUS is the status every answer must have (200 for a page; 302 for the confirm POST,
-- which redirects back to the week it confirmed). MARKER is text the answer must hold: for a
-- 200 in its body (text the page shows only with real data), for a redirect in its Location.
-- BODIES, for a POST, is a file of form bodies, one a line, each sent once: of THREADS threads
-- each takes every THREADS-th line. A thread that has sent all of its lines stops; the request
-- wrk still wants from it meanwhile is a GET of HELLO (never a body twice), counted in
-- `ran_out` and left out of the checks, and bench.load reports the run as short of bodies.
-- The cookie and other headers come from wrk's -H options.
--
--   wrk ... -s bench/load.lua URL -- 302 MARKER BODIES THREADS HELLO

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

local expected, marker, bodies, next_body, hello = 200, "", nil, 1, "/"
local hello_text = "Hello, World!"
-- Per thread; done() reads them through thread:get.
bad_status, missing, sent, ran_out, extra, last_bad = 0, 0, 0, 0, 0, 0

function init(args)
   expected = tonumber(args[1]) or 200
   marker = args[2] or ""
   if args[3] then
      -- setup() ran in the main Lua state, so this thread knows its id but not how many
      -- threads there are: bench.load passes that (wrk's -t).
      local id, count = wrk.thread:get("id"), tonumber(args[4]) or 1
      hello = args[5] or hello
      bodies = {}
      local line_number = 0
      for line in io.lines(args[3]) do
         line_number = line_number + 1
         if (line_number - 1) % count == id - 1 and line ~= "" then
            table.insert(bodies, line)
         end
      end
      wrk.method = "POST"
      wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   end
end

function request()
   if bodies then
      if next_body > #bodies then
         ran_out = ran_out + 1
         wrk.thread:stop()
         return wrk.format("GET", hello, {}, "")
      end
      local body = bodies[next_body]
      next_body = next_body + 1
      sent = sent + 1
      return wrk.format(nil, nil, nil, body)
   end
   sent = sent + 1
   return wrk.format()
end

function response(status, headers, body)
   if bodies and status == 200 and body == hello_text then
      extra = extra + 1 -- the answer to a request sent after the bodies ran out
      return
   end
   if status ~= expected then
      bad_status = bad_status + 1
      last_bad = status
      return
   end
   local where = body
   if status >= 300 and status < 400 then
      where = headers["Location"] or headers["location"] or ""
   end
   if marker ~= "" and not string.find(where, marker, 1, true) then
      missing = missing + 1
   end
end

function done(summary, latency, requests)
   local names = { "bad_status", "missing", "sent", "ran_out", "extra" }
   local totals = {}
   for _, name in ipairs(names) do
      totals[name] = 0
   end
   for _, thread in ipairs(threads) do
      for _, name in ipairs(names) do
         totals[name] = totals[name] + (tonumber(thread:get(name)) or 0)
      end
   end
   local errors = summary.errors
   local out = {
      "requests=" .. summary.requests,
      "duration_us=" .. summary.duration,
      "connect_errors=" .. errors.connect,
      "read_errors=" .. errors.read,
      "write_errors=" .. errors.write,
      "timeouts=" .. errors.timeout,
      "mean_us=" .. string.format("%.0f", latency.mean),
      "max_us=" .. latency.max,
   }
   for _, p in ipairs({ 50, 75, 90, 95, 99 }) do
      table.insert(out, "p" .. p .. "_us=" .. latency:percentile(p))
   end
   for _, name in ipairs(names) do
      table.insert(out, name .. "=" .. totals[name])
   end
   local last = 0
   for _, thread in ipairs(threads) do
      last = math.max(last, tonumber(thread:get("last_bad")) or 0)
   end
   table.insert(out, "last_bad_status=" .. last)
   io.write("bench-load: " .. table.concat(out, " ") .. "\n")
end
