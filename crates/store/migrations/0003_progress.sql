-- Running the plan: yearly progress per project, its evidence, and the reporting rounds
-- (see docs/data-model.md). Progress hangs off (org_id, project_key, fiscal_year), so it
-- follows a project through plan versions. Money is in satang (1/100 baht).

CREATE TABLE progress (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    project_key BIGINT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    -- not_started | in_progress | done | could_not_be_done
    status TEXT NOT NULL,
    -- no_budget | policy_changed | not_enough_staff | other (only when could_not_be_done)
    reason TEXT,
    reason_text TEXT NOT NULL DEFAULT '',
    dev_plan_satang BIGINT,
    ordinance_satang BIGINT,
    disbursed_satang BIGINT,
    problems TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    -- draft | submitted_for_approval | approved | returned
    approval TEXT NOT NULL,
    approval_comment TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, project_key, fiscal_year)
);
CREATE INDEX progress_year ON progress (fiscal_year, org_id);

-- The plan's method steps (ขั้นตอนการดำเนินการ) ticked off, by position in the plan.
CREATE TABLE progress_steps (
    org_id BIGINT NOT NULL,
    project_key BIGINT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    -- ISO date (YYYY-MM-DD), empty when not given.
    done_on TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, project_key, fiscal_year, seq)
);

-- KPI results: the actual value (and the baseline for decrease/increase targets) of
-- each output/outcome, by kind and position in the plan.
CREATE TABLE progress_kpis (
    org_id BIGINT NOT NULL,
    project_key BIGINT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    seq BIGINT NOT NULL,
    actual DOUBLE PRECISION,
    baseline DOUBLE PRECISION,
    PRIMARY KEY (org_id, project_key, fiscal_year, kind, seq)
);

-- Evidence: an uploaded file or photo (files.id) or a link, with who added it and when.
CREATE TABLE progress_evidence (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    project_key BIGINT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    -- file | photo | link
    kind TEXT NOT NULL,
    file_id BIGINT REFERENCES files(id) ON DELETE SET NULL,
    url TEXT NOT NULL DEFAULT '',
    caption TEXT NOT NULL DEFAULT '',
    added_by BIGINT NOT NULL,
    added_by_name TEXT NOT NULL,
    added_at BIGINT NOT NULL
);
CREATE INDEX progress_evidence_project ON progress_evidence (org_id, project_key, fiscal_year);

-- Submitted reporting rounds: version 1 is the submission, 2, 3 … are corrections.
-- Each holds the frozen report (prongsai_domain::reports::RoundReport as JSON) and is
-- never changed afterwards.
CREATE TABLE report_rounds (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    -- 6m | 12m
    round TEXT NOT NULL,
    version BIGINT NOT NULL,
    report_json TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    submitted_by BIGINT NOT NULL,
    submitted_by_name TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (org_id, fiscal_year, round, version)
);
