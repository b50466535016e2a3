//! Server-rendered pages. Each page is a typed askama view; every page works without JavaScript.

mod admin;
pub mod assessments;
pub mod calibration;
pub mod cycles;
mod home;
pub mod meetings;
mod orgs;
mod partnerships;
mod people;
pub mod placements;
mod programs;
mod signin;
pub mod toolkit;

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tandem_domain::Role;

use crate::AppState;
use crate::error::{AppError, PageResult};
use crate::guard::Guard;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signin", get(signin::form).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs.csv", get(orgs::export))
        .route("/orgs/new", get(orgs::new))
        .route("/orgs/{id}", get(orgs::show).post(orgs::update))
        .route("/orgs/{id}/edit", get(orgs::edit))
        .route("/programs", get(programs::list).post(programs::create))
        .route("/programs.csv", get(programs::export))
        .route("/programs/new", get(programs::new))
        .route("/programs/{id}", get(programs::show).post(programs::update))
        .route("/programs/{id}/edit", get(programs::edit))
        .route("/people", get(people::list).post(people::create))
        .route("/people.csv", get(people::export))
        .route("/people/new", get(people::new))
        .route("/people/{id}", get(people::show).post(people::update))
        .route("/people/{id}/edit", get(people::edit))
        .route("/people/{id}/disable", post(people::disable))
        .route("/people/{id}/enable", post(people::enable))
        .route(
            "/memberships",
            get(people::memberships).post(people::add_membership),
        )
        .route("/memberships.csv", get(people::export_memberships))
        .route("/memberships/{id}/delete", post(people::remove_membership))
        .route(
            "/partnerships",
            get(partnerships::list).post(partnerships::create),
        )
        .route("/partnerships.csv", get(partnerships::export))
        .route("/partnerships/new", get(partnerships::new))
        .route(
            "/partnerships/{id}",
            get(partnerships::show).post(partnerships::update),
        )
        .route("/partnerships/{id}/edit", get(partnerships::edit))
        .route(
            "/partnerships/{id}/agreement",
            get(partnerships::agreement).post(partnerships::save_agreement),
        )
        .route(
            "/partnerships/{id}/agreement/edit",
            get(partnerships::edit_agreement),
        )
        .route(
            "/partnerships/{id}/agreement/approve",
            post(partnerships::approve),
        )
        .route(
            "/partnerships/{id}/agreement/versions/{number}",
            get(partnerships::version),
        )
        .route(
            "/partnerships/{id}/feedback",
            get(partnerships::feedback).post(partnerships::raise_feedback),
        )
        .route(
            "/partnerships/{id}/goals",
            get(partnerships::goals).post(partnerships::create_goal),
        )
        .route(
            "/partnerships/{id}/goals.csv",
            get(partnerships::export_goals),
        )
        .route("/goals/{id}/progress", post(partnerships::add_progress))
        .route("/feedback.csv", get(partnerships::export_feedback))
        .route(
            "/feedback/{id}",
            get(partnerships::feedback_item).post(partnerships::respond),
        )
        .route(
            "/partnerships/{id}/people",
            get(meetings::people).post(meetings::add_member),
        )
        .route(
            "/partnerships/{id}/people.csv",
            get(meetings::export_people),
        )
        .route(
            "/partnerships/{id}/people/remove",
            post(meetings::remove_member),
        )
        .route("/partnerships/{id}/liaisons", post(meetings::set_liaison))
        .route(
            "/partnerships/{id}/meetings",
            get(meetings::meetings).post(meetings::create_meeting),
        )
        .route(
            "/partnerships/{id}/meetings.csv",
            get(meetings::export_meetings),
        )
        .route(
            "/partnerships/{id}/meetings/new",
            get(meetings::new_meeting),
        )
        .route(
            "/meetings/{id}",
            get(meetings::meeting).post(meetings::update_meeting),
        )
        .route("/meetings/{id}/edit", get(meetings::edit_meeting))
        .route(
            "/partnerships/{id}/actions",
            get(meetings::actions).post(meetings::create_action),
        )
        .route(
            "/partnerships/{id}/actions.csv",
            get(meetings::export_actions),
        )
        .route("/actions/{id}/status", post(meetings::set_action_status))
        .route(
            "/partnerships/{id}/cycles",
            get(cycles::cycles).post(cycles::create_cycle),
        )
        .route("/partnerships/{id}/cycles.csv", get(cycles::export_cycles))
        .route("/cycles/{id}", get(cycles::cycle))
        .route("/cycles/{id}/rounds", post(cycles::plan_round))
        .route("/cycles/{id}/study", post(cycles::study_round))
        .route("/partnerships/{id}/assessments", get(assessments::list))
        .route(
            "/partnerships/{id}/assessments/{framework}",
            get(assessments::comparison),
        )
        .route(
            "/partnerships/{id}/assessments/{framework}/new",
            get(assessments::new).post(assessments::create),
        )
        .route(
            "/partnerships/{id}/assessments/{framework}/ratings.csv",
            get(assessments::export),
        )
        .route("/toolkit", get(toolkit::list).post(toolkit::create))
        .route("/toolkit.csv", get(toolkit::export))
        .route("/toolkit/new", get(toolkit::new))
        .route("/toolkit/attach", post(toolkit::attach))
        .route("/toolkit/{id}", get(toolkit::show).post(toolkit::update))
        .route("/toolkit/{id}/edit", get(toolkit::edit))
        .route("/partnerships/{id}/tools/remove", post(toolkit::detach))
        .route(
            "/partnerships/{id}/terms",
            get(placements::terms).post(placements::create_term),
        )
        .route(
            "/partnerships/{id}/terms.csv",
            get(placements::export_terms),
        )
        .route(
            "/partnerships/{id}/training/modules.csv",
            get(placements::export_modules),
        )
        .route(
            "/partnerships/{id}/eligibility",
            post(placements::set_eligibility),
        )
        .route(
            "/partnerships/{id}/training",
            get(placements::training).post(placements::create_module),
        )
        .route(
            "/partnerships/{id}/training/completions",
            post(placements::record_completions),
        )
        .route(
            "/partnerships/{id}/training/import",
            post(placements::import_completions),
        )
        .route(
            "/partnerships/{id}/training.csv",
            get(placements::export_training),
        )
        .route(
            "/terms/{id}",
            get(placements::term).post(placements::update_term),
        )
        .route("/terms/{id}/run", post(placements::run))
        .route(
            "/terms/{id}/supervisors",
            post(placements::assign_supervisors),
        )
        .route(
            "/terms/{id}/supervisor-base",
            post(placements::set_supervisor_base),
        )
        .route("/terms/{id}/runs/{run}", get(placements::run_page))
        .route(
            "/terms/{id}/runs/{run}/schools",
            get(placements::run_schools),
        )
        .route(
            "/terms/{id}/runs/{run}/districts",
            get(placements::run_districts),
        )
        .route(
            "/terms/{id}/runs/{run}/schools.csv",
            get(placements::export_run_outcomes),
        )
        .route(
            "/terms/{id}/runs/{run}/results.csv",
            get(placements::export_run),
        )
        .route(
            "/terms/{id}/runs/{run}/inputs.json",
            get(placements::run_inputs),
        )
        .route("/terms/{id}/hosting", get(placements::hosting))
        .route("/terms/{id}/hosting.csv", get(placements::export_hosting))
        .route(
            "/terms/{id}/hosting/{school}",
            get(placements::hosting_form).post(placements::answer_hosting),
        )
        .route(
            "/terms/{id}/hosting/{school}/link",
            post(placements::hosting_link),
        )
        .route(
            "/terms/{id}/mentors",
            get(placements::mentors).post(placements::save_mentor),
        )
        .route("/terms/{id}/mentors.csv", get(placements::export_mentors))
        .route("/terms/{id}/mentors/{mentor}", get(placements::mentor))
        .route(
            "/terms/{id}/mentors/{mentor}/availability",
            post(placements::set_availability),
        )
        .route(
            "/terms/{id}/candidates",
            get(placements::candidates).post(placements::add_candidate),
        )
        .route(
            "/terms/{id}/candidates.csv",
            get(placements::export_candidates),
        )
        .route(
            "/terms/{id}/candidates/import",
            post(placements::import_candidates),
        )
        .route(
            "/terms/{id}/hosting/import",
            post(placements::import_hosting),
        )
        .route(
            "/terms/{id}/mentors/import",
            post(placements::import_mentors),
        )
        .route(
            "/terms/{id}/placements.csv",
            get(placements::export_placements),
        )
        .route("/terms/{id}/fieldwork.json", get(placements::export_edfi))
        .route(
            "/candidates/{id}",
            get(placements::candidate).post(placements::update_candidate),
        )
        .route(
            "/partnerships/{id}/calibration.csv",
            get(calibration::export),
        )
        .route(
            "/partnerships/{id}/calibration",
            get(calibration::list).post(calibration::create),
        )
        .route(
            "/calibration/{id}",
            get(calibration::exercise).post(calibration::score),
        )
        .route("/placements/{id}", get(placements::placement))
        .route(
            "/placements/{id}/district",
            post(placements::district_answer),
        )
        .route("/placements/{id}/mentor", post(placements::mentor_answer))
        .route("/placements/{id}/lock", post(placements::lock))
        .route(
            "/placements/{id}/supervisor",
            post(placements::set_supervisor),
        )
        .route("/placements/{id}/link", post(placements::placement_link))
        .route(
            "/links/{secret}",
            get(placements::link).post(placements::answer_link),
        )
        .merge(admin::router())
}

