//! Organization pages: list (search, filter, paginate, CSV), view, create, edit.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use tandem_domain::input::OrgFields;
use tandem_domain::{FieldErrors, OrgKind, Role};
use tandem_store::Page;
use tandem_store::orgs::{Org, OrgFilter};
use tandem_store::people::Membership;
use tandem_store::programs::{Program, ProgramFilter};

use super::{Choice, Id, Layout, Pager, number, render, render_form, saved_or_form};
use crate::csv_export::{self, opt};
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::Guard;

#[derive(Debug, Default, serde::Deserialize)]
pub struct OrgQuery {
    q: Option<String>,
    kind: Option<String>,
    state: Option<String>,
    parent: Option<String>,
    high_needs: Option<String>,
    page: Option<String>,
    saved: Option<String>,
}

impl OrgQuery {
    fn filter(&self) -> OrgFilter {
        OrgFilter {
            q: self.q.clone(),
            kind: self.kind.as_deref().and_then(OrgKind::parse),
            state_code: self
                .state
                .as_deref()
                .map(str::trim)
                .filter(|s| s.len() == 2)
                .map(str::to_uppercase),
            parent_id: number(&self.parent),
            high_needs: match self.high_needs.as_deref() {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let get = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            ("q", get(&self.q)),
            ("kind", get(&self.kind)),
            ("state", get(&self.state)),
            ("parent", get(&self.parent)),
            ("high_needs", get(&self.high_needs)),
        ]
    }
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
struct ListPage {
    layout: Layout,
    orgs: Vec<Org>,
    pager: Pager,
    query: OrgQuery,
    kinds: Vec<Choice>,
    can_create: bool,
    csv_href: String,
}

pub async fn list(guard: Guard, Query(query): Query<OrgQuery>) -> PageResult<Response> {
    let page = Page::new(number(&query.page), None);
    let (orgs, total) = guard.orgs(&query.filter(), page).await?;
    let pairs = query.pairs();
    let view = ListPage {
        layout: Layout::new(&guard, "Organizations", "/orgs"),
        pager: Pager::new("/orgs", &pairs, page, total),
        orgs,
        kinds: Choice::list(
            OrgKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), k.label().to_owned())),
        ),
        can_create: guard.can_create_orgs(),
        csv_href: format!("/orgs.csv?{}", super::query_string(&pairs)),
        query,
    };
    render(&view)
}

pub async fn export(guard: Guard, Query(query): Query<OrgQuery>) -> PageResult<Response> {
    let (orgs, _) = guard.orgs(&query.filter(), Page::all()).await?;
    let header = [
        "id",
        "kind",
        "name",
        "parent_id",
        "parent_name",
        "nces_id",
        "state_org_id",
        "state",
        "county",
        "street",
        "city",
        "zip",
        "phone",
        "low_grade",
        "high_grade",
        "locale",
        "charter",
        "school_type",
        "status",
        "students",
        "teachers_fte",
        "free_lunch",
        "reduced_lunch",
        "high_needs",
        "latitude",
        "longitude",
    ];
    let rows = orgs.into_iter().map(|o| {
        vec![
            o.id.to_string(),
            o.kind.clone(),
            o.name.clone(),
            opt(o.parent_id),
            opt(o.parent_name.clone()),
            opt(o.nces_id.clone()),
            opt(o.state_org_id.clone()),
            opt(o.state_code.clone()),
            opt(o.county.clone()),
            opt(o.street.clone()),
            opt(o.city.clone()),
            opt(o.zip.clone()),
            opt(o.phone.clone()),
            opt(o.low_grade.clone()),
            opt(o.high_grade.clone()),
            opt(o.locale.clone()),
            opt(o.is_charter()),
            opt(o.school_type.clone()),
            opt(o.status.clone()),
            opt(o.students),
            opt(o.teachers_fte),
            opt(o.free_lunch),
            opt(o.reduced_lunch),
            opt(o.is_high_needs()),
            opt(o.latitude),
            opt(o.longitude),
        ]
    });
    Ok(csv_export::download("organizations.csv", &header, rows)?)
}

