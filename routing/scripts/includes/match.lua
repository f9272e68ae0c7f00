-- Matching and offers. Matching runs inside the script that changed
-- something (enqueue, agent freed, offer released), so there is no polling.

-- Whether the agent holds every required level. Reads only the agent's
-- skills field, not its whole record: candidates are checked by the dozen.
local function agentMeets(a, req)
  if #req == 0 then return true end
  local levels = agentSkills(a).map
  for _, r in ipairs(req) do
    if (levels[r[1]] or 0) < r[2] then return false end
  end
  return true
end

-- Available agents for a requirement, best first by the queue's strategy
-- score (ties by agent id). Agents are indexed per skill and level, so for
-- the requirement with the fewest candidates only sets at or above its
-- level are read, and each set's first agent meeting the other
-- requirements is that set's best: a single-skill contact costs at most
-- ten set heads, however many agents sit below its level.
local function findAgents(q, ch, req, exclude, wantAll)
  -- With a backlog nobody is free: one read settles it.
  if redis.call('ZCARD', K.queueAvailable(q, ch)) == 0 then return {} end
  local sets = { K.queueAvailable(q, ch) }
  local others = req
  if #req > 0 then
    local bestCount
    for ri, r in ipairs(req) do
      local candidate, count = {}, 0
      for level = r[2], 10 do
        local key = K.queueAvailableSkill(q, ch, r[1], NUMBERS[level])
        local n = redis.call('ZCARD', key)
        if n > 0 then candidate[#candidate + 1] = key; count = count + n end
      end
      if bestCount == nil or count < bestCount then
        bestCount, sets, others = count, candidate, {}
        for oi, o in ipairs(req) do if oi ~= ri then others[#others + 1] = o end end
      end
    end
  end
  local found = {}
  local bestAgent, bestScore
  for _, key in ipairs(sets) do
    local start, size = 0, redis.call('ZCARD', key)
    local settled = false
    while start < size and not settled do
      local batch = redis.call('ZRANGE', key, str(start), str(start + 49), 'WITHSCORES')
      for i = 1, #batch, 2 do
        local a, score = batch[i], tonumber(batch[i + 1])
        if a ~= exclude and agentMeets(a, others) then
          if wantAll then
            found[#found + 1] = a
            if #found >= RING_ALL_LIMIT then return found end
          else
            if bestScore == nil or score < bestScore or (score == bestScore and a < bestAgent) then
              bestAgent, bestScore = a, score
            end
            settled = true
            break
          end
        end
      end
      start = start + 50
    end
  end
  if bestAgent then found[1] = bestAgent end
  return found
end

local function meetsSignature(levels, sig)
  for _, r in ipairs(parseRequirement(sig).list) do
    if (levels[r[1]] or 0) < r[2] then return false end
  end
  return true
end

-- The best waiting contact the agent qualifies for on the channel across its
-- queues: lowest rank, then lowest ticket (first in, first out). The heads
-- index of each skill the agent holds lists its buckets best head first, as
-- text, so the first bucket the agent qualifies for is that index's best and
-- the best of those across indexes is the answer: one bucket is opened.
-- With a ticket to skip (after a reject), that contact may head a bucket,
-- so every qualifying bucket's first two are compared instead. Returns the
-- ticket, its queue, and the bucket's second member (false when none; see
-- removeWaiting).
local function bestContactFor(a, ch, excludeTicket)
  local skills = agentSkills(a)
  local levels = skills.map
  local best, bestQueue, bestSig
  local others = {}
  for _, entry in ipairs(agentQueues(a).list) do
    local q = entry[1]
    for li = 0, #skills.list do
      local s = '*'
      if li > 0 then s = skills.list[li][1] end
      for _, head in ipairs(redis.call('ZRANGE', K.queueBucketHeads(q, ch, s), '0', '-1')) do
        local sig = headSig(head)
        if meetsSignature(levels, sig) then
          if excludeTicket then
            others[#others + 1] = { q, sig }
          else
            if best == nil or head < best then best, bestQueue, bestSig = head, q, sig end
            break
          end
        end
      end
    end
  end
  if excludeTicket == nil then
    if best == nil then return nil end
    local first = redis.call('ZRANGE', K.queueBucket(bestQueue, ch, bestSig), '0', '1')
    if first[1] == nil then return nil end
    return string.sub(first[1], 16), bestQueue, first[2] or false
  end
  local bestMember, bestNext
  for _, cand in ipairs(others) do
    local first = redis.call('ZRANGE', K.queueBucket(cand[1], ch, cand[2]), '0', '1')
    local member, nextHead = first[1], first[2] or false
    if member and string.sub(member, 16) == excludeTicket then member, nextHead = first[2], nil end
    if member and (bestMember == nil or member < bestMember) then
      bestMember, bestQueue, bestNext = member, cand[1], nextHead
    end
  end
  if bestMember == nil then return nil end
  return string.sub(bestMember, 16), bestQueue, bestNext
end

local function offerContact(ct, agents)
  local conf = queueConf(ct.queue)
  local ringMs = queueNum(ct.queue, 'ringTimeoutMs')
  local expiresAt = str(NOW + ringMs)
  if ct.state == 'waiting' then removeWaiting(ct) end
  redis.call('HSET', K.contact(ct.id), 'state', 'offered')
  ct.state = 'offered'
  local cb = ct.callback and '1' or '0'
  local waited = str(NOW - ct.enqueuedAt)
  local loadField = CH[ct.channel].load
  for _, a in ipairs(agents) do
    local offerId = nextId('o')
    redis.call('HSET', K.offer(offerId), 'contactId', ct.id, 'agentId', a, 'queueId', ct.queue,
      'channel', ct.channel, 'createdAt', NOW_S, 'expiresAt', expiresAt)
    redis.call('SADD', K.agentOffers(a), offerId)
    redis.call('SADD', K.contactOffers(ct.id), offerId)
    hot(a)
    aincr(a, loadField, 1)
    if conf.strategy == 'round-robin' then
      aset(a, 'rr:' .. ct.queue, str(redis.call('HINCRBY', K.queueStats(ct.queue), 'rr', '1')))
    end
    setDeadline('ring', offerId, NOW + ringMs)
    OFFERS[#OFFERS + 1] = { offerId = offerId, agentId = a, contactId = ct.id }
    emit('contact.offered', 'contactId', ct.id, 'queueId', ct.queue, 'channel', ct.channel,
      'agentId', a, 'offerId', offerId, 'priority', ct.priority, 'waitMs', waited,
      'callback', cb, 'callbackNumber', ct.callbackNumber)
    syncAgent(a)
  end
end

-- Offers a waiting contact to the best available agent (every one for
-- ring-all). Returns whether an offer was made.
local function matchContact(ct, exclude)
  if ct == nil or ct.state ~= 'waiting' then return false end
  local strategy = queueConf(ct.queue).strategy
  local found = findAgents(ct.queue, ct.channel, parseSignature(ct.sig), exclude, strategy == 'ring-all')
  if #found == 0 then return false end
  offerContact(ct, found)
  return true
end

-- Fills the agent's free capacity with the best waiting contacts. Reads
-- presence and load from the agent record, not the availability sets, so
-- callers may run it before syncAgent and spare the sets an add-then-remove.
-- Returns how many offers it made; each one already synced the agent.
local function matchAgent(a, excludeTicket)
  local f = hot(a)
  if not isPresent(f) then return 0 end
  local made = 0
  for _, ch in ipairs(CHANNELS) do
    local guard = 0
    while guard < 50 and canTake(a, ch) do
      guard = guard + 1
      local ticket, queue, nextHead = bestContactFor(a, ch, excludeTicket)
      if not ticket then break end
      local ct = loadContact(contactIdOf(ticket))
      if ct == nil or ct.state ~= 'waiting' or ct.queue ~= queue then break end
      ct.nextHead = nextHead
      if queueConf(ct.queue).strategy == 'ring-all' then
        -- The agent may not be in the availability sets yet (callers match
        -- before syncing), so it joins the ring explicitly.
        local ring = findAgents(ct.queue, ct.channel, parseSignature(ct.sig), a, true)
        table.insert(ring, 1, a)
        offerContact(ct, ring)
      else
        offerContact(ct, { a })
      end
      made = made + 1
    end
  end
  return made
end

-- Back in line after its last offer ended, keeping ticket and rank; past its
-- max wait it overflows instead. Returns the contact if it is waiting.
local function requeueContact(ct, a, offerId, reason)
  if ct.deadline > 0 and NOW >= ct.deadline and not ct.callback then
    ct.state = 'offered'
    return expireContact(ct)
  end
  addWaiting(ct)
  emit('contact.requeued', 'contactId', ct.id, 'queueId', ct.queue, 'channel', ct.channel,
    'agentId', a, 'offerId', offerId, 'reason', reason)
  return ct
end

-- Ends one ringing offer (outcome: rejected, timed-out, withdrawn) and frees
-- the agent's capacity. Returns the contact if it is waiting again, and the agent.
local function releaseOffer(offerId, outcome)
  local o = redis.call('HMGET', K.offer(offerId), 'contactId', 'agentId', 'channel', 'queueId')
  if not o[1] then return nil, nil end
  local c, a, ch = o[1], o[2], o[3]
  redis.call('DEL', K.offer(offerId))
  redis.call('SREM', K.agentOffers(a), offerId)
  redis.call('SREM', K.contactOffers(c), offerId)
  hot(a)
  aincr(a, CH[ch].load, -1)
  clearDeadline('ring', offerId)
  emit('offer.' .. outcome, 'offerId', offerId, 'contactId', c, 'agentId', a, 'queueId', o[4],
    'channel', ch)
  local ct = loadContact(c)
  local waiting = nil
  if ct and ct.state == 'offered' and redis.call('SCARD', K.contactOffers(c)) == 0 then
    waiting = requeueContact(ct, a, offerId, outcome)
  end
  syncAgent(a)
  return waiting, a
end

-- After an offer ended: the contact goes to someone else first, the agent
-- looks at other contacts, and only then may the two meet again, so a free
-- agent never idles while a contact it qualifies for waits.
local function rematch(ct, a)
  if ct then matchContact(ct, a) end
  if a then
    local exclude = nil
    if ct and ct.state == 'waiting' then exclude = ct.ticket end
    matchAgent(a, exclude)
  end
  if ct and ct.state == 'waiting' then matchContact(ct, nil) end
end
