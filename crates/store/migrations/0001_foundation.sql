-- Prongsai schema, written once for SQLite and PostgreSQL.
-- {id} is an auto-increment primary key, {blob} a byte string (see db.rs).
-- Instants are BIGINT milliseconds since the Unix epoch, UTC. Flags are BIGINT 0/1.
-- Every organization-owned table carries org_id, the distribution key for sharding.

CREATE TABLE organizations (
    id {id},
    slug TEXT NOT NULL UNIQUE,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    org_type TEXT NOT NULL,
    province TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    about_th TEXT NOT NULL DEFAULT '',
    about_en TEXT NOT NULL DEFAULT '',
    require_staff_totp BIGINT NOT NULL DEFAULT 0,
    complaint_deadline_days BIGINT NOT NULL DEFAULT 15,
    created_at BIGINT NOT NULL
);

-- Divisions (สำนัก/กอง) of an organization.
CREATE TABLE divisions (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    head_user_id BIGINT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    UNIQUE (org_id, code)
);

-- Accounts are installation-wide; what a person may do in an organization is a
-- membership.
CREATE TABLE users (
    id {id},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_enabled BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT 'th',
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    division_id BIGINT REFERENCES divisions(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Server-side sessions, so that several server processes can share one database.
-- Only a hash of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    totp_verified BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Fixed-window counters for rate limits (login attempts per address and per account,
-- public submissions), shared by every server process.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

-- The audit trail: one hash chain per organization (org_id 0 is the installation).
-- No foreign key: the trail outlives what it describes.
CREATE TABLE audit_log (
    org_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_id BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE TABLE audit_heads (
    org_id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

-- Uploaded files: metadata here, bytes in the file store under `storage_key`.
CREATE TABLE files (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    storage_key TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX files_org ON files (org_id);

-- API keys for machine clients (Open311 POST and the like); only a hash is kept.
CREATE TABLE api_keys (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0
);
