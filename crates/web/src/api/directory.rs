//! Directory endpoints: organizations, programs, people, memberships.

use axum::Json;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tandem_domain::input::{MembershipFields, OrgFields, PersonFields, ProgramFields};
use tandem_domain::{FieldErrors, GradeBand, LicensureArea, OrgKind, Pathway, Role, input};
use tandem_store::Page;
use tandem_store::orgs::{Org, OrgFilter};
use tandem_store::people::{Membership, PeopleFilter, Person};
use tandem_store::programs::{Program, ProgramFilter};
use utoipa::{IntoParams, ToSchema};

use super::{ApiPath, ApiQuery, JsonBody, Paging};
use crate::error::{ApiResult, ReadProblems, WriteProblems};
use crate::guard::Guard;

// ---- shapes ----

#[derive(Debug, Serialize, ToSchema)]
pub struct Organization {
    id: i64,
    kind: OrgKind,
    name: String,
    parent_id: Option<i64>,
    parent_name: Option<String>,
    nces_id: Option<String>,
    state_code: Option<String>,
    county: Option<String>,
    street: Option<String>,
    city: Option<String>,
    zip: Option<String>,
    phone: Option<String>,
    low_grade: Option<String>,
    high_grade: Option<String>,
    locale: Option<String>,
    charter: Option<bool>,
    school_type: Option<String>,
    status: Option<String>,
    students: Option<i64>,
    teachers_fte: Option<f64>,
    free_lunch: Option<i64>,
    reduced_lunch: Option<i64>,
    /// Free + reduced-price lunch ≥ 50 % of students; null when unknown.
    high_needs: Option<bool>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

impl From<Org> for Organization {
    fn from(o: Org) -> Self {
        Organization {
            id: o.id,
            kind: o.kind().unwrap_or(OrgKind::School),
            charter: o.is_charter(),
            high_needs: o.is_high_needs(),
            name: o.name,
            parent_id: o.parent_id,
            parent_name: o.parent_name,
            nces_id: o.nces_id,
            state_code: o.state_code,
            county: o.county,
            street: o.street,
            city: o.city,
            zip: o.zip,
            phone: o.phone,
            low_grade: o.low_grade,
            high_grade: o.high_grade,
            locale: o.locale,
            school_type: o.school_type,
            status: o.status,
            students: o.students,
            teachers_fte: o.teachers_fte,
            free_lunch: o.free_lunch,
            reduced_lunch: o.reduced_lunch,
            latitude: o.latitude,
            longitude: o.longitude,
        }
    }
}

/// What may be set on an organization.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganizationInput {
    #[schema(value_type = OrgKind)]
    kind: String,
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// The district of a school.
    parent_id: Option<i64>,
    /// A two-letter U.S. state or territory code.
    #[schema(pattern = "^[A-Za-z]{2}$")]
    state_code: Option<String>,
    street: Option<String>,
    city: Option<String>,
    #[schema(pattern = "^[0-9]{5}(-[0-9]{4})?$")]
    zip: Option<String>,
    phone: Option<String>,
}

