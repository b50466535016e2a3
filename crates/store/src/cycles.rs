//! Improvement cycles, their linked goals and their Plan–Do–Study–Act rounds.

use tandem_domain::cycles::{CycleDraft, Decision, PlanDraft, StudyDraft};

use crate::sql::{Sql, Value};
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Cycle {
    pub id: i64,
    pub partnership_id: i64,
    pub title: String,
    pub aim: String,
    pub created_by_name: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Round {
    pub id: i64,
    pub cycle_id: i64,
    pub number: i64,
    pub change_plan: String,
    pub measures: String,
    pub predictions: String,
    pub starts_on: String,
    pub done: String,
    pub study: String,
    pub decision: Option<String>,
    pub decided_on: Option<String>,
}

impl Round {
    pub fn decision(&self) -> Option<Decision> {
        self.decision.as_deref().and_then(Decision::parse)
    }
}

const CYCLES: &str = "SELECT c.id, c.partnership_id, c.title, c.aim, p.name AS created_by_name, \
     c.created_at FROM cycles c LEFT JOIN people p ON p.id = c.created_by";

const ROUNDS: &str = "SELECT r.id, r.cycle_id, r.number, r.change_plan, r.measures, \
     r.predictions, r.starts_on, r.done, r.study, r.decision, r.decided_on FROM cycle_rounds r";

impl Store {
    pub async fn cycles(&self, partnership_id: i64) -> Result<Vec<Cycle>> {
        let mut sql = Sql::new(CYCLES);
        sql.push(" WHERE c.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY c.id DESC");
        sql.fetch_all(self.pool()).await
    }

    pub async fn cycle(&self, id: i64) -> Result<Cycle> {
        let mut sql = Sql::new(CYCLES);
        sql.push(" WHERE c.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The rounds of every cycle of a partnership, in order.
    pub async fn rounds(&self, partnership_id: i64) -> Result<Vec<Round>> {
        let mut sql = Sql::new(ROUNDS);
        sql.push(" JOIN cycles c ON c.id = r.cycle_id WHERE c.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY r.cycle_id, r.number");
        sql.fetch_all(self.pool()).await
    }

    /// Ids of the goals each cycle of a partnership works toward: (cycle, goal).
    pub async fn cycle_goals(&self, partnership_id: i64) -> Result<Vec<(i64, i64)>> {
        let mut sql = Sql::new(
            "SELECT g.cycle_id, g.goal_id FROM cycle_goals g JOIN cycles c ON c.id = g.cycle_id \
             WHERE c.partnership_id = ",
        );
        sql.bind(partnership_id)
            .push(" ORDER BY g.cycle_id, g.goal_id");
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| Ok((sqlx::Row::try_get(row, 0)?, sqlx::Row::try_get(row, 1)?)))
            .collect()
    }

    pub async fn create_cycle(
        &self,
        partnership_id: i64,
        draft: &CycleDraft,
        person: Option<i64>,
    ) -> Result<i64> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::insert(
            "cycles",
            &[
                "partnership_id",
                "title",
                "aim",
                "created_by",
                "created_at",
                "updated_at",
            ],
            vec![
                partnership_id.into(),
                draft.title.as_str().into(),
                draft.aim.as_str().into(),
                person.into(),
                now.into(),
                now.into(),
            ],
        );
        sql.push(" RETURNING id");
        let row = sql.query().fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        for goal in &draft.goal_ids {
            let link = Sql::insert(
                "cycle_goals",
                &["cycle_id", "goal_id"],
                vec![Value::from(id), Value::from(*goal)],
            );
            link.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Starts round `number` of a cycle; refused if someone started it meanwhile.
    pub async fn start_round(&self, cycle_id: i64, number: i64, plan: &PlanDraft) -> Result<()> {
        let now = now();
        let sql = Sql::insert(
            "cycle_rounds",
            &[
                "cycle_id",
                "number",
                "change_plan",
                "measures",
                "predictions",
                "starts_on",
                "done",
                "study",
                "created_at",
                "updated_at",
            ],
            vec![
                cycle_id.into(),
                number.into(),
                plan.change.as_str().into(),
                plan.measures.as_str().into(),
                plan.predictions.as_str().into(),
                plan.starts_on.to_string().into(),
                "".into(),
                "".into(),
                now.into(),
                now.into(),
            ],
        );
        sql.execute(self.pool()).await.map_err(|e| match e {
            StoreError::Database(db) => StoreError::unique(
                db,
                "change",
                "Someone started this round meanwhile: reload the cycle",
            ),
            other => other,
        })?;
        Ok(())
    }

    /// Records a round's do and study, and its decision; refused once it is decided.
    pub async fn study_round(&self, round_id: i64, study: &StudyDraft) -> Result<()> {
        let mut sql = Sql::new("UPDATE cycle_rounds SET done = ");
        sql.bind(study.done.as_str())
            .push(", study = ")
            .bind(study.study.as_str())
            .push(", decision = ")
            .bind(study.decision.map(|d| d.code().to_owned()));
        sql.push(", decided_on = ")
            .bind(study.decided_on.map(|d| d.to_string()))
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(round_id)
            .push(" AND decision IS NULL");
        match sql.execute(self.pool()).await? {
            0 => Err(StoreError::Conflict {
                field: "decision",
                message: "This round is already decided; start the next round instead",
            }),
            _ => Ok(()),
        }
    }
}
