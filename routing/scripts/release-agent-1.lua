--[[
  Ends an agent's engagement on a call (engage-agent): the call ended or
  failed, or the agent handed it on. Wrap-up follows as for a completed
  queue contact (engagement.lua). Releasing a call the agent is not engaged
  on is refused, so a late or repeated release never ends a newer one.
    KEYS[1] agent hash
    ARGV[5] agent id
    ARGV[6] call id
  Returns { talkMs, wrapUpUntil, offersRinging } or error not_found.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"
--- @include "engagement"

local a, c = ARGV[5], ARGV[6]
local f = hot(a)
if f.configured ~= '1' then return fail('not_found', 'agent ' .. a .. ' has no profile') end
if engagedCall(f) ~= c then
  return fail('not_found', 'agent ' .. a .. ' is not engaged on call ' .. c)
end
return done(releaseEngagement(a))
