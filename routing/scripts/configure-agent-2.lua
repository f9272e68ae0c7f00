--[[
  Creates or replaces an agent's profile: skills, queues (with top-down
  positions) and per-channel capacity. A logged-in agent keeps its presence
  and is matched again under the new profile.
    KEYS[1] agent hash
    KEYS[2] set of agent ids
    ARGV[5] agent id
    ARGV[6] skills, JSON object skill -> level
    ARGV[7] queues, JSON array of [queueId, position]
    ARGV[8] capacity, JSON object channel -> count
  Returns { created } or error not_found for an unknown queue.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a = ARGV[5]
local skills = cjson.decode(ARGV[6])
local queues = cjson.decode(ARGV[7])
local capacity = cjson.decode(ARGV[8])
for _, entry in ipairs(queues) do
  if redis.call('EXISTS', K.queue(entry[1])) == 0 then
    return fail('not_found', 'queue ' .. entry[1] .. ' is not configured')
  end
end
local created = aget(a, 'configured') ~= '1'
if not created then detachAgent(a) end
redis.call('DEL', K.agentSkills(a), K.agentQueues(a))
local skillPairs, queuePairs = {}, {}
for skill, level in pairs(skills) do
  redis.call('HSET', K.agentSkills(a), skill, str(level))
  skillPairs[#skillPairs + 1] = skill
  skillPairs[#skillPairs + 1] = str(level)
end
for _, entry in ipairs(queues) do
  redis.call('HSET', K.agentQueues(a), entry[1], str(entry[2]))
  queuePairs[#queuePairs + 1] = entry[1]
  queuePairs[#queuePairs + 1] = str(entry[2])
end
-- The profile as text in the agent hash too: matching reads it with the
-- rest of the agent (see agent.lua).
aset(a, 'skills', pairsText(skillPairs))
aset(a, 'queues', pairsText(queuePairs))
for _, ch in ipairs(CHANNELS) do aset(a, CH[ch].cap, str(capacity[ch] or 0)) end
if created then
  aset(a, 'configured', '1')
  aset(a, 'state', 'offline')
  aset(a, 'loggedIn', '0')
  aset(a, 'idleSince', NOW_S)
end
redis.call('SADD', KEYS[2], a)
attachAgent(a)
emit('agent.configured', 'agentId', a)
matchAgent(a, nil)
return done({ created = created })
