//! Administration: API tokens, directory imports with progress, and the access log.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tandem_domain::{FieldErrors, input};
use tandem_store::Page;
use tandem_store::audit::AccessEntry;
use tandem_store::auth::ApiToken;
use tandem_store::imports::ImportJob;

use super::{Choice, Id, Layout, Pager, number, render, render_form, when};
use crate::AppState;
use crate::error::{AppError, PageResult};
use crate::form::Submitted;
use crate::guard::Guard;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/tokens", get(tokens).post(create_token))
        .route("/admin/tokens/{id}/revoke", post(revoke_token))
        .route(
            "/admin/import",
            get(import_form)
                .post(import_upload)
                .layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route("/admin/imports/{id}", get(import_job))
        .route("/admin/access-log", get(access_log))
        .route("/admin/access-log.csv", get(export_access_log))
}

// ---- API tokens ----

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<ApiToken>,
    orgs: Vec<Choice>,
    form: TokenForm,
    errors: FieldErrors,
    created: Option<String>,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    access: String,
}

async fn tokens_page(
    guard: &Guard,
    form: TokenForm,
    errors: FieldErrors,
    created: Option<String>,
) -> PageResult<Response> {
    let tokens = guard.tokens().await?;
    let scope = guard.principal.scope_of(&[tandem_domain::Role::Admin]);
    let orgs = if scope.everything {
        guard.orgs_for_new_people().await?
    } else {
        let mut orgs = Vec::new();
        for id in &scope.orgs {
            orgs.push((*id, guard.org(*id).await?.name));
        }
        orgs
    };
    let view = TokensPage {
        layout: Layout::new(guard, "API tokens", "/admin/tokens"),
        tokens,
        orgs: Choice::list(orgs.into_iter().map(|(id, name)| (id.to_string(), name))),
        form,
        errors: errors.clone(),
        created,
    };
    render_form(&view, &errors)
}

async fn tokens(guard: Guard) -> PageResult<Response> {
    tokens_page(
        &guard,
        TokenForm {
            access: "read".into(),
            ..TokenForm::default()
        },
        FieldErrors::default(),
        None,
    )
    .await
}

