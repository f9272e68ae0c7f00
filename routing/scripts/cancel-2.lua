--[[
  Removes a waiting or ringing contact from every structure (caller hung up,
  flow moved on) and records how long it waited. Idempotent. A callback keeps
  its place when the caller hangs up (reason 'abandoned'); other reasons
  remove it. Ringing agents are released and matched again at once.
    KEYS[1] contact hash
    KEYS[2] contact offers set
    ARGV[5] contact id
    ARGV[6] reason: abandoned | transferred | handled-elsewhere
  Returns { removed, status } where status is removed | absent | connected | callback.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local c, reason = ARGV[5], ARGV[6]
local ct = loadContact(c)
if ct == nil then return done({ removed = false, status = 'absent' }) end
if ct.state == 'connected' then return done({ removed = false, status = 'connected' }) end
if ct.callback and reason == 'abandoned' then return done({ removed = false, status = 'callback' }) end
if ct.state == 'waiting' then removeWaiting(ct) end
leaveLine(ct)
clearDeadline('maxwait', c)
redis.call('HSET', KEYS[1], 'state', 'cancelled')
local freed = {}
for _, offerId in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local _, a = releaseOffer(offerId, 'withdrawn')
  if a then freed[#freed + 1] = a end
end
local waited = NOW - ct.enqueuedAt
if reason == 'abandoned' then
  countDay(ct.queue, 'abandoned', 1)
  countDay(ct.queue, 'abandonedWaitMs', waited)
  if waited <= queueNum(ct.queue, 'serviceLevelMs') then
    countDay(ct.queue, 'abandonedWithinTarget', 1)
  end
end
emit('contact.cancelled', 'contactId', c, 'queueId', ct.queue, 'channel', ct.channel,
  'reason', reason, 'waitMs', str(waited))
forgetContact(c)
for _, a in ipairs(freed) do matchAgent(a, nil) end
return done({ removed = true, status = 'removed' })
