-- The anti-corruption action plan as data (see docs/data-model.md, "Plans").
-- Every import of a plan file is a new version; older versions are kept and exactly
-- one version per organization is current. The whole plan is kept as JSON
-- (plan_json, the shape of docs/plan.schema.json); the tables below it hold the parts
-- that yearly progress, reports and national summaries query.

CREATE TABLE plans (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    organization_name TEXT NOT NULL,
    -- Fiscal years covered, B.E. (0 when the plan does not say).
    first_year BIGINT NOT NULL,
    last_year BIGINT NOT NULL,
    -- The uploaded file's name and SHA-256 (hex).
    source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    -- Lint findings at import time (a JSON array).
    findings_json TEXT NOT NULL,
    project_count BIGINT NOT NULL,
    error_count BIGINT NOT NULL,
    warning_count BIGINT NOT NULL,
    -- Who imported it: a user name, or cli/system.
    imported_by TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    is_current BIGINT NOT NULL DEFAULT 0,
    UNIQUE (org_id, version)
);
-- At most one current version per organization.
CREATE UNIQUE INDEX plans_current ON plans (org_id) WHERE is_current = 1;
-- National summaries scan the current plans.
CREATE INDEX plans_is_current ON plans (is_current, org_id);

-- One row per project/activity/measure of a plan version.
CREATE TABLE plan_projects (
    org_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    no BIGINT NOT NULL,
    -- Stable across versions of the organization's plan: a project matched to one of
    -- the previous version (same or similar name) keeps its key; a new project gets
    -- the next free key. Progress and evidence hang off (org_id, project_key).
    project_key BIGINT NOT NULL,
    dimension BIGINT NOT NULL,
    mission TEXT NOT NULL,
    -- project | activity | measure
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    responsible TEXT NOT NULL,
    -- The division the responsible unit names, when one matches.
    division_id BIGINT REFERENCES divisions(id) ON DELETE SET NULL,
    PRIMARY KEY (org_id, plan_id, no)
);
CREATE INDEX plan_projects_division ON plan_projects (org_id, division_id);
CREATE INDEX plan_projects_key ON plan_projects (org_id, project_key);

-- Yearly budgets in whole baht (0 = no budget), one row per project and fiscal year.
CREATE TABLE plan_budgets (
    org_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    project_no BIGINT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (org_id, plan_id, project_no, fiscal_year)
);
CREATE INDEX plan_budgets_year ON plan_budgets (fiscal_year, org_id);

-- Outputs and outcomes with their targets (op: >=, <=, =, decrease, increase; NULL
-- when the text gives no target).
CREATE TABLE plan_kpis (
    org_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    project_no BIGINT NOT NULL,
    -- output | outcome
    kind TEXT NOT NULL,
    -- 1-based position among the project's outputs (or outcomes).
    seq BIGINT NOT NULL,
    text TEXT NOT NULL,
    op TEXT,
    value DOUBLE PRECISION,
    unit TEXT,
    PRIMARY KEY (org_id, plan_id, project_no, kind, seq)
);

-- Part 1 targets per fiscal year: ita_score | corruption_case_reduction_percent.
CREATE TABLE plan_targets (
    org_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (org_id, plan_id, kind, fiscal_year)
);
CREATE INDEX plan_targets_year ON plan_targets (kind, fiscal_year);

-- Part 1 risk table, one row per table row (seq: its position; no: as numbered).
CREATE TABLE plan_risks (
    org_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    no BIGINT NOT NULL,
    process TEXT NOT NULL,
    issues_json TEXT NOT NULL,
    levels_json TEXT NOT NULL,
    controls_json TEXT NOT NULL,
    PRIMARY KEY (org_id, plan_id, seq)
);
