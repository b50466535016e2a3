//! Improvement cycles: the list with a form to start one, and a cycle's page with its rounds,
//! the form for the next plan or the current round's do–study–act, and its action items.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use tandem_domain::FieldErrors;
use tandem_domain::cycles::{CycleFields, Decision, PlanFields, StudyFields};
use tandem_domain::meetings::ActionFields;
use tandem_store::cycles::{Cycle, Round};
use tandem_store::partnerships::Goal;

use super::meetings::ActionPanel;
use super::{Choice, Id, Layout, render_form, saved_or_form};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::{Guard, PartnershipView};

/// A cycle with its rounds and the titles of its goals.
pub struct CycleRow {
    pub cycle: Cycle,
    pub rounds: Vec<Round>,
    pub goals: Vec<String>,
}

impl CycleRow {
    /// Where the cycle stands, in words.
    pub fn stage(&self) -> String {
        match self.rounds.last() {
            None => "Aim set; no round planned yet".to_owned(),
            Some(r) => match r.decision() {
                None if r.done.is_empty() => format!("Round {}: doing", r.number),
                None => format!("Round {}: studying", r.number),
                Some(Decision::Adapt) => format!("Round {} adapted; next round to plan", r.number),
                Some(Decision::Adopt) => format!("Adopted after {} round(s)", r.number),
                Some(Decision::Abandon) => format!("Abandoned after {} round(s)", r.number),
            },
        }
    }

    /// The round waiting for its do, study and decision.
    pub fn open_round(&self) -> Option<&Round> {
        self.rounds.last().filter(|r| r.decision.is_none())
    }

    /// Whether a next round may be planned: none yet, or the last was adapted.
    pub fn can_plan(&self) -> bool {
        self.rounds
            .last()
            .is_none_or(|r| r.decision() == Some(Decision::Adapt))
    }
}

pub fn decision_label(code: &str) -> &'static str {
    Decision::parse(code).map_or("", Decision::label)
}

async fn rows(guard: &Guard, view: &PartnershipView, goals: &[Goal]) -> PageResult<Vec<CycleRow>> {
    let all = guard.cycles(view).await?;
    Ok(all
        .cycles
        .into_iter()
        .map(|cycle| CycleRow {
            rounds: all
                .rounds
                .iter()
                .filter(|r| r.cycle_id == cycle.id)
                .cloned()
                .collect(),
            goals: all
                .goals
                .iter()
                .filter(|(c, _)| *c == cycle.id)
                .filter_map(|(_, g)| goals.iter().find(|goal| goal.id == *g))
                .map(|g| g.title.clone())
                .collect(),
            cycle,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "partnerships/cycles.html")]
struct CyclesPage {
    layout: Layout,
    view: PartnershipView,
    cycles: Vec<CycleRow>,
    goals: Vec<Choice>,
    form: CycleFields,
    errors: FieldErrors,
}

async fn cycles_page(
    guard: &Guard,
    id: i64,
    form: CycleFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let goals = guard.goal_list(&view).await?;
    let page = CyclesPage {
        layout: Layout::new(guard, "Improvement cycles", "/partnerships"),
        cycles: rows(guard, &view, &goals).await?,
        goals: Choice::list(goals.iter().map(|g| (g.id.to_string(), g.title.clone()))),
        view,
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn cycles(guard: Guard, Id(id): Id) -> PageResult<Response> {
    cycles_page(&guard, id, CycleFields::default(), FieldErrors::default()).await
}

pub async fn create_cycle(
    Id(id): Id,
    Submitted { guard, form }: Submitted<CycleFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_cycle(id, &draft)
            .await
            .map(|c| format!("/cycles/{c}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| cycles_page(&guard, id, form, errors)).await
}

#[derive(Template)]
#[template(path = "partnerships/cycle.html")]
struct CyclePage {
    layout: Layout,
    view: PartnershipView,
    row: CycleRow,
    decisions: Vec<Choice>,
    plan: PlanFields,
    study: StudyFields,
    errors: FieldErrors,
    panel: ActionPanel,
}

/// Which form came back with problems.
enum Returned {
    Nothing,
    Plan(PlanFields),
    Study(StudyFields),
}

async fn cycle_page(
    guard: &Guard,
    cycle_id: i64,
    returned: Returned,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.cycle_partnership(cycle_id).await?;
    let goals = guard.goal_list(&view).await?;
    let row = rows(guard, &view, &goals)
        .await?
        .into_iter()
        .find(|r| r.cycle.id == cycle_id)
        .ok_or(AppError::NotFound)?;
    let panel = ActionPanel::new(
        guard,
        &view,
        Some(("cycle_id", cycle_id)),
        format!("/cycles/{cycle_id}"),
        ActionFields::default(),
        FieldErrors::default(),
    )
    .await?;
    let (plan, study) = match returned {
        Returned::Plan(plan) => (plan, StudyFields::default()),
        Returned::Study(study) => (PlanFields::default(), study),
        Returned::Nothing => {
            let study = row
                .open_round()
                .map_or_else(StudyFields::default, |r| StudyFields {
                    done: r.done.clone(),
                    study: r.study.clone(),
                    ..StudyFields::default()
                });
            (PlanFields::default(), study)
        }
    };
    let page = CyclePage {
        layout: Layout::new(guard, row.cycle.title.clone(), "/partnerships"),
        decisions: Choice::list(
            Decision::ALL
                .iter()
                .map(|d| (d.code().to_owned(), d.label().to_owned())),
        ),
        view,
        row,
        plan,
        study,
        errors: errors.clone(),
        panel,
    };
    render_form(&page, &errors)
}

pub async fn cycle(guard: Guard, Id(id): Id) -> PageResult<Response> {
    cycle_page(&guard, id, Returned::Nothing, FieldErrors::default()).await
}

pub async fn plan_round(
    Id(id): Id,
    Submitted { guard, form }: Submitted<PlanFields>,
) -> PageResult<Response> {
    match guard.start_round(id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/cycles/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            cycle_page(&guard, id, Returned::Plan(form), errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn study_round(
    Id(id): Id,
    Submitted { guard, form }: Submitted<StudyFields>,
) -> PageResult<Response> {
    match guard.study_round(id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/cycles/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            cycle_page(&guard, id, Returned::Study(form), errors).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn export_cycles(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let goals = guard.goal_list(&view).await?;
    let header = [
        "cycle_id",
        "cycle",
        "aim",
        "goals",
        "round",
        "change",
        "measures",
        "predictions",
        "starts_on",
        "done",
        "study",
        "decision",
        "decided_on",
    ];
    let mut lines = Vec::new();
    for row in rows(&guard, &view, &goals).await? {
        for r in &row.rounds {
            lines.push(vec![
                row.cycle.id.to_string(),
                row.cycle.title.clone(),
                row.cycle.aim.clone(),
                row.goals.join("; "),
                r.number.to_string(),
                r.change_plan.clone(),
                r.measures.clone(),
                r.predictions.clone(),
                r.starts_on.clone(),
                r.done.clone(),
                r.study.clone(),
                r.decision.clone().unwrap_or_default(),
                r.decided_on.clone().unwrap_or_default(),
            ]);
        }
    }
    Ok(csv_export::download(
        "improvement-cycles.csv",
        &header,
        lines,
    )?)
}
