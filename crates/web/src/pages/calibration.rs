//! Calibration pages: a partnership's exercises with every observer's agreement and the
//! partnership's overall; an exercise to score, with the observer's own result once scored.

use askama::Template;
use axum::response::Response;
use std::collections::BTreeMap;

use tandem_domain::FieldErrors;
use tandem_domain::calibration::{Agreement, ExerciseFields};

use super::{Id, Layout, render_form, saved_or_form};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::{Calibration, ExerciseView, Guard, PartnershipView};

/// A share (0–1) as a whole percentage.
pub fn percent(share: &f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Kappa to two decimals, or a dash where it is undefined.
pub fn kappa(a: &Agreement) -> String {
    a.kappa
        .map_or_else(|| "—".to_owned(), |k| format!("{k:.2}"))
}

#[derive(Template)]
#[template(path = "placements/calibration.html")]
struct CalibrationPage {
    layout: Layout,
    view: PartnershipView,
    calibration: Calibration,
    form: ExerciseFields,
    errors: FieldErrors,
}

async fn calibration_page(
    guard: &Guard,
    id: i64,
    form: ExerciseFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let page = CalibrationPage {
        layout: Layout::new(guard, "Calibration", "/partnerships"),
        calibration: guard.calibration(&view).await?,
        view,
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn list(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let form = ExerciseFields {
        levels: "4".into(),
        ..ExerciseFields::default()
    };
    calibration_page(&guard, id, form, FieldErrors::default()).await
}

/// Each observer's agreement with the reference, as CSV, then the partnership's overall.
pub async fn export(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let c = guard.calibration(&view).await?;
    let title = |exercise: i64| {
        (c.exercises.iter())
            .find(|e| e.id == exercise)
            .map_or_else(String::new, |e| e.title.clone())
    };
    let row = |exercise: String, observer: String, a: &Agreement| {
        vec![
            exercise,
            observer,
            a.rows.to_string(),
            format!("{:.4}", a.exact),
            format!("{:.4}", a.adjacent),
            a.kappa.map(|k| format!("{k:.4}")).unwrap_or_default(),
        ]
    };
    let rows: Vec<Vec<String>> = (c.results.iter())
        .map(|r| row(title(r.exercise_id), r.person_name.clone(), &r.agreement))
        .chain(std::iter::once(row(
            "(all exercises)".into(),
            "(everyone)".into(),
            &c.overall,
        )))
        .collect();
    Ok(csv_export::download(
        "calibration.csv",
        &["exercise", "observer", "rows", "exact", "adjacent", "kappa"],
        rows,
    )?)
}

pub async fn create(
    Id(id): Id,
    Submitted { guard, form }: Submitted<ExerciseFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_exercise(id, &draft)
            .await
            .map(|e| format!("/calibration/{e}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| calibration_page(&guard, id, form, errors)).await
}

#[derive(Template)]
#[template(path = "placements/exercise.html")]
struct ExercisePage {
    layout: Layout,
    ev: ExerciseView,
    rows: Vec<(usize, String, u8)>,
    levels: Vec<u8>,
    errors: FieldErrors,
}

async fn exercise_page(guard: &Guard, id: i64, errors: FieldErrors) -> PageResult<Response> {
    let ev = guard.exercise(id).await?;
    let page = ExercisePage {
        layout: Layout::new(guard, ev.exercise.title.clone(), "/"),
        rows: ev
            .exercise
            .rows()
            .into_iter()
            .enumerate()
            .map(|(i, (row, reference))| (i, row, reference))
            .collect(),
        levels: (1..=ev.exercise.levels as u8).collect(),
        ev,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn exercise(guard: Guard, Id(id): Id) -> PageResult<Response> {
    exercise_page(&guard, id, FieldErrors::default()).await
}

/// The form's `score_0`, `score_1`, … fields (one radio group per rubric row), in row order.
fn scores_in_order(form: &BTreeMap<String, String>) -> Vec<String> {
    (0..form.len())
        .map(|i| form.get(&format!("score_{i}")).cloned().unwrap_or_default())
        .collect()
}

pub async fn score(
    Id(id): Id,
    Submitted { guard, form }: Submitted<BTreeMap<String, String>>,
) -> PageResult<Response> {
    let result = guard
        .score_exercise(id, &scores_in_order(&form))
        .await
        .map(|_| format!("/calibration/{id}"));
    saved_or_form(result, |errors| exercise_page(&guard, id, errors)).await
}