async fn create_token(Submitted { guard, form }: Submitted<TokenForm>) -> PageResult<Response> {
    let mut errors = FieldErrors::default();
    let name = input::name(&mut errors, "name", &form.name);
    let org_id = input::id(&mut errors, "org_id", &form.org_id, "the organization");
    let can_write = match form.access.as_str() {
        "read" => false,
        "write" => true,
        _ => {
            errors.add("access", "Choose what the token may do");
            false
        }
    };
    let result = match org_id {
        Some(org_id) if errors.is_empty() => guard.create_token(org_id, &name, can_write).await,
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok((_, secret)) => {
            tokens_page(
                &guard,
                TokenForm::default(),
                FieldErrors::default(),
                Some(secret),
            )
            .await
        }
        Err(AppError::Invalid(errors)) => tokens_page(&guard, form, errors, None).await,
        Err(other) => Err(other.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct NoFields {}

async fn revoke_token(
    Id(id): Id,
    Submitted { guard, .. }: Submitted<NoFields>,
) -> PageResult<Response> {
    guard.revoke_token(id).await?;
    Ok(Redirect::to("/admin/tokens").into_response())
}

// ---- imports ----

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    layout: Layout,
    jobs: Vec<ImportJob>,
    error: Option<String>,
}

async fn import_form(guard: Guard) -> PageResult<Response> {
    let jobs = guard.import_jobs().await?;
    render(&ImportPage {
        layout: Layout::new(&guard, "Import schools", "/admin/import"),
        jobs,
        error: None,
    })
}

/// Takes the upload, starts the import in the background and shows its progress page.
async fn import_upload(guard: Guard, mut multipart: Multipart) -> PageResult<Response> {
    let store = guard.admin_store()?.clone();
    let (csrf, file) = crate::form::read_upload(&mut multipart).await?;
    guard.check_csrf(&csrf)?;
    let Some((name, bytes)) = file else {
        let jobs = guard.import_jobs().await?;
        let view = ImportPage {
            layout: Layout::new(&guard, "Import schools", "/admin/import"),
            jobs,
            error: Some("Select an NCES school directory file (.csv)".into()),
        };
        let mut response = render(&view)?;
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    };
    let person = guard.principal.person_id.unwrap_or_default();
    let job = store.start_import(&name, person).await?;
    tokio::spawn(run_import(store, job, name, bytes));
    Ok(Redirect::to(&format!("/admin/imports/{job}")).into_response())
}

/// Runs an import: reads the file recording rows read as it goes, then writes it in one
/// transaction (progress writes are finished first, so they never wait on that transaction).
async fn run_import(store: tandem_store::Store, job: i64, name: String, bytes: Vec<u8>) {
    let started = std::time::Instant::now();
    let (sender, mut receiver) = tokio::sync::watch::channel(0usize);
    let progress_store = store.clone();
    let progress = tokio::spawn(async move {
        while receiver.changed().await.is_ok() {
            let rows = *receiver.borrow_and_update() as i64;
            let _ = progress_store.import_progress(job, rows).await;
        }
    });
    let read = tandem_store::nces::read_schools(&name, std::io::Cursor::new(bytes), move |rows| {
        let _ = sender.send(rows);
    })
    .await;
    let _ = progress.await;
    let result = match read {
        Ok(schools) => store.import_nces(&schools).await.map_err(Into::into),
        Err(error) => Err(error),
    };
    let (ok, message) = match result {
        Ok(s) => (
            true,
            format!(
                "imported schools={} districts={} updated={} unchanged={} in {:.2}s",
                s.schools,
                s.districts,
                s.updated,
                s.unchanged,
                started.elapsed().as_secs_f64()
            ),
        ),
        Err(error) => (false, error.to_string()),
    };
    if let Err(error) = store.finish_import(job, ok, &message).await {
        tracing::error!(%error, job, "could not record the end of an import");
    }
}

#[derive(Template)]
#[template(path = "admin/import_job.html")]
struct ImportJobPage {
    layout: Layout,
    job: ImportJob,
    started: String,
}

async fn import_job(guard: Guard, Id(id): Id) -> PageResult<Response> {
    let job = guard.import_job(id).await?;
    let view = ImportJobPage {
        layout: Layout::new(
            &guard,
            format!("Import of {}", job.file_name),
            "/admin/import",
        ),
        started: when(job.created_at),
        job,
    };
    render(&view)
}

// ---- access log ----

#[derive(Template)]
#[template(path = "admin/access_log.html")]
struct AccessLogPage {
    layout: Layout,
    entries: Vec<(AccessEntry, String)>,
    pager: Pager,
    csv_href: String,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct LogQuery {
    person: Option<String>,
    page: Option<String>,
}

async fn access_log(guard: Guard, Query(query): Query<LogQuery>) -> PageResult<Response> {
    let page = Page::new(number(&query.page), None);
    let (entries, total) = guard.access_log(number(&query.person), page).await?;
    let pairs = vec![("person", query.person.clone().unwrap_or_default())];
    let view = AccessLogPage {
        layout: Layout::new(&guard, "Access log", "/admin/access-log"),
        entries: entries
            .into_iter()
            .map(|e| {
                let at = when(e.at);
                (e, at)
            })
            .collect(),
        pager: Pager::new("/admin/access-log", &pairs, page, total),
        csv_href: format!("/admin/access-log.csv?{}", super::query_string(&pairs)),
    };
    render(&view)
}

async fn export_access_log(guard: Guard, Query(query): Query<LogQuery>) -> PageResult<Response> {
    let (entries, _) = guard.access_log(number(&query.person), Page::all()).await?;
    let rows = entries.into_iter().map(|e| {
        vec![
            when(e.at),
            e.actor_person_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            e.actor_name.unwrap_or_default(),
            e.actor_token_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            e.action,
            e.subject_person_id.to_string(),
            e.subject_name.unwrap_or_default(),
            e.channel,
        ]
    });
    let header = [
        "at",
        "actor_person_id",
        "actor_name",
        "actor_token_id",
        "action",
        "subject_person_id",
        "subject_name",
        "channel",
    ];
    Ok(crate::csv_export::download(
        "access-log.csv",
        &header,
        rows,
    )?)
}
