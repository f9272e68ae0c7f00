--[[
  An agent's own presence change: log in, log out, available, break. Ringing
  offers are withdrawn (not counted as misses) when the agent leaves; an
  agent with a connected contact cannot log out or take a break until it is
  completed. Becoming available matches the agent at once.
    KEYS[1] agent hash
    ARGV[5] agent id
    ARGV[6] action: log-in | log-out | available | break
    ARGV[7] break reason ('' otherwise)
  Returns { state } or error not_found / conflict.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a, action, reason = ARGV[5], ARGV[6], ARGV[7]
local f = redis.call('HMGET', KEYS[1], 'configured', 'loggedIn', 'wrapToken', 'state')
if f[1] ~= '1' then return fail('not_found', 'agent ' .. a .. ' has no profile') end
local loggedIn = f[2] == '1'
local wrapping = f[3] and f[3] ~= ''
local connected = redis.call('SCARD', K.agentContacts(a))

if action == 'log-in' then
  if loggedIn then return done({ state = f[4] }) end
  redis.call('HSET', KEYS[1], 'loggedIn', '1', 'onBreak', '0', 'reason', '', 'misses', 0, 'calls', 0,
    'talkMs', 0, 'idleSince', NOW, 'wrapToken', '', 'wrapUntil', 0)
  matchAgent(a, nil)
  syncAgent(a)
  flushStates()
  return done({ state = hget(KEYS[1], 'state') })
end

if not loggedIn then
  if action == 'log-out' then return done({ state = 'offline' }) end
  return fail('conflict', 'agent ' .. a .. ' is not logged in')
end

if action == 'available' then
  local previous = f[4]
  redis.call('HSET', KEYS[1], 'onBreak', '0', 'reason', '', 'wrapToken', '', 'wrapUntil', 0)
  clearDeadline('wrap', a)
  if previous == 'break' or previous == 'wrap-up' then redis.call('HSET', KEYS[1], 'idleSince', NOW) end
  matchAgent(a, nil)
  syncAgent(a)
  flushStates()
  return done({ state = hget(KEYS[1], 'state') })
end

if connected > 0 then
  return fail('conflict', 'agent ' .. a .. ' has ' .. connected .. ' connected contact(s); complete them first')
end
if action == 'log-out' then
  redis.call('HSET', KEYS[1], 'loggedIn', '0', 'onBreak', '0', 'reason', '')
else
  redis.call('HSET', KEYS[1], 'onBreak', '1', 'reason', reason)
end
redis.call('HSET', KEYS[1], 'wrapToken', '', 'wrapUntil', 0)
clearDeadline('wrap', a)
local requeued = {}
for _, offerId in ipairs(redis.call('SMEMBERS', K.agentOffers(a))) do
  local ct = releaseOffer(offerId, 'withdrawn')
  if ct then requeued[#requeued + 1] = ct end
end
syncAgent(a)
for _, ct in ipairs(requeued) do matchContact(ct, a) end
flushStates()
  return done({ state = hget(KEYS[1], 'state') })
