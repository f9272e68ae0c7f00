-- Agents: presence, load, profile and membership of the per-queue
-- availability sets.
--
-- An agent hash is read through a per-call record: the fields state
-- derivation needs (presence, stored state, queues) and those matching needs
-- (skills, capacity, load, membership flags) come in one HMGET per group
-- the first time a script needs them, other fields one HGET each; every
-- change stays in the record and is written with one HSET when the call
-- ends (finishStates). A script never reads an agent hash around
-- the record, so it always sees its own changes. The profile (skills,
-- queues) is kept in the hash as `name:number,...` text (`skills`,
-- `queues`) beside the `skills` and `queues` hashes it mirrors.

-- Field groups read together: what state derivation needs, and what
-- matching needs.
local PRESENCE = { 'configured', 'loggedIn', 'onBreak', 'wrapToken', 'state', 'queues',
  'calls', 'talkMs', 'engaged' }
local MATCHING = { 'skills', 'cap:voice', 'load:voice', 'in:voice', 'backoff:voice', 'cap:chat',
  'load:chat', 'in:chat', 'cap:email', 'load:email', 'in:email' }
local BOTH = {}
for i = 1, #PRESENCE do BOTH[i] = PRESENCE[i] end
for i = 1, #MATCHING do BOTH[#PRESENCE + i] = MATCHING[i] end

-- agentId -> { f = field -> value (false: absent, nil: not read), which groups
-- are read, w/wl = changed fields }
local AGENTS, AGENT_ORDER = {}, {}
-- Agents whose state may have changed in this call; their state is derived
-- once, at the end (flushStates), so one atomic step shows as one
-- transition and never as a flicker through intermediate states.
local DIRTY, DIRTY_ORDER = {}, {}
-- Ringing offers per agent as counted by the last deriveState.
local OFFER_COUNT = {}
local RANDOM_SEEDED = false

