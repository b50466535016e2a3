//! Partnership pages: the list, a partnership's home, its agreement (versions, differences,
//! approvals, print view) and its feedback loop.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use tandem_domain::FieldErrors;
use tandem_domain::partnerships::{
    AgreementFields, DiffLine, FeedbackCategory, FeedbackFields, FeedbackStatus, Figures,
    GoalFields, GoalMetric, PartnershipFields, PartnershipStatus, ProgressFields, ResponseFields,
    SECTIONS, Sections, diff,
};
use tandem_store::Page;
use tandem_store::partnerships::{
    AgreementVersion, Approval, FeedbackItem, FeedbackStep, Goal, Partnership, PartnershipFilter,
    Progress,
};

use super::{
    Choice, Id, Layout, Pager, number, query_string, render, render_form, saved_or_form, when,
};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::{Guard, PartnershipView};

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    page: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> PartnershipFilter {
        PartnershipFilter {
            q: self.q.clone(),
            status: self.status.as_deref().and_then(PartnershipStatus::parse),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let get = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![("q", get(&self.q)), ("status", get(&self.status))]
    }
}

fn statuses() -> Vec<Choice> {
    Choice::list(
        PartnershipStatus::ALL
            .iter()
            .map(|s| (s.code().to_owned(), s.label().to_owned())),
    )
}

pub fn status_label(code: &str) -> &'static str {
    PartnershipStatus::parse(code).map_or("", PartnershipStatus::label)
}

#[derive(Template)]
#[template(path = "partnerships/list.html")]
struct ListPage {
    layout: Layout,
    partnerships: Vec<Partnership>,
    pager: Pager,
    query: ListQuery,
    statuses: Vec<Choice>,
    can_create: bool,
    csv_href: String,
}

pub async fn list(guard: Guard, Query(query): Query<ListQuery>) -> PageResult<Response> {
    let page = Page::new(number(&query.page), None);
    let (partnerships, total) = guard.partnerships(&query.filter(), page).await?;
    let pairs = query.pairs();
    let view = ListPage {
        layout: Layout::new(&guard, "Partnerships", "/partnerships"),
        pager: Pager::new("/partnerships", &pairs, page, total),
        csv_href: format!("/partnerships.csv?{}", query_string(&pairs)),
        partnerships,
        statuses: statuses(),
        can_create: guard.can_start_partnerships(),
        query,
    };
    render(&view)
}

pub async fn export(guard: Guard, Query(query): Query<ListQuery>) -> PageResult<Response> {
    let (partnerships, _) = guard.partnerships(&query.filter(), Page::all()).await?;
    let header = [
        "id",
        "name",
        "provider_id",
        "provider_name",
        "status",
        "starts_on",
        "review_on",
    ];
    let rows = partnerships.into_iter().map(|p| {
        vec![
            p.id.to_string(),
            p.name,
            p.provider_id.to_string(),
            p.provider_name,
            p.status,
            p.starts_on.unwrap_or_default(),
            p.review_on.unwrap_or_default(),
        ]
    });
    Ok(csv_export::download("partnerships.csv", &header, rows)?)
}

