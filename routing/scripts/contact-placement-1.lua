--[[
  Where a contact stands: 1-based position in its queue's line (ringing
  contacts count, they are not served yet) and estimated wait (method in
  contact.lua and routing/README.md). Read-only.
    KEYS[1] contact hash
    ARGV[5] contact id
  Returns { position, estimatedWaitSeconds } or { absent = true }.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "contact"

local ct = loadContact(ARGV[5])
if ct == nil or ct.state == 'connected' then return done({ absent = true }) end
local where = placement(ct)
if where == nil then return done({ absent = true }) end
return done(where)
