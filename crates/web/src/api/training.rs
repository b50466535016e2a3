//! Training and calibration through the API: a partnership's modules and completions (with
//! when each stops counting), recording completions, and its calibration agreement.

use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_domain::FieldErrors;
use tandem_domain::calibration::Agreement;
use utoipa::ToSchema;

use super::{ApiPath, JsonBody};
use crate::error::{ApiResult, ReadProblems, WriteProblems};
use crate::guard::Guard;
use crate::pages::placements::{expires, expiring};

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleOut {
    id: i64,
    title: String,
    /// mentors, supervisors or both.
    audience: String,
    hours: f64,
    /// Months a completion counts for.
    valid_months: i64,
    /// The partner organization that offers it.
    offered_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionOut {
    module_id: i64,
    person_id: i64,
    person: String,
    completed_on: String,
    /// When it stops counting towards eligibility.
    expires_on: String,
    /// Expired, or expires within 60 days.
    expiring: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingOut {
    modules: Vec<ModuleOut>,
    completions: Vec<CompletionOut>,
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/training", tag = "training",
    params(("id" = i64, Path)),
    responses((status = 200, body = TrainingOut), ReadProblems))]
pub async fn get_training(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<TrainingOut>> {
    let view = guard.partnership(id).await?;
    let modules = guard.modules(&view).await?;
    let completions = guard.completions_of(&view).await?;
    Ok(Json(TrainingOut {
        modules: (modules.into_iter())
            .map(|m| ModuleOut {
                id: m.id,
                title: m.title,
                audience: m.audience,
                hours: m.hours,
                valid_months: m.valid_months,
                offered_by: m.org_name,
            })
            .collect(),
        completions: (completions.into_iter())
            .map(|c| CompletionOut {
                expires_on: expires(&c),
                expiring: expiring(&c),
                module_id: c.module_id,
                person_id: c.person_id,
                person: c.person_name,
                completed_on: c.completed_on,
            })
            .collect(),
    }))
}

/// People who completed a module on a day.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CompletionsInput {
    module_id: i64,
    /// Mentors and supervisors of the partnership, by person id.
    #[schema(min_items = 1, max_items = 500)]
    person_ids: Vec<i64>,
    #[schema(format = Date)]
    completed_on: String,
}

#[utoipa::path(post, path = "/api/v1/partnerships/{id}/training/completions", tag = "training",
    params(("id" = i64, Path)),
    request_body = CompletionsInput,
    responses((status = 200, body = TrainingOut), WriteProblems))]
pub async fn record_completions(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<CompletionsInput>,
) -> ApiResult<Json<TrainingOut>> {
    guard.check_api_write()?;
    let on = time::Date::parse(
        &input.completed_on,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| FieldErrors::single("completed_on", "Enter the date as YYYY-MM-DD"))?;
    guard
        .record_completions(id, input.module_id, &input.person_ids, on)
        .await?;
    get_training(guard, ApiPath(id)).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementOut {
    /// Rubric rows scored.
    rows: usize,
    /// Share scored exactly as the reference, 0–1.
    exact: f64,
    /// Share within one level of the reference, 0–1.
    adjacent: f64,
    /// Cohen's kappa; null when every score is the same level (undefined).
    kappa: Option<f64>,
}

impl From<Agreement> for AgreementOut {
    fn from(a: Agreement) -> AgreementOut {
        AgreementOut {
            rows: a.rows,
            exact: a.exact,
            adjacent: a.adjacent,
            kappa: a.kappa,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObserverOut {
    exercise_id: i64,
    observer: String,
    agreement: AgreementOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExerciseOut {
    id: i64,
    title: String,
    /// Rubric levels, 1 to this.
    levels: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalibrationOut {
    exercises: Vec<ExerciseOut>,
    /// Each observer's agreement with the reference scores.
    observers: Vec<ObserverOut>,
    /// Everyone's scores pooled.
    overall: AgreementOut,
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/calibration", tag = "training",
    params(("id" = i64, Path)),
    responses((status = 200, body = CalibrationOut), ReadProblems))]
pub async fn get_calibration(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CalibrationOut>> {
    let view = guard.partnership(id).await?;
    let calibration = guard.calibration(&view).await?;
    Ok(Json(CalibrationOut {
        exercises: (calibration.exercises.into_iter())
            .map(|e| ExerciseOut {
                id: e.id,
                title: e.title,
                levels: e.levels,
            })
            .collect(),
        observers: (calibration.results.into_iter())
            .map(|r| ObserverOut {
                exercise_id: r.exercise_id,
                observer: r.person_name,
                agreement: r.agreement.into(),
            })
            .collect(),
        overall: calibration.overall.into(),
    }))
}
