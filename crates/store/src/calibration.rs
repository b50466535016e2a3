//! Calibration exercises and the scores observers gave them.

use tandem_domain::calibration::ExerciseDraft;

use crate::sql::Sql;
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Exercise {
    pub id: i64,
    pub partnership_id: i64,
    pub title: String,
    pub lesson: String,
    pub levels: i64,
    pub rows: String,
    pub reference: String,
}

impl Exercise {
    /// (rubric row, reference level), in order.
    pub fn rows(&self) -> Vec<(String, u8)> {
        self.rows
            .lines()
            .zip(self.reference.split(','))
            .map(|(row, level)| (row.to_owned(), level.trim().parse().unwrap_or(0)))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Scores {
    pub exercise_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub scores: String,
    pub submitted_at: i64,
}

impl Scores {
    pub fn levels(&self) -> Vec<u8> {
        self.scores
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    }
}

const EXERCISES: &str =
    "SELECT id, partnership_id, title, lesson, levels, rows, reference FROM calibration_exercises";

impl Store {
    pub async fn exercises(&self, partnership_id: i64) -> Result<Vec<Exercise>> {
        let mut sql = Sql::new(EXERCISES);
        sql.push(" WHERE partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY id DESC");
        sql.fetch_all(self.pool()).await
    }

    pub async fn exercise(&self, id: i64) -> Result<Exercise> {
        let mut sql = Sql::new(EXERCISES);
        sql.push(" WHERE id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn create_exercise(&self, partnership_id: i64, draft: &ExerciseDraft) -> Result<i64> {
        let rows: Vec<&str> = draft.rows.iter().map(|(r, _)| r.as_str()).collect();
        let reference: Vec<String> = draft.rows.iter().map(|(_, l)| l.to_string()).collect();
        let mut sql = Sql::insert(
            "calibration_exercises",
            &[
                "partnership_id",
                "title",
                "lesson",
                "levels",
                "rows",
                "reference",
                "created_at",
            ],
            vec![
                partnership_id.into(),
                draft.title.as_str().into(),
                draft.lesson.as_str().into(),
                i64::from(draft.levels).into(),
                rows.join("\n").into(),
                reference.join(",").into(),
                now().into(),
            ],
        );
        sql.push(" RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    /// Every observer's scores for the exercises of a partnership.
    pub async fn calibration_scores(&self, partnership_id: i64) -> Result<Vec<Scores>> {
        let mut sql = Sql::new(
            "SELECT s.exercise_id, s.person_id, p.name AS person_name, s.scores, s.submitted_at \
             FROM calibration_scores s JOIN people p ON p.id = s.person_id \
             JOIN calibration_exercises e ON e.id = s.exercise_id WHERE e.partnership_id = ",
        );
        sql.bind(partnership_id)
            .push(" ORDER BY p.name, s.exercise_id");
        sql.fetch_all(self.pool()).await
    }

    /// Records an observer's scores; an observer scores an exercise once.
    pub async fn score_exercise(
        &self,
        exercise_id: i64,
        person_id: i64,
        scores: &[u8],
    ) -> Result<()> {
        let text: Vec<String> = scores.iter().map(u8::to_string).collect();
        let sql = Sql::insert(
            "calibration_scores",
            &["exercise_id", "person_id", "scores", "submitted_at"],
            vec![
                exercise_id.into(),
                person_id.into(),
                text.join(",").into(),
                now().into(),
            ],
        );
        sql.query()
            .execute(self.pool())
            .await
            .map_err(|e| StoreError::unique(e, "scores", "You have scored this lesson already"))?;
        Ok(())
    }
}

impl Store {
    /// Exercises the person has not scored yet, in partnerships of their schools' districts or
    /// of their providers: (exercise id, title, partnership name).
    pub async fn exercises_to_score(
        &self,
        person_id: i64,
        schools: &[i64],
        providers: &[i64],
    ) -> Result<Vec<(i64, String, String)>> {
        let list = |ids: &[i64]| {
            if ids.is_empty() {
                "(NULL)".to_owned()
            } else {
                format!(
                    "({})",
                    ids.iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        let mut sql = Sql::new(&format!(
            "SELECT DISTINCT e.id, e.title, pa.name FROM calibration_exercises e \
             JOIN partnerships pa ON pa.id = e.partnership_id \
             JOIN partnership_parties pp ON pp.partnership_id = e.partnership_id \
             WHERE (pp.org_id IN (SELECT parent_id FROM organizations WHERE id IN {}) \
             OR pp.org_id IN {}) AND NOT EXISTS (SELECT 1 FROM calibration_scores s \
             WHERE s.exercise_id = e.id AND s.person_id = ",
            list(schools),
            list(providers)
        ));
        sql.bind(person_id).push(") ORDER BY e.id DESC LIMIT 20");
        sql.fetch_all(self.pool()).await
    }
}