#[derive(Template)]
#[template(path = "partnerships/show.html")]
struct ShowPage {
    layout: Layout,
    view: PartnershipView,
    in_force: Option<i64>,
    /// The newest version, with its approvals so far, when it is not in force.
    awaiting: Option<(i64, usize)>,
    feedback: Vec<FeedbackItem>,
    figures: Figures,
    saved: bool,
    meetings: Vec<tandem_store::meetings::Meeting>,
    open_actions: usize,
    overdue_actions: usize,
    tools: Vec<tandem_store::toolkit::ToolItem>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn show(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<SavedQuery>,
) -> PageResult<Response> {
    let (view, agreement) = guard.agreement(id).await?;
    let feedback = guard.feedback_of(&view).await?;
    let figures = guard.figures(&view, &feedback).await?;
    let parties = view.party_ids();
    let in_force = agreement.in_force(&parties).map(|v| v.number);
    let today = super::today();
    let actions = guard.action_items(&view).await?;
    let mut meetings = guard.meetings(&view).await?;
    meetings.truncate(3);
    let tools = guard.partnership_tools(&view).await?;
    let view = ShowPage {
        open_actions: actions
            .iter()
            .filter(|a| a.status() == tandem_domain::meetings::ActionStatus::Open)
            .count(),
        overdue_actions: actions.iter().filter(|a| a.overdue(&today)).count(),
        meetings,
        tools,
        layout: Layout::new(&guard, view.partnership.name.clone(), "/partnerships"),
        in_force,
        awaiting: agreement
            .versions
            .first()
            .filter(|v| Some(v.number) != in_force)
            .map(|v| (v.number, agreement.approvals_of(v.id).len())),
        figures,
        feedback: feedback
            .into_iter()
            .filter(|f| f.status() != FeedbackStatus::Closed)
            .collect(),
        saved: query.saved.is_some(),
        view,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "partnerships/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    form: PartnershipFields,
    errors: FieldErrors,
    providers: Vec<Choice>,
    districts: Vec<Choice>,
    statuses: Vec<Choice>,
}

async fn form_page(
    guard: &Guard,
    id: Option<i64>,
    form: PartnershipFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let (providers, districts) = guard.partnership_founders().await?;
    let title = match id {
        Some(_) => format!("Edit {}", form.name),
        None => "Start a partnership".to_owned(),
    };
    let choices = |list: Vec<(i64, String)>| {
        Choice::list(list.into_iter().map(|(id, name)| (id.to_string(), name)))
    };
    let view = FormPage {
        layout: Layout::new(guard, title, "/partnerships"),
        action: id.map_or("/partnerships".to_owned(), |id| {
            format!("/partnerships/{id}")
        }),
        editing: id.is_some(),
        providers: choices(providers),
        districts: choices(districts),
        statuses: statuses(),
        form,
        errors: errors.clone(),
    };
    render_form(&view, &errors)
}

pub async fn new(guard: Guard) -> PageResult<Response> {
    if !guard.can_start_partnerships() {
        return Err(AppError::Forbidden.into());
    }
    let form = PartnershipFields {
        status: PartnershipStatus::Exploring.code().to_owned(),
        ..PartnershipFields::default()
    };
    form_page(&guard, None, form, FieldErrors::default()).await
}

pub async fn create(
    Submitted { guard, form }: Submitted<PartnershipFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_partnership(&draft)
            .await
            .map(|id| format!("/partnerships/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| form_page(&guard, None, form, errors)).await
}

pub async fn edit(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    if !view.can_work {
        return Err(AppError::Forbidden.into());
    }
    let p = &view.partnership;
    let form = PartnershipFields {
        name: p.name.clone(),
        provider_id: p.provider_id.to_string(),
        district_ids: view
            .parties
            .iter()
            .filter(|party| party.org_id != p.provider_id)
            .map(|party| party.org_id.to_string())
            .collect(),
        status: p.status.clone(),
        starts_on: p.starts_on.clone().unwrap_or_default(),
        review_on: p.review_on.clone().unwrap_or_default(),
    };
    form_page(&guard, Some(id), form, FieldErrors::default()).await
}

pub async fn update(
    Id(id): Id,
    Submitted { guard, form }: Submitted<PartnershipFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .update_partnership(id, &draft)
            .await
            .map(|()| format!("/partnerships/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| form_page(&guard, Some(id), form, errors)).await
}

// ---- the agreement ----

/// One section of a version, with its differences from the version in force.
pub struct SectionView {
    pub key: &'static str,
    pub title: &'static str,
    pub text: String,
    pub changes: Option<Vec<DiffLine>>,
}

fn sections_of(version: &AgreementVersion, base: Option<&AgreementVersion>) -> Vec<SectionView> {
    let sections = Sections::from_json(&version.sections);
    let base = base
        .filter(|b| b.id != version.id)
        .map(|b| Sections::from_json(&b.sections));
    SECTIONS
        .iter()
        .map(|(key, title, _)| SectionView {
            key,
            title,
            text: sections.get(key).to_owned(),
            changes: base.as_ref().and_then(|b| {
                let lines = diff(b.get(key), sections.get(key));
                lines.iter().any(|l| l.change != "same").then_some(lines)
            }),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "partnerships/agreement.html")]
struct AgreementPage {
    layout: Layout,
    view: PartnershipView,
    version: AgreementVersion,
    latest: bool,
    in_force: Option<i64>,
    is_in_force: bool,
    sections: Vec<SectionView>,
    approvals: Vec<Approval>,
    /// Parties still to approve this version.
    waiting: Vec<String>,
    can_approve: bool,
    history: Vec<(i64, String, String, usize)>,
    errors: FieldErrors,
    print: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct VersionQuery {
    print: Option<String>,
}

async fn agreement_page(
    guard: &Guard,
    id: i64,
    number: Option<i64>,
    print: bool,
    errors: FieldErrors,
) -> PageResult<Response> {
    let (view, agreement) = guard.agreement(id).await?;
    let versions = &agreement.versions;
    let latest = versions.first().ok_or(AppError::NotFound)?;
    let version = match number {
        Some(n) => versions
            .iter()
            .find(|v| v.number == n)
            .ok_or(AppError::NotFound)?,
        None => latest,
    };
    let parties = view.party_ids();
    let in_force = agreement.in_force(&parties);
    let these: Vec<Approval> = agreement
        .approvals_of(version.id)
        .into_iter()
        .cloned()
        .collect();
    let waiting = view
        .parties
        .iter()
        .filter(|p| !these.iter().any(|a| a.org_id == p.org_id))
        .map(|p| p.org_name.clone())
        .collect();
    let can_approve = version.id == latest.id
        && view
            .acting_for
            .iter()
            .any(|org| !these.iter().any(|a| a.org_id == *org));
    let page = AgreementPage {
        layout: Layout::new(
            guard,
            format!("Agreement, version {}", version.number),
            "/partnerships",
        ),
        latest: version.id == latest.id,
        in_force: in_force.map(|v| v.number),
        is_in_force: in_force.is_some_and(|v| v.id == version.id),
        sections: sections_of(version, in_force),
        history: versions
            .iter()
            .map(|v| {
                (
                    v.number,
                    when(v.created_at),
                    v.note.clone(),
                    agreement.approvals_of(v.id).len(),
                )
            })
            .collect(),
        version: version.clone(),
        approvals: these,
        waiting,
        can_approve,
        errors: errors.clone(),
        print,
        view,
    };
    render_form(&page, &errors)
}

pub async fn agreement(guard: Guard, Id(id): Id) -> PageResult<Response> {
    agreement_page(&guard, id, None, false, FieldErrors::default()).await
}

pub async fn version(
    guard: Guard,
    Path((id, number)): Path<(i64, i64)>,
    Query(query): Query<VersionQuery>,
) -> PageResult<Response> {
    agreement_page(
        &guard,
        id,
        Some(number),
        query.print.is_some(),
        FieldErrors::default(),
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ApproveFields {
    version: String,
}

pub async fn approve(
    Id(id): Id,
    Submitted { guard, form }: Submitted<ApproveFields>,
) -> PageResult<Response> {
    let number = form.version.trim().parse::<i64>().unwrap_or(0);
    match guard.approve_agreement(id, number).await {
        Ok(()) => Ok(Redirect::to(&format!("/partnerships/{id}/agreement")).into_response()),
        Err(AppError::Invalid(errors)) => {
            agreement_page(&guard, id, Some(number).filter(|n| *n > 0), false, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "partnerships/agreement_form.html")]
struct AgreementFormPage {
    layout: Layout,
    id: i64,
    form: AgreementFields,
    errors: FieldErrors,
}

impl AgreementFormPage {
    fn sections(&self) -> Vec<(&'static str, &'static str, &str)> {
        SECTIONS
            .iter()
            .map(|(key, title, _)| (*key, *title, self.form.value(key)))
            .collect()
    }
}

async fn agreement_form(
    guard: &Guard,
    id: i64,
    form: AgreementFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let page = AgreementFormPage {
        layout: Layout::new(guard, "Edit the agreement", "/partnerships"),
        id,
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn edit_agreement(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let (view, agreement) = guard.agreement(id).await?;
    if !view.can_work {
        return Err(AppError::Forbidden.into());
    }
    let latest = agreement.versions.first().ok_or(AppError::NotFound)?;
    let form =
        AgreementFields::from_sections(&Sections::from_json(&latest.sections), Some(latest.number));
    agreement_form(&guard, id, form, FieldErrors::default()).await
}

pub async fn save_agreement(
    Id(id): Id,
    Submitted { guard, form }: Submitted<AgreementFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .save_agreement(id, &draft)
            .await
            .map(|number| format!("/partnerships/{id}/agreement/versions/{number}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| agreement_form(&guard, id, form, errors)).await
}

// ---- feedback ----

fn categories() -> Vec<Choice> {
    Choice::list(
        FeedbackCategory::ALL
            .iter()
            .map(|c| (c.code().to_owned(), c.label().to_owned())),
    )
}

pub fn category_label(code: &str) -> &'static str {
    FeedbackCategory::parse(code).map_or("", FeedbackCategory::label)
}

pub fn feedback_label(code: &str) -> &'static str {
    FeedbackStatus::parse(code).map_or("", FeedbackStatus::label)
}

#[derive(Template)]
#[template(path = "partnerships/feedback.html")]
struct FeedbackPage {
    layout: Layout,
    view: PartnershipView,
    items: Vec<FeedbackItem>,
    figures: Figures,
    form: FeedbackFields,
    errors: FieldErrors,
    recipients: Vec<Choice>,
    categories: Vec<Choice>,
}

async fn feedback_page(
    guard: &Guard,
    id: i64,
    form: FeedbackFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let view = guard.partnership(id).await?;
    let items = guard.feedback_of(&view).await?;
    let page = FeedbackPage {
        layout: Layout::new(guard, "Feedback", "/partnerships"),
        figures: guard.figures(&view, &items).await?,
        recipients: Choice::list(
            view.parties
                .iter()
                .map(|p| (p.org_id.to_string(), p.org_name.clone())),
        ),
        categories: categories(),
        items,
        form,
        errors: errors.clone(),
        view,
    };
    render_form(&page, &errors)
}

pub async fn feedback(guard: Guard, Id(id): Id) -> PageResult<Response> {
    feedback_page(
        &guard,
        id,
        FeedbackFields::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn raise_feedback(
    Id(id): Id,
    Submitted { guard, form }: Submitted<FeedbackFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .raise_feedback(id, &draft)
            .await
            .map(|item| format!("/feedback/{item}")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| feedback_page(&guard, id, form, errors)).await
}

pub async fn export_feedback(guard: Guard) -> PageResult<Response> {
    let items = guard.feedback_items().await?;
    let header = [
        "id",
        "partnership_id",
        "from",
        "to",
        "category",
        "summary",
        "evidence",
        "status",
        "raised_at",
        "updated_at",
    ];
    let rows = items.into_iter().map(|f| {
        vec![
            f.id.to_string(),
            f.partnership_id.to_string(),
            f.from_name,
            f.to_name,
            f.category,
            f.summary,
            f.evidence,
            f.status,
            when(f.raised_at),
            when(f.updated_at),
        ]
    });
    Ok(csv_export::download("feedback.csv", &header, rows)?)
}

#[derive(Template)]
#[template(path = "partnerships/feedback_item.html")]
struct FeedbackItemPage {
    layout: Layout,
    view: PartnershipView,
    item: FeedbackItem,
    steps: Vec<FeedbackStep>,
    next: Vec<Choice>,
    form: ResponseFields,
    errors: FieldErrors,
    panel: super::meetings::ActionPanel,
}

async fn feedback_item_page(
    guard: &Guard,
    id: i64,
    form: ResponseFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let (view, item, steps) = guard.feedback_item(id).await?;
    let (answers, raised) = guard.feedback_role(&view, &item);
    let next = item
        .status()
        .next()
        .into_iter()
        .filter(|s| answers || (raised && *s == FeedbackStatus::Closed))
        .map(|s| (s.code().to_owned(), s.label().to_owned()));
    let panel = super::meetings::ActionPanel::new(
        guard,
        &view,
        Some(("feedback_id", id)),
        format!("/feedback/{id}"),
        Default::default(),
        FieldErrors::default(),
    )
    .await?;
    let page = FeedbackItemPage {
        layout: Layout::new(guard, item.summary.clone(), "/partnerships"),
        next: Choice::list(next),
        panel,
        view,
        item,
        steps,
        form,
        errors: errors.clone(),
    };
    render_form(&page, &errors)
}

pub async fn feedback_item(guard: Guard, Id(id): Id) -> PageResult<Response> {
    feedback_item_page(
        &guard,
        id,
        ResponseFields::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn respond(
    Id(id): Id,
    Submitted { guard, form }: Submitted<ResponseFields>,
) -> PageResult<Response> {
    let result = guard
        .respond_to_feedback(id, &form)
        .await
        .map(|()| format!("/feedback/{id}"));
    saved_or_form(result, |errors| {
        feedback_item_page(&guard, id, form, errors)
    })
    .await
}

// ---- goals ----

fn metrics() -> Vec<Choice> {
    Choice::list(
        GoalMetric::ALL
            .iter()
            .map(|m| (m.code().to_owned(), m.label().to_owned())),
    )
}

/// A goal with where it stands now.
pub struct GoalRow {
    pub goal: Goal,
    pub current: Option<f64>,
    pub as_of: String,
    /// 0–100: how far from the baseline (or zero) to the target.
    pub percent: Option<u32>,
    pub history: Vec<Progress>,
}

impl GoalRow {
    fn new(goal: Goal, progress: &[Progress], figures: &Figures) -> GoalRow {
        let history: Vec<Progress> = progress
            .iter()
            .filter(|p| p.goal_id == goal.id)
            .cloned()
            .collect();
        let (current, as_of) = match goal.current(progress, figures) {
            Some((value, Some(on))) => (Some(value), format!("measured {on}")),
            Some((value, None)) => (Some(value), "now, from Tandem's data".to_owned()),
            None => (None, String::new()),
        };
        let start = goal.baseline.unwrap_or(0.0);
        let percent = current.and_then(|now| {
            let span = goal.target - start;
            (span != 0.0).then(|| ((now - start) / span * 100.0).clamp(0.0, 100.0).round() as u32)
        });
        GoalRow {
            goal,
            current,
            as_of,
            percent,
            history,
        }
    }
}

/// A number as people write it: no trailing ".0".
pub fn figure(value: &f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[derive(Template)]
#[template(path = "partnerships/goals.html")]
struct GoalsPage {
    layout: Layout,
    view: PartnershipView,
    goals: Vec<GoalRow>,
    form: GoalFields,
    errors: FieldErrors,
    metrics: Vec<Choice>,
    owners: Vec<Choice>,
    progress_errors: FieldErrors,
    progress_goal: i64,
}

async fn goals_page(
    guard: &Guard,
    id: i64,
    form: GoalFields,
    errors: FieldErrors,
    progress: Option<(i64, FieldErrors)>,
) -> PageResult<Response> {
    let (view, goals, recorded, figures) = guard.goals(id).await?;
    let owners = if view.can_work {
        guard.partnership_people(&view).await?
    } else {
        Vec::new()
    };
    let (progress_goal, progress_errors) = progress.unwrap_or((0, FieldErrors::default()));
    let all_errors = if errors.is_empty() {
        progress_errors.clone()
    } else {
        errors.clone()
    };
    let page = GoalsPage {
        layout: Layout::new(guard, "Goals", "/partnerships"),
        goals: goals
            .into_iter()
            .map(|g| GoalRow::new(g, &recorded, &figures))
            .collect(),
        metrics: metrics(),
        owners: Choice::list(owners.into_iter().map(|(id, name)| (id.to_string(), name))),
        view,
        form,
        errors,
        progress_errors,
        progress_goal,
    };
    render_form(&page, &all_errors)
}

pub async fn goals(guard: Guard, Id(id): Id) -> PageResult<Response> {
    goals_page(
        &guard,
        id,
        GoalFields::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// Every goal with where it stands, and every measurement, one row per measurement (a goal with
/// none has one row).
pub async fn export_goals(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let (_, goals, progress, figures) = guard.goals(id).await?;
    let header = [
        "goal_id",
        "title",
        "metric",
        "measure",
        "unit",
        "baseline",
        "target",
        "due_on",
        "owner",
        "current",
        "measured_on",
        "value",
        "note",
    ];
    let mut rows = Vec::new();
    for goal in goals {
        let row = GoalRow::new(goal, &progress, &figures);
        let g = &row.goal;
        let base = vec![
            g.id.to_string(),
            g.title.clone(),
            g.metric.clone(),
            g.measure.clone(),
            g.unit.clone(),
            g.baseline.map(|b| figure(&b)).unwrap_or_default(),
            figure(&g.target),
            g.due_on.clone().unwrap_or_default(),
            g.owner_name.clone().unwrap_or_default(),
            row.current.map(|c| figure(&c)).unwrap_or_default(),
        ];
        if row.history.is_empty() {
            rows.push([base.clone(), vec![String::new(); 3]].concat());
        }
        for h in &row.history {
            rows.push(
                [
                    base.clone(),
                    vec![h.measured_on.clone(), figure(&h.value), h.note.clone()],
                ]
                .concat(),
            );
        }
    }
    Ok(csv_export::download("goals.csv", &header, rows)?)
}

pub async fn create_goal(
    Id(id): Id,
    Submitted { guard, form }: Submitted<GoalFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_goal(id, &draft)
            .await
            .map(|_| format!("/partnerships/{id}/goals")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| goals_page(&guard, id, form, errors, None)).await
}

pub async fn add_progress(
    Id(goal): Id,
    Submitted { guard, form }: Submitted<ProgressFields>,
) -> PageResult<Response> {
    match guard.add_progress(goal, &form).await {
        Ok(partnership) => Ok(Redirect::to(&format!(
            "/partnerships/{partnership}/goals#goal-{goal}"
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            let partnership = guard.goal_partnership(goal).await?;
            goals_page(
                &guard,
                partnership,
                GoalFields::default(),
                FieldErrors::default(),
                Some((goal, errors)),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
