-- Contacts in line. A requirement signature is the sorted list
-- `skill:minLevel,...` ('' for none); contacts sharing one wait in one bucket,
-- so matching looks at bucket heads, never at every waiting contact.

local function parseSignature(sig)
  local req = {}
  if sig == '' then return req end
  for part in string.gmatch(sig, '[^,]+') do
    local skill, level = string.match(part, '^(.*):(%d+)$')
    req[#req + 1] = { skill, tonumber(level) }
  end
  return req
end

local function firstSkill(sig)
  if sig == '' then return '*' end
  return string.match(sig, '^([^:]+):')
end

local function loadContact(c)
  local f = redis.call('HMGET', K.contact(c), 'queueId', 'channel', 'priority', 'sig', 'ticket',
    'rank', 'enqueuedAt', 'state', 'callback', 'deadline', 'callbackNumber')
  if not f[1] then return nil end
  return { id = c, queue = f[1], channel = f[2], priority = f[3], sig = f[4], ticket = f[5],
    rank = tonumber(f[6]), enqueuedAt = tonumber(f[7]), state = f[8], callback = f[9] == '1',
    deadline = num(f[10], 0), callbackNumber = f[11] or '' }
end

local function contactIdOf(ticket)
  return string.sub(ticket, 13)
end

-- Sets the bucket's entry in its heads index to the rank of its first
-- contact, or removes it when the bucket is empty.
local function refreshHead(q, ch, sig)
  local head = redis.call('ZRANGE', K.queueBucket(q, ch, sig), 0, 0, 'WITHSCORES')
  local heads = K.queueBucketHeads(q, ch, firstSkill(sig))
  if head[1] then
    redis.call('ZADD', heads, head[2], sig)
  else
    redis.call('ZREM', heads, sig)
  end
end

-- Whether the bucket's heads-index entry disagrees with its first contact.
local function headStale(q, ch, sig)
  local head = redis.call('ZRANGE', K.queueBucket(q, ch, sig), 0, 0, 'WITHSCORES')
  local indexed = redis.call('ZSCORE', K.queueBucketHeads(q, ch, firstSkill(sig)), sig)
  if head[1] == nil then return indexed ~= false end
  return indexed == false or tonumber(indexed) ~= tonumber(head[2])
end

local function addWaiting(ct)
  redis.call('ZADD', K.queueBucket(ct.queue, ct.channel, ct.sig), ct.rank, ct.ticket)
  -- LT: the head's rank only improves when a contact joins.
  redis.call('ZADD', K.queueBucketHeads(ct.queue, ct.channel, firstSkill(ct.sig)), 'LT', ct.rank, ct.sig)
  if ct.state ~= 'waiting' then
    redis.call('HSET', K.contact(ct.id), 'state', 'waiting')
    ct.state = 'waiting'
  end
end

local function removeWaiting(ct)
  if redis.call('ZREM', K.queueBucket(ct.queue, ct.channel, ct.sig), ct.ticket) == 1 then
    refreshHead(ct.queue, ct.channel, ct.sig)
  end
end

local function joinLine(ct)
  redis.call('ZADD', K.queueLine(ct.queue), ct.rank, ct.ticket)
  redis.call('ZADD', K.queueArrivals(ct.queue), ct.enqueuedAt, ct.ticket)
  redis.call('HINCRBY', K.queueStats(ct.queue), 'waiting:' .. ct.priority, 1)
end

local function leaveLine(ct)
  if redis.call('ZREM', K.queueLine(ct.queue), ct.ticket) == 1 then
    redis.call('ZREM', K.queueArrivals(ct.queue), ct.ticket)
    redis.call('HINCRBY', K.queueStats(ct.queue), 'waiting:' .. ct.priority, -1)
  end
end

local function forgetContact(c)
  redis.call('DEL', K.contact(c), K.contactOffers(c))
end

-- Max wait has passed: move to the overflow queue keeping the original rank
-- (the caller keeps their place), or leave the line. Returns the contact when
-- it is waiting again (the caller then matches it), nil when it left.
local function expireContact(ct)
  local target = hget(K.queue(ct.queue), 'overflowQueueId') or ''
  if ct.state == 'waiting' then removeWaiting(ct) end
  leaveLine(ct)
  clearDeadline('maxwait', ct.id)
  local waited = NOW - ct.enqueuedAt
  if target ~= '' and target ~= ct.queue and redis.call('EXISTS', K.queue(target)) == 1 then
    local from = ct.queue
    countDay(from, 'overflowed', 1)
    ct.queue = target
    local maxWait = num(hget(K.queue(target), 'maxWaitMs'), 0)
    ct.deadline = 0
    if maxWait > 0 then ct.deadline = NOW + maxWait end
    redis.call('HSET', K.contact(ct.id), 'queueId', target, 'queuedAt', NOW, 'deadline', ct.deadline)
    if maxWait > 0 then setDeadline('maxwait', ct.id, ct.deadline) end
    joinLine(ct)
    addWaiting(ct)
    emit('contact.overflowed', { 'contactId', ct.id, 'queueId', from, 'toQueueId', target,
      'channel', ct.channel, 'waitMs', waited })
    return ct
  end
  countDay(ct.queue, 'timedOut', 1)
  emit('contact.timed-out', { 'contactId', ct.id, 'queueId', ct.queue, 'channel', ct.channel,
    'waitMs', waited })
  forgetContact(ct.id)
  return nil
end

-- Where the contact stands now: 1-based place in line and seconds to wait.
-- Estimated wait: with A agents available, S staffed (logged in and not on
-- break) and H the queue's average handle time, a contact at position p waits
-- ceil(max(0, p - A) * H / max(S, 1)) seconds. H is an exponentially weighted
-- average (weight 0.2) of completed handle times (talk + wrap-up), seeded by
-- the queue's expected handle time.
local function estimateWaitSeconds(q, position)
  local s = redis.call('HMGET', K.queueStats(q), 'agents:available', 'agents:reserved',
    'agents:busy', 'agents:wrap-up', 'ahtMs')
  local available = num(s[1], 0)
  local staffed = available + num(s[2], 0) + num(s[3], 0) + num(s[4], 0)
  local aht = num(s[5], 0)
  if aht <= 0 then aht = queueConf(q).handleMs end
  local ahead = position - available
  if ahead <= 0 then return 0 end
  return math.ceil(ahead * aht / math.max(staffed, 1) / 1000)
end

local function placement(ct)
  local rank = redis.call('ZRANK', K.queueLine(ct.queue), ct.ticket)
  if rank == false then return nil end
  local position = rank + 1
  local wait = 0
  if ct.state == 'waiting' then wait = estimateWaitSeconds(ct.queue, position) end
  return { position = position, estimatedWaitSeconds = wait }
end
