--[[
  The agent answers: the contact leaves the line and is connected; for
  ring-all the other ringing offers are withdrawn and those agents matched
  again. Resets the agent's consecutive-miss count.
    KEYS[1] offer hash
    KEYS[2] agent hash
    ARGV[5] agent id
    ARGV[6] offer id
  Returns { contactId, queueId, channel, waitMs } or error not_found / conflict.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a, offerId = ARGV[5], ARGV[6]
local o = redis.call('HMGET', KEYS[1], 'contactId', 'agentId', 'channel', 'queueId')
if not o[1] then
  return fail('not_found', 'offer ' .. offerId .. ' is no longer ringing')
end
if o[2] ~= a then return fail('conflict', 'offer ' .. offerId .. ' was made to another agent') end
local c, ch = o[1], o[3]
local ct = loadContact(c)
redis.call('DEL', KEYS[1])
redis.call('SREM', K.agentOffers(a), offerId)
redis.call('SREM', K.contactOffers(c), offerId)
clearDeadline('ring', offerId)
if ct == nil or ct.state ~= 'offered' then
  -- The contact vanished without withdrawing this offer; free the agent instead.
  hot(a)
  aincr(a, CH[ch].load, -1)
  syncAgent(a)
  matchAgent(a, nil)
  return fail('not_found', 'contact ' .. c .. ' is gone')
end
local waited = NOW - ct.enqueuedAt
redis.call('HSET', K.contact(c), 'state', 'connected', 'agentId', a, 'offerId', offerId, 'acceptedAt', NOW_S)
leaveLine(ct)
-- Only a contact with a max wait has its deadline row (request-callback clears both).
if ct.deadline > 0 then clearDeadline('maxwait', c) end
redis.call('SADD', K.agentContacts(a), c)
presence(a)
record(a).connected = true
aset(a, 'misses', '0')
aincr(a, 'calls', 1)
countDay(ct.queue, 'answered', 1)
countDay(ct.queue, 'answerWaitMs', waited)
if waited <= queueNum(ct.queue, 'serviceLevelMs') then
  countDay(ct.queue, 'answeredWithinTarget', 1)
end
emit('contact.accepted', 'contactId', c, 'queueId', ct.queue, 'channel', ch, 'agentId', a,
  'offerId', offerId, 'waitMs', str(waited))
local withdrawn = {}
for _, other in ipairs(redis.call('SMEMBERS', K.contactOffers(c))) do
  local _, b = releaseOffer(other, 'withdrawn')
  if b then withdrawn[#withdrawn + 1] = b end
end
-- Accepting trades the offer for the contact: load and presence stay, so the
-- availability sets need nothing; only the state (reserved -> busy) changes.
markDirty(a)
for _, b in ipairs(withdrawn) do matchAgent(b, nil) end
return done({ contactId = c, queueId = ct.queue, channel = ch, waitMs = waited })
