--[[
  An agent's desk view: state, break reason, wrap-up end, ringing offers with
  their contacts, connected contacts (a call the agent is engaged on outside
  the queues among them, with `engagement` = its kind). Read-only.
    KEYS[1] agent hash
    ARGV[5] agent id
  Returns { state, stateSince, reason, wrapUpUntil, misses, voiceBackoffUntil, ringing = [...],
  contacts = [...] } or error not_found.
  (`offers` is taken: every reply lists the offers the call made, none here.)
]]
--- @include "context"
--- @include "keys"

local a = ARGV[5]
local f = redis.call('HMGET', KEYS[1], 'configured', 'state', 'reason', 'wrapUntil', 'misses',
  CH.voice.backoff, 'stateSince', 'engaged', 'engagedKind', 'engagedAt', 'engagedQueue')
if f[1] ~= '1' then return fail('not_found', 'agent ' .. a .. ' has no profile') end
local offers = {}
for _, offerId in ipairs(redis.call('SMEMBERS', K.agentOffers(a))) do
  local o = redis.call('HMGET', K.offer(offerId), 'contactId', 'queueId', 'channel', 'createdAt', 'expiresAt')
  if o[1] then
    local cb = redis.call('HMGET', K.contact(o[1]), 'callback', 'callbackNumber', 'callerNumber', 'attributes')
    offers[#offers + 1] = { offerId = offerId, contactId = o[1], queueId = o[2], channel = o[3],
      createdAt = tonumber(o[4]), expiresAt = tonumber(o[5]), callback = cb[1] == '1',
      callbackNumber = cb[2] or '', callerNumber = cb[3] or '', attributes = cb[4] or '{}' }
  end
end
local contacts = {}
for _, c in ipairs(redis.call('SMEMBERS', K.agentContacts(a))) do
  local o = redis.call('HMGET', K.contact(c), 'queueId', 'channel', 'acceptedAt')
  if o[1] then
    contacts[#contacts + 1] = { contactId = c, queueId = o[1], channel = o[2], acceptedAt = tonumber(o[3]) }
  end
end
-- A call engaged on outside the queues (engage-agent) is a connected contact to the desk.
if f[8] and f[8] ~= '' then
  contacts[#contacts + 1] = { contactId = f[8], queueId = f[11] or '', channel = 'voice',
    acceptedAt = num(f[10], 0), engagement = f[9] or '' }
end
return done({ state = f[2] or 'offline', stateSince = num(f[7], 0), reason = f[3] or '', wrapUpUntil = num(f[4], 0),
  misses = num(f[5], 0), voiceBackoffUntil = num(f[6], 0), ringing = offers, contacts = contacts })
