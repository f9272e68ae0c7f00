--[[
  Repairs one agent after a crash or manual tampering: drops references to
  offers and contacts that no longer exist (an agent reserved without a live
  offer is freed), recounts per-channel load, restores a lost wrap-up
  deadline, then matches the agent. Safe to run at any time.
    KEYS[1] agent hash
    ARGV[5] agent id
  Returns { repairs } (number of fixes made).
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a = ARGV[5]
if hget(KEYS[1], 'configured') ~= '1' then return done({ repairs = 0 }) end
local repairs = 0
local load = { voice = 0, chat = 0, email = 0 }
for _, offerId in ipairs(redis.call('SMEMBERS', K.agentOffers(a))) do
  local o = redis.call('HMGET', K.offer(offerId), 'contactId', 'agentId', 'channel')
  local live = o[1] and o[2] == a and redis.call('HGET', K.contact(o[1]), 'state') == 'offered'
  if live then
    load[o[3]] = (load[o[3]] or 0) + 1
  else
    redis.call('SREM', K.agentOffers(a), offerId)
    if o[1] and o[2] == a then
      redis.call('DEL', K.offer(offerId))
      redis.call('SREM', K.contactOffers(o[1]), offerId)
      clearDeadline('ring', offerId)
    end
    repairs = repairs + 1
  end
end
for _, c in ipairs(redis.call('SMEMBERS', K.agentContacts(a))) do
  local f = redis.call('HMGET', K.contact(c), 'agentId', 'state', 'channel')
  if f[1] == a and f[2] == 'connected' then
    load[f[3]] = (load[f[3]] or 0) + 1
  else
    redis.call('SREM', K.agentContacts(a), c)
    repairs = repairs + 1
  end
end
for _, ch in ipairs(CHANNELS) do
  if num(hget(KEYS[1], 'load:' .. ch), 0) ~= load[ch] then
    redis.call('HSET', KEYS[1], 'load:' .. ch, load[ch])
    repairs = repairs + 1
  end
end
local wrapUntil = num(hget(KEYS[1], 'wrapUntil'), 0)
if (hget(KEYS[1], 'wrapToken') or '') ~= '' and redis.call('ZSCORE', K.deadlines(), 'wrap|' .. a) == false then
  setDeadline('wrap', a, wrapUntil)
  repairs = repairs + 1
end
-- Forget what the membership flags claim so the sync rewrites every set.
redis.call('HSET', KEYS[1], 'in:voice', '1', 'in:chat', '1', 'in:email', '1')
if repairs > 0 then emit('agent.repaired', { 'agentId', a, 'repairs', repairs }) end
syncAgent(a)
matchAgent(a, nil)
return done({ repairs = repairs })
