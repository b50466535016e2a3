-- Measurable goals of a partnership and the progress recorded against them.
CREATE TABLE goals (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    metric         TEXT NOT NULL,
    measure        TEXT NOT NULL,
    unit           TEXT NOT NULL,
    baseline       REAL,
    target         REAL NOT NULL,
    due_on         TEXT,
    owner_id       INTEGER REFERENCES people (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX goals_partnership ON goals (partnership_id);

CREATE TABLE goal_progress (
    id          INTEGER PRIMARY KEY,
    goal_id     INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    value       REAL NOT NULL,
    measured_on TEXT NOT NULL,
    note        TEXT NOT NULL,
    person_id   INTEGER REFERENCES people (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX goal_progress_goal ON goal_progress (goal_id);
