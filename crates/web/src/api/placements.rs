//! Placements through the API: a term with its rules, its schools' hosting, mentors judged for
//! eligibility, candidates, runs (read, and started with a write token: a long run answers 202
//! and its progress is polled), placements, and the
//! provider's supervisors with their bases and caseloads.

use axum::Json;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tandem_domain::placements::{
    BaseFields, CandidateFields, EligibilityRules, HostingFields, MentorFields, Preferred,
    RunRules, RunSummary, TermFields, TermKind, capacity,
};
use tandem_domain::{GradeBand, LicensureArea};
use tandem_store::Page;
use tandem_store::placements::{Candidate, HostingRow, Placement, Term};
use utoipa::ToSchema;

use super::{ApiPath, ApiQuery, JsonBody, Paging};
use crate::error::{ApiResult, ReadProblems, WriteProblems};
use crate::guard::{Caseload, Guard, MentorStatus, RunProgress, Started, TermTask};

#[derive(Debug, Serialize, ToSchema)]
pub struct TermOut {
    id: i64,
    partnership_id: i64,
    name: String,
    /// pre_practicum, student_teaching or residency.
    kind: String,
    starts_on: String,
    ends_on: String,
    rules: RunRules,
    /// The partnership's mentor eligibility rules.
    eligibility: EligibilityRules,
}

#[utoipa::path(get, path = "/api/v1/terms/{id}", tag = "placements",
    params(("id" = i64, Path)),
    responses((status = 200, body = TermOut), ReadProblems))]
pub async fn get_term(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<TermOut>> {
    let tv = guard.term(id).await?;
    let eligibility = guard.eligibility(&tv.view).await?;
    Ok(Json(term_out(tv.term, eligibility)))
}

fn term_out(t: Term, eligibility: EligibilityRules) -> TermOut {
    TermOut {
        rules: t.rules(),
        id: t.id,
        partnership_id: t.partnership_id,
        name: t.name,
        kind: t.kind,
        starts_on: t.starts_on,
        ends_on: t.ends_on,
        eligibility,
    }
}

#[utoipa::path(get, path = "/api/v1/partnerships/{id}/terms", tag = "placements",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TermOut>), ReadProblems))]
pub async fn list_terms(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Vec<TermOut>>> {
    let view = guard.partnership(id).await?;
    let eligibility = guard.eligibility(&view).await?;
    let terms = guard.terms(&view).await?;
    Ok(Json(
        (terms.into_iter())
            .map(|t| term_out(t, eligibility))
            .collect(),
    ))
}

/// A new placement term: its run rules default to the usual ones when left out.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TermInput {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    kind: TermKind,
    #[schema(format = Date)]
    starts_on: String,
    #[schema(format = Date)]
    ends_on: String,
    rules: Option<RunRules>,
}

impl TermInput {
    /// As the term's form would have it, to be checked the same way.
    fn fields(self) -> TermFields {
        TermFields {
            name: self.name,
            kind: self.kind.code().to_owned(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            ..TermFields::from_rules(&self.rules.unwrap_or_default())
        }
    }
}

#[utoipa::path(post, path = "/api/v1/partnerships/{id}/terms", tag = "placements",
    params(("id" = i64, Path)),
    request_body = TermInput,
    responses((status = 201, body = TermOut), WriteProblems))]
pub async fn create_term(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<TermInput>,
) -> ApiResult<Response> {
    guard.check_api_write()?;
    let term = guard.create_term(id, &input.fields().parse()?).await?;
    let Json(out) = get_term(guard, ApiPath(term)).await?;
    Ok(created(format!("/api/v1/terms/{term}"), out))
}

/// A term's name, kind, dates and rules, all replaced (rules left out: the usual ones).
#[utoipa::path(put, path = "/api/v1/terms/{id}", tag = "placements",
    params(("id" = i64, Path)),
    request_body = TermInput,
    responses((status = 200, body = TermOut), WriteProblems))]
pub async fn update_term(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<TermInput>,
) -> ApiResult<Json<TermOut>> {
    guard.check_api_write()?;
    guard.update_term(id, &input.fields().parse()?).await?;
    get_term(guard, ApiPath(id)).await
}

