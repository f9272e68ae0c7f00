--[[
  An offer rang for the queue's ring timeout without an answer. The contact
  goes back to its place and on to the next agent; the miss is counted, and
  after the queue's maximum consecutive misses the agent is put on break with
  reason 'missed-offers' (its other ringing offers are withdrawn). A no-op if
  the offer already ended.
    KEYS[1] offer hash
    ARGV[5] offer id
  Returns { expired, agentOnBreak }.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local offerId = ARGV[5]
local o = redis.call('HMGET', KEYS[1], 'agentId', 'queueId')
if not o[1] then
  clearDeadline('ring', offerId)
  return done({ expired = false, agentOnBreak = false })
end
local a = o[1]
local misses = aincr(a, 'misses', 1)
local limit = queueNum(o[2], 'maxMisses')
local onBreak = limit > 0 and misses >= limit
if onBreak then
  aset(a, 'onBreak', '1')
  aset(a, 'reason', 'missed-offers')
end
local ct = releaseOffer(offerId, 'timed-out')
local requeued = { ct }
if onBreak then
  for _, other in ipairs(redis.call('SMEMBERS', K.agentOffers(a))) do
    requeued[#requeued + 1] = releaseOffer(other, 'withdrawn')
  end
  for _, waiting in pairs(requeued) do matchContact(waiting, a) end
else
  rematch(ct, a)
end
return done({ expired = true, agentOnBreak = onBreak })
