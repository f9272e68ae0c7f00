-- Agent presence, load and membership of the per-queue availability sets.

local function deriveState(a)
  local f = redis.call('HMGET', K.agent(a), 'loggedIn', 'onBreak', 'wrapToken')
  if f[1] ~= '1' then return 'offline' end
  if f[2] == '1' then return 'break' end
  if f[3] and f[3] ~= '' then return 'wrap-up' end
  if redis.call('SCARD', K.agentOffers(a)) > 0 then return 'reserved' end
  if redis.call('SCARD', K.agentContacts(a)) > 0 then return 'busy' end
  return 'available'
end

-- Stores the derived state, keeps the per-queue agent counters in step and
-- emits the transition.
local function refreshState(a)
  local key = K.agent(a)
  local old = hget(key, 'state') or 'offline'
  local new = deriveState(a)
  if old == new then return new end
  redis.call('HSET', key, 'state', new)
  for _, q in ipairs(redis.call('HKEYS', K.agentQueues(a))) do
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. old, -1)
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. new, 1)
  end
  local reason = ''
  if new == 'break' then reason = hget(key, 'reason') or '' end
  emit('agent.state-changed', { 'agentId', a, 'state', new, 'previousState', old, 'reason', reason })
  return new
end

-- Whether the agent may be offered one more contact on the channel.
local function canTake(a, ch)
  local f = redis.call('HMGET', K.agent(a), 'loggedIn', 'onBreak', 'wrapToken', 'cap:' .. ch, 'load:' .. ch)
  if f[1] ~= '1' or f[2] == '1' or (f[3] and f[3] ~= '') then return false end
  return num(f[5], 0) < num(f[4], 0)
end

-- Lower is offered first; see routing/README.md for each strategy.
local function strategyScore(a, q, strategy, position)
  if strategy == 'round-robin' then return num(hget(K.agent(a), 'rr:' .. q), 0) end
  if strategy == 'top-down' then return tonumber(position) end
  if strategy == 'fewest-calls' then return num(hget(K.agent(a), 'calls'), 0) end
  if strategy == 'least-talk-time' then return num(hget(K.agent(a), 'talkMs'), 0) end
  if strategy == 'random' then return math.random() end
  return num(hget(K.agent(a), 'idleSince'), 0)
end

-- Puts the agent in (or takes it out of) every availability set it belongs
-- in, then refreshes its state. Called after anything that changes presence,
-- load, wrap-up or profile, so the sets are always exact.
local function syncAgent(a)
  local skills = redis.call('HKEYS', K.agentSkills(a))
  local queues = redis.call('HGETALL', K.agentQueues(a))
  for _, ch in ipairs(CHANNELS) do
    local take = canTake(a, ch)
    for i = 1, #queues, 2 do
      local q, position = queues[i], queues[i + 1]
      if take then
        local score = strategyScore(a, q, hget(K.queue(q), 'strategy') or 'longest-idle', position)
        redis.call('ZADD', K.queueAvailable(q, ch), score, a)
        for _, s in ipairs(skills) do redis.call('ZADD', K.queueAvailableSkill(q, ch, s), score, a) end
      else
        redis.call('ZREM', K.queueAvailable(q, ch), a)
        for _, s in ipairs(skills) do redis.call('ZREM', K.queueAvailableSkill(q, ch, s), a) end
      end
    end
  end
  return refreshState(a)
end

-- Takes the agent out of all queue structures before its profile changes.
local function detachAgent(a)
  local state = hget(K.agent(a), 'state') or 'offline'
  local skills = redis.call('HKEYS', K.agentSkills(a))
  for _, q in ipairs(redis.call('HKEYS', K.agentQueues(a))) do
    for _, ch in ipairs(CHANNELS) do
      redis.call('ZREM', K.queueAvailable(q, ch), a)
      for _, s in ipairs(skills) do redis.call('ZREM', K.queueAvailableSkill(q, ch, s), a) end
    end
    redis.call('SREM', K.queueAgents(q), a)
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. state, -1)
  end
end

local function attachAgent(a)
  local state = hget(K.agent(a), 'state') or 'offline'
  for _, q in ipairs(redis.call('HKEYS', K.agentQueues(a))) do
    redis.call('SADD', K.queueAgents(q), a)
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. state, 1)
  end
  return syncAgent(a)
end

local function agentSkillTable(a)
  local flat = redis.call('HGETALL', K.agentSkills(a))
  local levels, names = {}, {}
  for i = 1, #flat, 2 do
    levels[flat[i]] = tonumber(flat[i + 1])
    names[#names + 1] = flat[i]
  end
  return levels, names
end
