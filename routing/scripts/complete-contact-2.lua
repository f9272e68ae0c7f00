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
redis.call('SREM', K.agentContacts(a), c)
redis.call('HINCRBY', KEYS[2], 'load:' .. ch, -1)
redis.call('HINCRBY', KEYS[2], 'talkMs', talk)
forgetContact(c)
local wrapMs = num(hget(K.queue(q), 'wrapUpMs'), 0)
local handle = talk + wrapMs
local aht = num(hget(K.queueStats(q), 'ahtMs'), 0)
if aht <= 0 then aht = handle else aht = math.floor(0.8 * aht + 0.2 * handle) end
redis.call('HSET', K.queueStats(q), 'ahtMs', aht)
countDay(q, 'completed', 1)
countDay(q, 'talkMs', talk)
emit('contact.completed', { 'contactId', c, 'queueId', q, 'channel', ch, 'agentId', a, 'talkMs', talk })
local wrapUntil = 0
local agent = redis.call('HMGET', KEYS[2], 'loggedIn', 'onBreak')
if wrapMs > 0 and agent[1] == '1' and agent[2] ~= '1' and redis.call('SCARD', K.agentContacts(a)) == 0
    and redis.call('SCARD', K.agentOffers(a)) == 0 then
  wrapUntil = NOW + wrapMs
  redis.call('HSET', KEYS[2], 'wrapToken', nextId('w'), 'wrapUntil', wrapUntil)
  setDeadline('wrap', a, wrapUntil)
else
  redis.call('HSET', KEYS[2], 'idleSince', NOW)
end
matchAgent(a, nil)
syncAgent(a)
return done({ talkMs = talk, wrapUpUntil = wrapUntil,
  offersRinging = redis.call('SCARD', K.agentOffers(a)) })
