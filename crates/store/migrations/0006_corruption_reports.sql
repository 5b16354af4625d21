-- Corruption and misconduct reports (แจ้งเบาะแสการทุจริตและประพฤติมิชอบ), projects 35
-- and 36: storage apart from general complaints.
--
-- Report, message and file ids are random positive 53-bit integers chosen by the
-- application, not sequences: the id is bound into every sealed value (org, report,
-- field), so it must be known before the row is written, and a sequence would tell an
-- outsider how many reports came in between two of theirs.
--
-- Every column named *_sealed holds `v1:<key id>:<base64url>` from
-- prongsai_domain::seal, never plaintext. The reporter's receipt is kept only as a
-- keyed hash. No IP address, user agent or original file name is stored.

CREATE TABLE corruption_reports (
    id BIGINT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    receipt_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    -- {"name", "contact"} when the reporter gave them; NULL when anonymous.
    identity_sealed TEXT,
    -- {"who_name", "who_position", "who_division", "what", "when", "where", "how_known"}.
    details_sealed TEXT NOT NULL,
    -- The disciplinary outcome (ผลการดำเนินการทางวินัย) written when concluding.
    disciplinary_sealed TEXT,
    received_at BIGINT NOT NULL,
    acknowledged_at BIGINT,
    investigating_at BIGINT,
    concluded_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX corruption_reports_org ON corruption_reports (org_id, received_at);

-- Messages both ways: the reporter adding information, officers replying.
-- author: 'reporter' or 'officer'. Officers' internal notes are not here.
CREATE TABLE corruption_report_messages (
    id BIGINT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    report_id BIGINT NOT NULL REFERENCES corruption_reports(id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    author_user_id BIGINT,
    body_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX corruption_report_messages_report ON corruption_report_messages (org_id, report_id, created_at);

-- Evidence files: metadata stripped, then sealed; stored under a random key with no
-- original name.
CREATE TABLE corruption_report_files (
    id BIGINT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    report_id BIGINT NOT NULL REFERENCES corruption_reports(id) ON DELETE CASCADE,
    storage_key TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX corruption_report_files_report ON corruption_report_files (org_id, report_id);

-- Officers of the organization a report names (ผู้ถูกกล่าวหา), linked by an integrity
-- officer: they and their supervisors cannot see the report.
CREATE TABLE corruption_report_subjects (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    report_id BIGINT NOT NULL REFERENCES corruption_reports(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (report_id, user_id)
);
CREATE INDEX corruption_report_subjects_org ON corruption_report_subjects (org_id, user_id);

-- Per-organization settings of the channel.
CREATE TABLE corruption_report_settings (
    org_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    retention_days BIGINT NOT NULL,
    conclude_days BIGINT,
    updated_at BIGINT NOT NULL
);