/// 201 Created with where the new record is read.
fn created(location: String, body: impl Serialize) -> Response {
    (StatusCode::CREATED, [(LOCATION, location)], Json(body)).into_response()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HostingOut {
    school_id: i64,
    school: String,
    district_id: Option<i64>,
    high_needs: bool,
    answered: bool,
    /// Candidates the school can host (0: cannot this term).
    slots: Option<i64>,
    /// Licensure area codes, comma-separated (empty: any).
    areas: Option<String>,
    /// Grade band codes, comma-separated (empty: any).
    bands: Option<String>,
    reason: Option<String>,
    answered_by: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/hosting", tag = "placements",
    params(("id" = i64, Path), Paging),
    responses((status = 200, body = [HostingOut]), ReadProblems))]
pub async fn list_hosting(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<HostingOut>>> {
    let tv = guard.term(id).await?;
    let (rows, _) = guard.hosting(&tv, false, paging.page()).await?;
    Ok(Json(rows.into_iter().map(HostingOut::from).collect()))
}

impl From<HostingRow> for HostingOut {
    fn from(r: HostingRow) -> HostingOut {
        HostingOut {
            high_needs: r.is_high_needs(),
            answered: r.answered(),
            school_id: r.school_id,
            school: r.school_name,
            district_id: r.district_id,
            slots: r.slots,
            areas: r.areas,
            bands: r.bands,
            reason: r.reason,
            answered_by: r.answered_by,
        }
    }
}

/// A school's answer for the term: whether it hosts, how many, in which areas and bands (none
/// listed: any), or why not.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HostingInput {
    hosts: bool,
    /// Candidates it can host (required when it hosts).
    #[schema(minimum = 1, maximum = 100)]
    slots: Option<u32>,
    #[serde(default)]
    areas: Vec<LicensureArea>,
    #[serde(default)]
    bands: Vec<GradeBand>,
    /// Why it cannot host (required when it does not).
    #[schema(max_length = 1000)]
    reason: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/terms/{id}/hosting/{school}", tag = "placements",
    params(("id" = i64, Path), ("school" = i64, Path)),
    request_body = HostingInput,
    responses((status = 200, body = HostingOut), WriteProblems))]
pub async fn answer_hosting(
    guard: Guard,
    ApiPath((id, school)): ApiPath<(i64, i64)>,
    JsonBody(input): JsonBody<HostingInput>,
) -> ApiResult<Json<HostingOut>> {
    guard.check_api_write()?;
    let fields = HostingFields {
        hosts: if input.hosts { "yes" } else { "no" }.to_owned(),
        slots: input.slots.map(|n| n.to_string()).unwrap_or_default(),
        areas: input.areas.iter().map(|a| a.code().to_owned()).collect(),
        bands: input.bands.iter().map(|b| b.code().to_owned()).collect(),
        reason: input.reason.unwrap_or_default(),
        answered_by: String::new(),
    };
    guard.answer_hosting(id, school, &fields).await?;
    let (_, row, _) = guard.hosting_school(id, school).await?;
    Ok(Json(row.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentorOut {
    id: i64,
    person_id: i64,
    name: String,
    school_id: i64,
    school: String,
    areas: String,
    bands: String,
    years_experience: i64,
    evidence_source: String,
    evidence_on: Option<String>,
    willing: bool,
    /// Candidates this term (none: not asked).
    capacity: Option<i64>,
    eligible: bool,
    /// Why not eligible, clause by clause.
    why_not: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/mentors", tag = "placements",
    params(("id" = i64, Path), Paging),
    responses((status = 200, body = [MentorOut]), ReadProblems))]
pub async fn list_mentors(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<MentorOut>>> {
    let tv = guard.term(id).await?;
    let (mentors, _) = guard.term_mentors(&tv, false, paging.page()).await?;
    Ok(Json(mentors.into_iter().map(MentorOut::from).collect()))
}

impl From<MentorStatus> for MentorOut {
    fn from(s: MentorStatus) -> MentorOut {
        let m = s.mentor;
        MentorOut {
            eligible: s.not_eligible.is_empty(),
            why_not: s.not_eligible,
            id: m.id,
            person_id: m.person_id,
            name: m.name,
            school_id: m.school_id,
            school: m.school_name,
            areas: m.areas,
            bands: m.bands,
            years_experience: m.years_experience,
            evidence_source: m.evidence_source,
            evidence_on: m.evidence_on,
            willing: m.willing == 1,
            capacity: m.capacity,
        }
    }
}

/// A teacher's mentor profile (they must hold the mentor role at the school), and how many
/// candidates they can take this term.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MentorInput {
    person_id: i64,
    school_id: i64,
    #[schema(min_items = 1)]
    areas: Vec<LicensureArea>,
    #[schema(min_items = 1)]
    bands: Vec<GradeBand>,
    #[schema(maximum = 60)]
    years_experience: u32,
    /// Where the evidence of effectiveness comes from (an observation cycle, student growth…).
    #[serde(default)]
    #[schema(max_length = 300)]
    evidence_source: String,
    #[schema(format = Date)]
    evidence_on: Option<String>,
    willing: bool,
    /// Candidates this term (0: not available, up to 4); left out: not asked yet.
    #[schema(maximum = 4)]
    capacity: Option<u32>,
}

#[utoipa::path(post, path = "/api/v1/terms/{id}/mentors", tag = "placements",
    params(("id" = i64, Path)),
    request_body = MentorInput,
    responses((status = 201, body = MentorOut), WriteProblems))]
