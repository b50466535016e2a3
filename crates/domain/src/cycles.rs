//! Improvement cycles (Plan–Do–Study–Act): a joint project with an aim and linked goals, run as
//! rounds; each round plans a change with its measures and predictions, records what was done
//! and what the data showed, and ends in a decision: adopt, adapt (another round) or abandon.

use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;

use crate::input::{FieldErrors, choice, name};
use crate::meetings::ids;
use crate::partnerships::{date, long_text};

vocabulary! {
    /// How a round ends.
    Decision {
        Adopt = "adopt", "Adopt: make it how we work";
        Adapt = "adapt", "Adapt: change it and try again";
        Abandon = "abandon", "Abandon: stop this change";
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CycleDraft {
    pub title: String,
    pub aim: String,
    pub goal_ids: Vec<i64>,
}

/// Raw fields of a new improvement cycle.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CycleFields {
    pub title: String,
    pub aim: String,
    /// Ids of the partnership's goals the cycle works toward.
    #[serde(default)]
    pub goal_ids: Vec<String>,
}

impl CycleFields {
    pub fn parse(&self) -> Result<CycleDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = name(&mut errors, "title", &self.title);
        let aim = long_text(&mut errors, "aim", &self.aim, 2_000);
        if aim.is_empty() {
            errors.add(
                "aim",
                "Say what you aim to improve, for whom, by how much and by when",
            );
        }
        let goal_ids = ids(&mut errors, "goal_ids", &self.goal_ids, "goals");
        errors.finish(|| CycleDraft {
            title,
            aim,
            goal_ids,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanDraft {
    pub change: String,
    pub measures: String,
    pub predictions: String,
    pub starts_on: Date,
}

/// Raw fields of a round's plan.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlanFields {
    /// The change to try.
    pub change: String,
    pub measures: String,
    pub predictions: String,
    /// YYYY-MM-DD.
    pub starts_on: String,
}

impl PlanFields {
    pub fn parse(&self) -> Result<PlanDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut required = |field: &str, raw: &str, missing: &str| {
            let value = long_text(&mut errors, field, raw, 5_000);
            if value.is_empty() {
                errors.add(field, missing);
            }
            value
        };
        let change = required("change", &self.change, "Say what change you will try");
        let measures = required("measures", &self.measures, "Say what you will measure");
        let predictions = required(
            "predictions",
            &self.predictions,
            "Say what you predict will happen",
        );
        let starts_on = date(&mut errors, "starts_on", &self.starts_on);
        if starts_on.is_none() && errors.get("starts_on").is_none() {
            errors.add("starts_on", "Enter the date the round starts");
        }
        errors.finish(|| PlanDraft {
            change,
            measures,
            predictions,
            starts_on: starts_on.unwrap_or(Date::MIN),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudyDraft {
    pub done: String,
    pub study: String,
    pub decision: Option<Decision>,
    pub decided_on: Option<Date>,
}

/// Raw fields of a round's do, study and act: any may be filled in as the round goes; a
/// decision needs what was done, what the data showed, and its date.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StudyFields {
    #[serde(default)]
    pub done: String,
    #[serde(default)]
    pub study: String,
    #[serde(default)]
    pub decision: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub decided_on: String,
}

impl StudyFields {
    pub fn parse(&self, starts_on: &str) -> Result<StudyDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let done = long_text(&mut errors, "done", &self.done, 5_000);
        let study = long_text(&mut errors, "study", &self.study, 5_000);
        let decision = if self.decision.trim().is_empty() {
            None
        } else {
            choice(
                &mut errors,
                "decision",
                &self.decision,
                Decision::parse,
                "a decision",
            )
        };
        let decided_on = date(&mut errors, "decided_on", &self.decided_on);
        if decision.is_some() {
            if done.is_empty() {
                errors.add("done", "Before deciding, say what was done");
            }
            if study.is_empty() {
                errors.add("study", "Before deciding, say what the data showed");
            }
            if decided_on.is_none() && errors.get("decided_on").is_none() {
                errors.add("decided_on", "Enter the date of the decision");
            }
        }
        if let Some(on) = decided_on
            && on.to_string().as_str() < starts_on
        {
            errors.add(
                "decided_on",
                "The decision cannot come before the round started",
            );
        }
        errors.finish(|| StudyDraft {
            done,
            study,
            decision,
            decided_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_needs_the_do_and_study_and_a_date_after_the_start() {
        let fields = StudyFields {
            decision: "adapt".into(),
            decided_on: "2027-01-01".into(),
            ..StudyFields::default()
        };
        let errors = fields.parse("2027-02-01").unwrap_err();
        assert!(errors.get("done").is_some());
        assert!(errors.get("study").is_some());
        assert!(errors.get("decided_on").is_some());
        let fields = StudyFields {
            done: "Two co-planning sessions".into(),
            study: "Fraction lessons scored 2.9, up from 2.4".into(),
            decided_on: "2027-03-01".into(),
            ..fields
        };
        assert_eq!(
            fields.parse("2027-02-01").unwrap().decision,
            Some(Decision::Adapt)
        );
        let partial = StudyFields {
            done: "Started".into(),
            ..StudyFields::default()
        };
        assert_eq!(partial.parse("2027-02-01").unwrap().decision, None);
    }
}
