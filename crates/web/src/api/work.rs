//! The work of a partnership: its people, meetings, action items, improvement cycles,
//! self-assessments; the frameworks and the toolkit.

use axum::Json;
use axum::http::StatusCode;
use serde::Serialize;
use tandem_domain::depth::{Framework, Rating};
use tandem_domain::meetings::ActionFields;
use tandem_domain::partnerships::Figures;
use tandem_store::meetings::ActionItem;
use utoipa::ToSchema;

use super::{ApiPath, JsonBody};
use crate::error::{ApiResult, ReadProblems, WriteProblems};
use crate::guard::Guard;

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    person_id: i64,
    name: String,
    org_id: i64,
    organization: String,
    role: String,
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/people", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = [MemberOut]), ReadProblems))]
pub async fn list_people(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<MemberOut>>> {
    let view = guard.partnership(id).await?;
    let members = guard.members(&view).await?;
    Ok(Json(
        members
            .into_iter()
            .map(|m| MemberOut {
                person_id: m.person_id,
                name: m.person_name,
                org_id: m.org_id,
                organization: m.org_name,
                role: m.role,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingOut {
    id: i64,
    title: String,
    /// regular or data_day.
    kind: String,
    /// YYYY-MM-DD.
    held_on: String,
    location: String,
    agenda: String,
    notes: String,
    decisions: String,
    /// A data day's figures as they stood when it was recorded.
    snapshot: Option<Figures>,
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/meetings", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = [MeetingOut]), ReadProblems))]
pub async fn list_meetings(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<MeetingOut>>> {
    let view = guard.partnership(id).await?;
    let meetings = guard.meetings(&view).await?;
    Ok(Json(
        meetings
            .into_iter()
            .map(|m| MeetingOut {
                snapshot: m
                    .snapshot
                    .as_deref()
                    .and_then(|s| serde_json::from_str(s).ok()),
                id: m.id,
                title: m.title,
                kind: m.kind,
                held_on: m.held_on,
                location: m.location,
                agenda: m.agenda,
                notes: m.notes,
                decisions: m.decisions,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionOut {
    id: i64,
    title: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    due_on: Option<String>,
    /// open, done or dropped.
    status: String,
    /// Open after its due date.
    overdue: bool,
    meeting_id: Option<i64>,
    feedback_id: Option<i64>,
    cycle_id: Option<i64>,
}

impl ActionOut {
    fn new(a: ActionItem, today: time::Date) -> ActionOut {
        ActionOut {
            overdue: a.overdue(&today),
            id: a.id,
            title: a.title,
            owner_id: a.owner_id,
            owner_name: a.owner_name,
            due_on: a.due_on,
            status: a.status,
            meeting_id: a.meeting_id,
            feedback_id: a.feedback_id,
            cycle_id: a.cycle_id,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/actions", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = [ActionOut]), ReadProblems))]
pub async fn list_actions(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ActionOut>>> {
    let view = guard.partnership(id).await?;
    let today = crate::pages::today();
    let actions = guard.action_items(&view).await?;
    Ok(Json(
        actions
            .into_iter()
            .map(|a| ActionOut::new(a, today))
            .collect(),
    ))
}

/// Adds an action item (owner and source from the same partnership).
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/actions", tag = "partnerships",
    params(("id" = i64, Path)), request_body = ActionFields,
    responses((status = 201, body = ActionOut), WriteProblems))]
pub async fn create_action(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(fields): JsonBody<ActionFields>,
) -> ApiResult<(StatusCode, Json<ActionOut>)> {
    guard.check_api_write()?;
    let draft = fields.parse()?;
    let item = guard.create_action(id, &draft).await?;
    let (_, created) = guard.action_item(item).await?;
    Ok((
        StatusCode::CREATED,
        Json(ActionOut::new(created, crate::pages::today())),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoundOut {
    number: i64,
    change: String,
    measures: String,
    predictions: String,
    starts_on: String,
    done: String,
    study: String,
    /// adopt, adapt or abandon; none while the round runs.
    decision: Option<String>,
    decided_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CycleOut {
    id: i64,
    title: String,
    aim: String,
    goal_ids: Vec<i64>,
    rounds: Vec<RoundOut>,
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/cycles", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = [CycleOut]), ReadProblems))]
pub async fn list_cycles(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<CycleOut>>> {
    let view = guard.partnership(id).await?;
    let all = guard.cycles(&view).await?;
    Ok(Json(
        all.cycles
            .into_iter()
            .map(|c| CycleOut {
                goal_ids: all
                    .goals
                    .iter()
                    .filter(|(cycle, _)| *cycle == c.id)
                    .map(|(_, g)| *g)
                    .collect(),
                rounds: all
                    .rounds
                    .iter()
                    .filter(|r| r.cycle_id == c.id)
                    .map(|r| RoundOut {
                        number: r.number,
                        change: r.change_plan.clone(),
                        measures: r.measures.clone(),
                        predictions: r.predictions.clone(),
                        starts_on: r.starts_on.clone(),
                        done: r.done.clone(),
                        study: r.study.clone(),
                        decision: r.decision.clone(),
                        decided_on: r.decided_on.clone(),
                    })
                    .collect(),
                id: c.id,
                title: c.title,
                aim: c.aim,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkOut {
    id: i64,
    /// Loaded by an organization; none for the frameworks Tandem ships.
    org_id: Option<i64>,
    framework: Framework,
}

#[utoipa::path(get, path = "/api/v1/frameworks", tag = "partnerships",
    responses((status = 200, body = [FrameworkOut]), ReadProblems))]
pub async fn list_frameworks(guard: Guard) -> ApiResult<Json<Vec<FrameworkOut>>> {
    let mut out = Vec::new();
    for stored in guard.frameworks().await? {
        out.push(FrameworkOut {
            framework: stored.framework()?,
            id: stored.id,
            org_id: stored.org_id,
        });
    }
    Ok(Json(out))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentOut {
    org_id: i64,
    organization: String,
    rated_on: String,
    mean: Option<f64>,
    ratings: Vec<Rating>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionComparison {
    key: String,
    /// Each party's latest level, in the order of `parties`.
    levels: Vec<Option<u8>>,
    disagree: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonOut {
    framework_id: i64,
    /// The parties' organization ids, in the order of `levels`.
    parties: Vec<i64>,
    criteria: Vec<CriterionComparison>,
    /// Every assessment, oldest first.
    assessments: Vec<AssessmentOut>,
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/assessments/{framework_id}",
    tag = "partnerships", params(("id" = i64, Path), ("framework_id" = i64, Path)),
    responses((status = 200, body = ComparisonOut), ReadProblems))]
pub async fn get_assessments(
    guard: Guard,
    ApiPath((id, framework_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<ComparisonOut>> {
    let view = guard.partnership(id).await?;
    let comparison = guard.comparison(&view, framework_id).await?;
    let mut assessments: Vec<AssessmentOut> = comparison
        .parties
        .iter()
        .flat_map(|p| {
            p.rounds.iter().map(|(a, ratings, mean)| AssessmentOut {
                org_id: p.org_id,
                organization: p.org_name.clone(),
                rated_on: a.rated_on.clone(),
                mean: *mean,
                ratings: ratings.clone(),
            })
        })
        .collect();
    assessments.sort_by(|a, b| a.rated_on.cmp(&b.rated_on));
    Ok(Json(ComparisonOut {
        framework_id,
        parties: comparison.parties.iter().map(|p| p.org_id).collect(),
        criteria: comparison
            .rows
            .into_iter()
            .map(|r| CriterionComparison {
                key: r.key,
                levels: r.levels,
                disagree: r.disagree,
            })
            .collect(),
        assessments,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ToolOut {
    id: i64,
    /// Tandem's own items have a slug and no organization.
    slug: Option<String>,
    org_id: Option<i64>,
    kind: String,
    focus: String,
    title: String,
    body: String,
}

#[utoipa::path(get, path = "/api/v1/toolkit", tag = "partnerships",
    responses((status = 200, body = [ToolOut]), ReadProblems))]
pub async fn list_toolkit(guard: Guard) -> ApiResult<Json<Vec<ToolOut>>> {
    let items = guard.toolkit().await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| ToolOut {
                id: i.id,
                slug: i.slug,
                org_id: i.org_id,
                kind: i.kind,
                focus: i.focus,
                title: i.title,
                body: i.body,
            })
            .collect(),
    ))
}
