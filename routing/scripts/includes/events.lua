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

-- A day hash is created by the HINCRBY of a field it did not have, which
-- returns exactly `by`; only then does it need its expiry (an extra EXPIRE
-- when a new field joins an existing day is harmless).
local function countDay(queueId, field, by)
  local key = K.queueDay(queueId, DAY)
  if redis.call('HINCRBY', key, field, by) == by then
    redis.call('EXPIRE', key, DAY_TTL_SECONDS)
  end
end

-- Queue configuration read once per script (only configure-queue writes it,
-- and it reads the hash directly).
local QUEUE_CONF = {}
local function queueConf(q)
  local conf = QUEUE_CONF[q]
  if conf == nil then
    local f = redis.call('HMGET', K.queue(q), 'strategy', 'ringTimeoutMs', 'wrapUpMs',
      'serviceLevelMs', 'handleMs', 'agingMs', 'maxWaitMs')
    conf = { strategy = f[1] or nil, ringTimeoutMs = num(f[2], 20000), wrapUpMs = num(f[3], 0),
      serviceLevelMs = num(f[4], 0), handleMs = num(f[5], 300000), agingMs = num(f[6], 60000),
      maxWaitMs = num(f[7], 0) }
    QUEUE_CONF[q] = conf
  end
  return conf
end

-- An agent's queue ids, read once per script; configure-agent forgets them
-- when it rewrites the membership.
local AGENT_QUEUES = {}
RESETS[#RESETS + 1] = function()
  QUEUE_CONF, AGENT_QUEUES = {}, {}
end
local function agentQueueIds(a)
  local ids = AGENT_QUEUES[a]
  if ids == nil then
    ids = redis.call('HKEYS', K.agentQueues(a))
    AGENT_QUEUES[a] = ids
  end
  return ids
end
