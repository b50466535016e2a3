//! Partnership endpoints: partnerships and their parties, agreement versions with approvals,
//! feedback with its steps.

use axum::Json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tandem_domain::partnerships::{
    FeedbackCategory, FeedbackFields, FeedbackStatus, GoalMetric, PartnershipStatus,
    ResponseFields, Sections,
};
use tandem_store::partnerships::{FeedbackItem, FeedbackStep, Partnership, PartnershipFilter};
use utoipa::{IntoParams, ToSchema};

use super::{ApiPath, ApiQuery, JsonBody, Paging};
use crate::error::{ApiResult, ReadProblems, WriteProblems};
use crate::guard::{Guard, PartnershipView};

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipOut {
    id: i64,
    name: String,
    provider_id: i64,
    provider_name: String,
    status: Option<PartnershipStatus>,
    /// YYYY-MM-DD.
    starts_on: Option<String>,
    review_on: Option<String>,
}

impl From<Partnership> for PartnershipOut {
    fn from(p: Partnership) -> Self {
        PartnershipOut {
            status: p.status(),
            id: p.id,
            name: p.name,
            provider_id: p.provider_id,
            provider_name: p.provider_name,
            starts_on: p.starts_on,
            review_on: p.review_on,
        }
    }
}

page_of!(PartnershipPage, PartnershipOut);

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOut {
    org_id: i64,
    name: String,
    kind: String,
    liaison_id: Option<i64>,
    liaison_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipDetail {
    #[serde(flatten)]
    partnership: PartnershipOut,
    parties: Vec<PartyOut>,
}

impl From<PartnershipView> for PartnershipDetail {
    fn from(view: PartnershipView) -> Self {
        PartnershipDetail {
            parties: view
                .parties
                .into_iter()
                .map(|p| PartyOut {
                    org_id: p.org_id,
                    name: p.org_name,
                    kind: p.org_kind,
                    liaison_id: p.liaison_id,
                    liaison_name: p.liaison_name,
                })
                .collect(),
            partnership: view.partnership.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalOut {
    org_id: i64,
    org_name: String,
    person_id: Option<i64>,
    person_name: Option<String>,
    /// Unix seconds.
    approved_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    number: i64,
    sections: Sections,
    note: String,
    created_by: Option<i64>,
    created_at: i64,
    approvals: Vec<ApprovalOut>,
    /// Approved by every party, and the newest such version.
    in_force: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PartnershipParams {
    /// Words in the name or the provider's name.
    q: Option<String>,
    status: Option<PartnershipStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackOut {
    id: i64,
    partnership_id: i64,
    from_org_id: i64,
    from_name: String,
    to_org_id: i64,
    to_name: String,
    category: Option<FeedbackCategory>,
    summary: String,
    evidence: String,
    status: FeedbackStatus,
    raised_at: i64,
    updated_at: i64,
}

impl From<FeedbackItem> for FeedbackOut {
    fn from(f: FeedbackItem) -> Self {
        FeedbackOut {
            status: f.status(),
            category: FeedbackCategory::parse(&f.category),
            id: f.id,
            partnership_id: f.partnership_id,
            from_org_id: f.from_org_id,
            from_name: f.from_name,
            to_org_id: f.to_org_id,
            to_name: f.to_name,
            summary: f.summary,
            evidence: f.evidence,
            raised_at: f.raised_at,
            updated_at: f.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    status: Option<FeedbackStatus>,
    note: String,
    person_id: Option<i64>,
    person_name: Option<String>,
    at: i64,
}

impl From<FeedbackStep> for StepOut {
    fn from(s: FeedbackStep) -> Self {
        StepOut {
            status: FeedbackStatus::parse(&s.status),
            note: s.note,
            person_id: s.person_id,
            person_name: s.person_name,
            at: s.at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDetail {
    #[serde(flatten)]
    item: FeedbackOut,
    steps: Vec<StepOut>,
}

#[utoipa::path(get, path = "/api/v1/partnerships", tag = "partnerships",
    params(PartnershipParams, Paging),
    responses((status = 200, body = PartnershipPage), ReadProblems))]
pub async fn list_partnerships(
    guard: Guard,
    ApiQuery(params): ApiQuery<PartnershipParams>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<PartnershipPage>> {
    let filter = PartnershipFilter {
        q: params.q,
        status: params.status,
    };
    let page = paging.page();
    let (items, total) = guard.partnerships(&filter, page).await?;
    Ok(Json(PartnershipPage::new(
        items.into_iter().map(PartnershipOut::from).collect(),
        total,
        page,
    )))
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = PartnershipDetail), ReadProblems))]
pub async fn get_partnership(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PartnershipDetail>> {
    Ok(Json(guard.partnership(id).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/agreement", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = [VersionOut], description = "Every version, newest first"), ReadProblems))]
pub async fn get_agreement(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<VersionOut>>> {
    let (view, agreement) = guard.agreement(id).await?;
    let in_force = agreement.in_force(&view.party_ids()).map(|v| v.id);
    let versions = agreement
        .versions
        .iter()
        .map(|v| VersionOut {
            number: v.number,
            sections: Sections::from_json(&v.sections),
            note: v.note.clone(),
            created_by: v.created_by,
            created_at: v.created_at,
            approvals: agreement
                .approvals_of(v.id)
                .into_iter()
                .map(|a| ApprovalOut {
                    org_id: a.org_id,
                    org_name: a.org_name.clone(),
                    person_id: a.person_id,
                    person_name: a.person_name.clone(),
                    approved_at: a.approved_at,
                })
                .collect(),
            in_force: in_force == Some(v.id),
        })
        .collect();
    Ok(Json(versions))
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/feedback", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = [FeedbackOut], description = "Newest first"), ReadProblems))]
pub async fn list_feedback(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<FeedbackOut>>> {
    let view = guard.partnership(id).await?;
    let items = guard.feedback_of(&view).await?;
    Ok(Json(items.into_iter().map(FeedbackOut::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/partnerships/{id}/feedback", tag = "partnerships",
    params(("id" = i64, Path)), request_body = FeedbackFields,
    responses((status = 201, body = FeedbackDetail), WriteProblems))]
pub async fn raise_feedback(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(fields): JsonBody<FeedbackFields>,
) -> ApiResult<(StatusCode, Json<FeedbackDetail>)> {
    guard.check_api_write()?;
    let draft = fields.parse()?;
    let item = guard.raise_feedback(id, &draft).await?;
    Ok((
        StatusCode::CREATED,
        Json(feedback_detail(&guard, item).await?),
    ))
}

async fn feedback_detail(guard: &Guard, id: i64) -> ApiResult<FeedbackDetail> {
    let (_, item, steps) = guard.feedback_item(id).await?;
    Ok(FeedbackDetail {
        item: item.into(),
        steps: steps.into_iter().map(StepOut::from).collect(),
    })
}

#[utoipa::path(get, path = "/api/v1/feedback/{id}", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = FeedbackDetail), ReadProblems))]
pub async fn get_feedback(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FeedbackDetail>> {
    Ok(Json(feedback_detail(&guard, id).await?))
}

#[utoipa::path(post, path = "/api/v1/feedback/{id}/steps", tag = "partnerships",
    params(("id" = i64, Path)), request_body = ResponseFields,
    responses((status = 200, body = FeedbackDetail), WriteProblems))]
pub async fn respond_to_feedback(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(fields): JsonBody<ResponseFields>,
) -> ApiResult<Json<FeedbackDetail>> {
    guard.check_api_write()?;
    guard.respond_to_feedback(id, &fields).await?;
    Ok(Json(feedback_detail(&guard, id).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GoalOut {
    id: i64,
    title: String,
    metric: GoalMetric,
    /// What is measured, for goals entered by hand.
    measure: String,
    unit: String,
    baseline: Option<f64>,
    target: f64,
    due_on: Option<String>,
    owner_id: Option<i64>,
    /// The latest measurement, or the computed value.
    current: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/goals", tag = "partnerships",
    params(("id" = i64, Path)),
    responses((status = 200, body = [GoalOut]), ReadProblems))]
pub async fn list_goals(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Vec<GoalOut>>> {
    let (_, goals, progress, figures) = guard.goals(id).await?;
    Ok(Json(
        goals
            .into_iter()
            .map(|g| {
                let current = g.current(&progress, &figures).map(|(value, _)| value);
                GoalOut {
                    metric: g.metric(),
                    id: g.id,
                    title: g.title,
                    measure: g.measure,
                    unit: g.unit,
                    baseline: g.baseline,
                    target: g.target,
                    due_on: g.due_on,
                    owner_id: g.owner_id,
                    current,
                }
            })
            .collect(),
    ))
}
