//! Reading submitted forms: every state-changing form carries the session's CSRF token in
//! `_csrf`, checked here before the handler sees the fields.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{AppError, PageError};
use crate::guard::Guard;

/// The caller and the form they submitted, CSRF-checked. Repeated fields (checkboxes) become lists.
pub struct Submitted<T> {
    pub guard: Guard,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Submitted<T> {
    type Rejection = axum::response::Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let (mut parts, body) = request.into_parts();
        let guard = <Guard as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, state,
        )
        .await
        .map_err(IntoResponse::into_response)?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                PageError(AppError::BadRequest("The form could not be read.".into()))
                    .into_response()
            })?;
        let csrf: CsrfField = serde_html_form::from_bytes(&bytes).unwrap_or(CsrfField {
            csrf: String::new(),
        });
        guard
            .check_csrf(&csrf.csrf)
            .map_err(|e| PageError(e).into_response())?;
        let form = serde_html_form::from_bytes(&bytes).map_err(|error| {
            PageError(AppError::BadRequest(format!(
                "The form could not be read: {error}"
            )))
            .into_response()
        })?;
        Ok(Submitted { guard, form })
    }
}

/// The CSRF token and the file of an upload form.
pub async fn read_upload(
    multipart: &mut axum::extract::Multipart,
) -> Result<(String, Option<(String, Vec<u8>)>), AppError> {
    let mut csrf = String::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?
    {
        match field.name() {
            Some("_csrf") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.body_text()))?
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::BadRequest(e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    Ok((csrf, file.filter(|(_, bytes)| !bytes.is_empty())))
}
