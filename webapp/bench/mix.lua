-- The web mix of webapp/bench/locustfile.py for wrk, the thin load driver of `make bench-web`:
-- the same pages, roles (3:1:1) and task weights, each request as one of the logged-in people
-- (their session cookie; a booking carries their CSRF token). The phones' calendar apps poll the
-- feed with the ETag they hold. Every request asks for compression as browsers do. Data (homes,
-- rooms, sessions, search words, the feed) come from a Lua file written by webapp/bench/web.py,
-- named after `--`; "bare" instead requests / of the bare Flask app.
-- Answers other than 200, 303, 304 and 409 (a booking that clashes) count as errors.

local data, bare
local etag = nil
counts = {}  -- global: done() reads each thread's through thread:get()
id = 0  -- set per thread by setup()
local ACCEPT = "gzip, deflate, br, zstd"

function init(args)
  if args[1] == "bare" then
    bare = true
  else
    data = dofile(args[1])
  end
  math.randomseed(os.time() * 100 + id)
end

local function pick(list) return list[math.random(#list)] end

local function weighted(tasks)
  local total = 0
  for _, t in ipairs(tasks) do total = total + t[1] end
  local r = math.random() * total
  for _, t in ipairs(tasks) do
    r = r - t[1]
    if r <= 0 then return t[2] end
  end
  return tasks[#tasks][2]
end

local function iso(days)
  return os.date("!%Y-%m-%d", data.today + days * 86400)
end

local function get(person, path, extra)
  local headers = {Cookie = "session=" .. person[1], ["Accept-Encoding"] = ACCEPT}
  for k, v in pairs(extra or {}) do headers[k] = v end
  return wrk.format("GET", path, headers)
end

local volunteer = {
  {3, function(p) return get(p, "/dashboard") end},
  {2, function(p) return get(p, "/volunteers/me") end},
  {3, function(p) return get(p, "/me/schedule") end},
  {1, function(p) return get(p, "/opportunities/") end},
  {3, function(p)
    return get(p, data.feed, etag and {["If-None-Match"] = etag} or nil)
  end},
}

local manager = {
  {4, function(p) return get(p, "/homes/" .. pick(data.homes) .. "/week") end},
  {2, function(p)
    local day = iso(7 * math.random(1, 8))
    return get(p, "/homes/" .. pick(data.homes) .. "/week?date=" .. day, {["HX-Request"] = "true"})
  end},
  {1, function(p)
    local room = pick(data.rooms)
    local saturday = data.saturday + 7 * 86400 * math.random(0, 20)
    local starts = {"09:00", "09:30", "10:00", "10:30", "11:00"}
    local ends = {["09:00"] = "09:30", ["09:30"] = "10:00", ["10:00"] = "10:30"}
    local start = pick(starts)
    local body = "room_id=" .. room[2] .. "&title=" .. data.title_quoted .. "&kind=activity"
      .. "&capacity=10&date=" .. os.date("!%Y-%m-%d", saturday) .. "&start=" .. start
      .. "&end=" .. (ends[start] or "11:30") .. "&interval_weeks=1&csrf_token=" .. p[2]
    return wrk.format("POST", "/homes/" .. room[1] .. "/bookings/new", {
      Cookie = "session=" .. p[1],
      ["Accept-Encoding"] = ACCEPT,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end},
}

local coordinator = {
  {3, function(p) return get(p, "/volunteers/?q=" .. pick(data.search_words)) end},
  {2, function(p)
    local kind = pick({"", "teacher", "college_student", "surrogate_parent"})
    return get(p, "/volunteers/?kind=" .. kind .. "&vetting=cleared&page=" .. math.random(1, 3),
      {["HX-Request"] = "true"})
  end},
  {1, function(p)
    return get(p, "/volunteers/?sort=" .. pick({"name", "kind", "vetting", "place", "updated"}))
  end},
}

local roles = {
  {3, {"volunteer", volunteer}},
  {1, {"manager", manager}},
  {1, {"coordinator", coordinator}},
}

function request()
  if bare then
    return wrk.format("GET", "/", {["Accept-Encoding"] = ACCEPT})
  end
  local role = weighted(roles)
  local person = pick(data.sessions[role[1]])
  return weighted(role[2])(person)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 200 and headers["Content-Type"] and headers["Content-Type"]:find("text/calendar") then
    etag = headers["ETag"]
  end
end

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, string.format('"%d": %d', status, n)) end
  io.write(string.format(
    'WRK-JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f,'
    .. ' "socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