pub async fn save_mentor(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<MentorInput>,
) -> ApiResult<Response> {
    guard.check_api_write()?;
    let fields = MentorFields {
        person_id: input.person_id.to_string(),
        school_id: input.school_id.to_string(),
        areas: input.areas.iter().map(|a| a.code().to_owned()).collect(),
        bands: input.bands.iter().map(|b| b.code().to_owned()).collect(),
        years_experience: input.years_experience.to_string(),
        evidence_source: input.evidence_source,
        evidence_on: input.evidence_on.unwrap_or_default(),
        willing: if input.willing { "yes" } else { "no" }.to_owned(),
    };
    let draft = fields.parse()?;
    let capacity = (input.capacity.map(|c| capacity(&c.to_string()))).transpose()?;
    let mentor = guard.save_mentor(id, &draft).await?;
    if let Some(capacity) = capacity {
        guard.set_availability(id, mentor, capacity).await?;
    }
    let (_, status, _) = guard.term_mentor(id, mentor).await?;
    Ok(created(
        format!("/api/v1/terms/{id}/mentors"),
        MentorOut::from(status),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateOut {
    id: i64,
    person_id: i64,
    name: String,
    program_id: i64,
    program: String,
    area: String,
    band: String,
    zip: String,
    /// Schools (an id) or districts (`{"district": id}`: any of its schools), most wanted first.
    preferences: Vec<Preferred>,
    conflicts: Vec<i64>,
    /// Empty unless the caller is on the provider's staff.
    accommodations: String,
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/candidates", tag = "placements",
    params(("id" = i64, Path), Paging),
    responses((status = 200, body = [CandidateOut]), ReadProblems))]
pub async fn list_candidates(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<CandidateOut>>> {
    let tv = guard.term(id).await?;
    let (candidates, _) = guard.candidates(&tv, paging.page()).await?;
    Ok(Json(
        candidates.into_iter().map(CandidateOut::from).collect(),
    ))
}

impl From<Candidate> for CandidateOut {
    fn from(c: Candidate) -> CandidateOut {
        CandidateOut {
            preferences: c.preferred(),
            conflicts: c.conflict_ids(),
            id: c.id,
            person_id: c.person_id,
            name: c.name,
            program_id: c.program_id,
            program: c.program_name,
            area: c.area,
            band: c.band,
            zip: c.zip,
            accommodations: c.accommodations,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunOut {
    id: i64,
    number: i64,
    created_at: i64,
    summary: RunSummary,
}

/// A candidate of the term's provider, as one row of the candidates CSV.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CandidateInput {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    #[schema(format = Email)]
    email: String,
    /// One of the provider's programs, by name or id.
    #[schema(min_length = 1)]
    program: String,
    area: LicensureArea,
    band: GradeBand,
    /// Home ZIP code (the middle of the directory's schools with it), or lat and lon.
    #[schema(pattern = "^[0-9]{5}(-[0-9]{4})?$")]
    zip: Option<String>,
    #[schema(minimum = -90.0, maximum = 90.0)]
    lat: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    lon: Option<f64>,
    /// Schools (NCES or Tandem id) or districts (NCES id, or `d` and the Tandem id), most
    /// wanted first.
    #[serde(default)]
    #[schema(max_items = 10)]
    preferences: Vec<String>,
    /// Schools the candidate must not be placed in.
    #[serde(default)]
    conflicts: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 1000)]
    accommodations: String,
}

#[utoipa::path(post, path = "/api/v1/terms/{id}/candidates", tag = "placements",
    params(("id" = i64, Path)),
    request_body = CandidateInput,
    responses((status = 201, body = CandidateOut), WriteProblems))]
pub async fn add_candidate(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<CandidateInput>,
) -> ApiResult<Response> {
    guard.check_api_write()?;
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let fields = CandidateFields {
        name: input.name,
        email: input.email,
        program: input.program,
        area: input.area.code().to_owned(),
        band: input.band.code().to_owned(),
        zip: input.zip.unwrap_or_default(),
        lat: number(input.lat),
        lon: number(input.lon),
        preferences: input.preferences.join(";"),
        conflicts: input.conflicts.join(";"),
        accommodations: input.accommodations,
    };
    let added = guard
        .add_candidates(id, &[(0, fields.parse()?)], None)
        .await?;
    let (candidate, _) = guard.candidate(added[0]).await?;
    Ok(created(
        format!("/api/v1/terms/{id}/candidates"),
        CandidateOut::from(candidate),
    ))
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/runs", tag = "placements",
    params(("id" = i64, Path)),
    responses((status = 200, body = [RunOut]), ReadProblems))]
