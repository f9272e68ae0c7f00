--[[
  The agent finished a connected contact (hung up, chat closed). Talk time
  feeds the queue's handle-time average; the agent enters wrap-up for the
  queue's wrap-up time if this was its last connected contact, otherwise
  (or with no wrap-up configured) it is matched again at once.
    KEYS[1] contact hash
    KEYS[2] agent hash
    ARGV[5] agent id
    ARGV[6] contact id
  Returns { talkMs, wrapUpUntil, offersRinging } (wrapUpUntil 0 when no wrap-up;
  offersRinging counts the agent's offers after the immediate re-match) or error not_found.
  A call the agent is engaged on outside the queues (engage-agent) is
  released instead: the desktop's "complete" ends one left behind by a crash.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"
--- @include "engagement"

local a, c = ARGV[5], ARGV[6]
local f = redis.call('HMGET', KEYS[1], 'agentId', 'state', 'queueId', 'channel', 'acceptedAt')
if f[2] ~= 'connected' or f[1] ~= a then
  if engagedCall(presence(a)) == c then return done(releaseEngagement(a)) end
  return fail('not_found', 'contact ' .. c .. ' is not connected to agent ' .. a)
end
local q, ch = f[3], f[4]
local talk = NOW - num(f[5], NOW)
local agent = hot(a)
redis.call('SREM', K.agentContacts(a), c)
forgetContact(c)
aincr(a, CH[ch].load, -1)
aincr(a, 'talkMs', talk)
local wrapMs = queueNum(q, 'wrapUpMs')
local handle = talk + wrapMs
local stats = K.queueStats(q)
local aht = num(redis.call('HGET', stats, 'ahtMs'), 0)
if aht <= 0 then aht = handle else aht = math.floor(0.8 * aht + 0.2 * handle) end
redis.call('HSET', stats, 'ahtMs', str(aht))
countDay(q, 'completed', 1)
countDay(q, 'talkMs', talk)
emit('contact.completed', 'contactId', c, 'queueId', q, 'channel', ch, 'agentId', a, 'talkMs', str(talk))
local wrapUntil = 0
if wrapMs > 0 and agent.loggedIn == '1' and agent.onBreak ~= '1' and engagedCall(agent) == nil
    and redis.call('SCARD', K.agentContacts(a)) == 0 and redis.call('SCARD', K.agentOffers(a)) == 0 then
  wrapUntil = NOW + wrapMs
  aset(a, 'wrapToken', nextId('w'))
  aset(a, 'wrapUntil', str(wrapUntil))
  setDeadline('wrap', a, wrapUntil)
else
  aset(a, 'idleSince', NOW_S)
end
-- An offer syncs the agent itself; without one, sync here.
if matchAgent(a, nil) == 0 then syncAgent(a) end
flushStates()
local ringing = OFFER_COUNT[a]
if ringing == nil then ringing = redis.call('SCARD', K.agentOffers(a)) end
return done({ talkMs = talk, wrapUpUntil = wrapUntil, offersRinging = ringing })
