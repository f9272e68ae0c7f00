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
local aging = config.agingMs
local rank = NOW + (priority - 1) * aging
local maxWait = config.maxWaitMs
local deadline = 0
if maxWait > 0 then deadline = NOW + maxWait end
redis.call('HSET', KEYS[2], 'queueId', q, 'channel', channel, 'priority', priority, 'sig', sig,
  'ticket', ticket, 'rank', rank, 'enqueuedAt', NOW, 'queuedAt', NOW, 'deadline', deadline,
  'callback', '0', 'callerNumber', ARGV[10], 'attributes', ARGV[11],
  'state', 'waiting')
local ct = { id = c, queue = q, channel = channel, priority = tostring(priority), sig = sig,
  ticket = ticket, rank = rank, enqueuedAt = NOW, state = 'waiting', callback = false,
  deadline = deadline, callbackNumber = '' }
joinLine(ct)
addWaiting(ct)
if deadline > 0 then setDeadline('maxwait', c, deadline) end
emit('contact.enqueued', { 'contactId', c, 'queueId', q, 'channel', channel, 'priority', priority,
  'requiredSkills', sig, 'callerNumber', ARGV[10] })
local offered = matchContact(ct, nil)
flushStates()
local where = placement(ct)
return done({ position = where.position, estimatedWaitSeconds = where.estimatedWaitSeconds,
  offered = offered })