pub async fn list_runs(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Vec<RunOut>>> {
    let tv = guard.term(id).await?;
    let runs = guard.runs(&tv).await?;
    Ok(Json(
        runs.into_iter()
            .map(|r| RunOut {
                summary: r.summary(),
                id: r.id,
                number: r.number,
                created_at: r.created_at,
            })
            .collect(),
    ))
}

/// Runs the match for the term now (locked and approved placements stay) and keeps the run.
/// A term's run under way, or how the last one that outlived its request ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunProgressOut {
    /// running, failed, or idle (no run under way: the term's runs list has the latest).
    status: String,
    /// The step a running run is at.
    step: Option<String>,
    /// Seconds since it started.
    seconds: Option<u64>,
    /// Why it failed: the rule to change, or that the server log has the details.
    failed: Option<String>,
}

impl RunProgressOut {
    fn of(progress: Option<RunProgress>) -> RunProgressOut {
        match progress {
            None => RunProgressOut {
                status: "idle".into(),
                step: None,
                seconds: None,
                failed: None,
            },
            Some(p) => RunProgressOut {
                status: if p.failed.is_some() {
                    "failed"
                } else {
                    "running"
                }
                .into(),
                step: Some(p.step.to_owned()),
                seconds: Some(p.seconds()),
                failed: p.failed,
            },
        }
    }
}

/// How long starting a run waits for it before answering 202 Accepted.
const RUN_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

#[utoipa::path(post, path = "/api/v1/terms/{id}/runs", tag = "placements",
    params(("id" = i64, Path)),
    responses(
        (status = 201, body = RunOut, description = "The run finished and is kept"),
        (status = 202, body = RunProgressOut, description = "The run goes on: poll the Location"),
        WriteProblems))]
