-- For a state-sized term: a run's inputs (tens of megabytes of JSON) live apart from the run, so
-- listing runs never reads them; placements are found by school and candidates by person
-- through indexes.

CREATE TABLE run_inputs (
    run_id BIGINT PRIMARY KEY REFERENCES match_runs (id) ON DELETE CASCADE,
    inputs TEXT NOT NULL
);
INSERT INTO run_inputs (run_id, inputs) SELECT id, inputs FROM match_runs;
ALTER TABLE match_runs DROP COLUMN inputs;

CREATE INDEX placements_school ON placements (school_id);
CREATE INDEX candidates_person ON candidates (person_id);
