-- ITA results, corruption case counts and the corruption risk register (see
-- docs/data-model.md), and covering indexes for the national summaries over plans
-- (0002) and progress (0003): they read only the index, never the wide rows (a plan
-- row holds the whole plan as JSON). See bench/README.md, "Scale".

CREATE INDEX plans_current_cover ON plans (is_current, id, org_id, project_count);
CREATE INDEX plan_budgets_year_cover ON plan_budgets (fiscal_year, org_id, plan_id, amount);
CREATE INDEX progress_year_cover ON progress (fiscal_year, org_id, status, disbursed_satang);

-- One row per organization and fiscal year (B.E.): the ITA score and its parts.
CREATE TABLE ita_scores (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    iit DOUBLE PRECISION,
    eit DOUBLE PRECISION,
    oit DOUBLE PRECISION,
    note TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, fiscal_year)
);
-- National averages per year.
CREATE INDEX ita_scores_year ON ita_scores (fiscal_year, org_id);

-- Corruption and misconduct cases per fiscal year (2565 is the plan's baseline).
CREATE TABLE corruption_cases (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    cases BIGINT NOT NULL,
    note TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, fiscal_year)
);

-- An organization's risk matrix (absent: the default 4 / 9 / 15).
CREATE TABLE risk_matrices (
    org_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    medium_from BIGINT NOT NULL,
    high_from BIGINT NOT NULL,
    very_high_from BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Risk events per work process. level is computed from likelihood × impact with the
-- organization's matrix whenever either (or the matrix) changes.
CREATE TABLE risks (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    no BIGINT NOT NULL,
    process TEXT NOT NULL,
    issues_json TEXT NOT NULL,
    likelihood BIGINT NOT NULL,
    impact BIGINT NOT NULL,
    level TEXT NOT NULL,
    owner_division_id BIGINT REFERENCES divisions(id) ON DELETE SET NULL,
    -- ISO date (YYYY-MM-DD) of the next review, '' when not set.
    review_date TEXT NOT NULL,
    -- The plan version and Part 1 row it was seeded from (NULL when entered by hand).
    source_plan_id BIGINT,
    source_seq BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX risks_org ON risks (org_id, no);
CREATE INDEX risks_level ON risks (level, org_id);

-- Control measures of a risk, linked to the plan project (by its stable key) that
-- carries each out; project_key NULL when no project does.
CREATE TABLE risk_controls (
    org_id BIGINT NOT NULL,
    risk_id BIGINT NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    text TEXT NOT NULL,
    project_key BIGINT,
    PRIMARY KEY (org_id, risk_id, seq)
);
CREATE INDEX risk_controls_project ON risk_controls (org_id, project_key);

-- Yearly reviews: the scores and level as assessed then, kept as history.
CREATE TABLE risk_reviews (
    id {id},
    org_id BIGINT NOT NULL,
    risk_id BIGINT NOT NULL REFERENCES risks(id) ON DELETE CASCADE,
    fiscal_year BIGINT NOT NULL,
    likelihood BIGINT NOT NULL,
    impact BIGINT NOT NULL,
    level TEXT NOT NULL,
    note TEXT NOT NULL,
    reviewed_by TEXT NOT NULL,
    reviewed_at BIGINT NOT NULL
);
CREATE INDEX risk_reviews_risk ON risk_reviews (org_id, risk_id, reviewed_at);