pub async fn start_run(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Response> {
    guard.check_api_write()?;
    match guard.start_run(id, RUN_WAIT).await? {
        Started::Done(run) => {
            let tv = guard.term(id).await?;
            let r = guard.run(&tv, run).await?;
            let out = RunOut {
                summary: r.summary(),
                id: r.id,
                number: r.number,
                created_at: r.created_at,
            };
            Ok((StatusCode::CREATED, Json(out)).into_response())
        }
        Started::Running => {
            let tv = guard.term(id).await?;
            let progress = RunProgressOut::of(guard.task_progress(&tv, TermTask::Match));
            let location = format!("/api/v1/terms/{id}/run-progress");
            Ok((StatusCode::ACCEPTED, [(LOCATION, location)], Json(progress)).into_response())
        }
    }
}

/// One candidate's result in a run: placed (with a mentor) or not, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunResultOut {
    candidate_id: i64,
    candidate: String,
    /// Null when the run leaves the candidate unplaced.
    mentor: Option<String>,
    school: Option<String>,
    high_needs: bool,
    km: Option<f64>,
    locked: bool,
    /// The placement's cost, term by term, or why the candidate is unplaced.
    detail: String,
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/runs/{run}/results", tag = "placements",
    params(("id" = i64, Path), ("run" = i64, Path), Paging),
    responses((status = 200, body = [RunResultOut]), ReadProblems))]
