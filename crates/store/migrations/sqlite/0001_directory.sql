-- The directory, accounts and the access log. Times are Unix seconds (UTC).
-- Yes/no facts are stored as 0/1 integers on both backends (the sqlx Any driver reads them alike).
CREATE TABLE organizations (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('state_agency', 'district', 'school', 'provider')),
    name          TEXT NOT NULL,
    parent_id     INTEGER REFERENCES organizations (id),
    nces_id       TEXT UNIQUE,
    state_org_id  TEXT,
    state_code    TEXT,
    county        TEXT,
    street        TEXT,
    city          TEXT,
    zip           TEXT,
    phone         TEXT,
    low_grade     TEXT,
    high_grade    TEXT,
    locale        TEXT,
    charter       INTEGER,
    school_type   TEXT,
    status        TEXT,
    students      INTEGER,
    teachers_fte  REAL,
    free_lunch    INTEGER,
    reduced_lunch INTEGER,
    latitude      REAL,
    longitude     REAL,
    high_needs    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX organizations_parent ON organizations (parent_id);
CREATE INDEX organizations_kind_name ON organizations (kind, name);
CREATE INDEX organizations_state ON organizations (state_code);

CREATE TABLE programs (
    id          INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES organizations (id),
    name        TEXT NOT NULL,
    areas       TEXT NOT NULL,
    grade_band  TEXT NOT NULL,
    pathway     TEXT NOT NULL CHECK (pathway IN ('traditional', 'residency', 'alternative')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (provider_id, name)
);

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT UNIQUE,
    password_hash TEXT,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX people_name ON people (name);

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (person_id, org_id, role)
);
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    can_write    INTEGER NOT NULL,
    created_by   INTEGER REFERENCES people (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

CREATE TABLE access_log (
    id                INTEGER PRIMARY KEY,
    at                INTEGER NOT NULL,
    actor_person_id   INTEGER,
    actor_token_id    INTEGER,
    action            TEXT NOT NULL,
    subject_person_id INTEGER NOT NULL,
    channel           TEXT NOT NULL
);
CREATE INDEX access_log_subject ON access_log (subject_person_id, at);

CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    file_name  TEXT NOT NULL,
    started_by INTEGER REFERENCES people (id) ON DELETE SET NULL,
    status     TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    rows_read  INTEGER NOT NULL DEFAULT 0,
    message    TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
