//! The home page: what is each person's to do, from their roles.

use askama::Template;
use axum::response::Response;
use tandem_domain::{OrgKind, Role};
use tandem_store::Page;
use tandem_store::orgs::OrgFilter;
use tandem_store::people::Membership;

use super::{Layout, render};
use crate::error::PageResult;
use crate::guard::Guard;

/// A next step shown on the home page.
pub struct Task {
    pub title: String,
    pub detail: String,
    pub href: String,
    pub action: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    memberships: Vec<Membership>,
    tasks: Vec<Task>,
    schools: i64,
    districts: i64,
    is_admin: bool,
    /// The person's open action items, across partnerships.
    actions: Vec<tandem_store::meetings::ActionItem>,
    today: time::Date,
    /// Placements waiting on the person: as a district, as a mentor, and their own.
    waiting: crate::guard::Waiting,
    /// The person's own candidacies (to state preferences).
    candidacies: Vec<tandem_store::placements::Candidate>,
    declined: bool,
    /// Calibration exercises waiting for the person's scores.
    exercises: Vec<(i64, String, String)>,
    /// The person's training that has expired or expires soon.
    training: Vec<tandem_store::placements::Completion>,
}

fn task(
    title: impl Into<String>,
    detail: impl Into<String>,
    href: impl Into<String>,
    action: &str,
) -> Task {
    Task {
        title: title.into(),
        detail: detail.into(),
        href: href.into(),
        action: action.to_owned(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct HomeQuery {
    declined: Option<String>,
}

pub async fn home(
    guard: Guard,
    axum::extract::Query(query): axum::extract::Query<HomeQuery>,
) -> PageResult<Response> {
    let me = guard.principal.person_id.unwrap_or_default();
    let (memberships, _) = guard
        .memberships(None, Some(me), Page::new(None, Some(100)))
        .await?;
    let count = |kind| OrgFilter {
        kind: Some(kind),
        ..OrgFilter::default()
    };
    let (_, schools) = guard
        .orgs(&count(OrgKind::School), Page::new(None, Some(1)))
        .await?;
    let (_, districts) = guard
        .orgs(&count(OrgKind::District), Page::new(None, Some(1)))
        .await?;

    let mut tasks = Vec::new();
    if guard.is_installation_admin() {
        tasks.push(if schools == 0 {
            task(
                "Import your state's schools",
                "The directory is empty. Upload an NCES school directory file to add every district and school.",
                "/admin/import",
                "Import schools",
            )
        } else {
            task(
                "Keep the school directory current",
                "Upload this year's NCES directory: changed schools are updated, unchanged ones are left alone.",
                "/admin/import",
                "Import schools",
            )
        });
        tasks.push(task(
            "Give people their roles",
            "Add the administrators of each district and provider; they add their own people from there.",
            "/people/new",
            "Add a person",
        ));
        tasks.push(task(
            "Review who read whose record",
            "The access log shows every read, change and export of a person's record.",
            "/admin/access-log",
            "Open the access log",
        ));
    }
    for m in &memberships {
        let org = format!("/orgs/{}", m.org_id);
        match m.role() {
            Some(Role::Admin) => tasks.push(task(
                format!("Look after {}", m.org_name),
                "Keep its details right, give people their roles and create API tokens for its systems.",
                org,
                "Open organization",
            )),
            Some(Role::Coordinator) => tasks.push(task(
                format!("Add the people of {}", m.org_name),
                "Add candidates, mentors and supervisors so they can sign in, and keep programs up to date.",
                format!("/people?org={}", m.org_id),
                "See people",
            )),
            Some(Role::PartnershipLead) => tasks.push(task(
                format!("Get to know {}'s partners", m.org_name),
                "Browse the districts, schools and providers you work with.",
                "/orgs",
                "Browse the directory",
            )),
            Some(Role::Principal) => tasks.push(task(
                format!("Check {}'s record", m.org_name),
                "Make sure your school's details and staff roles are right before placements begin.",
                org,
                "Open your school",
            )),
            Some(Role::Mentor) => tasks.push(task(
                format!("Your school: {}", m.org_name),
                "When your partnership proposes a candidate for you, it will wait for your answer here.",
                org,
                "Open your school",
            )),
            Some(Role::Supervisor) => tasks.push(task(
                format!("Supervising for {}", m.org_name),
                "Your caseload of candidates will appear here once placements are confirmed.",
                org,
                "Open your provider",
            )),
            Some(Role::Candidate) => tasks.push(task(
                format!("Your program at {}", m.org_name),
                "Your placement and feedback will appear here. Check that your details are right.",
                format!("/people/{me}"),
                "Check your details",
            )),
            Some(Role::DataLead) => tasks.push(task(
                format!("Data for {}", m.org_name),
                "Download the directory and people of your organization as CSV.",
                format!("/people?org={}", m.org_id),
                "See people",
            )),
            Some(Role::StateReviewer) => tasks.push(task(
                format!("Review {}", m.org_state.clone().unwrap_or_else(|| m.org_name.clone())),
                "Read every district, school, provider and program in the state.",
                format!("/orgs?state={}", m.org_state.clone().unwrap_or_default()),
                "Browse the state",
            )),
            None => {}
        }
    }
    let page = HomePage {
        layout: Layout::new(&guard, "Home", "/"),
        name: guard.me().map(|p| p.name.clone()).unwrap_or_default(),
        memberships,
        tasks,
        schools,
        districts,
        is_admin: guard.is_installation_admin(),
        actions: guard.my_actions().await?,
        today: super::today(),
        waiting: guard.waiting().await?,
        candidacies: guard.my_candidacies().await?,
        declined: query.declined.is_some(),
        exercises: guard.exercises_to_score().await?,
        training: guard.my_expiring_training().await?,
    };
    render(&page)
}