pub async fn run_results(
    guard: Guard,
    ApiPath((id, run)): ApiPath<(i64, i64)>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<RunResultOut>>> {
    let tv = guard.term(id).await?;
    let view = guard.run_view(&tv, run, paging.page()).await?;
    Ok(Json(
        (view.rows.into_iter())
            .map(|r| RunResultOut {
                high_needs: r.high_needs == Some(1),
                locked: r.locked == 1,
                candidate_id: r.candidate_id,
                candidate: r.candidate_name,
                mentor: r.mentor_name,
                school: r.school_name,
                km: r.km,
                detail: r.detail,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/run-progress", tag = "placements",
    params(("id" = i64, Path)),
    responses((status = 200, body = RunProgressOut), ReadProblems))]
pub async fn run_progress(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RunProgressOut>> {
    let tv = guard.term(id).await?;
    Ok(Json(RunProgressOut::of(
        guard.task_progress(&tv, TermTask::Match),
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementOut {
    id: i64,
    candidate_id: i64,
    candidate: String,
    mentor_id: i64,
    mentor: String,
    school_id: i64,
    school: String,
    high_needs: bool,
    km: f64,
    /// proposed, approved or confirmed.
    status: String,
    locked: bool,
    supervisor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/placements", tag = "placements",
    params(("id" = i64, Path), Paging),
    responses((status = 200, body = [PlacementOut]), ReadProblems))]
pub async fn list_placements(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Vec<PlacementOut>>> {
    let tv = guard.term(id).await?;
    let page: Page = paging.page();
    let (placements, _) = guard.placements(&tv, page).await?;
    Ok(Json(
        placements.into_iter().map(PlacementOut::from).collect(),
    ))
}

impl From<Placement> for PlacementOut {
    fn from(p: Placement) -> PlacementOut {
        PlacementOut {
            high_needs: p.is_high_needs(),
            id: p.id,
            candidate_id: p.candidate_id,
            candidate: p.candidate_name,
            mentor_id: p.mentor_id,
            mentor: p.mentor_name,
            school_id: p.school_id,
            school: p.school_name,
            km: p.km,
            status: p.status,
            locked: p.locked == 1,
            supervisor: p.supervisor_name,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/placements/{id}", tag = "placements",
    params(("id" = i64, Path)),
    responses((status = 200, body = PlacementOut), ReadProblems))]
pub async fn get_placement(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PlacementOut>> {
    Ok(Json(guard.placement(id).await?.placement.into()))
}

/// The district's answer to a proposed placement: yes (approve) or no, with why. (Mentors
/// answer on their page or a one-time link: an API token speaks for an organization.)
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerInput {
    yes: bool,
    /// Why not (required for a no).
    #[schema(min_length = 1, max_length = 1000)]
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/placements/{id}/district", tag = "placements",
    params(("id" = i64, Path)),
    request_body = AnswerInput,
    responses((status = 200, body = Option<PlacementOut>,
        description = "The placement, approved; null when declined"), WriteProblems))]
pub async fn district_answer(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<AnswerInput>,
) -> ApiResult<Json<Option<PlacementOut>>> {
    guard.check_api_write()?;
    let reason = (input.reason.as_deref().map(str::trim)).filter(|r| !r.is_empty());
    guard.district_answer(id, input.yes, reason).await?;
    // A decline removes the placement.
    Ok(Json(match guard.placement(id).await {
        Ok(pv) => Some(pv.placement.into()),
        Err(crate::error::AppError::NotFound) => None,
        Err(other) => return Err(other.into()),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LockInput {
    /// Locked placements are kept by every later run.
    locked: bool,
}

#[utoipa::path(put, path = "/api/v1/placements/{id}/lock", tag = "placements",
    params(("id" = i64, Path)),
    request_body = LockInput,
    responses((status = 200, body = PlacementOut), WriteProblems))]
pub async fn lock_placement(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<LockInput>,
) -> ApiResult<Json<PlacementOut>> {
    guard.check_api_write()?;
    guard.set_locked(id, input.locked).await?;
    Ok(Json(guard.placement(id).await?.placement.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisorOut {
    /// The supervisor's person id.
    id: i64,
    name: String,
    /// Where they set out from to visit placements, when set.
    zip: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    /// Placements they supervise this term.
    placements: i64,
    /// Kilometres from their base to those placements' schools (one trip each); null without
    /// a base.
    km: Option<f64>,
}

impl From<Caseload> for SupervisorOut {
    fn from(c: Caseload) -> SupervisorOut {
        SupervisorOut {
            id: c.supervisor.id,
            name: c.supervisor.name,
            zip: c.supervisor.zip,
            lat: c.supervisor.lat,
            lon: c.supervisor.lon,
            placements: c.placements,
            km: c.km,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/terms/{id}/supervisors", tag = "placements",
    params(("id" = i64, Path)),
    responses((status = 200, body = [SupervisorOut]), ReadProblems))]
pub async fn list_supervisors(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<SupervisorOut>>> {
    let tv = guard.term(id).await?;
    let caseloads = guard.caseloads(&tv).await?;
    Ok(Json(
        caseloads.into_iter().map(SupervisorOut::from).collect(),
    ))
}

/// Where a supervisor sets out from: a ZIP code (the middle of the directory's schools with
/// it) or coordinates.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BaseInput {
    #[schema(pattern = "^[0-9]{5}(-[0-9]{4})?$")]
    zip: Option<String>,
    #[schema(minimum = -90.0, maximum = 90.0)]
    lat: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    lon: Option<f64>,
}

#[utoipa::path(put, path = "/api/v1/terms/{id}/supervisors/{supervisor}/base", tag = "placements",
    params(("id" = i64, Path), ("supervisor" = i64, Path, description = "The supervisor's person id")),
    request_body = BaseInput,
    responses((status = 200, body = SupervisorOut), WriteProblems))]
pub async fn set_supervisor_base(
    guard: Guard,
    ApiPath((id, supervisor)): ApiPath<(i64, i64)>,
    JsonBody(input): JsonBody<BaseInput>,
) -> ApiResult<Json<SupervisorOut>> {
    guard.check_api_write()?;
    let fields = BaseFields {
        supervisor_id: supervisor.to_string(),
        zip: input.zip.unwrap_or_default(),
        lat: input.lat.map(|v| v.to_string()).unwrap_or_default(),
        lon: input.lon.map(|v| v.to_string()).unwrap_or_default(),
    };
    let (supervisor, home) = fields.parse()?;
    guard.set_supervisor_base(id, supervisor, &home).await?;
    let tv = guard.term(id).await?;
    let caseload = (guard.caseloads(&tv).await?.into_iter())
        .find(|c| c.supervisor.id == supervisor)
        .map(SupervisorOut::from);
    caseload
        .map(Json)
        .ok_or_else(|| crate::error::AppError::NotFound.into())
}
