//! Improvement cycles: parties' staff read them; those who work in the partnership run them.

use tandem_domain::FieldErrors;
use tandem_domain::cycles::{CycleDraft, PlanFields, StudyFields};
use tandem_store::cycles::{Cycle, Round};
use tandem_store::partnerships::Goal;

use super::{Guard, PartnershipView, Result, allow};

/// A partnership's cycles with their rounds and linked goals.
pub struct Cycles {
    pub cycles: Vec<Cycle>,
    pub rounds: Vec<Round>,
    /// (cycle, goal).
    pub goals: Vec<(i64, i64)>,
}

impl Guard {
    pub async fn cycles(&self, view: &PartnershipView) -> Result<Cycles> {
        let id = view.partnership.id;
        Ok(Cycles {
            cycles: self.store.cycles(id).await?,
            rounds: self.store.rounds(id).await?,
            goals: self.store.cycle_goals(id).await?,
        })
    }

    /// The partnership a cycle belongs to, if the caller may read it.
    pub async fn cycle_partnership(&self, cycle_id: i64) -> Result<PartnershipView> {
        let cycle = self.store.cycle(cycle_id).await?;
        self.partnership(cycle.partnership_id).await
    }

    pub async fn create_cycle(&self, id: i64, draft: &CycleDraft) -> Result<i64> {
        self.working_partnership(id).await?;
        let goals = self.store.goals(id).await?;
        if !draft
            .goal_ids
            .iter()
            .all(|g| goals.iter().any(|goal| goal.id == *g))
        {
            return Err(FieldErrors::single("goal_ids", "Select goals of this partnership").into());
        }
        Ok(self
            .store
            .create_cycle(id, draft, self.principal.person_id)
            .await?)
    }

    /// The goals of a partnership (for linking and naming them).
    pub async fn goal_list(&self, view: &PartnershipView) -> Result<Vec<Goal>> {
        Ok(self.store.goals(view.partnership.id).await?)
    }

    /// Plans the next round: only when the last one ended in "adapt" (or there is none yet).
    pub async fn start_round(&self, cycle_id: i64, fields: &PlanFields) -> Result<i64> {
        let view = self.cycle_partnership(cycle_id).await?;
        allow(view.can_work)?;
        let id = view.partnership.id;
        let plan = fields.parse()?;
        let rounds = self.store.rounds(id).await?;
        let last = rounds.iter().rfind(|r| r.cycle_id == cycle_id);
        if let Some(last) = last {
            let message = match last.decision() {
                None => {
                    Some("Finish the current round (study and decide) before planning the next")
                }
                Some(tandem_domain::cycles::Decision::Adapt) => None,
                Some(_) => Some("This cycle has ended (adopted or abandoned); start a new cycle"),
            };
            if let Some(message) = message {
                return Err(FieldErrors::single("change", message).into());
            }
        }
        let number = last.map_or(1, |r| r.number + 1);
        self.store.start_round(cycle_id, number, &plan).await?;
        Ok(id)
    }

    /// Records a round's do, study and decision.
    pub async fn study_round(&self, cycle_id: i64, fields: &StudyFields) -> Result<i64> {
        let view = self.cycle_partnership(cycle_id).await?;
        allow(view.can_work)?;
        let id = view.partnership.id;
        let rounds = self.store.rounds(id).await?;
        let Some(round) = rounds.iter().rfind(|r| r.cycle_id == cycle_id) else {
            return Err(FieldErrors::single("done", "Plan a round first").into());
        };
        let study = fields.parse(&round.starts_on)?;
        self.store.study_round(round.id, &study).await?;
        Ok(id)
    }
}
