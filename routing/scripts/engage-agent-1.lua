--[[
  Engages an agent on a call that did not come from a queue: click-to-dial,
  or a blind transfer or consultation to them. The agent must be logged in
  with nothing ringing, connected or in wrap-up; for click-to-dial an agent
  on break may engage (they are busy on the call and back on break after
  it), a transfer or consultation needs the agent available. The call counts
  in the agent's voice load, so no queue offers it a caller meanwhile.
  Engaging again on the same call is a no-op.
    KEYS[1] agent hash
    ARGV[5] agent id
    ARGV[6] call id
    ARGV[7] kind: click-to-dial | transfer | consult
    ARGV[8] queue id the call came through ('' for none): its wrap-up applies
  Returns { state } or error not_found (no profile) / conflict with reason
  offline | break | wrap-up | ringing | on-contact | engaged.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"
--- @include "engagement"

local a, c, kind, q = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local f = hot(a)
if f.configured ~= '1' then return fail('not_found', 'agent ' .. a .. ' has no profile') end
if f.loggedIn ~= '1' then
  return fail('conflict', 'agent ' .. a .. ' is not logged in', 'offline')
end
local current = engagedCall(f)
if current == c then return done({ state = f.state }) end
if current ~= nil then
  return fail('conflict', 'agent ' .. a .. ' is already on call ' .. current, 'engaged')
end
if f.onBreak == '1' and kind ~= 'click-to-dial' then
  return fail('conflict', 'agent ' .. a .. ' is on break (' .. (aget(a, 'reason') or '') .. ')', 'break')
end
if (f.wrapToken or '') ~= '' then
  return fail('conflict', 'agent ' .. a .. ' is in wrap-up', 'wrap-up')
end
if redis.call('SCARD', K.agentOffers(a)) > 0 then
  return fail('conflict', 'agent ' .. a .. ' has a contact ringing', 'ringing')
end
if redis.call('SCARD', K.agentContacts(a)) > 0 then
  return fail('conflict', 'agent ' .. a .. ' is connected to a contact', 'on-contact')
end
aset(a, 'engaged', c)
aset(a, 'engagedKind', kind)
aset(a, 'engagedQueue', q)
aset(a, 'engagedAt', NOW_S)
aincr(a, CH.voice.load, 1)
emit('agent.engaged', 'agentId', a, 'contactId', c, 'queueId', q, 'channel', 'voice', 'reason', kind)
syncAgent(a)
flushStates()
return done({ state = aget(a, 'state') })
