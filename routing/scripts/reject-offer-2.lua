--[[
  The agent declines a ringing offer. The contact goes back to its place and
  is offered to the next agent; the agent is matched to other contacts.
    KEYS[1] offer hash
    KEYS[2] agent hash
    ARGV[5] agent id
    ARGV[6] offer id
  Returns {} or error not_found / conflict.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a, offerId = ARGV[5], ARGV[6]
local owner = hget(KEYS[1], 'agentId')
if not owner then return fail('not_found', 'offer ' .. offerId .. ' is no longer ringing') end
if owner ~= a then return fail('conflict', 'offer ' .. offerId .. ' was made to another agent') end
local ct = releaseOffer(offerId, 'rejected')
rematch(ct, a)
return done({})
