--[[
  A contact's max wait in its queue has passed. A waiting contact overflows to
  the queue's overflow target (keeping its rank) or leaves the line; a ringing
  one is left to its offer (the requeue after a reject or timeout overflows
  it). A no-op for contacts that are gone, connected or callbacks.
    KEYS[1] contact hash
    ARGV[5] contact id
    ARGV[6] the timer's due time: the contact's current deadline must not be later
  Returns { outcome } with outcome overflowed | timed-out | ringing | none.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "agent"
--- @include "contact"
--- @include "match"

local c, dueAt = ARGV[5], tonumber(ARGV[6])
local ct = loadContact(c)
if ct == nil or ct.callback or ct.state == 'connected' or ct.deadline == 0 or ct.deadline > dueAt then
  if ct == nil or ct.deadline == 0 then clearDeadline('maxwait', c) end
  return done({ outcome = 'none' })
end
if ct.state == 'offered' then
  clearDeadline('maxwait', c)
  return done({ outcome = 'ringing' })
end
local moved = expireContact(ct)
if moved then
  matchContact(moved, nil)
  return done({ outcome = 'overflowed' })
end
return done({ outcome = 'timed-out' })
