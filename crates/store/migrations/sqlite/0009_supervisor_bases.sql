-- Where each program supervisor sets out from to visit placements: caseloads are assigned by
-- the travel from here to the schools.

CREATE TABLE supervisor_bases (
    person_id  INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    zip        TEXT NOT NULL DEFAULT '',
    lat        REAL NOT NULL,
    lon        REAL NOT NULL
);
