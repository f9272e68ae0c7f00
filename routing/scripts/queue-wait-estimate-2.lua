--[[
  Estimated wait for a contact that would join the queue now (position =
  contacts in line + 1). Read-only.
    KEYS[1] queue configuration hash
    KEYS[2] queue line
    ARGV[5] queue id
  Returns { estimatedWaitSeconds } or error not_found.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "contact"

if redis.call('EXISTS', KEYS[1]) == 0 then return fail('not_found', 'queue ' .. ARGV[5] .. ' is not configured') end
local position = redis.call('ZCARD', KEYS[2]) + 1
return done({ estimatedWaitSeconds = estimateWaitSeconds(ARGV[5], position) })
