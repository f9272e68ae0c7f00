--[[
  An agent's own presence change: log in, log out, available, break. Ringing
  offers are withdrawn (not counted as misses) when the agent leaves; an
  agent with a connected contact (or engaged on a call, engage-agent) cannot
  log out or take a break until it is completed. Becoming available matches the agent at once and starts the
  consecutive-miss count afresh (a 'missed-offers' break would otherwise
  come back at the first miss); logging in, out or becoming available ends
  a back-off after an unreachable device (the agent says the phone is back).
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
local f = hot(a)
if f.configured ~= '1' then return fail('not_found', 'agent ' .. a .. ' has no profile') end
local loggedIn = f.loggedIn == '1'
local connected = redis.call('SCARD', K.agentContacts(a))

local function change(fields)
  for i = 1, #fields, 2 do aset(a, fields[i], fields[i + 1]) end
end

if action == 'log-in' then
  if loggedIn then return done({ state = f.state }) end
  change({ 'loggedIn', '1', 'onBreak', '0', 'reason', '', 'misses', '0', 'calls', '0',
    'talkMs', '0', 'idleSince', NOW_S, 'wrapToken', '', 'wrapUntil', '0',
    CH.voice.backoff, '0' })
  clearDeadline('backoff', a)
  matchAgent(a, nil)
  syncAgent(a)
  flushStates()
  return done({ state = aget(a, 'state') })
end

if not loggedIn then
  if action == 'log-out' then return done({ state = 'offline' }) end
  return fail('conflict', 'agent ' .. a .. ' is not logged in')
end

if action == 'available' then
  local previous = f.state
  change({ 'onBreak', '0', 'reason', '', 'wrapToken', '', 'wrapUntil', '0', 'misses', '0',
    CH.voice.backoff, '0' })
  clearDeadline('wrap', a)
  clearDeadline('backoff', a)
  if previous == 'break' or previous == 'wrap-up' then aset(a, 'idleSince', NOW_S) end
  matchAgent(a, nil)
  syncAgent(a)
  flushStates()
  return done({ state = aget(a, 'state') })
end

if connected > 0 then
  return fail('conflict', 'agent ' .. a .. ' has ' .. connected .. ' connected contact(s); complete them first')
end
if engagedCall(f) then
  return fail('conflict', 'agent ' .. a .. ' is on call ' .. f.engaged .. '; hang up first')
end
if action == 'log-out' then
  change({ 'loggedIn', '0', 'onBreak', '0', 'reason', '', CH.voice.backoff, '0' })
  clearDeadline('backoff', a)
else
  change({ 'onBreak', '1', 'reason', reason })
end
change({ 'wrapToken', '', 'wrapUntil', '0' })
clearDeadline('wrap', a)
local requeued = {}
for _, offerId in ipairs(redis.call('SMEMBERS', K.agentOffers(a))) do
  local ct = releaseOffer(offerId, 'withdrawn')
  if ct then requeued[#requeued + 1] = ct end
end
syncAgent(a)
for _, ct in ipairs(requeued) do matchContact(ct, a) end
flushStates()
return done({ state = aget(a, 'state') })
