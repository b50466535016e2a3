//! Signing in and out.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use tandem_domain::FieldErrors;

use crate::AppState;
use crate::auth::{
    SESSION_COOKIE, SIGNIN_COOKIE, load_session, random_token, session_cookie, sha256_hex,
    verify_password,
};
use crate::error::{AppError, PageResult};
use crate::form::Submitted;

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    csrf: String,
    email: String,
    errors: FieldErrors,
}

fn signin_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SIGNIN_COOKIE, value))
        .path("/signin")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

pub async fn form(State(state): State<AppState>, jar: CookieJar) -> PageResult<Response> {
    if let Some(cookie) = jar.get(SESSION_COOKIE)
        && load_session(&state, cookie.value()).await?.is_some()
    {
        return Ok(Redirect::to("/").into_response());
    }
    let csrf = random_token();
    let page = SignInPage {
        csrf: csrf.clone(),
        email: String::new(),
        errors: FieldErrors::default(),
    };
    Ok((
        jar.add(signin_cookie(csrf, state.config.secure)),
        super::render(&page)?,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    axum::Form(form): axum::Form<SignInForm>,
) -> PageResult<Response> {
    let expected = jar
        .get(SIGNIN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || expected != form.csrf {
        return Err(AppError::BadRequest(
            "The sign-in form had expired. Go back, reload the page and try again.".into(),
        )
        .into());
    }
    let email = form.email.trim().to_lowercase();
    let mut errors = FieldErrors::default();
    if email.is_empty() {
        errors.add("email", "Enter your e-mail address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    let person = if errors.is_empty() {
        state.store.person_by_email(&email).await?
    } else {
        None
    };
    let hash = person.as_ref().and_then(|(_, hash)| hash.clone());
    let valid = errors.is_empty() && verify_password(form.password, hash).await;
    let person = person
        .filter(|(p, _)| valid && p.disabled == 0)
        .map(|(p, _)| p);
    let Some(person) = person else {
        if errors.is_empty() {
            errors.add("email", "The e-mail address or password is not right");
        }
        let page = SignInPage {
            csrf: expected,
            email,
            errors,
        };
        let mut response = super::render(&page)?;
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    };
    // A new token at every sign-in: a token planted before sign-in is worthless, and the
    // session of an earlier cookie ends.
    if let Some(old) = jar.get(SESSION_COOKIE) {
        state.store.end_session(&sha256_hex(old.value())).await?;
    }
    let token = random_token();
    state
        .store
        .create_session(&sha256_hex(&token), person.id, &random_token())
        .await?;
    tracing::info!(person = person.id, "signed in");
    let jar = jar
        .remove(signin_cookie(String::new(), state.config.secure))
        .add(session_cookie(token, state.config.secure));
    Ok((jar, Redirect::to("/")).into_response())
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub async fn sign_out(
    State(state): State<AppState>,
    jar: CookieJar,
    submitted: Submitted<Empty>,
) -> PageResult<Response> {
    if let Some(session) = &submitted.guard.session {
        state.store.end_session(&session.token_hash).await?;
    }
    let jar = jar.remove(session_cookie(String::new(), state.config.secure));
    Ok((jar, Redirect::to("/signin")).into_response())
}
