-- Engagements: an agent busy on a call that did not come from a queue
-- (click-to-dial, a transfer or consultation to them). Kept on the agent
-- hash (`engaged` call id, `engagedKind`, `engagedAt`, `engagedQueue`) and
-- counted in the agent's voice load, so matching, availability sets and the
-- reconciler's load recount treat it like a connected voice contact; no
-- contact hash is made (the call may still be a queue contact of another
-- agent, as during a transfer).

-- Wrap-up after an engagement: the queue it came through when there is
-- one, otherwise the longest of the agent's queues (the same rule a queue
-- contact follows, with no queue to ask).
local function engagementWrapUpMs(a, q)
  if q ~= nil and q ~= '' and queueConf(q).strategy ~= nil then return queueNum(q, 'wrapUpMs') end
  local longest = 0
  for _, entry in ipairs(agentQueues(a).list) do
    local ms = queueNum(entry[1], 'wrapUpMs')
    if ms > longest then longest = ms end
  end
  return longest
end

-- Ends the agent's engagement as completing a queue contact ends a contact:
-- talk time counts for the agent, then wrap-up (when configured, the agent
-- is logged in, not on break and holds nothing else) or straight to
-- available and matched. Returns { talkMs, wrapUpUntil, offersRinging }.
local function releaseEngagement(a)
  local f = hot(a)
  local c = f.engaged
  local kind = aget(a, 'engagedKind') or ''
  local q = aget(a, 'engagedQueue') or ''
  local talk = NOW - num(aget(a, 'engagedAt'), NOW)
  if talk < 0 then talk = 0 end
  aset(a, 'engaged', '')
  aset(a, 'engagedKind', '')
  aset(a, 'engagedQueue', '')
  aset(a, 'engagedAt', '0')
  aincr(a, CH.voice.load, -1)
  aincr(a, 'talkMs', talk)
  emit('agent.released', 'agentId', a, 'contactId', c, 'queueId', q, 'channel', 'voice',
    'reason', kind, 'talkMs', str(talk))
  local wrapMs = engagementWrapUpMs(a, q)
  local wrapUntil = 0
  if wrapMs > 0 and f.loggedIn == '1' and f.onBreak ~= '1'
      and redis.call('SCARD', K.agentContacts(a)) == 0 and redis.call('SCARD', K.agentOffers(a)) == 0 then
    wrapUntil = NOW + wrapMs
    aset(a, 'wrapToken', nextId('w'))
    aset(a, 'wrapUntil', str(wrapUntil))
    setDeadline('wrap', a, wrapUntil)
  else
    aset(a, 'idleSince', NOW_S)
  end
  -- An offer syncs the agent itself; without one, sync here.
  if matchAgent(a, nil) == 0 then syncAgent(a) end
  flushStates()
  local ringing = OFFER_COUNT[a]
  if ringing == nil then ringing = redis.call('SCARD', K.agentOffers(a)) end
  return { talkMs = talk, wrapUpUntil = wrapUntil, offersRinging = ringing }
end
