--[[
  Repairs one contact in line: a ringing contact whose offers are all gone
  goes back to its place and is matched; a waiting one is put back in its
  bucket if missing; a lost max-wait deadline is restored; a line entry whose
  contact no longer exists is dropped. Safe to run at any time.
    KEYS[1] contact hash
    ARGV[5] contact id
    ARGV[6] queue id whose line listed it
    ARGV[7] ticket in that line
  Returns { repairs }.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local c, q, ticket = ARGV[5], ARGV[6], ARGV[7]
local ct = loadContact(c)
local repairs = 0
if ct == nil or ct.queue ~= q or ct.ticket ~= ticket or ct.state == 'connected' then
  if redis.call('ZREM', K.queueLine(q), ticket) == 1 then
    redis.call('ZREM', K.queueArrivals(q), ticket)
    repairs = repairs + 1
  end
  return done({ repairs = repairs })
end
if ct.state == 'offered' then
  for _, offerId in ipairs(redis.call('SMEMBERS', K.contactOffers(c))) do
    if redis.call('EXISTS', K.offer(offerId)) == 0 then
      redis.call('SREM', K.contactOffers(c), offerId)
      repairs = repairs + 1
    end
  end
  if redis.call('SCARD', K.contactOffers(c)) == 0 then
    addWaiting(ct)
    emit('contact.requeued', 'contactId', c, 'queueId', q, 'channel', ct.channel, 'agentId', '',
      'offerId', '', 'reason', 'repaired')
    repairs = repairs + 1
  end
elseif ct.state == 'waiting' then
  if redis.call('ZSCORE', K.queueBucket(q, ct.channel, ct.sig), waitKey(ct)) == false then
    addWaiting(ct)
    repairs = repairs + 1
  elseif headStale(q, ct.channel, ct.sig) then
    refreshHead(q, ct.channel, ct.sig)
    repairs = repairs + 1
  end
end
if ct.deadline > 0 and not ct.callback and redis.call('ZSCORE', K.deadlines(), 'maxwait|' .. c) == false then
  setDeadline('maxwait', c, ct.deadline)
  repairs = repairs + 1
end
matchContact(ct, nil)
return done({ repairs = repairs })
