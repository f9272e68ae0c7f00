-- Appends one event; `fields` is a flat list name, value, ... (ordered, so
-- replicas and the stream see the same entry).
local function emit(eventType, fields)
  local args = { 'XADD', K.events(), 'MAXLEN', '~', STREAM_MAXLEN, '*',
    'id', nextId('e'), 'type', eventType, 'at', NOW }
  for i = 1, #fields do args[#args + 1] = fields[i] end
  redis.call(unpack(args))
end

local function setDeadline(kind, id, dueAt)
  redis.call('ZADD', K.deadlines(), dueAt, kind .. '|' .. id)
  DUE[#DUE + 1] = { kind = kind, id = id, dueAt = dueAt }
end

local function clearDeadline(kind, id)
  redis.call('ZREM', K.deadlines(), kind .. '|' .. id)
end

local dayKeysTouched = {}
local function countDay(queueId, field, by)
  local key = K.queueDay(queueId, DAY)
  redis.call('HINCRBY', key, field, by)
  if not dayKeysTouched[key] then
    dayKeysTouched[key] = true
    redis.call('EXPIRE', key, DAY_TTL_SECONDS)
  end
end
