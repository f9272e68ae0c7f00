--[[
  An agent's back-off after an unreachable device ends (offer-unreachable):
  voice offers may come again, and the agent is matched at once. A no-op
  when the back-off already ended (log-in, available) or was replaced by a
  later one.
    KEYS[1] agent hash
    ARGV[5] agent id
    ARGV[6] the timer's due time: a timer left from an earlier back-off must
            not end a later one
  Returns { ended }.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a, dueAt = ARGV[5], num(ARGV[6], 0)
local backoffUntil = num(hot(a)[CH.voice.backoff], 0)
if backoffUntil == 0 then
  clearDeadline('backoff', a)
  return done({ ended = false })
end
if backoffUntil > dueAt then return done({ ended = false }) end
aset(a, CH.voice.backoff, '0')
clearDeadline('backoff', a)
-- An offer syncs the agent itself; without one, sync here.
if matchAgent(a, nil) == 0 then syncAgent(a) end
return done({ ended = true })
