--[[
  Wrap-up ends, on its timer or on the agent's command; the agent becomes
  available and is matched at once. A no-op for the timer when wrap-up
  already ended.
    KEYS[1] agent hash
    ARGV[5] agent id
    ARGV[6] trigger: timer | agent
    ARGV[7] the timer's due time (timer only): a timer left over from an
            earlier wrap-up must not end a later one
  Returns { ended } or, for the agent's command, error conflict when not in wrap-up.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a, trigger = ARGV[5], ARGV[6]
local token = aget(a, 'wrapToken') or ''
if trigger == 'timer' and token ~= '' and num(aget(a, 'wrapUntil'), 0) > tonumber(ARGV[7]) then
  return done({ ended = false })
end
if token == '' then
  clearDeadline('wrap', a)
  if trigger == 'agent' then return fail('conflict', 'agent ' .. a .. ' is not in wrap-up') end
  return done({ ended = false })
end
aset(a, 'wrapToken', '')
aset(a, 'wrapUntil', '0')
aset(a, 'idleSince', NOW_S)
clearDeadline('wrap', a)
-- An offer syncs the agent itself; without one, sync here.
if matchAgent(a, nil) == 0 then syncAgent(a) end
return done({ ended = true })
