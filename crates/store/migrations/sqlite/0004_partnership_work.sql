-- The work of a partnership: its people, meetings and action items, improvement cycles,
-- self-assessments against frameworks, and the toolkit it draws on.

CREATE TABLE partnership_members (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    person_id      INTEGER NOT NULL REFERENCES people (id),
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    role           TEXT NOT NULL,
    added_at       INTEGER NOT NULL,
    PRIMARY KEY (partnership_id, person_id, org_id)
);

CREATE TABLE meetings (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    held_on        TEXT NOT NULL,
    location       TEXT NOT NULL,
    agenda         TEXT NOT NULL,
    notes          TEXT NOT NULL,
    decisions      TEXT NOT NULL,
    -- Data days: the partnership's figures (JSON) as they stood when the meeting was recorded.
    snapshot       TEXT,
    created_by     INTEGER REFERENCES people (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX meetings_partnership ON meetings (partnership_id, held_on);

CREATE TABLE meeting_attendees (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE cycles (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    aim            TEXT NOT NULL,
    created_by     INTEGER REFERENCES people (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX cycles_partnership ON cycles (partnership_id);

CREATE TABLE cycle_goals (
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    goal_id  INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    PRIMARY KEY (cycle_id, goal_id)
);

CREATE TABLE cycle_rounds (
    id          INTEGER PRIMARY KEY,
    cycle_id    INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    change_plan TEXT NOT NULL,
    measures    TEXT NOT NULL,
    predictions TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    done        TEXT NOT NULL,
    study       TEXT NOT NULL,
    decision    TEXT,
    decided_on  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (cycle_id, number)
);

CREATE TABLE action_items (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    owner_id       INTEGER REFERENCES people (id),
    due_on         TEXT,
    status         TEXT NOT NULL,
    meeting_id     INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    feedback_id    INTEGER REFERENCES feedback_items (id) ON DELETE SET NULL,
    cycle_id       INTEGER REFERENCES cycles (id) ON DELETE SET NULL,
    created_by     INTEGER REFERENCES people (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX action_items_partnership ON action_items (partnership_id);
CREATE INDEX action_items_owner ON action_items (owner_id, status);

-- Self-assessment frameworks: the TOML text as loaded (docs/frameworks.md); built-in ones have
-- no organization.
CREATE TABLE frameworks (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    org_id     INTEGER REFERENCES organizations (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE assessments (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    framework_id   INTEGER NOT NULL REFERENCES frameworks (id),
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    rated_on       TEXT NOT NULL,
    person_id      INTEGER REFERENCES people (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX assessments_partnership ON assessments (partnership_id, framework_id);

CREATE TABLE assessment_ratings (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    criterion     TEXT NOT NULL,
    level         INTEGER NOT NULL,
    evidence      TEXT NOT NULL,
    comment       TEXT NOT NULL,
    PRIMARY KEY (assessment_id, criterion)
);

-- Toolkit items: Tandem's own (a slug, no organization) and organizations' own.
CREATE TABLE toolkit_items (
    id         INTEGER PRIMARY KEY,
    slug       TEXT UNIQUE,
    org_id     INTEGER REFERENCES organizations (id),
    kind       TEXT NOT NULL,
    focus      TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE partnership_tools (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    item_id        INTEGER NOT NULL REFERENCES toolkit_items (id) ON DELETE CASCADE,
    attached_at    INTEGER NOT NULL,
    PRIMARY KEY (partnership_id, item_id)
);
