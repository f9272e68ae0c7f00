--[[
  Counts the queue's agents that are available now and hold the skills,
  leaving out those whose phone could not be reached lately (voice back-off,
  offer-unreachable): a flow asking is about to queue a caller. Read-only.
    KEYS[1] queue configuration hash
    KEYS[2] queue members set
    ARGV[5] queue id
    ARGV[6] requirement signature
  Returns { count } or error not_found.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

if redis.call('EXISTS', KEYS[1]) == 0 then return fail('not_found', 'queue ' .. ARGV[5] .. ' is not configured') end
local req = parseSignature(ARGV[6])
local count = 0
for _, a in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if aget(a, 'state') == 'available' and num(aget(a, CH.voice.backoff), 0) == 0
      and agentMeets(a, req) then
    count = count + 1
  end
end
return done({ count = count })