/// Renders a view into a response.
pub fn render(view: &impl Template) -> PageResult<Response> {
    let html = view
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Html(html).into_response())
}

/// Renders a form page: 422 when it shows problems, so the refusal is plain to programs too.
pub fn render_form(
    view: &impl Template,
    errors: &tandem_domain::FieldErrors,
) -> PageResult<Response> {
    let mut response = render(view)?;
    if !errors.is_empty() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// After a save: on to `Ok(location)`; back to the form with the problems when the input was
/// wrong; any other error as a page.
pub async fn saved_or_form<Fut>(
    result: Result<String, AppError>,
    form_again: impl FnOnce(tandem_domain::FieldErrors) -> Fut,
) -> PageResult<Response>
where
    Fut: std::future::Future<Output = PageResult<Response>>,
{
    match result {
        Ok(location) => Ok(axum::response::Redirect::to(&location).into_response()),
        Err(AppError::Invalid(errors)) => form_again(errors).await,
        Err(other) => Err(other.into()),
    }
}

/// A link in the main navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What every signed-in page shares: the title, who is signed in, the navigation and the CSRF
/// token for forms.
pub struct Layout {
    pub title: String,
    pub user: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

impl Layout {
    /// The navigation is shaped by the person's roles: people lists for staff, administration for
    /// administrators.
    pub fn new(guard: &Guard, title: impl Into<String>, section: &str) -> Layout {
        let p = &guard.principal;
        let mut items: Vec<(&'static str, &'static str)> = vec![
            ("/", "Home"),
            ("/orgs", "Organizations"),
            ("/programs", "Programs"),
        ];
        if !p.people_scope().is_empty() {
            items.push(("/people", "People"));
        }
        if !p.partnership_scope().is_empty() {
            items.push(("/partnerships", "Partnerships"));
            items.push(("/toolkit", "Toolkit"));
        }
        if guard.can_manage_any_tokens() {
            items.push(("/admin/tokens", "API tokens"));
        }
        if guard.is_installation_admin() {
            items.push(("/admin/import", "Import"));
            items.push(("/admin/access-log", "Access log"));
        }
        Layout {
            title: title.into(),
            user: guard.me().map(|p| p.name.clone()).unwrap_or_default(),
            csrf: guard
                .session
                .as_ref()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            nav: items
                .into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    current: href == section,
                })
                .collect(),
        }
    }
}

