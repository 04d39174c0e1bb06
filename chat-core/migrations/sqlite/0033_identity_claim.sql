-- The latest `identify` the channel did not trust (a wrong signature, or
-- none where signatures are required), as JSON (`parlor_domain::Identity`):
-- shown only in the visitor panel as an unverified claim, never as the
-- visitor's name. NULL: none.
ALTER TABLE visitors ADD COLUMN identity_claim TEXT;
