--[[
  Shared prelude of every ACD script. Common ARGV:
    ARGV[1] key prefix (the K builders prepend it)
    ARGV[2] now, ms since the epoch, from the caller's Clock
    ARGV[3] operation id, unique per call: event and offer ids derive from it
    ARGV[4] approximate maximum length of the event stream
  Script-specific ARGV start at 5.
  Every script returns one JSON document: { error = code, message = text } when
  it refused to act (and wrote nothing), otherwise its result plus `due`, the
  deadlines it created for the timer driver, and `offers`, the offers it made
  (so a caller can ring the phone without waiting for the event stream).
]]
-- Per-call state, set by beginCall: the scripts run as Redis Functions of
-- one library (see script-source.ts), so these helpers are defined once and
-- every call starts from a clean slate. Calls never overlap.
local P, NOW, OP, STREAM_MAXLEN, DAY
local DAY_TTL_SECONDS = 3 * 86400
local CHANNELS = { 'voice', 'chat', 'email' }
-- A ring-all offer rings at most this many phones; more is a misconfiguration.
local RING_ALL_LIMIT = 50
local DUE, OFFERS, idCount
-- Other includes register here how to clear their per-call caches.
local RESETS = {}

local function beginCall(argv)
  P = argv[1]
  NOW = tonumber(argv[2])
  OP = argv[3]
  STREAM_MAXLEN = argv[4]
  DAY = tostring(math.floor(NOW / 86400000))
  DUE, OFFERS, idCount = {}, {}, 0
  for i = 1, #RESETS do RESETS[i]() end
end

local function nextId(tag)
  idCount = idCount + 1
  return OP .. '.' .. tag .. idCount
end

local function num(value, default)
  if value == false or value == nil or value == '' then return default end
  return tonumber(value)
end

local function hget(key, field)
  local value = redis.call('HGET', key, field)
  if value == false then return nil end
  return value
end

local function fail(code, message)
  return cjson.encode({ error = code, message = message })
end

-- Set by agent.lua when included: derives the state of every agent touched.
local finishStates = function() end

local function done(result)
  finishStates()
  result = result or {}
  result.due = DUE
  result.offers = OFFERS
  return cjson.encode(result)
end
