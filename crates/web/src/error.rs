//! One error type for every handler. Pages render it as an HTML page (or send the person to sign
//! in); the API renders it as an RFC 9457 problem body. Internals go to the log, never the response.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use tandem_domain::{FieldError, FieldErrors};
use tandem_store::StoreError;
use utoipa::ToSchema;

#[derive(Debug)]
pub enum AppError {
    /// No valid session or token.
    Unauthenticated,
    /// Signed in, but this is not theirs to do.
    Forbidden,
    NotFound,
    /// The input was wrong; nothing was saved.
    Invalid(FieldErrors),
    /// The request itself was malformed (bad JSON, bad CSRF token…).
    BadRequest(String),
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { field, message } => {
                AppError::Invalid(FieldErrors::single(field, message))
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "Sign in to continue",
            AppError::Forbidden => "You do not have access to this",
            AppError::NotFound => "Page not found",
            AppError::Invalid(_) => "There is a problem with what was sent",
            AppError::BadRequest(_) => "The request could not be read",
            AppError::Internal(_) => "Sorry, something went wrong on our side",
        }
    }

    fn detail(&self) -> String {
        match self {
            AppError::Unauthenticated => {
                "Sign in, or send a valid API token as 'Authorization: Bearer …'.".into()
            }
            AppError::Forbidden => {
                "Your roles do not allow this. Ask an administrator of the organization.".into()
            }
            AppError::NotFound => {
                "It may have been moved or removed, or you may not have access to it.".into()
            }
            AppError::Invalid(errors) => errors.to_string(),
            AppError::BadRequest(detail) => detail.clone(),
            AppError::Internal(_) => "The problem has been logged. Try again in a moment.".into(),
        }
    }

    fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(%detail, "request failed");
        }
    }
}

/// A problem body (RFC 9457) with the field errors of a rejected input.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The API's error: a JSON problem.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        error.log();
        let status = error.status();
        let slug = match &error {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::Invalid(_) => "validation",
            AppError::BadRequest(_) => "bad-request",
            AppError::Internal(_) => "internal",
        };
        let problem = Problem {
            kind: format!("https://tandem.example/problems/{slug}"),
            title: error.title().to_owned(),
            status: status.as_u16(),
            detail: error.detail(),
            errors: match error {
                AppError::Invalid(errors) => errors.0,
                _ => Vec::new(),
            },
        };
        let mut response = (status, Json(problem)).into_response();
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

/// A page's error: an HTML page, or the sign-in page for someone not signed in.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> Self {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = self.0;
        error.log();
        if matches!(error, AppError::Unauthenticated) {
            return Redirect::to("/signin").into_response();
        }
        let page = crate::pages::ErrorPage {
            title: error.title(),
            detail: error.detail(),
        };
        match askama::Template::render(&page) {
            Ok(html) => (error.status(), Html(html)).into_response(),
            Err(_) => (error.status(), error.title()).into_response(),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
pub type PageResult<T> = Result<T, PageError>;

/// A rejection from an extractor shared by pages and the API: rendered the way the path expects.
#[derive(Debug)]
pub struct ApiOrPage {
    pub api: bool,
    pub error: AppError,
}

impl IntoResponse for ApiOrPage {
    fn into_response(self) -> Response {
        if self.api {
            ApiError(self.error).into_response()
        } else {
            PageError(self.error).into_response()
        }
    }
}

/// The problems an API read may answer with, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ReadProblems {
    /// A malformed parameter.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No valid token or session.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
    /// No such record, or not one the caller may see.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// The problems an API write may answer with, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum WriteProblems {
    /// A malformed body or parameter, or a write without a bearer token.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No valid token.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
    /// The caller's roles do not allow this change.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such record, or not one the caller may see.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The input breaks a rule; `errors` names each field.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
}
