//! Placement pages: a partnership's terms and eligibility rules; a term's overview (rules, the
//! run, the placements), its schools' hosting, mentors and candidates; a run's results; a
//! placement with the district's and the mentor's answers; training; one-time links.

use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_domain::nces::RowError;
use tandem_domain::placements::{
    BaseFields, CandidateFields, CompletionFields, DeclineFields, EligibilityFields,
    EligibilityRules, HostingFields, MentorFields, ModuleFields, PlacementStatus, RunSummary,
    TermFields, TermKind, bands_from_codes, read_candidates, read_completions, read_hosting,
    read_mentors,
};
use tandem_domain::values::areas_from_codes;
use tandem_domain::{FieldErrors, GradeBand, LicensureArea};
use tandem_store::Page;
use tandem_store::placements::{
    Candidate, Completion, Decline, DistrictPlacements, HostingRow, Module, Placement, Run,
    SchoolOutcome, Term,
};

use super::{Choice, Id, Layout, Pager, number, render, render_form, saved_or_form};
use crate::AppState;
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::{
    CHANGES_SHOWN, Caseload, Guard, LinkSubject, MentorStatus, PartnershipView, PlacementView,
    RunProgress, RunView, Started, TermTask, TermView, summary_line,
};

/// Two ids from the path; anything else is "page not found".
pub struct Ids(pub i64, pub i64);

impl axum::extract::FromRequestParts<AppState> for Ids {
    type Rejection = crate::error::PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Path::<(i64, i64)>::from_request_parts(parts, state).await {
            Ok(Path((a, b))) => Ok(Ids(a, b)),
            Err(_) => Err(crate::error::PageError(AppError::NotFound)),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<String>,
    saved: Option<String>,
    /// Narrows the training page's people to those whose name or school holds this.
    who: Option<String>,
}

impl ListQuery {
    fn page(&self) -> Page {
        Page::new(number(&self.page), None)
    }
}

pub fn area_label(code: &str) -> &'static str {
    LicensureArea::parse(code).map_or("", LicensureArea::label)
}

pub fn band_label(code: &str) -> &'static str {
    GradeBand::parse(code).map_or("", GradeBand::label)
}

/// Stored lists of area and band codes, in words ("any" when none are named).
pub fn areas_text(codes: &str) -> String {
    let areas = areas_from_codes(codes);
    if areas.is_empty() {
        "any area".to_owned()
    } else {
        areas
            .iter()
            .map(|a| a.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub fn bands_text(codes: &str) -> String {
    let bands = bands_from_codes(codes);
    if bands.is_empty() {
        "any grade band".to_owned()
    } else {
        bands
            .iter()
            .map(|b| b.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn area_choices() -> Vec<Choice> {
    Choice::list(
        LicensureArea::ALL
            .iter()
            .map(|a| (a.code().to_owned(), a.label().to_owned())),
    )
}

fn band_choices() -> Vec<Choice> {
    Choice::list(
        GradeBand::ALL
            .iter()
            .map(|b| (b.code().to_owned(), b.label().to_owned())),
    )
}

pub fn status_label(code: &str) -> &'static str {
    PlacementStatus::parse(code).map_or("", PlacementStatus::label)
}

// ---- terms and eligibility ----

#[derive(Template)]
#[template(path = "placements/terms.html")]
struct TermsPage {
    layout: Layout,
    view: PartnershipView,
    terms: Vec<Term>,
    rules: EligibilityRules,
    kinds: Vec<Choice>,
    form: TermFields,
    eligibility: EligibilityFields,
    errors: FieldErrors,
}

async fn terms_page(
    guard: &Guard,
    id: i64,
    form: Option<TermFields>,
    eligibility: Option<EligibilityFields>,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let rules = guard.eligibility(&view).await?;
    let page = TermsPage {
        layout: Layout::new(guard, "Placement terms", "/partnerships"),
        terms: guard.terms(&view).await?,
        kinds: Choice::list(
            TermKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), k.label().to_owned())),
        ),
        form: form.unwrap_or_else(|| TermFields::from_rules(&Default::default())),
        eligibility: eligibility.unwrap_or_else(|| EligibilityFields::from_rules(&rules)),
        rules,
        view,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn terms(guard: Guard, Id(id): Id) -> PageResult<Response> {
    terms_page(&guard, id, None, None, FieldErrors::default()).await
}

/// The partnership's terms and their main rules, as CSV.
pub async fn export_terms(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let terms = guard.terms(&view).await?;
    let optional = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    Ok(csv_export::download(
        "terms.csv",
        &[
            "id",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "max_travel_km",
            "high_needs_min",
            "high_needs_percent",
            "cohort_max",
        ],
        terms.into_iter().map(|t| {
            let rules = t.rules();
            vec![
                t.id.to_string(),
                t.name,
                t.kind,
                t.starts_on,
                t.ends_on,
                rules.max_travel_km.to_string(),
                rules.high_needs_min.to_string(),
                optional(rules.high_needs_percent),
                optional(rules.cohort_max),
            ]
        }),
    )?)
}

/// The partnership's training modules, as CSV.
pub async fn export_modules(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let modules = guard.modules(&view).await?;
    Ok(csv_export::download(
        "training-modules.csv",
        &[
            "id",
            "title",
            "audience",
            "hours",
            "valid_months",
            "offered_by",
        ],
        modules.into_iter().map(|m| {
            vec![
                m.id.to_string(),
                m.title,
                m.audience,
                m.hours.to_string(),
                m.valid_months.to_string(),
                m.org_name,
            ]
        }),
    )?)
}

pub async fn create_term(
    Id(id): Id,
    Submitted { guard, form }: Submitted<TermFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_term(id, &draft)
            .await
            .map(|t| format!("/terms/{t}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        terms_page(&guard, id, Some(form), None, errors)
    })
    .await
}

pub async fn set_eligibility(
    Id(id): Id,
    Submitted { guard, form }: Submitted<EligibilityFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(rules) => guard
            .set_eligibility(id, &rules)
            .await
            .map(|_| format!("/partnerships/{id}/terms")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        terms_page(&guard, id, None, Some(form), errors)
    })
    .await
}

// ---- a term: rules, run, placements ----

#[derive(Template)]
#[template(path = "placements/term.html")]
struct TermPage {
    layout: Layout,
    tv: TermView,
    kinds: Vec<Choice>,
    form: TermFields,
    errors: FieldErrors,
    runs: Vec<Run>,
    /// A run under way (or its failure).
    progress: Option<RunProgress>,
    /// Supervisors being assigned (or the failure).
    assigning: Option<RunProgress>,
    latest: Option<RunSummary>,
    unplaced: Vec<(String, String)>,
    placements: Vec<Placement>,
    pager: Pager,
    declines: Vec<Decline>,
    supervisors: Vec<Choice>,
    caseloads: Vec<Caseload>,
    base: BaseFields,
    saved: bool,
}

impl TermPage {
    /// Whether a task of the term is under way: the page refreshes itself until it is done.
    fn working(&self) -> bool {
        [&self.progress, &self.assigning]
            .iter()
            .any(|task| task.as_ref().is_some_and(|t| t.failed.is_none()))
    }
}

async fn term_page(
    guard: &Guard,
    id: i64,
    query: ListQuery,
    form: Option<TermFields>,
    errors: FieldErrors,
) -> PageResult<Response> {
    term_page_with(guard, id, query, (form, None), errors).await
}

/// The term page with what was typed into its rules form or its supervisor-base form.
async fn term_page_with(
    guard: &Guard,
    id: i64,
    query: ListQuery,
    (form, base): (Option<TermFields>, Option<BaseFields>),
    errors: FieldErrors,
) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let runs = guard.runs(&tv).await?;
    let unplaced = match runs.first() {
        Some(run) => guard.unplaced(&tv, run.id).await?,
        None => Vec::new(),
    };
    let page = query.page();
    let (placements, total) = guard.placements(&tv, page).await?;
    let view = TermPage {
        layout: Layout::new(guard, tv.term.name.clone(), "/partnerships"),
        kinds: Choice::list(
            TermKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), k.label().to_owned())),
        ),
        form: form.unwrap_or_else(|| TermFields {
            name: tv.term.name.clone(),
            kind: tv.term.kind.clone(),
            starts_on: tv.term.starts_on.clone(),
            ends_on: tv.term.ends_on.clone(),
            ..TermFields::from_rules(&tv.term.rules())
        }),
        errors: errors.clone(),
        progress: guard.task_progress(&tv, TermTask::Match),
        assigning: guard.task_progress(&tv, TermTask::Supervisors),
        latest: runs.first().map(Run::summary),
        runs,
        unplaced,
        placements,
        pager: Pager::new(&format!("/terms/{id}"), &[], page, total),
        declines: guard.declines(&tv).await?,
        supervisors: Choice::list(
            guard
                .supervisors(&tv)
                .await?
                .into_iter()
                .map(|s| (s.id.to_string(), s.name)),
        ),
        caseloads: if tv.view.can_work {
            guard.caseloads(&tv).await?
        } else {
            Vec::new()
        },
        base: base.unwrap_or_default(),
        saved: query.saved.is_some(),
        tv,
    };
    render_form(&view, &errors)
}