RESETS[#RESETS + 1] = function()
  AGENTS, AGENT_ORDER, DIRTY, DIRTY_ORDER, OFFER_COUNT = {}, {}, {}, {}, {}
  RANDOM_SEEDED = false
end

local function record(a)
  local rec = AGENTS[a]
  if rec == nil then
    -- The field table is created at its full size (the constructor's keys
    -- size it), so filling it never rehashes.
    local f = { configured = nil, loggedIn = nil, onBreak = nil, wrapToken = nil, state = nil,
      queues = nil, calls = nil, talkMs = nil, skills = nil, ['cap:voice'] = nil,
      ['load:voice'] = nil, ['in:voice'] = nil, ['backoff:voice'] = nil, ['cap:chat'] = nil,
      ['load:chat'] = nil, ['in:chat'] = nil, ['cap:email'] = nil, ['load:email'] = nil,
      ['in:email'] = nil,
      idleSince = nil, misses = nil, reason = nil, wrapUntil = nil, engaged = nil }
    rec = { f = f, presence = false, matching = false, w = {}, wl = {}, connected = false }
    AGENTS[a] = rec
    AGENT_ORDER[#AGENT_ORDER + 1] = a
  end
  return rec
end

local function readFields(a, rec, names)
  local v = redis.call('HMGET', K.agent(a), unpack(names))
  local f = rec.f
  for i, name in ipairs(names) do
    if f[name] == nil then f[name] = v[i] end
  end
end

-- The record with the presence fields read.
local function presence(a)
  local rec = record(a)
  if not rec.presence then
    readFields(a, rec, PRESENCE)
    rec.presence = true
  end
  return rec.f
end

-- The record with every field matching needs read (presence too).
local function hot(a)
  local rec = record(a)
  if not rec.matching then
    if rec.presence then readFields(a, rec, MATCHING) else readFields(a, rec, BOTH); rec.presence = true end
    rec.matching = true
  end
  return rec.f
end

-- One field (nil when absent).
local function aget(a, field)
  local rec = record(a)
  local v = rec.f[field]
  if v == nil then
    v = redis.call('HGET', K.agent(a), field)
    rec.f[field] = v
  end
  if v == false then return nil end
  return v
end

-- Changes one field (a string), written when the call ends.
local function aset(a, field, value)
  local rec = record(a)
  rec.f[field] = value
  if not rec.w[field] then
    rec.w[field] = true
    rec.wl[#rec.wl + 1] = field
  end
end

local function aincr(a, field, by)
  local value = num(aget(a, field), 0) + by
  aset(a, field, str(value))
  return value
end

local function writeAgents()
  for _, a in ipairs(AGENT_ORDER) do
    local rec = AGENTS[a]
    if #rec.wl > 0 then
      local args = {}
      for _, field in ipairs(rec.wl) do
        args[#args + 1] = field
        args[#args + 1] = rec.f[field]
      end
      redis.call('HSET', K.agent(a), unpack(args))
      rec.w, rec.wl = {}, {}
    end
  end
end

local function pairsText(flat)
  local parts = {}
  for i = 1, #flat, 2 do parts[#parts + 1] = flat[i] .. ':' .. flat[i + 1] end
  table.sort(parts)
  return table.concat(parts, ',')
end

-- A `name:number,...` field of the agent's hash, parsed. Hashes written
-- before the field existed are read from the older per-agent hash (and the
-- reconciler adds the field).
local function agentPairs(a, field, olderKey)
  local text = aget(a, field)
  if text == nil then
    text = pairsText(redis.call('HGETALL', olderKey(a)))
    record(a).f[field] = text
  end
  return parsePairs(text)
end

-- The agent's skills ({ list = {{name, level, 'level'}...}, map = name -> level }).
local function agentSkills(a)
  return agentPairs(a, 'skills', K.agentSkills)
end

-- The agent's queues ({ list = {{queueId, position, 'position'}...} }).
local function agentQueues(a)
  return agentPairs(a, 'queues', K.agentQueues)
end

local function isPresent(f)
  return f.loggedIn == '1' and f.onBreak ~= '1' and not (f.wrapToken and f.wrapToken ~= '')
end

local function markDirty(a)
  if not DIRTY[a] then
    DIRTY[a] = true
    DIRTY_ORDER[#DIRTY_ORDER + 1] = a
  end
end

-- The call an agent is engaged on outside the queues (engage-agent), or nil.
local function engagedCall(f)
  if f.engaged and f.engaged ~= '' then return f.engaged end
  return nil
end

local function deriveState(a)
  local f = presence(a)
  if f.loggedIn ~= '1' then return 'offline' end
  -- An agent on break may dial out: on the call they are busy, after it on break again.
  if f.onBreak == '1' then return engagedCall(f) and 'busy' or 'break' end
  if f.wrapToken and f.wrapToken ~= '' then return 'wrap-up' end
  local offers = redis.call('SCARD', K.agentOffers(a))
  OFFER_COUNT[a] = offers
  if offers > 0 then return 'reserved' end
  if AGENTS[a].connected or engagedCall(f) or redis.call('SCARD', K.agentContacts(a)) > 0 then
    return 'busy'
  end
  return 'available'
end

-- Stores the derived state, keeps the per-queue agent counters in step and
-- emits the transition.
local function refreshState(a)
  presence(a)
  local old = aget(a, 'state') or 'offline'
  local new = deriveState(a)
  if old == new then return new end
  aset(a, 'state', new)
  -- When the agent entered the state: the desktop's and wallboard's "time in state".
  aset(a, 'stateSince', NOW_S)
  for _, entry in ipairs(agentQueues(a).list) do
    local stats = K.queueStats(entry[1])
    redis.call('HINCRBY', stats, 'agents:' .. old, '-1')
    redis.call('HINCRBY', stats, 'agents:' .. new, '1')
  end
  local reason = ''
  if new == 'break' then reason = aget(a, 'reason') or '' end
  emit('agent.state-changed', 'agentId', a, 'state', new, 'previousState', old, 'reason', reason)
  return new
end

local function flushStates()
  for _, a in ipairs(DIRTY_ORDER) do refreshState(a) end
  DIRTY, DIRTY_ORDER = {}, {}
  writeAgents()
end

finishStates = flushStates

-- Whether offers on the channel are held back after an unreachable device
-- (offer-unreachable sets it, end-backoff ends it).
local function backedOff(f, ch)
  local field = CH[ch].backoff
  return field ~= nil and num(f[field], 0) > 0
end

-- Whether the agent may be offered one more contact on the channel.
local function canTake(a, ch)
  local f = hot(a)
  return isPresent(f) and not backedOff(f, ch)
    and num(f[CH[ch].load], 0) < num(f[CH[ch].cap], 0)
end

-- Lower is offered first; see routing/README.md for each strategy.
local function strategyScore(a, q, strategy, position)
  if strategy == 'round-robin' then return aget(a, 'rr:' .. q) or '0' end
  if strategy == 'top-down' then return position end
  if strategy == 'fewest-calls' then return aget(a, 'calls') or '0' end
  if strategy == 'least-talk-time' then return aget(a, 'talkMs') or '0' end
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
  return aget(a, 'idleSince') or '0'
end

-- Puts the agent in (or takes it out of) every availability set it belongs
-- in. Called after anything that changes presence, load, wrap-up, back-off
-- or profile, so the sets are always exact. Field `in:<channel>` remembers
-- membership, so a busy agent costs nothing here.
local function syncAgent(a)
  local f = hot(a)
  local present = isPresent(f)
  for _, ch in ipairs(CHANNELS) do
    local fields = CH[ch]
    local take = present and not backedOff(f, ch)
      and num(f[fields.load], 0) < num(f[fields.cap], 0)
    local member = f[fields.member] == '1'
    if take or member then
      local skills = agentSkills(a).list
      for _, entry in ipairs(agentQueues(a).list) do
        local q = entry[1]
        if take then
          local score = strategyScore(a, q, queueConf(q).strategy or 'longest-idle', entry[3])
          redis.call('ZADD', K.queueAvailable(q, ch), score, a)
          for _, s in ipairs(skills) do
            redis.call('ZADD', K.queueAvailableSkill(q, ch, s[1], s[3]), score, a)
          end
        else
          redis.call('ZREM', K.queueAvailable(q, ch), a)
          for _, s in ipairs(skills) do
            redis.call('ZREM', K.queueAvailableSkill(q, ch, s[1], s[3]), a)
          end
        end
      end
      if take ~= member then aset(a, fields.member, take and '1' or '0') end
    end
  end
  markDirty(a)
end

-- Takes the agent out of all queue structures before its profile changes.
local function detachAgent(a)
  local state = aget(a, 'state') or 'offline'
  local skills = agentSkills(a).list
  for _, entry in ipairs(agentQueues(a).list) do
    local q = entry[1]
    for _, ch in ipairs(CHANNELS) do
      redis.call('ZREM', K.queueAvailable(q, ch), a)
      for _, s in ipairs(skills) do
        redis.call('ZREM', K.queueAvailableSkill(q, ch, s[1], s[3]), a)
      end
    end
    redis.call('SREM', K.queueAgents(q), a)
    redis.call('HINCRBY', K.queueStats(q), 'agents:' .. state, '-1')
  end
  for _, ch in ipairs(CHANNELS) do aset(a, CH[ch].member, '0') end
end

local function attachAgent(a)
  local state = aget(a, 'state') or 'offline'
  for _, entry in ipairs(agentQueues(a).list) do
    redis.call('SADD', K.queueAgents(entry[1]), a)
    redis.call('HINCRBY', K.queueStats(entry[1]), 'agents:' .. state, '1')
  end
  syncAgent(a)
end
