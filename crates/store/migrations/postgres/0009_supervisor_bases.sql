-- Where each program supervisor sets out from to visit placements: caseloads are assigned by
-- the travel from here to the schools.

CREATE TABLE supervisor_bases (
    person_id  BIGINT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    zip        TEXT NOT NULL DEFAULT '',
    lat        DOUBLE PRECISION NOT NULL,
    lon        DOUBLE PRECISION NOT NULL
);