pub async fn term(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    term_page(&guard, id, query, None, FieldErrors::default()).await
}

pub async fn update_term(
    Id(id): Id,
    Submitted { guard, form }: Submitted<TermFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .update_term(id, &draft)
            .await
            .map(|_| format!("/terms/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        term_page(&guard, id, ListQuery::default(), Some(form), errors)
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct Empty {}

/// How long the run (or assign) button waits before answering with the term page and the
/// task's progress.
const RUN_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

pub async fn run(Id(id): Id, Submitted { guard, .. }: Submitted<Empty>) -> PageResult<Response> {
    let result = guard
        .start_run(id, RUN_WAIT)
        .await
        .map(|started| match started {
            Started::Done(run) => format!("/terms/{id}/runs/{run}"),
            Started::Running => format!("/terms/{id}"),
        });
    saved_or_form(result, |errors| {
        term_page(&guard, id, ListQuery::default(), None, errors)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    /// "yes" to reassign placements that already have a supervisor.
    start_over: String,
}

pub async fn assign_supervisors(
    Id(id): Id,
    Submitted { guard, form }: Submitted<AssignForm>,
) -> PageResult<Response> {
    let result = guard
        .start_assigning(id, form.start_over == "yes", RUN_WAIT)
        .await
        .map(|started| match started {
            Started::Done(_) => format!("/terms/{id}?saved=1#supervisors"),
            Started::Running => format!("/terms/{id}#supervisors"),
        });
    saved_or_form(result, |errors| {
        term_page(&guard, id, ListQuery::default(), None, errors)
    })
    .await
}

pub async fn set_supervisor_base(
    Id(id): Id,
    Submitted { guard, form }: Submitted<BaseFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok((supervisor, home)) => guard
            .set_supervisor_base(id, supervisor, &home)
            .await
            .map(|_| format!("/terms/{id}?saved=1#supervisors")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        term_page_with(&guard, id, ListQuery::default(), (None, Some(form)), errors)
    })
    .await
}

// ---- a run ----

#[derive(Template)]
#[template(path = "placements/run.html")]
struct RunPage {
    layout: Layout,
    tv: TermView,
    summary: RunSummary,
    view: RunView,
    pager: Pager,
    changes_shown: i64,
}

pub async fn run_page(
    guard: Guard,
    Ids(term, run): Ids,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let tv = guard.term(term).await?;
    let page = query.page();
    let view = guard.run_view(&tv, run, page).await?;
    let page = RunPage {
        layout: Layout::new(&guard, format!("Run {}", view.run.number), "/partnerships"),
        summary: view.run.summary(),
        pager: Pager::new(&format!("/terms/{term}/runs/{run}"), &[], page, view.total),
        changes_shown: CHANGES_SHOWN,
        view,
        tv,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "placements/run_outcomes.html")]
struct OutcomesPage {
    layout: Layout,
    tv: TermView,
    run: Run,
    /// The run's page, which the two summaries link from.
    base: String,
    rows: OutcomeRows,
    pager: Pager,
}

/// A page of a run's placements summed by district or by school.
enum OutcomeRows {
    Districts(Vec<DistrictPlacements>),
    Schools(Vec<SchoolOutcome>),
}

/// Where a run places its candidates, a page of schools: the summary a coordinator reads
/// instead of a map.
pub async fn run_schools(
    guard: Guard,
    Ids(term, run): Ids,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let tv = guard.term(term).await?;
    let page = query.page();
    let (run, schools, total) = guard.run_schools(&tv, run, page).await?;
    outcomes_page(&guard, tv, run, OutcomeRows::Schools(schools), page, total)
}

/// The same by district.
pub async fn run_districts(
    guard: Guard,
    Ids(term, run): Ids,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let tv = guard.term(term).await?;
    let page = query.page();
    let (run, districts, total) = guard.run_districts(&tv, run, page).await?;
    outcomes_page(
        &guard,
        tv,
        run,
        OutcomeRows::Districts(districts),
        page,
        total,
    )
}

fn outcomes_page(
    guard: &Guard,
    tv: TermView,
    run: Run,
    rows: OutcomeRows,
    page: Page,
    total: i64,
) -> PageResult<Response> {
    let by = match rows {
        OutcomeRows::Districts(_) => "district",
        OutcomeRows::Schools(_) => "school",
    };
    let base = format!("/terms/{}/runs/{}", tv.term.id, run.id);
    let page = OutcomesPage {
        layout: Layout::new(
            guard,
            format!("Run {} by {by}", run.number),
            "/partnerships",
        ),
        pager: Pager::new(&format!("{base}/{by}s"), &[], page, total),
        base,
        run,
        rows,
        tv,
    };
    render(&page)
}

/// Every result of a run, as CSV.
pub async fn export_run(guard: Guard, Ids(term, run): Ids) -> PageResult<Response> {
    let tv = guard.term(term).await?;
    let view = guard.run_view(&tv, run, Page::all()).await?;
    Ok(csv_export::download(
        &format!("run-{}.csv", view.run.number),
        &[
            "candidate_id",
            "candidate",
            "mentor",
            "school",
            "high_needs",
            "km",
            "locked",
            "detail",
        ],
        view.rows.into_iter().map(|r| {
            vec![
                r.candidate_id.to_string(),
                r.candidate_name,
                r.mentor_name.unwrap_or_default(),
                r.school_name.unwrap_or_default(),
                yes_no(r.high_needs == Some(1)),
                r.km.map(|km| format!("{km:.1}")).unwrap_or_default(),
                yes_no(r.locked == 1),
                r.detail,
            ]
        }),
    )?)
}

/// A run's placements by school, as CSV.
pub async fn export_run_outcomes(guard: Guard, Ids(term, run): Ids) -> PageResult<Response> {
    let tv = guard.term(term).await?;
    let (run, schools, _) = guard.run_schools(&tv, run, Page::all()).await?;
    Ok(csv_export::download(
        &format!("run-{}-schools.csv", run.number),
        &[
            "school_id",
            "school",
            "district",
            "high_needs",
            "placed",
            "locked",
            "average_km",
        ],
        schools.into_iter().map(|s| {
            vec![
                s.school_id.to_string(),
                s.school_name,
                s.district_name.unwrap_or_default(),
                yes_no(s.high_needs == Some(1)),
                s.placed.to_string(),
                s.locked.to_string(),
                s.average_km
                    .map(|km| format!("{km:.1}"))
                    .unwrap_or_default(),
            ]
        }),
    )?)
}

fn yes_no(yes: bool) -> String {
    if yes { "yes" } else { "no" }.to_owned()
}

pub async fn run_inputs(guard: Guard, Ids(term, run): Ids) -> PageResult<Response> {
    let tv = guard.term(term).await?;
    let json = guard.run_inputs_json(&tv, run).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response())
}

// ---- hosting ----

#[derive(Template)]
#[template(path = "placements/hosting.html")]
struct HostingPage {
    layout: Layout,
    tv: TermView,
    rows: Vec<(HostingRow, bool)>,
    pager: Pager,
    /// Whether the caller answers for any school here (or for all, as the term's workers).
    can_import: bool,
    /// How many answers an import just saved.
    saved: Option<usize>,
    errors: FieldErrors,
}

pub async fn hosting(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let saved = query.saved.as_deref().and_then(|n| n.parse().ok());
    hosting_page(&guard, id, query.page(), saved, FieldErrors::default()).await
}

async fn hosting_page(
    guard: &Guard,
    id: i64,
    page: Page,
    saved: Option<usize>,
    errors: FieldErrors,
) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let (rows, total) = guard.hosting(&tv, false, page).await?;
    let rows: Vec<(HostingRow, bool)> = rows
        .into_iter()
        .map(|r| {
            let can = guard.can_answer_hosting(&tv, &r);
            (r, can)
        })
        .collect();
    let view = HostingPage {
        layout: Layout::new(guard, "Hosting", "/partnerships"),
        pager: Pager::new(&format!("/terms/{id}/hosting"), &[], page, total),
        can_import: tv.view.can_work || rows.iter().any(|(_, can)| *can),
        rows,
        tv,
        saved,
        errors: errors.clone(),
    };
    render_form(&view, &errors)
}

pub async fn import_hosting(
    guard: Guard,
    Id(id): Id,
    mut multipart: Multipart,
) -> PageResult<Response> {
    let (name, rows) = csv_upload(&guard, &mut multipart, "hosting answers", |b| {
        read_hosting(b)
    })
    .await?;
    let result = match rows {
        Ok(rows) => guard.import_hosting(id, &rows, &name).await,
        Err(e) => Err(e),
    }
    .map(|n| format!("/terms/{id}/hosting?saved={n}"));
    saved_or_form(result, |errors| {
        hosting_page(&guard, id, Page::new(None, None), None, errors)
    })
    .await
}

/// The hosting form: signed in (`tv`) or through a one-time link (`link`).
#[derive(Template)]
#[template(path = "placements/hosting_form.html")]
struct HostingFormPage {
    layout: Option<Layout>,
    term: Term,
    school: HostingRow,
    action: String,
    form: HostingFields,
    areas: Vec<Choice>,
    bands: Vec<Choice>,
    errors: FieldErrors,
    link: Option<String>,
    /// May make a one-time link (the partnership's workers).
    can_link: bool,
    saved: bool,
    done: bool,
}

fn hosting_fields(row: &HostingRow) -> HostingFields {
    HostingFields {
        hosts: match row.slots {
            Some(0) => "no".into(),
            Some(_) => "yes".into(),
            None => String::new(),
        },
        slots: row
            .slots
            .filter(|s| *s > 0)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        areas: areas_from_codes(row.areas.as_deref().unwrap_or(""))
            .iter()
            .map(|a| a.code().to_owned())
            .collect(),
        bands: bands_from_codes(row.bands.as_deref().unwrap_or(""))
            .iter()
            .map(|b| b.code().to_owned())
            .collect(),
        reason: row.reason.clone().unwrap_or_default(),
        answered_by: String::new(),
    }
}

/// What the hosting form page shows besides the school's answer.
#[derive(Default)]
struct HostingForm {
    form: Option<HostingFields>,
    errors: FieldErrors,
    link: Option<String>,
    saved: bool,
}

async fn hosting_form_page(
    guard: &Guard,
    term: i64,
    school: i64,
    shown: HostingForm,
) -> PageResult<Response> {
    let HostingForm {
        form,
        errors,
        link,
        saved,
    } = shown;
    let (term, row, can_link) = guard.hosting_school(term, school).await?;
    let page = HostingFormPage {
        layout: Some(Layout::new(
            guard,
            format!("Hosting: {}", row.school_name),
            "/partnerships",
        )),
        action: format!("/terms/{}/hosting/{school}", term.id),
        form: form.unwrap_or_else(|| hosting_fields(&row)),
        areas: area_choices(),
        bands: band_choices(),
        errors: errors.clone(),
        term,
        school: row,
        link,
        can_link,
        saved,
        done: false,
    };
    render_form(&page, &errors)
}

pub async fn hosting_form(
    guard: Guard,
    Ids(term, school): Ids,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let page = HostingForm {
        saved: query.saved.is_some(),
        ..HostingForm::default()
    };
    hosting_form_page(&guard, term, school, page).await
}

pub async fn answer_hosting(
    Ids(term, school): Ids,
    Submitted { guard, form }: Submitted<HostingFields>,
) -> PageResult<Response> {
    let result = guard
        .answer_hosting(term, school, &form)
        .await
        .map(|_| format!("/terms/{term}/hosting/{school}?saved=1"));
    saved_or_form(result, |errors| {
        let shown = HostingForm {
            form: Some(form),
            errors,
            ..HostingForm::default()
        };
        hosting_form_page(&guard, term, school, shown)
    })
    .await
}

pub async fn hosting_link(
    Ids(term, school): Ids,
    Submitted { guard, .. }: Submitted<Empty>,
) -> PageResult<Response> {
    let secret = guard.hosting_link(term, school).await?;
    let shown = HostingForm {
        link: Some(format!("/links/{secret}")),
        ..HostingForm::default()
    };
    hosting_form_page(&guard, term, school, shown).await
}

pub async fn export_hosting(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let (rows, _) = guard.hosting(&tv, true, Page::all()).await?;
    let header = [
        "school_id",
        "school",
        "district",
        "high_needs",
        "slots",
        "areas",
        "grade_bands",
        "reason",
        "answered_by",
        "answered_at",
    ];
    Ok(csv_export::download(
        "hosting.csv",
        &header,
        rows.into_iter().map(|r| {
            vec![
                r.school_id.to_string(),
                r.school_name.clone(),
                r.district_name.clone().unwrap_or_default(),
                r.is_high_needs().to_string(),
                csv_export::opt(r.slots),
                r.areas.clone().unwrap_or_default(),
                r.bands.clone().unwrap_or_default(),
                r.reason.clone().unwrap_or_default(),
                r.answered_by.clone().unwrap_or_default(),
                r.answered_at.map(super::when).unwrap_or_default(),
            ]
        }),
    )?)
}

// ---- mentors ----

#[derive(Template)]
#[template(path = "placements/mentors.html")]
struct MentorsPage {
    layout: Layout,
    tv: TermView,
    mentors: Vec<MentorStatus>,
    pager: Pager,
    rules: EligibilityRules,
    teachers: Vec<Choice>,
    schools: Vec<Choice>,
    areas: Vec<Choice>,
    bands: Vec<Choice>,
    form: MentorFields,
    errors: FieldErrors,
    /// How many profiles an import just saved.
    saved: Option<usize>,
}

async fn mentors_page(
    guard: &Guard,
    id: i64,
    query: ListQuery,
    form: Option<MentorFields>,
    errors: FieldErrors,
) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let page = query.page();
    let saved = query.saved.as_deref().and_then(|n| n.parse().ok());
    let (mentors, total) = guard.term_mentors(&tv, false, page).await?;
    let teachers = guard.mentor_teachers(&tv).await?;
    let mut schools: Vec<(String, String)> = teachers
        .iter()
        .map(|t| (t.2.to_string(), t.3.clone()))
        .collect();
    schools.sort_by(|a, b| a.1.cmp(&b.1));
    schools.dedup();
    let view = MentorsPage {
        layout: Layout::new(guard, "Mentors", "/partnerships"),
        pager: Pager::new(&format!("/terms/{id}/mentors"), &[], page, total),
        rules: guard.eligibility(&tv.view).await?,
        teachers: Choice::list(
            teachers
                .iter()
                .map(|t| (t.0.to_string(), format!("{} — {}", t.1, t.3))),
        ),
        schools: Choice::list(schools),
        areas: area_choices(),
        bands: band_choices(),
        form: form.unwrap_or_default(),
        errors: errors.clone(),
        saved,
        mentors,
        tv,
    };
    render_form(&view, &errors)
}

pub async fn mentors(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    mentors_page(&guard, id, query, None, FieldErrors::default()).await
}

pub async fn import_mentors(
    guard: Guard,
    Id(id): Id,
    mut multipart: Multipart,
) -> PageResult<Response> {
    let (name, rows) = csv_upload(&guard, &mut multipart, "mentor profiles", |b| {
        read_mentors(b)
    })
    .await?;
    let result = match rows {
        Ok(rows) => guard.import_mentors(id, &rows, &name).await,
        Err(e) => Err(e),
    }
    .map(|n| format!("/terms/{id}/mentors?saved={n}"));
    saved_or_form(result, |errors| {
        mentors_page(&guard, id, ListQuery::default(), None, errors)
    })
    .await
}

pub async fn save_mentor(
    Id(id): Id,
    Submitted { guard, form }: Submitted<MentorFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .save_mentor(id, &draft)
            .await
            .map(|m| format!("/terms/{id}/mentors/{m}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        mentors_page(&guard, id, ListQuery::default(), Some(form), errors)
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct CapacityForm {
    #[serde(default)]
    capacity: String,
}

pub async fn set_availability(
    Ids(term, mentor): Ids,
    Submitted { guard, form }: Submitted<CapacityForm>,
) -> PageResult<Response> {
    let result = match tandem_domain::placements::capacity(&form.capacity) {
        Ok(capacity) => guard
            .set_availability(term, mentor, capacity)
            .await
            .map(|_| format!("/terms/{term}/mentors/{mentor}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| mentor_page(&guard, term, mentor, errors)).await
}

#[derive(Template)]
#[template(path = "placements/mentor.html")]
struct MentorPage {
    layout: Layout,
    tv: TermView,
    status: MentorStatus,
    completions: Vec<Completion>,
    rules: EligibilityRules,
    errors: FieldErrors,
    can_edit: bool,
    capacity: String,
}

async fn mentor_page(
    guard: &Guard,
    term: i64,
    mentor: i64,
    errors: FieldErrors,
) -> PageResult<Response> {
    let (tv, status, completions) = guard.term_mentor(term, mentor).await?;
    let is_self = guard.principal.person_id == Some(status.mentor.person_id);
    let page = MentorPage {
        layout: Layout::new(guard, status.mentor.name.clone(), "/partnerships"),
        rules: guard.eligibility(&tv.view).await?,
        can_edit: is_self || tv.view.can_work,
        capacity: status
            .mentor
            .capacity
            .map(|c| c.to_string())
            .unwrap_or_default(),
        tv,
        status,
        completions,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn mentor(guard: Guard, Ids(term, mentor): Ids) -> PageResult<Response> {
    mentor_page(&guard, term, mentor, FieldErrors::default()).await
}

pub async fn export_mentors(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let (mentors, _) = guard.term_mentors(&tv, false, Page::all()).await?;
    let header = [
        "mentor_id",
        "name",
        "school",
        "high_needs",
        "areas",
        "grade_bands",
        "years_experience",
        "evidence_source",
        "evidence_on",
        "trained_on",
        "willing",
        "capacity",
        "eligible",
        "why_not",
    ];
    Ok(csv_export::download(
        "mentors.csv",
        &header,
        mentors.into_iter().map(|s| {
            let m = &s.mentor;
            vec![
                m.id.to_string(),
                m.name.clone(),
                m.school_name.clone(),
                m.is_high_needs().to_string(),
                m.areas.clone(),
                m.bands.clone(),
                m.years_experience.to_string(),
                m.evidence_source.clone(),
                m.evidence_on.clone().unwrap_or_default(),
                s.trained_on.clone().unwrap_or_default(),
                (m.willing == 1).to_string(),
                csv_export::opt(m.capacity),
                s.not_eligible.is_empty().to_string(),
                s.not_eligible.join("; "),
            ]
        }),
    )?)
}

// ---- candidates ----

#[derive(Template)]
#[template(path = "placements/candidates.html")]
struct CandidatesPage {
    layout: Layout,
    tv: TermView,
    candidates: Vec<Candidate>,
    pager: Pager,
    programs: Vec<Choice>,
    areas: Vec<Choice>,
    bands: Vec<Choice>,
    form: CandidateFields,
    errors: FieldErrors,
    saved: Option<String>,
}

async fn candidates_page(
    guard: &Guard,
    id: i64,
    query: ListQuery,
    form: Option<CandidateFields>,
    errors: FieldErrors,
) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let page = query.page();
    let (candidates, total) = guard.candidates(&tv, page).await?;
    let programs = guard.provider_programs(&tv).await?;
    let view = CandidatesPage {
        layout: Layout::new(guard, "Candidates", "/partnerships"),
        pager: Pager::new(&format!("/terms/{id}/candidates"), &[], page, total),
        programs: Choice::list(programs.into_iter().map(|(id, n)| (id.to_string(), n))),
        areas: area_choices(),
        bands: band_choices(),
        form: form.unwrap_or_default(),
        errors: errors.clone(),
        saved: query.saved,
        candidates,
        tv,
    };
    render_form(&view, &errors)
}

pub async fn candidates(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    candidates_page(&guard, id, query, None, FieldErrors::default()).await
}

pub async fn add_candidate(
    Id(id): Id,
    Submitted { guard, form }: Submitted<CandidateFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .add_candidates(id, &[(0, draft)], None)
            .await
            .map(|added| format!("/terms/{id}/candidates?saved={}", added.len())),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        candidates_page(&guard, id, ListQuery::default(), Some(form), errors)
    })
    .await
}

pub async fn import_candidates(
    guard: Guard,
    Id(id): Id,
    mut multipart: Multipart,
) -> PageResult<Response> {
    let (name, rows) =
        csv_upload(&guard, &mut multipart, "candidates", |b| read_candidates(b)).await?;
    let result = match rows {
        Ok(rows) => guard.add_candidates(id, &rows, Some(&name)).await,
        Err(e) => Err(e),
    }
    .map(|added| format!("/terms/{id}/candidates?saved={}", added.len()));
    saved_or_form(result, |errors| {
        candidates_page(&guard, id, ListQuery::default(), None, errors)
    })
    .await
}

pub async fn export_candidates(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let (candidates, _) = guard.candidates(&tv, Page::all()).await?;
    let header = [
        "candidate_id",
        "name",
        "email",
        "program",
        "area",
        "band",
        "zip",
        "lat",
        "lon",
        "preferences",
        "conflicts",
        "accommodations",
    ];
    Ok(csv_export::download(
        "candidates.csv",
        &header,
        candidates.into_iter().map(|c| {
            vec![
                c.id.to_string(),
                c.name,
                c.email.unwrap_or_default(),
                c.program_name,
                c.area,
                c.band,
                c.zip,
                format!("{:.5}", c.lat),
                format!("{:.5}", c.lon),
                c.preferences.replace(',', ";"),
                c.conflicts.replace(',', ";"),
                c.accommodations,
            ]
        }),
    )?)
}

#[derive(Template)]
#[template(path = "placements/candidate.html")]
struct CandidatePage {
    layout: Layout,
    candidate: Candidate,
    is_self: bool,
    /// Schools, for the conflicts.
    schools: Vec<Choice>,
    /// Districts and schools, for the preferences.
    preferred: Vec<Choice>,
    /// The first three preferences and the conflicts, as the form's values.
    pref1: String,
    pref2: String,
    pref3: String,
    conflicts: Vec<String>,
    form: CandidateFields,
    errors: FieldErrors,
    saved: bool,
}

async fn candidate_page(
    guard: &Guard,
    id: i64,
    form: Option<CandidateFields>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult<Response> {
    let (candidate, is_self) = guard.candidate(id).await?;
    let choices = if is_self {
        Some(guard.candidate_choices(&candidate).await?)
    } else {
        None
    };
    let schools: Vec<Choice> = (choices.iter())
        .flat_map(|c| &c.schools)
        .map(|s| Choice {
            value: s.school_id.to_string(),
            label: if s.is_high_needs() {
                format!("{} (high-needs)", s.school_name)
            } else {
                s.school_name.clone()
            },
        })
        .collect();
    // A district stands for any of its schools, ranked together.
    let preferred: Vec<Choice> = (choices.iter())
        .flat_map(|c| &c.districts)
        .map(|(id, name)| Choice {
            value: format!("d{id}"),
            label: format!("Any school of {name}"),
        })
        .chain(schools.iter().cloned())
        .collect();
    let form = form.unwrap_or_else(|| CandidateFields {
        zip: candidate.zip.clone(),
        preferences: candidate.preferences.replace(',', ";"),
        conflicts: candidate.conflicts.replace(',', ";"),
        accommodations: candidate.accommodations.clone(),
        ..CandidateFields::default()
    });
    let split = |text: &str| -> Vec<String> { text.split(';').map(str::to_owned).collect() };
    let mut prefs = split(&form.preferences);
    prefs.resize(3, String::new());
    let page = CandidatePage {
        pref1: prefs[0].clone(),
        pref2: prefs[1].clone(),
        pref3: prefs[2].clone(),
        conflicts: split(&form.conflicts),
        layout: Layout::new(guard, candidate.name.clone(), "/"),
        schools,
        preferred,
        form,
        is_self,
        candidate,
        errors: errors.clone(),
        saved,
    };
    render_form(&page, &errors)
}

pub async fn candidate(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    candidate_page(
        &guard,
        id,
        None,
        FieldErrors::default(),
        query.saved.is_some(),
    )
    .await
}

/// What a candidate states themselves; the rest of their record comes from the program.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OwnFields {
    zip: String,
    lat: String,
    lon: String,
    preference_1: String,
    preference_2: String,
    preference_3: String,
    conflicts: Vec<String>,
    accommodations: String,
}

pub async fn update_candidate(
    Id(id): Id,
    Submitted { guard, form }: Submitted<OwnFields>,
) -> PageResult<Response> {
    let (candidate, _) = guard.candidate(id).await?;
    let preferences: Vec<&str> = [&form.preference_1, &form.preference_2, &form.preference_3]
        .into_iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    let fields = CandidateFields {
        name: candidate.name.clone(),
        email: candidate.email.clone().unwrap_or_default(),
        program: candidate.program_id.to_string(),
        area: candidate.area.clone(),
        band: candidate.band.clone(),
        zip: form.zip.clone(),
        lat: form.lat.clone(),
        lon: form.lon.clone(),
        preferences: preferences.join(";"),
        conflicts: form.conflicts.join(";"),
        accommodations: form.accommodations.clone(),
    };
    let result = match fields.parse() {
        Ok(draft) => guard
            .update_my_candidacy(id, &draft)
            .await
            .map(|_| format!("/candidates/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        candidate_page(&guard, id, Some(fields), errors, false)
    })
    .await
}

// ---- placements ----

#[derive(Template)]
#[template(path = "placements/placement.html")]
struct PlacementPage {
    layout: Layout,
    pv: PlacementView,
    errors: FieldErrors,
    supervisors: Vec<Choice>,
    supervisor: String,
    link: Option<String>,
}

async fn placement_page(
    guard: &Guard,
    id: i64,
    errors: FieldErrors,
    link: Option<String>,
) -> PageResult<Response> {
    let pv = guard.placement(id).await?;
    let supervisors = if pv.can_work {
        let tv = guard.term(pv.placement.term_id).await?;
        Choice::list(
            guard
                .supervisors(&tv)
                .await?
                .into_iter()
                .map(|s| (s.id.to_string(), s.name)),
        )
    } else {
        Vec::new()
    };
    let page = PlacementPage {
        supervisor: pv
            .placement
            .supervisor_id
            .map(|s| s.to_string())
            .unwrap_or_default(),
        layout: Layout::new(
            guard,
            format!("Placement of {}", pv.placement.candidate_name),
            "/",
        ),
        pv,
        errors: errors.clone(),
        supervisors,
        link,
    };
    render_form(&page, &errors)
}

pub async fn placement(guard: Guard, Id(id): Id) -> PageResult<Response> {
    placement_page(&guard, id, FieldErrors::default(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    /// "approve"/"accept" or "decline".
    answer: String,
    reason: String,
}

impl AnswerForm {
    /// (yes, reason): a decline's reason is checked here.
    fn parse(&self) -> Result<(bool, Option<String>), FieldErrors> {
        match self.answer.as_str() {
            "approve" | "accept" => Ok((true, None)),
            "decline" => DeclineFields {
                reason: self.reason.clone(),
            }
            .parse()
            .map(|r| (false, Some(r))),
            _ => Err(FieldErrors::single(
                "answer",
                "Choose to approve or decline",
            )),
        }
    }
}

pub async fn district_answer(
    Id(id): Id,
    Submitted { guard, form }: Submitted<AnswerForm>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok((yes, reason)) => guard
            .district_answer(id, yes, reason.as_deref())
            .await
            .map(|_| format!("/placements/{id}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    answered(result, &guard, id).await
}

pub async fn mentor_answer(
    Id(id): Id,
    Submitted { guard, form }: Submitted<AnswerForm>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok((yes, reason)) => guard
            .mentor_answer(id, yes, reason.as_deref())
            .await
            .map(|_| format!("/placements/{id}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    answered(result, &guard, id).await
}

/// After an answer: a declined placement is gone, so the caller goes home instead.
async fn answered(
    result: Result<String, AppError>,
    guard: &Guard,
    id: i64,
) -> PageResult<Response> {
    match result {
        Ok(location) => match guard.placement(id).await {
            Ok(_) => Ok(Redirect::to(&location).into_response()),
            Err(_) => Ok(Redirect::to("/?declined=1").into_response()),
        },
        Err(AppError::Invalid(errors)) => placement_page(guard, id, errors, None).await,
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LockForm {
    locked: String,
}

pub async fn lock(
    Id(id): Id,
    Submitted { guard, form }: Submitted<LockForm>,
) -> PageResult<Response> {
    let term = guard.set_locked(id, form.locked == "1").await?;
    Ok(Redirect::to(&format!("/terms/{term}#placements")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SupervisorForm {
    supervisor_id: String,
}

pub async fn set_supervisor(
    Id(id): Id,
    Submitted { guard, form }: Submitted<SupervisorForm>,
) -> PageResult<Response> {
    let supervisor = form.supervisor_id.trim().parse::<i64>().ok();
    let result = guard
        .set_supervisor(id, supervisor)
        .await
        .map(|_| format!("/placements/{id}"));
    saved_or_form(result, |errors| placement_page(&guard, id, errors, None)).await
}

pub async fn placement_link(
    Id(id): Id,
    Submitted { guard, .. }: Submitted<Empty>,
) -> PageResult<Response> {
    let secret = guard.placement_link(id).await?;
    placement_page(
        &guard,
        id,
        FieldErrors::default(),
        Some(format!("/links/{secret}")),
    )
    .await
}

const PLACEMENT_HEADER: [&str; 15] = [
    "placement_id",
    "candidate",
    "program",
    "area",
    "band",
    "mentor",
    "mentor_email",
    "school",
    "school_nces_id",
    "district",
    "high_needs",
    "km",
    "status",
    "locked",
    "supervisor",
];

fn placement_row(p: Placement) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.candidate_name,
        p.program_name,
        p.area,
        p.band,
        p.mentor_name,
        p.mentor_email.unwrap_or_default(),
        p.school_name,
        p.school_nces_id.unwrap_or_default(),
        p.district_name.unwrap_or_default(),
        (p.high_needs == Some(1)).to_string(),
        format!("{:.1}", p.km),
        p.status,
        (p.locked == 1).to_string(),
        p.supervisor_name.unwrap_or_default(),
    ]
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    status: Option<String>,
}

pub async fn export_placements(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let (placements, _) = guard.placements(&tv, Page::all()).await?;
    let wanted = query.status.as_deref().and_then(PlacementStatus::parse);
    Ok(csv_export::download(
        "placements.csv",
        &PLACEMENT_HEADER,
        placements
            .into_iter()
            .filter(|p| wanted.is_none_or(|w| p.status() == w))
            .map(placement_row),
    )?)
}

/// Confirmed placements as Ed-Fi-aligned FieldworkExperience records (Teacher Preparation
/// Data Model): the candidate, the school, the dates of the term and the mentor.
pub async fn export_edfi(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let tv = guard.term(id).await?;
    let (placements, _) = guard.placements(&tv, Page::all()).await?;
    let records: Vec<serde_json::Value> = placements
        .into_iter()
        .filter(|p| p.status() == PlacementStatus::Confirmed)
        .map(|p| {
            serde_json::json!({
                "fieldworkIdentifier": format!("tandem-placement-{}", p.id),
                "beginDate": tv.term.starts_on,
                "endDate": tv.term.ends_on,
                "fieldworkTypeDescriptor": format!("uri://tandem.example/FieldworkTypeDescriptor#{}", tv.term.kind_label()),
                "studentReference": { "studentUniqueId": format!("tandem-candidate-{}", p.candidate_id) },
                "schoolReference": { "schoolId": p.school_nces_id.clone().unwrap_or_else(|| p.school_id.to_string()) },
                "hoursPerWeek": serde_json::Value::Null,
                "_ext": { "tandem": {
                    "candidateName": p.candidate_name,
                    "program": p.program_name,
                    "mentorName": p.mentor_name,
                    "supervisorName": p.supervisor_name,
                    "highNeeds": p.high_needs == Some(1),
                    "travelKm": (p.km * 10.0).round() / 10.0,
                }},
            })
        })
        .collect();
    let body =
        serde_json::to_string_pretty(&records).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"fieldwork-experiences.json\"".to_owned(),
            ),
        ],
        body,
    )
        .into_response())
}

// ---- training ----

#[derive(Template)]
#[template(path = "placements/training.html")]
struct TrainingPage {
    layout: Layout,
    view: PartnershipView,
    modules: Vec<Module>,
    /// A page of the completions.
    completions: Vec<Completion>,
    pager: Pager,
    parties: Vec<Choice>,
    audiences: Vec<Choice>,
    /// The people offered for a completion: those `who` finds, at most `PEOPLE_SHOWN`.
    people: Vec<Choice>,
    /// How many `who` finds in all.
    people_found: usize,
    who: String,
    module_choices: Vec<Choice>,
    form: ModuleFields,
    record: CompletionFields,
    module_id: String,
    errors: FieldErrors,
}

async fn training_page(
    guard: &Guard,
    id: i64,
    form: Option<ModuleFields>,
    record: Option<(String, CompletionFields)>,
    errors: FieldErrors,
    page: Page,
    who: &str,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let modules = guard.modules(&view).await?;
    let (module_id, record) = record.unwrap_or_default();
    let (people, people_found) = people_shown(guard.trainees(&view).await?, who, &record);
    let all = guard.completions_of(&view).await?;
    let pager = Pager::new(
        &format!("/partnerships/{id}/training"),
        &[],
        page,
        all.len() as i64,
    );
    let completions = (all.into_iter())
        .skip(page.offset().max(0) as usize)
        .take(page.size as usize)
        .collect();
    let page = TrainingPage {
        layout: Layout::new(guard, "Training", "/partnerships"),
        parties: Choice::list(
            (guard.module_offerers(&view).into_iter())
                .map(|p| (p.org_id.to_string(), p.org_name.clone())),
        ),
        audiences: Choice::list(
            tandem_domain::placements::Audience::ALL
                .iter()
                .map(|a| (a.code().to_owned(), a.label().to_owned())),
        ),
        people,
        people_found,
        who: who.to_owned(),
        module_choices: Choice::list(modules.iter().map(|m| (m.id.to_string(), m.title.clone()))),
        modules,
        completions,
        pager,
        form: form.unwrap_or_default(),
        record,
        module_id,
        errors: errors.clone(),
        view,
    };
    render_form(&page, &errors)
}

/// People offered on the record form at once: a state partnership has thousands, found by name.
const PEOPLE_SHOWN: usize = 50;

/// The trainees whose name or school holds `who` (any case), at most `PEOPLE_SHOWN`, and how
/// many it finds; those already ticked stay, so a form sent back keeps them.
fn people_shown(
    trainees: Vec<(i64, String)>,
    who: &str,
    record: &CompletionFields,
) -> (Vec<Choice>, usize) {
    let who = who.trim().to_lowercase();
    let ticked = |id: &i64| record.person_ids.contains(&id.to_string());
    let (kept, found): (Vec<_>, Vec<_>) = (trainees.into_iter())
        .filter(|(id, name)| ticked(id) || name.to_lowercase().contains(&who))
        .partition(|(id, _)| ticked(id));
    let total = kept.len() + found.len();
    let shown = kept
        .into_iter()
        .chain(found)
        .take(PEOPLE_SHOWN.max(record.person_ids.len()));
    (
        Choice::list(shown.map(|(id, name)| (id.to_string(), name))),
        total,
    )
}

pub async fn training(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let who = query.who.clone().unwrap_or_default();
    let errors = FieldErrors::default();
    training_page(&guard, id, None, None, errors, query.page(), &who).await
}

pub async fn create_module(
    Id(id): Id,
    Submitted { guard, form }: Submitted<ModuleFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_module(id, &draft)
            .await
            .map(|_| format!("/partnerships/{id}/training")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        training_page(
            &guard,
            id,
            Some(form),
            None,
            errors,
            Page::new(None, None),
            "",
        )
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecordForm {
    module_id: String,
    person_ids: Vec<String>,
    completed_on: String,
}

pub async fn record_completions(
    Id(id): Id,
    Submitted { guard, form }: Submitted<RecordForm>,
) -> PageResult<Response> {
    let fields = CompletionFields {
        person_ids: form.person_ids.clone(),
        completed_on: form.completed_on.clone(),
    };
    let module = form.module_id.trim().parse::<i64>().ok();
    let result = match (module, fields.parse(super::today())) {
        (None, _) => Err(AppError::Invalid(FieldErrors::single(
            "module_id",
            "Select a module",
        ))),
        (Some(module), Ok((people, on))) => guard
            .record_completions(id, module, &people, on)
            .await
            .map(|_| format!("/partnerships/{id}/training")),
        (_, Err(errors)) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| {
        training_page(
            &guard,
            id,
            None,
            Some((form.module_id.clone(), fields)),
            errors,
            Page::new(None, None),
            "",
        )
    })
    .await
}

/// An upload form's CSV file, its CSRF token checked, read by `read`: (file name, rows), or
/// problems on the file field — none chosen, or each wrong row.
async fn csv_upload<T>(
    guard: &Guard,
    multipart: &mut Multipart,
    what: &str,
    read: impl FnOnce(&[u8]) -> Result<T, Vec<RowError>>,
) -> PageResult<(String, Result<T, AppError>)> {
    let (csrf, file) = crate::form::read_upload(multipart).await?;
    guard.check_csrf(&csrf)?;
    Ok(match file {
        Some((name, bytes)) => {
            let rows =
                read(&bytes).map_err(|problems| AppError::Invalid(row_errors(&name, problems)));
            (name, rows)
        }
        None => (
            String::new(),
            Err(AppError::Invalid(FieldErrors::single(
                "file",
                format!("Select a CSV file of {what}"),
            ))),
        ),
    })
}

/// Each problem of a CSV as "FILE line N, field: problem", on the form's file field.
fn row_errors(file: &str, problems: Vec<RowError>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for p in problems {
        errors.add(
            "file",
            format!("{file} line {}, {}: {}", p.line, p.field, p.problem),
        );
    }
    errors
}

pub async fn import_completions(
    guard: Guard,
    Id(id): Id,
    mut multipart: Multipart,
) -> PageResult<Response> {
    let (name, rows) = csv_upload(&guard, &mut multipart, "completions", |b| {
        read_completions(b, super::today())
    })
    .await?;
    let result = match rows {
        Ok(rows) => guard.import_completions(id, &rows, &name).await,
        Err(e) => Err(e),
    }
    .map(|_| format!("/partnerships/{id}/training"));
    saved_or_form(result, |errors| {
        training_page(&guard, id, None, None, errors, Page::new(None, None), "")
    })
    .await
}

pub async fn export_training(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let completions = guard.completions_of(&view).await?;
    let header = [
        "person_id",
        "person",
        "module",
        "audience",
        "completed_on",
        "expires_on",
    ];
    Ok(csv_export::download(
        "training.csv",
        &header,
        completions.into_iter().map(|c| {
            vec![
                c.person_id.to_string(),
                c.person_name.clone(),
                c.title.clone(),
                c.audience.clone(),
                c.completed_on.clone(),
                expires(&c),
            ]
        }),
    )?)
}

/// When a completion stops counting.
pub fn expires(c: &Completion) -> String {
    time::Date::parse(
        &c.completed_on,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map(|d| tandem_domain::placements::expires_on(d, c.valid_months as u32).to_string())
    .unwrap_or_default()
}

/// Whether a completion has expired or will within 60 days.
pub fn expiring(c: &Completion) -> bool {
    time::Date::parse(
        &expires(c),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok_and(|d| d <= super::today() + time::Duration::days(60))
}

// ---- one-time links: no account; the link is the authority for one answer ----

#[derive(Template)]
#[template(path = "placements/link_placement.html")]
struct LinkPlacementPage {
    placement: Placement,
    action: String,
    errors: FieldErrors,
    done: bool,
}

pub async fn link(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(secret): Path<String>,
) -> PageResult<Response> {
    match crate::guard::link_subject(&state.store, &secret).await {
        Ok(LinkSubject::Hosting { term, school }) => {
            let page = HostingFormPage {
                layout: None,
                action: format!("/links/{secret}"),
                form: hosting_fields(&school),
                areas: area_choices(),
                bands: band_choices(),
                errors: FieldErrors::default(),
                term,
                school,
                link: None,
                can_link: false,
                saved: false,
                done: false,
            };
            render(&page)
        }
        Ok(LinkSubject::Placement(placement)) => render(&LinkPlacementPage {
            placement,
            action: format!("/links/{secret}"),
            errors: FieldErrors::default(),
            done: false,
        }),
        Err(error) => Err(error.into()),
    }
}

/// Both link forms post here: hosting fields or a mentor's answer.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    hosts: String,
    slots: String,
    areas: Vec<String>,
    bands: Vec<String>,
    reason: String,
    answered_by: String,
    answer: String,
}

pub async fn answer_link(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(secret): Path<String>,
    axum::extract::Form(form): axum::extract::Form<LinkForm>,
) -> PageResult<Response> {
    let subject = match crate::guard::link_subject(&state.store, &secret).await {
        Ok(subject) => subject,
        Err(error) => return Err(error.into()),
    };
    match subject {
        LinkSubject::Hosting { term, school } => {
            let fields = HostingFields {
                hosts: form.hosts,
                slots: form.slots,
                areas: form.areas,
                bands: form.bands,
                reason: form.reason,
                answered_by: form.answered_by,
            };
            let result = crate::guard::answer_hosting_by_link(&state.store, &secret, &fields).await;
            let (errors, done) = match result {
                Ok(()) => (FieldErrors::default(), true),
                Err(AppError::Invalid(errors)) => (errors, false),
                Err(other) => return Err(other.into()),
            };
            let page = HostingFormPage {
                layout: None,
                action: format!("/links/{secret}"),
                form: fields,
                areas: area_choices(),
                bands: band_choices(),
                errors: errors.clone(),
                term,
                school,
                link: None,
                can_link: false,
                saved: false,
                done,
            };
            render_form(&page, &errors)
        }
        LinkSubject::Placement(placement) => {
            let answer = AnswerForm {
                answer: form.answer,
                reason: form.reason,
            };
            let result = match answer.parse() {
                Ok((yes, reason)) => {
                    crate::guard::answer_placement_by_link(
                        &state.store,
                        &secret,
                        yes,
                        reason.as_deref(),
                    )
                    .await
                }
                Err(errors) => Err(AppError::Invalid(errors)),
            };
            let (errors, done) = match result {
                Ok(()) => (FieldErrors::default(), true),
                Err(AppError::Invalid(errors)) => (errors, false),
                Err(other) => return Err(other.into()),
            };
            let page = LinkPlacementPage {
                placement,
                action: format!("/links/{secret}"),
                errors: errors.clone(),
                done,
            };
            render_form(&page, &errors)
        }
    }
}

/// For templates: a run's summary in one line.
pub fn run_text(run: &Run) -> String {
    summary_line(&run.summary())
}
