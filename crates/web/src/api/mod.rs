//! The JSON API under `/api/v1/`. Routes are registered with their OpenAPI description in one
//! place (`utoipa_axum::routes!`), so the document served at `/api/openapi.json` cannot miss one.
//! Every handler goes through the [`Guard`], like the pages do.

/// Declares a page of results of one item type.
macro_rules! page_of {
    ($name:ident, $item:ty) => {
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            items: Vec<$item>,
            total: i64,
            page: i64,
            per_page: i64,
        }

        impl $name {
            pub(super) fn new(items: Vec<$item>, total: i64, page: tandem_store::Page) -> Self {
                $name {
                    items,
                    total,
                    page: page.number,
                    per_page: page.size,
                }
            }
        }
    };
}

mod directory;
mod partnerships;
mod placements;
mod training;
mod work;

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, AppError};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tandem API",
        description = "The directory of a district–preparation partnership: organizations, programs, people and roles. \
                       Authenticate with an API token: `Authorization: Bearer tdm_…`. Errors are RFC 9457 problem bodies.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem)),
    security(("bearer" = [])),
    tags(
        (name = "directory", description = "Organizations, programs, people and their roles"),
        (name = "partnerships", description = "Partnerships, agreements, goals, feedback, meetings, action items, improvement cycles, self-assessments and the toolkit"),
        (name = "placements", description = "Placement terms, hosting, mentors and their eligibility, candidates, match runs and placements"),
        (name = "training", description = "Training modules and completions, and calibration agreement")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(directory::me))
        .routes(routes!(
            directory::list_organizations,
            directory::create_organization
        ))
        .routes(routes!(
            directory::get_organization,
            directory::update_organization
        ))
        .routes(routes!(directory::list_programs, directory::create_program))
        .routes(routes!(directory::get_program, directory::update_program))
        .routes(routes!(directory::list_people, directory::create_person))
        .routes(routes!(directory::get_person, directory::update_person))
        .routes(routes!(
            directory::list_memberships,
            directory::create_membership
        ))
        .routes(routes!(
            directory::get_membership,
            directory::delete_membership
        ))
        .routes(routes!(partnerships::list_partnerships))
        .routes(routes!(partnerships::get_partnership))
        .routes(routes!(partnerships::get_agreement))
        .routes(routes!(
            partnerships::list_feedback,
            partnerships::raise_feedback
        ))
        .routes(routes!(partnerships::list_goals))
        .routes(routes!(partnerships::get_feedback))
        .routes(routes!(partnerships::respond_to_feedback))
        .routes(routes!(work::list_people))
        .routes(routes!(work::list_meetings))
        .routes(routes!(work::list_actions, work::create_action))
        .routes(routes!(work::list_cycles))
        .routes(routes!(work::get_assessments))
        .routes(routes!(work::list_frameworks))
        .routes(routes!(work::list_toolkit))
        .routes(routes!(placements::get_term, placements::update_term))
        .routes(routes!(placements::list_terms, placements::create_term))
        .routes(routes!(placements::list_hosting))
        .routes(routes!(placements::answer_hosting))
        .routes(routes!(placements::list_mentors, placements::save_mentor))
        .routes(routes!(
            placements::list_candidates,
            placements::add_candidate
        ))
        .routes(routes!(placements::list_runs, placements::start_run))
        .routes(routes!(placements::run_progress))
        .routes(routes!(placements::run_results))
        .routes(routes!(placements::list_placements))
        .routes(routes!(placements::get_placement))
        .routes(routes!(placements::district_answer))
        .routes(routes!(placements::lock_placement))
        .routes(routes!(placements::list_supervisors))
        .routes(routes!(placements::set_supervisor_base))
        .routes(routes!(training::get_training))
        .routes(routes!(training::record_completions))
        .routes(routes!(training::get_calibration))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Page number, from 1.
    page: Option<i64>,
    /// Items per page, 1 to 500 (default 50).
    per_page: Option<i64>,
}

impl Paging {
    fn page(&self) -> tandem_store::Page {
        tandem_store::Page::new(self.page, self.per_page)
    }
}

/// A JSON body whose problems come back as a problem body, not plain text.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(ApiError(AppError::BadRequest(rejection.body_text()))),
        }
    }
}

/// Query parameters whose problems come back as a problem body.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> axum::extract::FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError(AppError::BadRequest(rejection.body_text()))),
        }
    }
}

/// A path id whose problems come back as a problem body.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> axum::extract::FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(_) => Err(ApiError(AppError::NotFound)),
        }
    }
}
