-- Keys every call uses, built once per call.
local EVENTS_KEY, DEADLINES_KEY

-- Queue configuration read once per call (only configure-queue writes it,
-- and it reads the hash directly).
local QUEUE_CONF = {}

RESETS[#RESETS + 1] = function()
  EVENTS_KEY, DEADLINES_KEY = K.events(), K.deadlines()
  QUEUE_CONF = {}
end

-- Appends one event: its fields follow as name, value, ... (ordered, so
-- replicas and the stream see the same entry). Values are strings.
local function emit(eventType, ...)
  redis.call('XADD', EVENTS_KEY, 'MAXLEN', '~', STREAM_MAXLEN, '*',
    'id', nextId('e'), 'type', eventType, 'at', NOW_S, ...)
end

local function setDeadline(kind, id, dueAt)
  redis.call('ZADD', DEADLINES_KEY, str(dueAt), kind .. '|' .. id)
  DUE[#DUE + 1] = { kind = kind, id = id, dueAt = dueAt }
end

local function clearDeadline(kind, id)
  redis.call('ZREM', DEADLINES_KEY, kind .. '|' .. id)
end

-- A day hash is created by the HINCRBY of a field it did not have, which
-- returns exactly `by`; only then does it need its expiry (an extra EXPIRE
-- when a new field joins an existing day is harmless).
local function countDay(queueId, field, by)
  local key = K.queueDay(queueId, DAY)
  if redis.call('HINCRBY', key, field, str(by)) == by then
    redis.call('EXPIRE', key, DAY_TTL_SECONDS)
  end
end

-- The queue's configuration as stored (text; strategy nil when the queue
-- does not exist); numbers through queueNum, converted only when used.
local function queueConf(q)
  local conf = QUEUE_CONF[q]
  if conf == nil then
    local f = redis.call('HMGET', K.queue(q), 'strategy', 'ringTimeoutMs', 'wrapUpMs',
      'serviceLevelMs', 'handleMs', 'agingMs', 'maxWaitMs', 'maxMisses', 'overflowQueueId')
    conf = { strategy = f[1] or nil, ringTimeoutMs = f[2], wrapUpMs = f[3],
      serviceLevelMs = f[4], handleMs = f[5], agingMs = f[6], maxWaitMs = f[7],
      maxMisses = f[8], overflowQueueId = f[9] or '' }
    QUEUE_CONF[q] = conf
  end
  return conf
end

local QUEUE_DEFAULTS = { ringTimeoutMs = 20000, wrapUpMs = 0, serviceLevelMs = 0,
  handleMs = 300000, agingMs = 60000, maxWaitMs = 0, maxMisses = 0 }

local function queueNum(q, field)
  return num(queueConf(q)[field], QUEUE_DEFAULTS[field])
end
