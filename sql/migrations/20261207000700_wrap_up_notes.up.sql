-- The agent's free-text notes from wrap-up, with card numbers and national
-- ids already scrubbed by the API (api/privacy/sensitive-text.ts). The API
-- takes at most 2000 characters; the bound here leaves room for the
-- redaction markers, which are longer than some of what they replace.
ALTER TABLE calls ADD COLUMN wrap_up_notes text CHECK (length(wrap_up_notes) <= 8000);
