-- Partnerships: parties, agreement versions and approvals, feedback and its steps.
CREATE TABLE partnerships (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    provider_id INTEGER NOT NULL REFERENCES organizations (id),
    status      TEXT NOT NULL,
    starts_on   TEXT,
    review_on   TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- The provider is a party too. A district party has a provider liaison.
CREATE TABLE partnership_parties (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    liaison_id     INTEGER REFERENCES people (id),
    PRIMARY KEY (partnership_id, org_id)
);
CREATE INDEX partnership_parties_org ON partnership_parties (org_id);

-- Versions never change once written; every edit is a new version.
CREATE TABLE agreement_versions (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    sections       TEXT NOT NULL,
    note           TEXT NOT NULL,
    created_by     INTEGER REFERENCES people (id),
    created_at     INTEGER NOT NULL,
    UNIQUE (partnership_id, number)
);

CREATE TABLE agreement_approvals (
    version_id  INTEGER NOT NULL REFERENCES agreement_versions (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    person_id   INTEGER REFERENCES people (id),
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (version_id, org_id)
);

CREATE TABLE feedback_items (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    from_org_id    INTEGER NOT NULL REFERENCES organizations (id),
    to_org_id      INTEGER NOT NULL REFERENCES organizations (id),
    category       TEXT NOT NULL,
    summary        TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    status         TEXT NOT NULL,
    raised_by      INTEGER REFERENCES people (id),
    raised_at      INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX feedback_items_partnership ON feedback_items (partnership_id, status);

-- Each step of a feedback item, dated and attributed (the first is "raised").
CREATE TABLE feedback_steps (
    id        INTEGER PRIMARY KEY,
    item_id   INTEGER NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
    status    TEXT NOT NULL,
    note      TEXT NOT NULL,
    person_id INTEGER REFERENCES people (id),
    at        INTEGER NOT NULL
);
CREATE INDEX feedback_steps_item ON feedback_steps (item_id);
