--[[
  Puts a contact in line and, in the same step, offers it to the best
  available agent if there is one.
    KEYS[1] queue configuration hash
    KEYS[2] contact hash
    KEYS[3] ticket counter
    ARGV[5] contact id
    ARGV[6] queue id
    ARGV[7] channel
    ARGV[8] requirement signature ('' or 'skill:min,...' sorted)
    ARGV[9] priority 1-5
    ARGV[10] caller number ('' if unknown)
    ARGV[11] attributes, JSON object
  Returns { position, estimatedWaitSeconds, offered } or error not_found / conflict.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local c, q, channel, sig, priority = ARGV[5], ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9])
-- KEYS[1] is K.queue(q), which queueConf reads.
local config = queueConf(q)
if not config.strategy then
  return fail('not_found', 'queue ' .. q .. ' is not configured')
end
local current = hget(KEYS[2], 'queueId')
if current then
  return fail('conflict', 'contact ' .. c .. ' is already in queue ' .. current)
end
local ticket = string.format('%012d', redis.call('INCR', KEYS[3])) .. c
-- Priority aging (routing/queue/priority-aging.ts): rank = enqueue time + (priority - 1) * step.
local aging = queueNum(q, 'agingMs')
local rank = NOW + (priority - 1) * aging
local rankS = str(rank)
local maxWait = queueNum(q, 'maxWaitMs')
local deadline = 0
if maxWait > 0 then deadline = NOW + maxWait end
-- Fields left out read as their defaults: no deadline, no callback, no
-- caller number, no attributes (see loadContact and agent-status).
local fields = { 'queueId', q, 'channel', channel, 'priority', ARGV[9], 'sig', sig,
  'ticket', ticket, 'rank', rankS, 'enqueuedAt', NOW_S, 'state', 'waiting' }
if deadline > 0 then fields[#fields + 1] = 'deadline'; fields[#fields + 1] = str(deadline) end
if ARGV[10] ~= '' then fields[#fields + 1] = 'callerNumber'; fields[#fields + 1] = ARGV[10] end
if ARGV[11] ~= '{}' then fields[#fields + 1] = 'attributes'; fields[#fields + 1] = ARGV[11] end
redis.call('HSET', KEYS[2], unpack(fields))
local ct = { id = c, queue = q, channel = channel, priority = ARGV[9], sig = sig,
  ticket = ticket, rank = rank, rankS = rankS, enqueuedAt = NOW, enqueuedAtS = NOW_S,
  state = 'waiting', callback = false, deadline = deadline, callbackNumber = '' }
joinLine(ct)
addWaiting(ct)
if deadline > 0 then setDeadline('maxwait', c, deadline) end
emit('contact.enqueued', 'contactId', c, 'queueId', q, 'channel', channel, 'priority', ARGV[9],
  'requiredSkills', sig, 'callerNumber', ARGV[10])
local offered = matchContact(ct, nil)
flushStates()
local where = placement(ct)
return done({ position = where.position, estimatedWaitSeconds = where.estimatedWaitSeconds,
  offered = offered })
