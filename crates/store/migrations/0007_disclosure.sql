-- The public information centre (ศูนย์ข้อมูลข่าวสาร, plan projects 3 and 5): items
-- published in the plan's five groups with every published version kept, the search
-- index, the ITA disclosure (OIT) checklist, executives for the home page, and private
-- visitor counts. See docs/information-centre.md and docs/oit.md.

-- An item as staff edit it (the draft). `item_no` is the item's number in the
-- organization, stable across installations (URLs and exports use it). The public sees
-- only published versions (info_versions); `version` is the latest one (0: never
-- published) and `draft_changed` says the draft differs from it.
CREATE TABLE info_items (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    item_no BIGINT NOT NULL,
    group_code TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- The date the information is about or was issued: 'YYYY-MM-DD' or ''.
    item_date TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    rhythm TEXT NOT NULL,
    -- One link a line: "label | https://…" (or just the URL).
    links TEXT NOT NULL,
    division_id BIGINT REFERENCES divisions(id) ON DELETE SET NULL,
    version BIGINT NOT NULL DEFAULT 0,
    draft_changed BIGINT NOT NULL DEFAULT 1,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT,
    UNIQUE (org_id, item_no)
);
CREATE INDEX info_items_group ON info_items (org_id, group_code);

-- Every published version of an item, never changed afterwards.
CREATE TABLE info_versions (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES info_items(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    item_date TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    links TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by TEXT NOT NULL,
    UNIQUE (org_id, item_id, version)
);

-- Files of an item: version 0 is the draft, N the published version N.
CREATE TABLE info_files (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES info_items(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    sort BIGINT NOT NULL,
    PRIMARY KEY (org_id, item_id, version, file_id)
);

-- The search index (see prongsai-search): one row per document and term. Documents of
-- any module (`doc_kind`: info, complaint_stats, procurement …) are indexed through
-- store::search::index_document.
CREATE TABLE search_docs (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    doc_kind TEXT NOT NULL,
    doc_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    snippet TEXT NOT NULL,
    doc_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, doc_kind, doc_id)
);
CREATE TABLE search_terms (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    doc_kind TEXT NOT NULL,
    doc_id BIGINT NOT NULL,
    term TEXT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (org_id, doc_kind, doc_id, term)
);
CREATE INDEX search_terms_term ON search_terms (org_id, term);

-- The ITA disclosure checklist (OIT) of an assessment year (B.E.), loaded from the
-- shipped list (docs/oit.md) and editable. Each item is published either by an info
-- item (info_no) or by a live source Prongsai computes (source), or at a URL
-- elsewhere (url).
CREATE TABLE oit_items (
    id {id},
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    code TEXT NOT NULL,
    sort BIGINT NOT NULL,
    indicator TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL,
    info_no BIGINT,
    url TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, year, code)
);

-- Executives (ผู้บริหาร) shown on the public home page.
CREATE TABLE org_executives (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sort BIGINT NOT NULL,
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    PRIMARY KEY (org_id, sort)
);

-- Page views per organization, public path and Bangkok day: no address, cookie or
-- agent is kept. Written in batches (see the web layer's visit counter).
CREATE TABLE page_views (
    org_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    path TEXT NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (org_id, day, path)
);
