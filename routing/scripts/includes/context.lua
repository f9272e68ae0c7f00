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

  Cost notes (each matters at thousands of calls per second): every value
  crossing redis.call (argument or reply element) costs about half a
  microsecond, and a Lua number passed as an argument is formatted with
  "%.17g" (slow for 13-digit timestamps), so large numbers are passed as
  strings made by `str`, and times as NOW_S.
]]
-- Per-call state, set by beginCall: the scripts run as Redis Functions of
-- one library (see script-source.ts), so these helpers are defined once and
-- every call starts from a clean slate. Calls never overlap.
local P, NOW, NOW_S, OP, STREAM_MAXLEN, DAY
local DAY_TTL_SECONDS = '259200'
local CHANNELS = { 'voice', 'chat', 'email' }
-- Field names per channel (spelled out: the library's top level runs
-- where only register_function is available, not even ipairs). `backoff`
-- holds when offers may come again after an unreachable device (ms; '0' or
-- absent: none); only voice rings devices.
local CH = {
  voice = { cap = 'cap:voice', load = 'load:voice', member = 'in:voice', backoff = 'backoff:voice' },
  chat = { cap = 'cap:chat', load = 'load:chat', member = 'in:chat' },
  email = { cap = 'cap:email', load = 'load:email', member = 'in:email' },
}
-- A ring-all offer rings at most this many phones; more is a misconfiguration.
local RING_ALL_LIMIT = 50
local DUE, OFFERS, idCount
-- Other includes register here how to clear their per-call caches.
local RESETS = {}

-- An integer as a string for redis.call (cheaper than Redis's "%.17g").
local function str(n)
  return string.format('%d', n)
end

local function beginCall(argv)
  P = argv[1]
  NOW_S = argv[2]
  NOW = tonumber(NOW_S)
  OP = argv[3]
  STREAM_MAXLEN = argv[4]
  DAY = str(math.floor(NOW / 86400000))
  DUE, OFFERS, idCount = {}, {}, 0
  for i = 1, #RESETS do RESETS[i]() end
end

-- '1' .. '100': a Lua number turned into text goes through "%.14g".
local NUMBERS = {}
for i = 1, 100 do NUMBERS[i] = '' .. i end

local function nextId(tag)
  idCount = idCount + 1
  return OP .. '.' .. tag .. (NUMBERS[idCount] or idCount)
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

-- Parse of `name:number,name:number` (requirement signatures, agent skills,
-- agent queues): { list = {{name, number, 'number'}...}, map = name -> number,
-- first = first name or '*' }. Memoised for the call; requirement
-- signatures (few, and read on every match) also across calls, which is
-- safe because a parse depends only on the text. That memo stays small:
-- a large Lua heap makes Redis's periodic garbage-collection steps dearer
-- for every call.
local CALL_PARSED = {}
local SIGNATURES, SIGNATURE_COUNT = {}, 0
RESETS[#RESETS + 1] = function()
  CALL_PARSED = {}
end

local function parseText(text)
  local list, map = {}, {}
  if text ~= '' then
    for name, value in string.gmatch(text, '([^,:]+):([^,]+)') do
      list[#list + 1] = { name, tonumber(value), value }
      map[name] = tonumber(value)
    end
  end
  local first = '*'
  if list[1] then first = list[1][1] end
  return { list = list, map = map, first = first }
end

local function parsePairs(text)
  local hit = CALL_PARSED[text]
  if hit == nil then
    hit = parseText(text)
    CALL_PARSED[text] = hit
  end
  return hit
end

local function parseRequirement(sig)
  local hit = SIGNATURES[sig]
  if hit == nil then
    if SIGNATURE_COUNT >= 1000 then SIGNATURES, SIGNATURE_COUNT = {}, 0 end
    hit = parseText(sig)
    SIGNATURES[sig] = hit
    SIGNATURE_COUNT = SIGNATURE_COUNT + 1
  end
  return hit
end

-- Set by agent.lua when included: derives the state of every agent touched
-- and writes the agent hashes changed in this call.
local finishStates = function() end

-- `reason` (optional) is a stable word for why, carried to the API's error details.
local function fail(code, message, reason)
  -- A refusal normally comes before any write; anything already changed
  -- (a repair on the way out) is still written and its states derived.
  finishStates()
  return cjson.encode({ error = code, message = message, reason = reason })
end

local function done(result)
  finishStates()
  result = result or {}
  result.due = DUE
  result.offers = OFFERS
  return cjson.encode(result)
end
