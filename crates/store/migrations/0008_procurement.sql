-- Budget and procurement (plan projects 4, 10, 12) and conflicts of interest (project
-- 11). Money is BIGINT satang throughout (procurement amounts have satang); dates are
-- ISO 'YYYY-MM-DD' text ('' when not known). Independent of 0003–0007.

-- The yearly spending plan (kind 'spending') and procurement plan (kind 'procurement'):
-- one line per item, with its budget, planned month (1–12, 0 when not planned) and the
-- plan project it belongs to (stable key).
CREATE TABLE procurement_plan_items (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    seq BIGINT NOT NULL,
    subject TEXT NOT NULL,
    division_id BIGINT REFERENCES divisions(id) ON DELETE SET NULL,
    method TEXT NOT NULL,
    budget BIGINT NOT NULL,
    planned_month BIGINT NOT NULL,
    project_key BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX procurement_plan_items_org ON procurement_plan_items (org_id, fiscal_year, kind, seq);

-- Procurement records (one contracting process each).
CREATE TABLE procurements (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    ref_no TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    division_id BIGINT REFERENCES divisions(id) ON DELETE SET NULL,
    method TEXT NOT NULL,
    category TEXT NOT NULL,
    budget BIGINT NOT NULL,
    reference_price BIGINT,
    winner_seq BIGINT,
    contract_amount BIGINT,
    contract_no TEXT NOT NULL,
    selection_reason TEXT NOT NULL,
    announced_on TEXT NOT NULL,
    tender_end_on TEXT NOT NULL,
    awarded_on TEXT NOT NULL,
    contract_date TEXT NOT NULL,
    contract_start TEXT NOT NULL,
    contract_end TEXT NOT NULL,
    project_key BIGINT,
    plan_item_id BIGINT REFERENCES procurement_plan_items(id) ON DELETE SET NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX procurements_ref ON procurements (org_id, ref_no);
CREATE INDEX procurements_year ON procurements (org_id, fiscal_year, awarded_on);

-- Bidders and their bids. The tax id of a bidding business is public (e-GP publishes
-- it); it is kept as typed (13 digits) and also as a keyed hash for matching.
CREATE TABLE procurement_bidders (
    org_id BIGINT NOT NULL,
    procurement_id BIGINT NOT NULL REFERENCES procurements(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    tax_id TEXT NOT NULL,
    amount BIGINT,
    status TEXT NOT NULL,
    PRIMARY KEY (org_id, procurement_id, seq)
);

-- Staff involved in a procurement (committee members, the supplies officer, the
-- approver): whose declarations its bidders are checked against.
CREATE TABLE procurement_staff (
    org_id BIGINT NOT NULL,
    procurement_id BIGINT NOT NULL REFERENCES procurements(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    duty TEXT NOT NULL,
    PRIMARY KEY (org_id, procurement_id, user_id)
);

-- Documents (announcement, bidding documents, award notice, contract), media-checked
-- uploads in files.
CREATE TABLE procurement_documents (
    org_id BIGINT NOT NULL,
    procurement_id BIGINT NOT NULL REFERENCES procurements(id) ON DELETE CASCADE,
    file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (org_id, procurement_id, file_id)
);

-- Spending checks of project 12, one per disbursement: lawful, on purpose, worth it,
-- efficient (0/1 each) with notes, by an auditor or head.
CREATE TABLE spending_checks (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    procurement_id BIGINT REFERENCES procurements(id) ON DELETE SET NULL,
    disbursement_ref TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    amount BIGINT NOT NULL,
    lawful BIGINT NOT NULL,
    on_purpose BIGINT NOT NULL,
    worth_it BIGINT NOT NULL,
    efficient BIGINT NOT NULL,
    notes TEXT NOT NULL,
    checked_by TEXT NOT NULL,
    checked_at BIGINT NOT NULL
);
CREATE INDEX spending_checks_org ON spending_checks (org_id, fiscal_year, paid_on);

-- Conflict-of-interest declarations: a staff member's relatives and business ties.
-- Identity / tax numbers are never stored: only a keyed hash (HMAC-SHA-256 under a key
-- kept outside the database) and the last four digits, for the declarant to recognise.
CREATE TABLE coi_declarations (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    relation TEXT NOT NULL,
    id_hash TEXT NOT NULL,
    id_last4 TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX coi_declarations_user ON coi_declarations (org_id, user_id);
CREATE INDEX coi_declarations_hash ON coi_declarations (org_id, id_hash);

-- Matches found between a procurement's bidders and the declarations of its staff.
-- status: open → cleared (no conflict) or confirmed (the person withdraws, etc.).
CREATE TABLE coi_flags (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    procurement_id BIGINT NOT NULL REFERENCES procurements(id) ON DELETE CASCADE,
    bidder_seq BIGINT NOT NULL,
    bidder_name TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    declaration_id BIGINT NOT NULL REFERENCES coi_declarations(id) ON DELETE CASCADE,
    match_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    flagged_at BIGINT NOT NULL,
    resolved_by TEXT NOT NULL,
    resolved_at BIGINT
);
CREATE UNIQUE INDEX coi_flags_unique ON coi_flags (org_id, procurement_id, bidder_seq, declaration_id);
CREATE INDEX coi_flags_status ON coi_flags (org_id, status, flagged_at);
