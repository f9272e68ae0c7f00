--[[
  Creates or updates a queue. A strategy change re-scores the queue's
  available agents so the next match already follows it.
    KEYS[1] queue configuration hash
    KEYS[2] set of queue ids
    ARGV[5] queue id
    ARGV[6] strategy
    ARGV[7] ring timeout ms
    ARGV[8] max wait ms (0: none)
    ARGV[9] overflow queue id ('' for none)
    ARGV[10] wrap-up ms
    ARGV[11] service-level target ms
    ARGV[12] max consecutive missed offers (0: never break)
    ARGV[13] priority aging step ms
    ARGV[14] expected handle time ms (seeds the estimated wait)
  Returns { created }.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"

local q = ARGV[5]
local previous = hget(KEYS[1], 'strategy')
redis.call('HSET', KEYS[1], 'strategy', ARGV[6], 'ringTimeoutMs', ARGV[7], 'maxWaitMs', ARGV[8],
  'overflowQueueId', ARGV[9], 'wrapUpMs', ARGV[10], 'serviceLevelMs', ARGV[11], 'maxMisses', ARGV[12],
  'agingMs', ARGV[13], 'handleMs', ARGV[14])
redis.call('SADD', KEYS[2], q)
if previous and previous ~= ARGV[6] then
  for _, a in ipairs(redis.call('SMEMBERS', K.queueAgents(q))) do syncAgent(a) end
end
emit('queue.configured', 'queueId', q, 'strategy', ARGV[6])
return done({ created = previous == nil })
