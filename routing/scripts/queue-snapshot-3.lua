--[[
  The wallboard view of one queue, read in one step so the figures agree:
  contacts in line by priority, callbacks among them, oldest wait, agents by
  state, and today's (UTC) service-level counters. Read-only.
    KEYS[1] queue configuration hash
    KEYS[2] queue stats hash
    KEYS[3] queue arrivals sorted set
    ARGV[5] queue id
  Returns { waiting = {p1..p5}, oldestEnqueuedAt, agents = {state -> n}, day = {...}, serviceLevelMs }.
]]
--- @include "context"
--- @include "keys"

if redis.call('EXISTS', KEYS[1]) == 0 then return fail('not_found', 'queue ' .. ARGV[5] .. ' is not configured') end
local stats = redis.call('HGETALL', KEYS[2])
local waiting, agents = {}, {}
for i = 1, #stats, 2 do
  local name, value = stats[i], tonumber(stats[i + 1])
  local p = string.match(name, '^waiting:(%d)$')
  local s = string.match(name, '^agents:(.+)$')
  if p then waiting['p' .. p] = value end
  if s then agents[s] = value end
end
local oldest = redis.call('ZRANGE', KEYS[3], '0', '0', 'WITHSCORES')
local dayFlat = redis.call('HGETALL', K.queueDay(ARGV[5], DAY))
local day = {}
for i = 1, #dayFlat, 2 do day[dayFlat[i]] = tonumber(dayFlat[i + 1]) end
return done({ waiting = waiting, agents = agents, day = day,
  oldestEnqueuedAt = tonumber(oldest[2]) or 0,
  serviceLevelMs = num(hget(KEYS[1], 'serviceLevelMs'), 0) })
