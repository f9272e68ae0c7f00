-- Contacts in line. A requirement signature is the sorted list
-- `skill:minLevel,...` ('' for none); contacts sharing one wait in one bucket,
-- so matching looks at bucket heads, never at every waiting contact.

-- { {skill, minLevel}, ... } (memoised, see parseRequirement).
local function parseSignature(sig)
  return parseRequirement(sig).list
end

local function firstSkill(sig)
  return parseRequirement(sig).first
end

local function loadContact(c)
  local f = redis.call('HMGET', K.contact(c), 'queueId', 'channel', 'priority', 'sig', 'ticket',
    'rank', 'enqueuedAt', 'state', 'callback', 'deadline', 'callbackNumber')
  if not f[1] then return nil end
  return { id = c, queue = f[1], channel = f[2], priority = f[3], sig = f[4], ticket = f[5],
    rank = tonumber(f[6]), rankS = f[6], enqueuedAt = tonumber(f[7]), enqueuedAtS = f[7],
    state = f[8], callback = f[9] == '1', deadline = num(f[10], 0), callbackNumber = f[11] or '' }
end

local function contactIdOf(ticket)
  return string.sub(ticket, 13)
end

-- A waiting contact's member in its bucket: rank (15 digits) then ticket,
-- so members compare as text in (rank, ticket) order.
local function waitKey(ct)
  return string.format('%015d', ct.rank) .. ct.ticket
end

-- A bucket's entry in its heads index: its first member's rank and ticket
-- number (27 characters, unique), then the signature.
local function headEntry(member, sig)
  return string.sub(member, 1, 27) .. sig
end

local function headSig(entry)
  return string.sub(entry, 28)
end

-- Sets the bucket's entry in its heads index from its first contact (none
-- when empty), dropping any other entry for the bucket. For repairs.
local function refreshHead(q, ch, sig)
  local heads = K.queueBucketHeads(q, ch, firstSkill(sig))
  for _, entry in ipairs(redis.call('ZRANGE', heads, '0', '-1')) do
    if headSig(entry) == sig then redis.call('ZREM', heads, entry) end
  end
  local first = redis.call('ZRANGE', K.queueBucket(q, ch, sig), '0', '0')[1]
  if first then redis.call('ZADD', heads, '0', headEntry(first, sig)) end
end

-- Whether the bucket's heads-index entries disagree with its first contact.
local function headStale(q, ch, sig)
  local first = redis.call('ZRANGE', K.queueBucket(q, ch, sig), '0', '0')[1]
  local found = 0
  for _, entry in ipairs(redis.call('ZRANGE', K.queueBucketHeads(q, ch, firstSkill(sig)), '0', '-1')) do
    if headSig(entry) == sig then
      if not first or entry ~= headEntry(first, sig) then return true end
      found = found + 1
    end
  end
  return (first and 1 or 0) ~= found
end

local function addWaiting(ct)
  local bucket = K.queueBucket(ct.queue, ct.channel, ct.sig)
  local key = waitKey(ct)
  redis.call('ZADD', bucket, '0', key)
  local first = redis.call('ZRANGE', bucket, '0', '1')
  if first[1] == key then
    -- It leads its bucket now: the index entry moves to it.
    local heads = K.queueBucketHeads(ct.queue, ct.channel, firstSkill(ct.sig))
    if first[2] then redis.call('ZREM', heads, headEntry(first[2], ct.sig)) end
    redis.call('ZADD', heads, '0', headEntry(key, ct.sig))
  end
  if ct.state ~= 'waiting' then
    redis.call('HSET', K.contact(ct.id), 'state', 'waiting')
    ct.state = 'waiting'
  end
end

-- `ct.nextHead`, when matching set it, is the bucket's second member (false
-- when none), read in the same call: what the bucket's head becomes once
-- this contact leaves, which spares reading the bucket again.
local function removeWaiting(ct)
  local bucket = K.queueBucket(ct.queue, ct.channel, ct.sig)
  local key = waitKey(ct)
  if redis.call('ZREM', bucket, key) == 1 then
    local heads = K.queueBucketHeads(ct.queue, ct.channel, firstSkill(ct.sig))
    -- Only the first contact of a bucket has an index entry.
    if redis.call('ZREM', heads, headEntry(key, ct.sig)) == 1 then
      local nextHead = ct.nextHead
      if nextHead == nil then nextHead = redis.call('ZRANGE', bucket, '0', '0')[1] or false end
      if nextHead then redis.call('ZADD', heads, '0', headEntry(nextHead, ct.sig)) end
    end
  end
  ct.nextHead = nil
end

local function joinLine(ct)
  redis.call('ZADD', K.queueLine(ct.queue), ct.rankS, ct.ticket)
  redis.call('ZADD', K.queueArrivals(ct.queue), ct.enqueuedAtS, ct.ticket)
  redis.call('HINCRBY', K.queueStats(ct.queue), 'waiting:' .. ct.priority, '1')
end

local function leaveLine(ct)
  if redis.call('ZREM', K.queueLine(ct.queue), ct.ticket) == 1 then
    redis.call('ZREM', K.queueArrivals(ct.queue), ct.ticket)
    redis.call('HINCRBY', K.queueStats(ct.queue), 'waiting:' .. ct.priority, '-1')
  end
end

local function forgetContact(c)
  redis.call('DEL', K.contact(c), K.contactOffers(c))
end

-- Max wait has passed: move to the overflow queue keeping the original rank
-- (the caller keeps their place), or leave the line. Returns the contact when
-- it is waiting again (the caller then matches it), nil when it left.
local function expireContact(ct)
  local target = queueConf(ct.queue).overflowQueueId
  if ct.state == 'waiting' then removeWaiting(ct) end
  leaveLine(ct)
  clearDeadline('maxwait', ct.id)
  local waited = str(NOW - ct.enqueuedAt)
  if target ~= '' and target ~= ct.queue and redis.call('EXISTS', K.queue(target)) == 1 then
    local from = ct.queue
    countDay(from, 'overflowed', 1)
    ct.queue = target
    local maxWait = queueNum(target, 'maxWaitMs')
    ct.deadline = 0
    if maxWait > 0 then ct.deadline = NOW + maxWait end
    redis.call('HSET', K.contact(ct.id), 'queueId', target, 'queuedAt', NOW_S, 'deadline', str(ct.deadline))
    if maxWait > 0 then setDeadline('maxwait', ct.id, ct.deadline) end
    joinLine(ct)
    addWaiting(ct)
    emit('contact.overflowed', 'contactId', ct.id, 'queueId', from, 'toQueueId', target,
      'channel', ct.channel, 'waitMs', waited)
    return ct
  end
  countDay(ct.queue, 'timedOut', 1)
  emit('contact.timed-out', 'contactId', ct.id, 'queueId', ct.queue, 'channel', ct.channel,
    'waitMs', waited)
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
  if aht <= 0 then aht = queueNum(q, 'handleMs') end
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