impl OrganizationInput {
    fn fields(self) -> OrgFields {
        OrgFields {
            kind: self.kind,
            name: self.name,
            parent_id: self.parent_id.map(|id| id.to_string()),
            state_code: self.state_code,
            street: self.street,
            city: self.city,
            zip: self.zip,
            phone: self.phone,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramOut {
    id: i64,
    provider_id: i64,
    provider_name: String,
    name: String,
    areas: Vec<tandem_domain::LicensureArea>,
    grade_band: Option<tandem_domain::GradeBand>,
    pathway: Option<Pathway>,
}

impl From<Program> for ProgramOut {
    fn from(p: Program) -> Self {
        ProgramOut {
            areas: p.areas(),
            grade_band: p.grade_band(),
            pathway: p.pathway(),
            id: p.id,
            provider_id: p.provider_id,
            provider_name: p.provider_name,
            name: p.name,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProgramInput {
    provider_id: i64,
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    #[schema(value_type = Vec<LicensureArea>, min_items = 1)]
    areas: Vec<String>,
    #[schema(value_type = GradeBand)]
    grade_band: String,
    #[schema(value_type = Pathway)]
    pathway: String,
}

impl ProgramInput {
    fn fields(self) -> ProgramFields {
        ProgramFields {
            provider_id: self.provider_id.to_string(),
            name: self.name,
            areas: self.areas,
            grade_band: self.grade_band,
            pathway: self.pathway,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonOut {
    id: i64,
    name: String,
    email: Option<String>,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        PersonOut {
            id: p.id,
            name: p.name,
            email: p.email,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PersonInput {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    #[schema(format = Email, max_length = 254)]
    email: Option<String>,
    /// Sets the sign-in password: not a common one.
    #[schema(min_length = 8, max_length = 256)]
    password: Option<String>,
    /// The organization of the person's first role (required when creating).
    org_id: Option<i64>,
    /// The first role (required when creating).
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipOut {
    id: i64,
    person_id: i64,
    person_name: String,
    org_id: i64,
    org_name: String,
    role: Option<Role>,
}

impl From<Membership> for MembershipOut {
    fn from(m: Membership) -> Self {
        MembershipOut {
            role: m.role(),
            id: m.id,
            person_id: m.person_id,
            person_name: m.person_name,
            org_id: m.org_id,
            org_name: m.org_name,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MembershipInput {
    person_id: i64,
    org_id: i64,
    #[schema(value_type = Role)]
    role: String,
}

page_of!(OrganizationPage, Organization);
page_of!(ProgramPage, ProgramOut);
page_of!(PersonPage, PersonOut);
page_of!(MembershipPage, MembershipOut);

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    person: Option<PersonOut>,
    is_admin: bool,
    memberships: Vec<MembershipOut>,
}

// ---- handlers ----

/// Who the caller is: the signed-in person or the token's organization.
#[utoipa::path(get, path = "/api/v1/me", tag = "directory",
    responses((status = 200, body = Me), ReadProblems))]
pub async fn me(guard: Guard) -> ApiResult<Json<Me>> {
    let person = guard.me().cloned();
    let memberships = match &person {
        Some(p) => guard.memberships(None, Some(p.id), Page::all()).await?.0,
        None => Vec::new(),
    };
    Ok(Json(Me {
        is_admin: guard.is_installation_admin(),
        person: person.map(PersonOut::from),
        memberships: memberships.into_iter().map(MembershipOut::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OrgParams {
    /// Words in the name or city, or an exact NCES id.
    q: Option<String>,
    kind: Option<OrgKind>,
    state_code: Option<String>,
    /// Schools of this district.
    parent_id: Option<i64>,
    high_needs: Option<bool>,
}

/// Lists organizations (the directory is readable by every caller).
#[utoipa::path(get, path = "/api/v1/organizations", tag = "directory", params(OrgParams, Paging),
    responses((status = 200, body = OrganizationPage), ReadProblems))]
pub async fn list_organizations(
    guard: Guard,
    ApiQuery(params): ApiQuery<OrgParams>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<OrganizationPage>> {
    let filter = OrgFilter {
        q: params.q,
        kind: params.kind,
        state_code: params.state_code.map(|s| s.trim().to_uppercase()),
        parent_id: params.parent_id,
        high_needs: params.high_needs,
    };
    let page = paging.page();
    let (orgs, total) = guard.orgs(&filter, page).await?;
    Ok(Json(OrganizationPage::new(
        orgs.into_iter().map(Organization::from).collect(),
        total,
        page,
    )))
}

#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = Organization), ReadProblems))]
pub async fn get_organization(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(guard.org(id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/organizations", tag = "directory", request_body = OrganizationInput,
    responses((status = 201, body = Organization), WriteProblems))]
pub async fn create_organization(
    guard: Guard,
    JsonBody(input): JsonBody<OrganizationInput>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    guard.check_api_write()?;
    let draft = input.fields().parse()?;
    let id = guard.create_org(&draft).await?;
    Ok((StatusCode::CREATED, Json(guard.org(id).await?.into())))
}

#[utoipa::path(put, path = "/api/v1/organizations/{id}", tag = "directory", params(("id" = i64, Path)),
    request_body = OrganizationInput,
    responses((status = 200, body = Organization), WriteProblems))]
pub async fn update_organization(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<OrganizationInput>,
) -> ApiResult<Json<Organization>> {
    guard.check_api_write()?;
    let draft = input.fields().parse()?;
    guard.update_org(id, &draft).await?;
    Ok(Json(guard.org(id).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ProgramParams {
    q: Option<String>,
    provider_id: Option<i64>,
    pathway: Option<Pathway>,
    area: Option<tandem_domain::LicensureArea>,
}

#[utoipa::path(get, path = "/api/v1/programs", tag = "directory", params(ProgramParams, Paging),
    responses((status = 200, body = ProgramPage), ReadProblems))]
pub async fn list_programs(
    guard: Guard,
    ApiQuery(params): ApiQuery<ProgramParams>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<ProgramPage>> {
    let filter = ProgramFilter {
        q: params.q,
        provider_id: params.provider_id,
        pathway: params.pathway,
        area: params.area,
    };
    let page = paging.page();
    let (programs, total) = guard.programs(&filter, page).await?;
    Ok(Json(ProgramPage::new(
        programs.into_iter().map(ProgramOut::from).collect(),
        total,
        page,
    )))
}

#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = ProgramOut), ReadProblems))]
pub async fn get_program(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<ProgramOut>> {
    Ok(Json(guard.program(id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/programs", tag = "directory", request_body = ProgramInput,
    responses((status = 201, body = ProgramOut), WriteProblems))]
pub async fn create_program(
    guard: Guard,
    JsonBody(input): JsonBody<ProgramInput>,
) -> ApiResult<(StatusCode, Json<ProgramOut>)> {
    guard.check_api_write()?;
    let draft = input.fields().parse()?;
    let id = guard.create_program(&draft).await?;
    Ok((StatusCode::CREATED, Json(guard.program(id).await?.into())))
}

#[utoipa::path(put, path = "/api/v1/programs/{id}", tag = "directory", params(("id" = i64, Path)),
    request_body = ProgramInput,
    responses((status = 200, body = ProgramOut), WriteProblems))]
pub async fn update_program(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<ProgramInput>,
) -> ApiResult<Json<ProgramOut>> {
    guard.check_api_write()?;
    let draft = input.fields().parse()?;
    guard.update_program(id, &draft).await?;
    Ok(Json(guard.program(id).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PeopleParams {
    /// Words in the name or e-mail.
    q: Option<String>,
    /// Members of this organization.
    org_id: Option<i64>,
    role: Option<Role>,
}

/// Lists the people the caller may see.
#[utoipa::path(get, path = "/api/v1/people", tag = "directory", params(PeopleParams, Paging),
    responses((status = 200, body = PersonPage), ReadProblems))]
pub async fn list_people(
    guard: Guard,
    ApiQuery(params): ApiQuery<PeopleParams>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<PersonPage>> {
    let filter = PeopleFilter {
        q: params.q,
        org_id: params.org_id,
        role: params.role,
    };
    let page = paging.page();
    let (people, total) = guard.people(&filter, page).await?;
    Ok(Json(PersonPage::new(
        people.into_iter().map(PersonOut::from).collect(),
        total,
        page,
    )))
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = PersonOut), ReadProblems))]
pub async fn get_person(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<PersonOut>> {
    Ok(Json(guard.person(id).await?.into()))
}

/// Adds a person with their first role.
#[utoipa::path(post, path = "/api/v1/people", tag = "directory", request_body = PersonInput,
    responses((status = 201, body = PersonOut), WriteProblems))]
pub async fn create_person(
    guard: Guard,
    JsonBody(input): JsonBody<PersonInput>,
) -> ApiResult<(StatusCode, Json<PersonOut>)> {
    guard.check_api_write()?;
    let mut errors = FieldErrors::default();
    let role = input
        .role
        .as_deref()
        .and_then(|r| input::choice(&mut errors, "role", r, Role::parse, "a role"));
    let fields = PersonFields {
        name: input.name,
        email: input.email,
        password: input.password,
    };
    let draft = match fields.parse() {
        Ok(draft) if errors.is_empty() => draft,
        Ok(_) => return Err(errors.into()),
        Err(mut more) => {
            more.0.extend(errors.0);
            return Err(more.into());
        }
    };
    let id = guard.create_person(&draft, input.org_id, role).await?;
    Ok((StatusCode::CREATED, Json(guard.person(id).await?.into())))
}

#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "directory", params(("id" = i64, Path)),
    request_body = PersonInput,
    responses((status = 200, body = PersonOut), WriteProblems))]
pub async fn update_person(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
    JsonBody(input): JsonBody<PersonInput>,
) -> ApiResult<Json<PersonOut>> {
    guard.check_api_write()?;
    let draft = PersonFields {
        name: input.name,
        email: input.email,
        password: input.password,
    }
    .parse()?;
    guard.update_person(id, &draft).await?;
    Ok(Json(guard.person(id).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MembershipParams {
    org_id: Option<i64>,
    person_id: Option<i64>,
}

/// Lists the memberships the caller may see.
#[utoipa::path(get, path = "/api/v1/memberships", tag = "directory", params(MembershipParams, Paging),
    responses((status = 200, body = MembershipPage), ReadProblems))]
pub async fn list_memberships(
    guard: Guard,
    ApiQuery(params): ApiQuery<MembershipParams>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<MembershipPage>> {
    let page = paging.page();
    let (items, total) = guard
        .memberships(params.org_id, params.person_id, page)
        .await?;
    Ok(Json(MembershipPage::new(
        items.into_iter().map(MembershipOut::from).collect(),
        total,
        page,
    )))
}

#[utoipa::path(get, path = "/api/v1/memberships/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = MembershipOut), ReadProblems))]
pub async fn get_membership(
    guard: Guard,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MembershipOut>> {
    Ok(Json(guard.membership(id).await?.into()))
}

/// Gives a person a role in an organization.
#[utoipa::path(post, path = "/api/v1/memberships", tag = "directory", request_body = MembershipInput,
    responses((status = 201, body = MembershipOut), WriteProblems))]
pub async fn create_membership(
    guard: Guard,
    JsonBody(input): JsonBody<MembershipInput>,
) -> ApiResult<(StatusCode, Json<MembershipOut>)> {
    guard.check_api_write()?;
    let fields = MembershipFields {
        person_id: input.person_id.to_string(),
        org_id: input.org_id.to_string(),
        role: input.role,
    };
    let id = guard.add_membership(&fields.parse()?).await?;
    Ok((
        StatusCode::CREATED,
        Json(guard.membership(id).await?.into()),
    ))
}

#[utoipa::path(delete, path = "/api/v1/memberships/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 204), WriteProblems))]
pub async fn delete_membership(guard: Guard, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    guard.check_api_write()?;
    guard.remove_membership(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
