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
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a, c = ARGV[5], ARGV[6]
local f = redis.call('HMGET', KEYS[1], 'agentId', 'state', 'queueId', 'channel', 'acceptedAt')
if f[2] ~= 'connected' or f[1] ~= a then
  return fail('not_found', 'contact ' .. c .. ' is not connected to agent ' .. a)
end
local q, ch = f[3], f[4]
local talk = NOW - num(f[5], NOW)
local agent = redis.call('HMGET', KEYS[2], 'loggedIn', 'onBreak', 'load:' .. ch, 'talkMs')
redis.call('SREM', K.agentContacts(a), c)
forgetContact(c)
-- Load, talk time and idle or wrap-up go to the agent hash in one write.
local agentFields = { 'load:' .. ch, num(agent[3], 1) - 1, 'talkMs', num(agent[4], 0) + talk }
local wrapMs = queueConf(q).wrapUpMs
local handle = talk + wrapMs
local aht = num(hget(K.queueStats(q), 'ahtMs'), 0)
if aht <= 0 then aht = handle else aht = math.floor(0.8 * aht + 0.2 * handle) end
redis.call('HSET', K.queueStats(q), 'ahtMs', aht)
countDay(q, 'completed', 1)
countDay(q, 'talkMs', talk)
emit('contact.completed', { 'contactId', c, 'queueId', q, 'channel', ch, 'agentId', a, 'talkMs', talk })
local wrapUntil = 0
if wrapMs > 0 and agent[1] == '1' and agent[2] ~= '1' and redis.call('SCARD', K.agentContacts(a)) == 0
    and redis.call('SCARD', K.agentOffers(a)) == 0 then
  wrapUntil = NOW + wrapMs
  for _, v in ipairs({ 'wrapToken', nextId('w'), 'wrapUntil', wrapUntil }) do
    agentFields[#agentFields + 1] = v
  end
  setDeadline('wrap', a, wrapUntil)
else
  agentFields[#agentFields + 1] = 'idleSince'
  agentFields[#agentFields + 1] = NOW
end
redis.call('HSET', KEYS[2], unpack(agentFields))
-- An offer syncs the agent itself; without one, sync here.
if matchAgent(a, nil) == 0 then syncAgent(a) end
flushStates()
local ringing = OFFER_COUNT[a]
if ringing == nil then ringing = redis.call('SCARD', K.agentOffers(a)) end
return done({ talkMs = talk, wrapUpUntil = wrapUntil, offersRinging = ringing })