#[derive(Template)]
#[template(path = "orgs/show.html")]
struct ShowPage {
    layout: Layout,
    org: Org,
    children: Vec<Org>,
    children_total: i64,
    members: Vec<Membership>,
    members_total: i64,
    programs: Vec<Program>,
    can_edit: bool,
    can_add_people: bool,
    saved: bool,
}

pub async fn show(guard: Guard, Id(id): Id, Query(query): Query<OrgQuery>) -> PageResult<Response> {
    let org = guard.org(id).await?;
    let first = Page::new(None, Some(25));
    let (children, children_total) = guard
        .orgs(
            &OrgFilter {
                parent_id: Some(id),
                ..OrgFilter::default()
            },
            first,
        )
        .await?;
    let (members, members_total) = guard.memberships(Some(id), None, first).await?;
    let programs = if org.kind() == Some(OrgKind::Provider) {
        guard
            .programs(
                &ProgramFilter {
                    provider_id: Some(id),
                    ..ProgramFilter::default()
                },
                Page::all(),
            )
            .await?
            .0
    } else {
        Vec::new()
    };
    let view = ShowPage {
        layout: Layout::new(&guard, org.name.clone(), "/orgs"),
        can_edit: guard.can_edit_org(&org),
        can_add_people: guard.can_grant_in(&org, Role::Candidate),
        saved: query.saved.is_some(),
        org,
        children,
        children_total,
        members,
        members_total,
        programs,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "orgs/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    form: OrgFields,
    errors: FieldErrors,
    kinds: Vec<Choice>,
    districts: Vec<Choice>,
}

async fn form_page(
    guard: &Guard,
    id: Option<i64>,
    form: OrgFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let districts = guard.org_choices(OrgKind::District).await?;
    let title = if id.is_some() {
        format!("Edit {}", form.name)
    } else {
        "Add an organization".to_owned()
    };
    let view = FormPage {
        layout: Layout::new(guard, title, "/orgs"),
        action: id.map_or("/orgs".to_owned(), |id| format!("/orgs/{id}")),
        editing: id.is_some(),
        kinds: Choice::list(
            OrgKind::ALL
                .iter()
                .map(|k| (k.code().to_owned(), k.label().to_owned())),
        ),
        districts: Choice::list(
            districts
                .into_iter()
                .map(|(id, name)| (id.to_string(), name)),
        ),
        form,
        errors: errors.clone(),
    };
    render_form(&view, &errors)
}

pub async fn new(guard: Guard) -> PageResult<Response> {
    if !guard.can_create_orgs() {
        return Err(AppError::Forbidden.into());
    }
    form_page(&guard, None, OrgFields::default(), FieldErrors::default()).await
}

pub async fn create(Submitted { guard, form }: Submitted<OrgFields>) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_org(&draft)
            .await
            .map(|id| format!("/orgs/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| form_page(&guard, None, form, errors)).await
}

pub async fn edit(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let org = guard.org(id).await?;
    if !guard.can_edit_org(&org) {
        return Err(AppError::Forbidden.into());
    }
    let form = OrgFields {
        kind: org.kind.clone(),
        name: org.name.clone(),
        parent_id: org.parent_id.map(|p| p.to_string()),
        state_code: org.state_code.clone(),
        street: org.street.clone(),
        city: org.city.clone(),
        zip: org.zip.clone(),
        phone: org.phone.clone(),
    };
    form_page(&guard, Some(id), form, FieldErrors::default()).await
}

pub async fn update(
    Id(id): Id,
    Submitted { guard, form }: Submitted<OrgFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .update_org(id, &draft)
            .await
            .map(|()| format!("/orgs/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| form_page(&guard, Some(id), form, errors)).await
}
