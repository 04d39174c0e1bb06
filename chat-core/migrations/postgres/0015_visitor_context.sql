-- Where the visitor came from (referrer, country, browser, OS, language,
-- time zone), as JSON (`parlor_domain::VisitorContext`), set at the start
-- of the conversation and refreshed on each later `hello`. NULL: unknown
-- (conversations from before it was kept).
ALTER TABLE conversations ADD COLUMN visitor_context TEXT;
