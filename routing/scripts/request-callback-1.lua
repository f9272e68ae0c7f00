--[[
  Turns a waiting (or ringing) voice contact into a callback. Ticket and rank
  are untouched, so it keeps its place; max wait no longer applies because
  nobody is holding. The offer that reaches it carries the number to dial.
    KEYS[1] contact hash
    ARGV[5] contact id
    ARGV[6] number to call back
  Returns {} or error not_found / conflict.
]]
--- @include "context"
--- @include "keys"
--- @include "events"
--- @include "contact"

local c, number = ARGV[5], ARGV[6]
local ct = loadContact(c)
if ct == nil then return fail('not_found', 'contact ' .. c .. ' is not in line') end
if ct.channel ~= 'voice' then return fail('conflict', 'contact ' .. c .. ' is a ' .. ct.channel .. ' contact; callbacks are for voice') end
if ct.state ~= 'waiting' and ct.state ~= 'offered' then
  return fail('conflict', 'contact ' .. c .. ' is already with an agent')
end
redis.call('HSET', KEYS[1], 'callback', '1', 'callbackNumber', number, 'deadline', 0)
clearDeadline('maxwait', c)
emit('contact.callback-requested', 'contactId', c, 'queueId', ct.queue, 'channel', ct.channel,
  'callbackNumber', number)
return done({})
