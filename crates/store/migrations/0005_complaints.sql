-- General complaints (เรื่องร้องทุกข์/ร้องเรียน, project 29 of the plan), their history,
-- attachments and routing, and the outbox of e-mail notices sent after commit.
-- See docs/complaints.md.

CREATE TABLE complaints (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- TrackingCode::key(): 2569-7K4M-Q2PX (no prefix). New codes are unique in the
    -- installation; an organization imported twice (renamed) keeps its codes.
    code_key TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    division_id BIGINT REFERENCES divisions(id) ON DELETE SET NULL,
    channel TEXT NOT NULL,
    location_text TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    description TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    -- When the complainant accepted the privacy notice (PDPA).
    privacy_accepted_at BIGINT NOT NULL,
    -- The officer who typed it in for the citizen (NULL: filed by the citizen).
    filed_by BIGINT,
    received_at BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    -- When the case was last answered (resolved, rejected, forwarded).
    resolved_at BIGINT,
    closed_at BIGINT,
    last_public_reply_at BIGINT,
    forwarded_to TEXT NOT NULL,
    merged_into TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, code_key)
);
CREATE INDEX complaints_code ON complaints (code_key);
CREATE INDEX complaints_queue ON complaints (org_id, status, deadline_at);
CREATE INDEX complaints_division ON complaints (org_id, division_id);

-- Everything that happened to a complaint. public = 1: shown on the tracking page.
CREATE TABLE complaint_events (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    complaint_id BIGINT NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    at_ms BIGINT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL,
    status_after TEXT NOT NULL,
    body TEXT NOT NULL,
    actor_id BIGINT,
    actor_label TEXT NOT NULL
);
CREATE INDEX complaint_events_case ON complaint_events (org_id, complaint_id, id);

-- Attachments. public = 1 when the stored bytes have had their metadata stripped.
CREATE TABLE complaint_files (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    complaint_id BIGINT NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    public BIGINT NOT NULL,
    PRIMARY KEY (complaint_id, file_id)
);
CREATE INDEX complaint_files_org ON complaint_files (org_id, complaint_id);

-- Routing: which division a category goes to (absent: the default by category code).
CREATE TABLE complaint_routes (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    division_id BIGINT NOT NULL REFERENCES divisions(id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, category)
);

-- E-mail waiting to be sent. Written in the transaction of the change it tells about,
-- sent by a worker after commit, retried until sent.
CREATE TABLE mail_outbox (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);
