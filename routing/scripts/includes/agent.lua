-- Agent presence, load and membership of the per-queue availability sets.

-- Ringing offers per agent as counted by the last deriveState.
local OFFER_COUNT = {}

-- Returns the derived state and the stored one.
local function deriveState(a)
  local f = redis.call('HMGET', K.agent(a), 'loggedIn', 'onBreak', 'wrapToken', 'state')
  local stored = f[4] or 'offline'
  if f[1] ~= '1' then return 'offline', stored end
  if f[2] == '1' then return 'break', stored end
  if f[3] and f[3] ~= '' then return 'wrap-up', stored end
  local offers = redis.call('SCARD', K.agentOffers(a))
  OFFER_COUNT[a] = offers
  if offers > 0 then return 'reserved', stored end
  if redis.call('SCARD', K.agentContacts(a)) > 0 then return 'busy', stored end
  return 'available', stored
end

-- Stores the derived state, keeps the per-queue agent counters in step and
-- emits the transition.
local function refreshState(a)
  local key = K.agent(a)
  local new, old = deriveState(a)
  if old == new then return new end
  redis.call('HSET', key, 'state', new)
  for _, q in ipairs(agentQueueIds(a)) do
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. old, -1)
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. new, 1)
  end
  local reason = ''
  if new == 'break' then reason = hget(key, 'reason') or '' end
  emit('agent.state-changed', { 'agentId', a, 'state', new, 'previousState', old, 'reason', reason })
  return new
end

local RANDOM_SEEDED = false
RESETS[#RESETS + 1] = function()
  RANDOM_SEEDED = false
end

-- Lower is offered first; see routing/README.md for each strategy.
local function strategyScore(a, q, strategy, position)
  if strategy == 'round-robin' then return num(hget(K.agent(a), 'rr:' .. q), 0) end
  if strategy == 'top-down' then return tonumber(position) end
  if strategy == 'fewest-calls' then return num(hget(K.agent(a), 'calls'), 0) end
  if strategy == 'least-talk-time' then return num(hget(K.agent(a), 'talkMs'), 0) end
  if strategy == 'random' then
    -- Functions share one generator that Redis may reseed alike for every
    -- call; seed it from this call's operation id so picks really vary.
    if not RANDOM_SEEDED then
      local seed = NOW % 1000003
      for i = 1, #OP do seed = (seed * 31 + string.byte(OP, i)) % 2147483647 end
      math.randomseed(seed)
      RANDOM_SEEDED = true
    end
    return math.random()
  end
  return num(hget(K.agent(a), 'idleSince'), 0)
end

-- Agents whose state may have changed in this script; their state is
-- derived once, at the end (flushStates), so one atomic step shows as one
-- transition and never as a flicker through intermediate states.
local DIRTY, DIRTY_ORDER = {}, {}
RESETS[#RESETS + 1] = function()
  OFFER_COUNT, DIRTY, DIRTY_ORDER = {}, {}, {}
end

local function flushStates()
  for _, a in ipairs(DIRTY_ORDER) do refreshState(a) end
  DIRTY, DIRTY_ORDER = {}, {}
end

-- Puts the agent in (or takes it out of) every availability set it belongs
-- in. Called after anything that changes presence, load, wrap-up or
-- profile, so the sets are always exact. Field `in:<channel>` remembers
-- membership, so a busy agent costs nothing here.
local function syncAgent(a)
  local key = K.agent(a)
  local f = redis.call('HMGET', key, 'loggedIn', 'onBreak', 'wrapToken',
    'cap:voice', 'load:voice', 'in:voice', 'cap:chat', 'load:chat', 'in:chat',
    'cap:email', 'load:email', 'in:email')
  local present = f[1] == '1' and f[2] ~= '1' and not (f[3] and f[3] ~= '')
  local skills, queues
  for i, ch in ipairs(CHANNELS) do
    local base = 3 * i + 1
    local take = present and num(f[base + 1], 0) < num(f[base], 0)
    local member = f[base + 2] == '1'
    if take or member then
      skills = skills or redis.call('HGETALL', K.agentSkills(a))
      queues = queues or redis.call('HGETALL', K.agentQueues(a))
      for j = 1, #queues, 2 do
        local q, position = queues[j], queues[j + 1]
        if take then
          local score = strategyScore(a, q, queueConf(q).strategy or 'longest-idle', position)
          redis.call('ZADD', K.queueAvailable(q, ch), score, a)
          for k = 1, #skills, 2 do
            redis.call('ZADD', K.queueAvailableSkill(q, ch, skills[k], skills[k + 1]), score, a)
          end
        else
          redis.call('ZREM', K.queueAvailable(q, ch), a)
          for k = 1, #skills, 2 do
            redis.call('ZREM', K.queueAvailableSkill(q, ch, skills[k], skills[k + 1]), a)
          end
        end
      end
      if take ~= member then redis.call('HSET', key, 'in:' .. ch, take and '1' or '0') end
    end
  end
  if not DIRTY[a] then
    DIRTY[a] = true
    DIRTY_ORDER[#DIRTY_ORDER + 1] = a
  end
end

-- For a step that changes none of syncAgent's inputs (presence, wrap-up,
-- capacity, load) but may change the derived state: derive it at the end.
local function markDirty(a)
  if not DIRTY[a] then
    DIRTY[a] = true
    DIRTY_ORDER[#DIRTY_ORDER + 1] = a
  end
end

-- Takes the agent out of all queue structures before its profile changes.
local function detachAgent(a)
  local state = hget(K.agent(a), 'state') or 'offline'
  local skills = redis.call('HGETALL', K.agentSkills(a))
  for _, q in ipairs(redis.call('HKEYS', K.agentQueues(a))) do
    for _, ch in ipairs(CHANNELS) do
      redis.call('ZREM', K.queueAvailable(q, ch), a)
      for k = 1, #skills, 2 do
        redis.call('ZREM', K.queueAvailableSkill(q, ch, skills[k], skills[k + 1]), a)
      end
    end
    redis.call('SREM', K.queueAgents(q), a)
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. state, -1)
  end
  redis.call('HSET', K.agent(a), 'in:voice', '0', 'in:chat', '0', 'in:email', '0')
end

local function attachAgent(a)
  local state = hget(K.agent(a), 'state') or 'offline'
  for _, q in ipairs(redis.call('HKEYS', K.agentQueues(a))) do
    redis.call('SADD', K.queueAgents(q), a)
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. state, 1)
  end
  syncAgent(a)
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

finishStates = flushStates
