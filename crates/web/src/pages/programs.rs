//! Program pages: list (search, filter, paginate, CSV), view, create, edit.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use tandem_domain::input::ProgramFields;
use tandem_domain::{FieldErrors, GradeBand, LicensureArea, Pathway};
use tandem_store::Page;
use tandem_store::programs::{Program, ProgramFilter};

use super::{Choice, Id, Layout, Pager, number, query_string, render, render_form, saved_or_form};
use crate::csv_export;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::Guard;

#[derive(Debug, Default, serde::Deserialize)]
pub struct ProgramQuery {
    q: Option<String>,
    provider: Option<String>,
    pathway: Option<String>,
    area: Option<String>,
    page: Option<String>,
    saved: Option<String>,
}

impl ProgramQuery {
    fn filter(&self) -> ProgramFilter {
        ProgramFilter {
            q: self.q.clone(),
            provider_id: number(&self.provider),
            pathway: self.pathway.as_deref().and_then(Pathway::parse),
            area: self.area.as_deref().and_then(LicensureArea::parse),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let get = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            ("q", get(&self.q)),
            ("provider", get(&self.provider)),
            ("pathway", get(&self.pathway)),
            ("area", get(&self.area)),
        ]
    }
}

fn pathways() -> Vec<Choice> {
    Choice::list(
        Pathway::ALL
            .iter()
            .map(|p| (p.code().to_owned(), p.label().to_owned())),
    )
}

fn areas() -> Vec<Choice> {
    Choice::list(
        LicensureArea::ALL
            .iter()
            .map(|a| (a.code().to_owned(), a.label().to_owned())),
    )
}

fn grade_bands() -> Vec<Choice> {
    Choice::list(
        GradeBand::ALL
            .iter()
            .map(|g| (g.code().to_owned(), g.label().to_owned())),
    )
}

#[derive(Template)]
#[template(path = "programs/list.html")]
struct ListPage {
    layout: Layout,
    programs: Vec<Program>,
    pager: Pager,
    query: ProgramQuery,
    pathways: Vec<Choice>,
    areas: Vec<Choice>,
    can_create: bool,
    csv_href: String,
}

pub async fn list(guard: Guard, Query(query): Query<ProgramQuery>) -> PageResult<Response> {
    let page = Page::new(number(&query.page), None);
    let (programs, total) = guard.programs(&query.filter(), page).await?;
    let pairs = query.pairs();
    let view = ListPage {
        layout: Layout::new(&guard, "Programs", "/programs"),
        pager: Pager::new("/programs", &pairs, page, total),
        csv_href: format!("/programs.csv?{}", query_string(&pairs)),
        programs,
        pathways: pathways(),
        areas: areas(),
        can_create: !guard.managed_providers().await?.is_empty(),
        query,
    };
    render(&view)
}

pub async fn export(guard: Guard, Query(query): Query<ProgramQuery>) -> PageResult<Response> {
    let (programs, _) = guard.programs(&query.filter(), Page::all()).await?;
    let header = [
        "id",
        "provider_id",
        "provider_name",
        "name",
        "licensure_areas",
        "grade_band",
        "pathway",
    ];
    let rows = programs.into_iter().map(|p| {
        vec![
            p.id.to_string(),
            p.provider_id.to_string(),
            p.provider_name.clone(),
            p.name.clone(),
            p.areas.replace(',', ";"),
            p.grade_band.clone(),
            p.pathway.clone(),
        ]
    });
    Ok(csv_export::download("programs.csv", &header, rows)?)
}

#[derive(Template)]
#[template(path = "programs/show.html")]
struct ShowPage {
    layout: Layout,
    program: Program,
    can_edit: bool,
    saved: bool,
}

pub async fn show(
    guard: Guard,
    Id(id): Id,
    Query(query): Query<ProgramQuery>,
) -> PageResult<Response> {
    let program = guard.program(id).await?;
    let view = ShowPage {
        layout: Layout::new(&guard, program.name.clone(), "/programs"),
        can_edit: guard.can_manage_program(&program),
        saved: query.saved.is_some(),
        program,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "programs/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    form: ProgramFields,
    errors: FieldErrors,
    providers: Vec<Choice>,
    areas: Vec<Choice>,
    grade_bands: Vec<Choice>,
    pathways: Vec<Choice>,
}

async fn form_page(
    guard: &Guard,
    id: Option<i64>,
    form: ProgramFields,
    errors: FieldErrors,
) -> PageResult<Response> {
    let providers = guard.managed_providers().await?;
    let title = if id.is_some() {
        format!("Edit {}", form.name)
    } else {
        "Add a program".to_owned()
    };
    let view = FormPage {
        layout: Layout::new(guard, title, "/programs"),
        action: id.map_or("/programs".to_owned(), |id| format!("/programs/{id}")),
        editing: id.is_some(),
        providers: Choice::list(
            providers
                .into_iter()
                .map(|(id, name)| (id.to_string(), name)),
        ),
        areas: areas(),
        grade_bands: grade_bands(),
        pathways: pathways(),
        form,
        errors: errors.clone(),
    };
    render_form(&view, &errors)
}

pub async fn new(guard: Guard) -> PageResult<Response> {
    if guard.managed_providers().await?.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    form_page(
        &guard,
        None,
        ProgramFields::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn create(Submitted { guard, form }: Submitted<ProgramFields>) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .create_program(&draft)
            .await
            .map(|id| format!("/programs/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| form_page(&guard, None, form, errors)).await
}

pub async fn edit(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let program = guard.program(id).await?;
    if !guard.can_manage_program(&program) {
        return Err(AppError::Forbidden.into());
    }
    let form = ProgramFields {
        provider_id: program.provider_id.to_string(),
        name: program.name.clone(),
        areas: program
            .areas()
            .iter()
            .map(|a| a.code().to_owned())
            .collect(),
        grade_band: program.grade_band.clone(),
        pathway: program.pathway.clone(),
    };
    form_page(&guard, Some(id), form, FieldErrors::default()).await
}

pub async fn update(
    Id(id): Id,
    Submitted { guard, form }: Submitted<ProgramFields>,
) -> PageResult<Response> {
    let result = match form.parse() {
        Ok(draft) => guard
            .update_program(id, &draft)
            .await
            .map(|()| format!("/programs/{id}?saved=1")),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    saved_or_form(result, |errors| form_page(&guard, Some(id), form, errors)).await
}
