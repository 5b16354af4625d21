-- The digit style of an organization's Thai pages: 0 Arabic digits (1, 2, 3), 1 Thai
-- digits (๑, ๒, ๓). One style per page: the web layer renders every number of a Thai
-- page in it, whatever the digits of the stored text (English pages use Arabic digits).
ALTER TABLE organizations ADD COLUMN thai_digits BIGINT NOT NULL DEFAULT 0;
