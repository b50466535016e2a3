//! People and membership pages. Lists show only who the caller may see; every view of a person
//! and every export is written to the access log by the guard.

use askama::Template;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use tandem_domain::input::{self, MembershipFields, PersonFields};
use tandem_domain::{FieldErrors, Role};
use tandem_store::Page;
use tandem_store::people::{Membership, PeopleFilter, Person};

use super::{Choice, Id, Layout, Pager, number, query_string, render, render_form, saved_or_form};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::Guard;

#[derive(Debug, Default, serde::Deserialize)]
pub struct PeopleQuery {
    q: Option<String>,
    org: Option<String>,
    role: Option<String>,
    person: Option<String>,
    page: Option<String>,
    saved: Option<String>,
}

impl PeopleQuery {
    fn filter(&self) -> PeopleFilter {
        PeopleFilter {
            q: self.q.clone(),
            org_id: number(&self.org),
            role: self.role.as_deref().and_then(Role::parse),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let get = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            ("q", get(&self.q)),
            ("org", get(&self.org)),
            ("role", get(&self.role)),
        ]
    }
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListPage {
    layout: Layout,
    people: Vec<Person>,
    pager: Pager,
    query: PeopleQuery,
    roles: Vec<Choice>,
    can_create: bool,
    csv_href: String,
}

pub async fn list(guard: Guard, Query(query): Query<PeopleQuery>) -> PageResult<Response> {
    let page = Page::new(number(&query.page), None);
    let (people, total) = guard.people(&query.filter(), page).await?;
    let pairs = query.pairs();
    let view = ListPage {
        layout: Layout::new(&guard, "People", "/people"),
        pager: Pager::new("/people", &pairs, page, total),
        csv_href: format!("/people.csv?{}", query_string(&pairs)),
        people,
        roles: Choice::roles(),
        can_create: guard.can_add_people(),
        query,
    };
    render(&view)
}

pub async fn export(guard: Guard, Query(query): Query<PeopleQuery>) -> PageResult<Response> {
    let people = guard.export_people(&query.filter()).await?;
    let rows = people
        .into_iter()
        .map(|p| vec![p.id.to_string(), p.name, p.email.unwrap_or_default()]);
    Ok(csv_export::download(
        "people.csv",
        &["id", "name", "email"],
        rows,
    )?)
}

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowPage {
    layout: Layout,
    person: Person,
    memberships: Vec<(Membership, bool)>,
    can_edit: bool,
    can_disable: bool,
    grant_orgs: Vec<Choice>,
    roles: Vec<Choice>,
    errors: FieldErrors,
    saved: bool,
    is_admin: bool,
}

async fn show_page(
    guard: &Guard,
    id: i64,
    errors: FieldErrors,
    saved: bool,
) -> PageResult<Response> {
    let person = guard.person(id).await?;
    let (memberships, _) = guard.memberships(None, Some(id), Page::all()).await?;
    let memberships = memberships
        .into_iter()
        .map(|m| {
            let removable = m
                .role()
                .is_some_and(|role| guard.principal.can_grant(&m.org(), role));
            (m, removable)
        })
        .collect();
    let grant_orgs = if guard.can_add_people() {
        guard.orgs_for_new_people().await?
    } else {
        Vec::new()
    };
    let view = ShowPage {
        layout: Layout::new(guard, person.name.clone(), "/people"),
        can_edit: guard.can_edit_person(id).await?,
        can_disable: guard.can_disable(id).await?,
        grant_orgs: Choice::list(
            grant_orgs
                .into_iter()
                .map(|(id, name)| (id.to_string(), name)),
        ),
        roles: Choice::roles(),
        is_admin: guard.is_installation_admin(),
        person,
        memberships,
        errors: errors.clone(),
        saved,
    };
    render_form(&view, &errors)
}

pub async fn show(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<PeopleQuery>,
) -> PageResult<Response> {
    show_page(&guard, id, FieldErrors::default(), query.saved.is_some()).await
}

/// The new-person form: the person's details and their first role.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct NewPersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    role: String,
}

#[derive(Template)]
#[template(path = "people/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    form: NewPersonForm,
    errors: FieldErrors,
    orgs: Vec<Choice>,
    roles: Vec<Choice>,
}

async fn form_page(
    guard: &Guard,
    id: Option<i64>,
    form: NewPersonForm,
    errors: FieldErrors,
) -> PageResult<Response> {
    let orgs = if id.is_none() {
        guard
            .orgs_for_new_people_with(form.org_id.trim().parse().ok())
            .await?
    } else {
        Vec::new()
    };
    let title = if id.is_some() {
        format!("Edit {}", form.name)
    } else {
        "Add a person".to_owned()
    };
    let view = FormPage {
        layout: Layout::new(guard, title, "/people"),
        action: id.map_or("/people".to_owned(), |id| format!("/people/{id}")),
        editing: id.is_some(),
        orgs: Choice::list(orgs.into_iter().map(|(id, name)| (id.to_string(), name))),
        roles: Choice::roles(),
        form,
        errors: errors.clone(),
    };
    render_form(&view, &errors)
}

