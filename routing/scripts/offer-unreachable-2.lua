--[[
  None of the agent's devices could take a ringing offer: no device was
  registered, or each one answered with a failure that is no person's
  refusal (404, 408, 480, 5xx, a transport error; see media/offer). Not a
  miss: nothing rang for anyone to answer. The contact goes back to its
  place and on to the next agent at once; the agent gets no more offers on
  the offer's channel until the back-off ends (a deadline, end-backoff), so a
  phone that vanished without unregistering is not offered the same caller
  again every few milliseconds.
    KEYS[1] offer hash
    KEYS[2] agent hash
    ARGV[5] agent id
    ARGV[6] offer id
    ARGV[7] back-off, ms (0: none, the agent may be offered again at once)
  Returns { backoffUntil } (0 without a back-off) or error not_found / conflict.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local a, offerId, backoffMs = ARGV[5], ARGV[6], num(ARGV[7], 0)
local o = redis.call('HMGET', KEYS[1], 'agentId', 'channel')
if not o[1] then return fail('not_found', 'offer ' .. offerId .. ' is no longer ringing') end
if o[1] ~= a then return fail('conflict', 'offer ' .. offerId .. ' was made to another agent') end
local field = CH[o[2]].backoff
local backoffUntil = 0
if backoffMs > 0 and field then
  -- Set before the offer is released: releasing syncs the agent out of the
  -- channel's availability sets, and rematching then passes it over.
  backoffUntil = NOW + backoffMs
  hot(a)
  aset(a, field, str(backoffUntil))
  setDeadline('backoff', a, backoffUntil)
end
local ct = releaseOffer(offerId, 'unreachable')
rematch(ct, a)
return done({ backoffUntil = backoffUntil })
