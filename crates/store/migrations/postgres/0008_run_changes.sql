-- A run's changes from the run before it are marked when the run is kept, so a state-sized
-- run's page lists them through an index instead of comparing both runs' results whole.

ALTER TABLE run_results ADD COLUMN changed BIGINT NOT NULL DEFAULT 0;

UPDATE run_results SET changed = 1
WHERE EXISTS (
    SELECT 1 FROM match_runs a
    JOIN match_runs b ON b.term_id = a.term_id AND b.number = a.number - 1
    WHERE a.id = run_results.run_id
      AND COALESCE((SELECT x.mentor_id FROM run_results x
                    WHERE x.run_id = b.id AND x.candidate_id = run_results.candidate_id), 0)
          <> COALESCE(run_results.mentor_id, 0)
);

CREATE INDEX run_results_changed ON run_results (run_id, changed, candidate_id);