pub async fn new(guard: Guard, Query(query): Query<PeopleQuery>) -> PageResult<Response> {
    if !guard.can_add_people() {
        return Err(AppError::Forbidden.into());
    }
    let form = NewPersonForm {
        org_id: query.org.unwrap_or_default(),
        ..NewPersonForm::default()
    };
    form_page(&guard, None, form, FieldErrors::default()).await
}

fn person_fields(form: &NewPersonForm) -> PersonFields {
    PersonFields {
        name: form.name.clone(),
        email: Some(form.email.clone()),
        password: Some(form.password.clone()),
    }
}

pub async fn create(Submitted { guard, form }: Submitted<NewPersonForm>) -> PageResult<Response> {
    let mut errors = FieldErrors::default();
    let org_id = input::id(&mut errors, "org_id", &form.org_id, "the organization");
    let role = input::choice(&mut errors, "role", &form.role, Role::parse, "a role");
    let result = match person_fields(&form).parse() {
        Ok(draft) if errors.is_empty() => guard
            .create_person(&draft, org_id, role)
            .await
            .map(|id| format!("/people/{id}?saved=1")),
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(mut person_errors) => {
            person_errors.0.extend(errors.0);
            Err(AppError::Invalid(person_errors))
        }
    };
    // A refused form never sends the password back.
    let form = NewPersonForm {
        password: String::new(),
        ..form
    };
    saved_or_form(result, |errors| form_page(&guard, None, form, errors)).await
}

pub async fn edit(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let person = guard.person(id).await?;
    if !guard.can_edit_person(id).await? {
        return Err(AppError::Forbidden.into());
    }
    let form = NewPersonForm {
        name: person.name,
        email: person.email.unwrap_or_default(),
        ..NewPersonForm::default()
    };
    form_page(&guard, Some(id), form, FieldErrors::default()).await
}

pub async fn update(
    Id(id): Id,
    Submitted { guard, form }: Submitted<NewPersonForm>,
) -> PageResult<Response> {
    let result = match person_fields(&form).parse() {
        Ok(draft) => guard
            .update_person(id, &draft)
            .await
            .map(|()| format!("/people/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let form = NewPersonForm {
        password: String::new(),
        ..form
    };
    saved_or_form(result, |errors| form_page(&guard, Some(id), form, errors)).await
}

#[derive(Template)]
#[template(path = "people/memberships.html")]
struct MembershipsPage {
    layout: Layout,
    memberships: Vec<Membership>,
    pager: Pager,
    csv_href: String,
}

pub async fn memberships(guard: Guard, Query(query): Query<PeopleQuery>) -> PageResult<Response> {
    let page = Page::new(number(&query.page), None);
    let (memberships, total) = guard
        .memberships(number(&query.org), number(&query.person), page)
        .await?;
    let pairs = vec![
        ("org", query.org.clone().unwrap_or_default()),
        ("person", query.person.clone().unwrap_or_default()),
    ];
    let view = MembershipsPage {
        layout: Layout::new(&guard, "Roles", "/people"),
        pager: Pager::new("/memberships", &pairs, page, total),
        csv_href: format!("/memberships.csv?{}", query_string(&pairs)),
        memberships,
    };
    render(&view)
}

pub async fn export_memberships(
    guard: Guard,
    Query(query): Query<PeopleQuery>,
) -> PageResult<Response> {
    let (memberships, _) = guard
        .memberships(number(&query.org), number(&query.person), Page::all())
        .await?;
    let rows = memberships.into_iter().map(|m| {
        vec![
            m.id.to_string(),
            m.person_id.to_string(),
            m.person_name,
            m.org_id.to_string(),
            m.org_name,
            m.role,
        ]
    });
    Ok(csv_export::download(
        "memberships.csv",
        &[
            "id",
            "person_id",
            "person_name",
            "org_id",
            "org_name",
            "role",
        ],
        rows,
    )?)
}

pub async fn add_membership(
    Submitted { guard, form }: Submitted<MembershipFields>,
) -> PageResult<Response> {
    let person_id = form
        .person_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let result = match form.parse() {
        Ok(draft) => guard.add_membership(&draft).await.map(|_| ()),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{person_id}?saved=1")).into_response()),
        Err(AppError::Invalid(errors)) => show_page(&guard, person_id, errors, false).await,
        Err(other) => Err(other.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct NoFields {}

pub async fn remove_membership(
    Id(id): Id,
    Submitted { guard, .. }: Submitted<NoFields>,
) -> PageResult<Response> {
    let membership = guard.remove_membership(id).await?;
    Ok(Redirect::to(&format!("/people/{}?saved=1", membership.person_id)).into_response())
}

pub async fn disable(
    Id(id): Id,
    Submitted { guard, .. }: Submitted<NoFields>,
) -> PageResult<Response> {
    guard.set_disabled(id, true).await?;
    Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response())
}

pub async fn enable(
    Id(id): Id,
    Submitted { guard, .. }: Submitted<NoFields>,
) -> PageResult<Response> {
    guard.set_disabled(id, false).await?;
    Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response())
}
