--[[
  Repairs one agent after a crash or manual tampering: drops references to
  offers and contacts that no longer exist (an agent reserved without a live
  offer is freed), recounts per-channel load, restores a lost wrap-up or
  back-off deadline and the profile text matching reads (agent.lua), then matches
  the agent. Safe to run at any time.
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
if aget(a, 'configured') ~= '1' then return done({ repairs = 0 }) end
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
local f = hot(a)
-- A call the agent is engaged on outside the queues holds one voice place.
if engagedCall(f) then load.voice = load.voice + 1 end
for _, ch in ipairs(CHANNELS) do
  if num(f[CH[ch].load], 0) ~= load[ch] then
    aset(a, CH[ch].load, str(load[ch]))
    repairs = repairs + 1
  end
end
local wrapUntil = num(aget(a, 'wrapUntil'), 0)
if (f.wrapToken or '') ~= '' and redis.call('ZSCORE', K.deadlines(), 'wrap|' .. a) == false then
  setDeadline('wrap', a, wrapUntil)
  repairs = repairs + 1
end
local backoffUntil = num(f[CH.voice.backoff], 0)
if backoffUntil > 0 and redis.call('ZSCORE', K.deadlines(), 'backoff|' .. a) == false then
  setDeadline('backoff', a, backoffUntil)
  repairs = repairs + 1
end
-- The profile text must mirror the skills and queues hashes.
local skills = pairsText(redis.call('HGETALL', K.agentSkills(a)))
local queues = pairsText(redis.call('HGETALL', K.agentQueues(a)))
if f.skills ~= skills or f.queues ~= queues then
  if f.skills and f.queues then
    -- Out of every set the old text put the agent in; the sync below adds it back.
    local old = parsePairs(f.skills).list
    for _, entry in ipairs(parsePairs(f.queues).list) do
      for _, ch in ipairs(CHANNELS) do
        redis.call('ZREM', K.queueAvailable(entry[1], ch), a)
        for _, s in ipairs(old) do
          redis.call('ZREM', K.queueAvailableSkill(entry[1], ch, s[1], s[3]), a)
        end
      end
    end
  end
  aset(a, 'skills', skills)
  aset(a, 'queues', queues)
  repairs = repairs + 1
end
-- Forget what the membership flags claim so the sync rewrites every set.
for _, ch in ipairs(CHANNELS) do aset(a, CH[ch].member, '1') end
if repairs > 0 then emit('agent.repaired', 'agentId', a, 'repairs', str(repairs)) end
syncAgent(a)
matchAgent(a, nil)
return done({ repairs = repairs })