/// Previous and next links of a paginated list, keeping its filters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(
        path: &str,
        query: &[(&str, String)],
        page: tandem_store::Page,
        total: i64,
    ) -> Pager {
        let pages = ((total + page.size - 1) / page.size).max(1);
        let link = |number: i64| {
            let filters = query_string(query);
            let sep = if filters.is_empty() { "" } else { "&" };
            format!("{path}?{filters}{sep}page={number}")
        };
        Pager {
            page: page.number,
            pages,
            total,
            prev: (page.number > 1).then(|| link(page.number - 1)),
            next: (page.number < pages).then(|| link(page.number + 1)),
        }
    }
}

/// `k=v&…` of the non-empty pairs, for links that keep a list's filters.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Query values arrive as text; a malformed number means "not given", never an error page.
pub fn number(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(|v| v.trim().parse().ok())
}

/// A page shown for an error.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub detail: String,
}

/// An option in a select list.
#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn list(items: impl IntoIterator<Item = (String, String)>) -> Vec<Choice> {
        items
            .into_iter()
            .map(|(value, label)| Choice { value, label })
            .collect()
    }

    pub fn roles() -> Vec<Choice> {
        Choice::list(
            Role::ALL
                .iter()
                .map(|r| (r.code().to_owned(), r.label().to_owned())),
        )
    }
}

/// Today's date (UTC): what "overdue" is measured against.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// `when` for templates, which pass arguments by reference.
pub fn at(time: &i64) -> String {
    when(*time)
}

/// A Unix time as a readable UTC date and time.
pub fn when(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// "No error" for a form field outside a validated form (list filters).
pub const NO_ERROR: Option<&str> = None;

/// A record id from the path; anything else is "page not found", not a bare 400.
pub struct Id(pub i64);

impl axum::extract::FromRequestParts<AppState> for Id {
    type Rejection = crate::error::PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<i64>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Id(id)),
            Err(_) => Err(crate::error::PageError(AppError::NotFound)),
        }
    }
}
