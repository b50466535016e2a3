-- Clinical placements: terms, schools' hosting answers, mentor profiles and eligibility rules,
-- training, candidates, match runs with their inputs and results, and the placements that go
-- through district approval and the mentor's acceptance.

CREATE TABLE terms (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    -- The run rules (travel limit, high-needs minimum, weights) as JSON.
    rules          TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (partnership_id, name)
);

-- Mentor eligibility as the partnership agreed it; a missing clause is not required.
CREATE TABLE eligibility_rules (
    partnership_id        INTEGER PRIMARY KEY REFERENCES partnerships (id) ON DELETE CASCADE,
    min_years             INTEGER,
    training_within_years INTEGER,
    evidence_within_years INTEGER,
    updated_at            INTEGER NOT NULL
);

CREATE TABLE hosting (
    term_id     INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    school_id   INTEGER NOT NULL REFERENCES organizations (id),
    slots       INTEGER NOT NULL,
    areas       TEXT NOT NULL,
    bands       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (term_id, school_id)
);

-- One-time links: a school answers hosting, a mentor answers a placement, without an account.
CREATE TABLE answer_links (
    token_hash   TEXT PRIMARY KEY,
    purpose      TEXT NOT NULL CHECK (purpose IN ('hosting', 'placement')),
    term_id      INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    subject_id   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);

CREATE TABLE mentors (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL UNIQUE REFERENCES people (id),
    school_id        INTEGER NOT NULL REFERENCES organizations (id),
    areas            TEXT NOT NULL,
    bands            TEXT NOT NULL,
    years_experience INTEGER NOT NULL,
    evidence_source  TEXT NOT NULL,
    evidence_on      TEXT,
    willing          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX mentors_school ON mentors (school_id);

-- A mentor's availability for a term: no row, not available.
CREATE TABLE mentor_terms (
    term_id   INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    mentor_id INTEGER NOT NULL REFERENCES mentors (id) ON DELETE CASCADE,
    capacity  INTEGER NOT NULL,
    PRIMARY KEY (term_id, mentor_id)
);

CREATE TABLE training_modules (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    title        TEXT NOT NULL,
    audience     TEXT NOT NULL,
    hours        REAL NOT NULL,
    valid_months INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (org_id, title)
);

CREATE TABLE training_records (
    id           INTEGER PRIMARY KEY,
    module_id    INTEGER NOT NULL REFERENCES training_modules (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    completed_on TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (module_id, person_id, completed_on)
);
CREATE INDEX training_records_person ON training_records (person_id);

CREATE TABLE candidates (
    id             INTEGER PRIMARY KEY,
    term_id        INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    person_id      INTEGER NOT NULL REFERENCES people (id),
    program_id     INTEGER NOT NULL REFERENCES programs (id),
    area           TEXT NOT NULL,
    band           TEXT NOT NULL,
    zip            TEXT NOT NULL,
    lat            REAL NOT NULL,
    lon            REAL NOT NULL,
    -- School ids, most wanted first; and schools the candidate must not be placed in.
    preferences    TEXT NOT NULL,
    conflicts      TEXT NOT NULL,
    accommodations TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (term_id, person_id)
);

CREATE TABLE match_runs (
    id         INTEGER PRIMARY KEY,
    term_id    INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    -- Everything the engine was given (JSON), so any result can be explained later.
    inputs     TEXT NOT NULL,
    -- Counts, objective, high-needs share and travel (JSON).
    summary    TEXT NOT NULL,
    started_by INTEGER REFERENCES people (id),
    created_at INTEGER NOT NULL,
    UNIQUE (term_id, number)
);

CREATE TABLE run_results (
    run_id       INTEGER NOT NULL REFERENCES match_runs (id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    mentor_id    INTEGER REFERENCES mentors (id),
    school_id    INTEGER REFERENCES organizations (id),
    km           REAL,
    -- The cost breakdown (JSON) of a placement, or why the candidate is unplaced.
    detail       TEXT NOT NULL,
    locked       INTEGER NOT NULL,
    PRIMARY KEY (run_id, candidate_id)
);

-- The live placements of a term: proposed by a run, approved by the district, confirmed when
-- the mentor accepts. A decline removes the placement and is kept in placement_declines.
CREATE TABLE placements (
    id           INTEGER PRIMARY KEY,
    term_id      INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL UNIQUE REFERENCES candidates (id) ON DELETE CASCADE,
    mentor_id    INTEGER NOT NULL REFERENCES mentors (id),
    school_id    INTEGER NOT NULL REFERENCES organizations (id),
    run_id       INTEGER REFERENCES match_runs (id),
    km           REAL NOT NULL,
    locked       INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'confirmed')),
    supervisor_id INTEGER REFERENCES people (id),
    updated_at   INTEGER NOT NULL
);
CREATE INDEX placements_term ON placements (term_id);
CREATE INDEX placements_mentor ON placements (mentor_id);

CREATE TABLE placement_declines (
    id           INTEGER PRIMARY KEY,
    term_id      INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    mentor_id    INTEGER NOT NULL REFERENCES mentors (id),
    school_id    INTEGER NOT NULL REFERENCES organizations (id),
    by_party     TEXT NOT NULL CHECK (by_party IN ('district', 'mentor')),
    reason       TEXT NOT NULL,
    declined_by  TEXT NOT NULL,
    declined_at  INTEGER NOT NULL
);
CREATE INDEX placement_declines_term ON placement_declines (term_id);

-- Calibration: observers score the same exemplar lesson; agreement with the reference is
-- computed when read, never stored.
CREATE TABLE calibration_exercises (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    lesson         TEXT NOT NULL,
    levels         INTEGER NOT NULL,
    -- Rubric rows, one per line, and their reference levels, comma-separated in row order.
    rows           TEXT NOT NULL,
    reference      TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE calibration_scores (
    exercise_id  INTEGER NOT NULL REFERENCES calibration_exercises (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    scores       TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (exercise_id, person_id)
);
