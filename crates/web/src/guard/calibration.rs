//! Calibration: the partnership's workers set exercises; its mentors and supervisors (and
//! staff) score them; readers see everyone's agreement, an observer their own.

use tandem_domain::calibration::{Agreement, ExerciseDraft, agreement, parse_scores};
use tandem_domain::{OrgKind, Role};
use tandem_store::calibration::{Exercise, Scores};

use super::{Guard, PartnershipView, Result, allow};
use crate::error::AppError;

/// One observer's agreement on one exercise.
pub struct ObserverResult {
    pub exercise_id: i64,
    pub person_name: String,
    pub agreement: Agreement,
}

/// A partnership's exercises, each observer's agreement, and everyone's pooled.
pub struct Calibration {
    pub exercises: Vec<Exercise>,
    pub results: Vec<ObserverResult>,
    pub overall: Agreement,
}

/// An exercise as the caller may see it.
pub struct ExerciseView {
    pub exercise: Exercise,
    /// Reads everyone's results (the partnership's readers).
    pub reads_all: bool,
    /// The caller's own scores, once given.
    pub mine: Option<Scores>,
    pub results: Vec<ObserverResult>,
}

fn results(exercises: &[Exercise], scores: &[Scores]) -> (Vec<ObserverResult>, Agreement) {
    let mut pooled = Vec::new();
    let mut levels = 2;
    let mut out = Vec::new();
    for s in scores {
        let Some(e) = exercises.iter().find(|e| e.id == s.exercise_id) else {
            continue;
        };
        let pairs: Vec<(u8, u8)> = e.rows().iter().map(|(_, r)| *r).zip(s.levels()).collect();
        levels = levels.max(e.levels as u8);
        pooled.extend(pairs.iter().copied());
        out.push(ObserverResult {
            exercise_id: e.id,
            person_name: s.person_name.clone(),
            agreement: agreement(&pairs, e.levels as u8),
        });
    }
    (out, agreement(&pooled, levels))
}

impl Guard {
    pub async fn calibration(&self, view: &PartnershipView) -> Result<Calibration> {
        let exercises = self.store.exercises(view.partnership.id).await?;
        let scores = self.store.calibration_scores(view.partnership.id).await?;
        let (results, overall) = results(&exercises, &scores);
        Ok(Calibration {
            exercises,
            results,
            overall,
        })
    }

    pub async fn create_exercise(&self, partnership_id: i64, draft: &ExerciseDraft) -> Result<i64> {
        self.working_partnership(partnership_id).await?;
        Ok(self.store.create_exercise(partnership_id, draft).await?)
    }

    /// An exercise: for the partnership's readers, and for its observers (mentors of its
    /// districts' schools, supervisors of its provider), who do not otherwise read it.
    pub async fn exercise(&self, id: i64) -> Result<ExerciseView> {
        let exercise = self.store.exercise(id).await?;
        let reads_all = match self.partnership(exercise.partnership_id).await {
            Ok(_) => true,
            Err(AppError::NotFound) => false,
            Err(other) => return Err(other),
        };
        let me = self.principal.person_id;
        let scores = self
            .store
            .calibration_scores(exercise.partnership_id)
            .await?;
        let mine = scores
            .iter()
            .find(|s| s.exercise_id == id && Some(s.person_id) == me)
            .cloned();
        if !reads_all && mine.is_none() {
            let open = match me {
                Some(person) => {
                    let (schools, providers) = self.observer_orgs();
                    self.store
                        .exercises_to_score(person, &schools, &providers)
                        .await?
                        .iter()
                        .any(|e| e.0 == id)
                }
                None => false,
            };
            allow(open).map_err(|_| AppError::NotFound)?;
        }
        let visible: Vec<Scores> = scores
            .into_iter()
            .filter(|s| s.exercise_id == id && (reads_all || Some(s.person_id) == me))
            .collect();
        let (results, _) = results(std::slice::from_ref(&exercise), &visible);
        Ok(ExerciseView {
            exercise,
            reads_all,
            mine,
            results,
        })
    }

    /// The schools where the caller mentors and the providers where they supervise.
    fn observer_orgs(&self) -> (Vec<i64>, Vec<i64>) {
        let of = |kind: OrgKind, role: Role| {
            self.principal
                .grants
                .iter()
                .filter(|g| g.org_kind == kind && g.role == role)
                .map(|g| g.org_id)
                .collect()
        };
        (
            of(OrgKind::School, Role::Mentor),
            of(OrgKind::Provider, Role::Supervisor),
        )
    }

    /// Exercises waiting for the caller's scores, for their home page.
    pub async fn exercises_to_score(&self) -> Result<Vec<(i64, String, String)>> {
        let Some(me) = self.principal.person_id else {
            return Ok(Vec::new());
        };
        let (schools, providers) = self.observer_orgs();
        if schools.is_empty() && providers.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .exercises_to_score(me, &schools, &providers)
            .await?)
    }

    pub async fn score_exercise(&self, id: i64, raw: &[String]) -> Result<()> {
        let view = self.exercise(id).await?;
        let person = self.principal.person_id.ok_or(AppError::Forbidden)?;
        let e = &view.exercise;
        let scores = parse_scores(raw, e.rows().len(), e.levels as u8)?;
        Ok(self.store.score_exercise(id, person, &scores).await?)
    }
}
