-- TOTP replay protection: the last time step (Unix seconds / 30) whose code an account
-- used. A code is accepted only for a later step (users::use_totp_step), so a code seen
-- over someone's shoulder or replayed within its window is refused. 0: none used yet.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
