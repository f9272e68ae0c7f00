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
local P = ARGV[1]
local NOW = tonumber(ARGV[2])
local OP = ARGV[3]
local STREAM_MAXLEN = ARGV[4]
local DAY = tostring(math.floor(NOW / 86400000))
local DAY_TTL_SECONDS = 3 * 86400
local CHANNELS = { 'voice', 'chat', 'email' }
-- A ring-all offer rings at most this many phones; more is a misconfiguration.
local RING_ALL_LIMIT = 50
local DUE = {}
local OFFERS = {}
local idCount = 0

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
