//! Who is asking: sessions (browser) and bearer tokens (programs), passwords and CSRF tokens.

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use sha2::{Digest, Sha256};
use tandem_domain::{Grant, OrgKind, Principal, Role};
use tandem_store::audit::Actor;
use tandem_store::people::Person;

use crate::AppState;
use crate::error::AppError;
use crate::guard::Guard;

pub const SESSION_COOKIE: &str = "tandem_session";
/// Double-submit cookie that protects the sign-in form, before there is a session.
pub const SIGNIN_COOKIE: &str = "tandem_signin";
/// Prefix of API tokens, so a leaked one is recognisable in a scan.
const TOKEN_PREFIX: &str = "tdm_";

/// 256 random bits as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hashes with argon2id on a blocking thread: hashing takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// Checks a password on a blocking thread. A missing hash still costs a hash, so timing does not
/// tell whether an account exists.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        }) && hash != DUMMY_HASH
    })
    .await
    .unwrap_or(false)
}

const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0RZ0aGz2xkGq3Y4Xl1xJx3bUe6J0JwK4vX2PqH3s3nM";

/// A new API token secret and the hash to store.
pub fn new_api_token() -> (String, String) {
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let hash = sha256_hex(&secret);
    (secret, hash)
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

/// The signed-in person behind a request, with their CSRF token.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub token_hash: String,
    pub csrf_token: String,
    pub person: Person,
}

/// Resolves the caller: a bearer token on `/api/` paths, else the session cookie.
impl FromRequestParts<AppState> for Guard {
    type Rejection = crate::error::ApiOrPage;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let reject = |error: AppError| crate::error::ApiOrPage { api, error };
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if let Some(secret) = bearer.filter(|_| api) {
            return token_guard(state, secret).await.map_err(reject);
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let session = match jar.get(SESSION_COOKIE) {
            Some(cookie) => load_session(state, cookie.value()).await.map_err(reject)?,
            None => None,
        };
        let session = session.ok_or_else(|| reject(AppError::Unauthenticated))?;
        let grants = state
            .store
            .grants(session.person.id)
            .await
            .map_err(|e| reject(e.into()))?;
        let principal = Principal {
            person_id: Some(session.person.id),
            is_admin: session.person.is_admin(),
            grants,
        };
        let actor = Actor {
            person_id: Some(session.person.id),
            token_id: None,
        };
        Ok(Guard::new(
            state.store.clone(),
            principal,
            actor,
            if api { "api" } else { "web" },
            Some(session),
        ))
    }
}

/// The session behind a cookie, if it is live: unknown, idle or too old sessions end here.
pub async fn load_session(state: &AppState, token: &str) -> Result<Option<SessionInfo>, AppError> {
    let token_hash = sha256_hex(token);
    let Some(session) = state.store.session(&token_hash).await? else {
        return Ok(None);
    };
    let now = tandem_store::now();
    let idle = now - session.last_seen_at > state.config.idle_timeout_secs;
    let too_old = now - session.created_at > state.config.absolute_timeout_secs;
    if idle || too_old {
        state.store.end_session(&token_hash).await?;
        return Ok(None);
    }
    state.store.touch_session(&token_hash, now).await?;
    let person = state.store.person(session.person_id).await?;
    Ok(Some(SessionInfo {
        token_hash,
        csrf_token: session.csrf_token,
        person,
    }))
}

/// A token acts in its organization as a data lead (read) or a coordinator (read and write).
async fn token_guard(state: &AppState, secret: &str) -> Result<Guard, AppError> {
    let token = state
        .store
        .live_token(&sha256_hex(secret))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let org = state.store.org(token.org_id).await?;
    let role = if token.can_write != 0 {
        Role::Coordinator
    } else {
        Role::DataLead
    };
    let grant = Grant {
        org_id: org.id,
        org_kind: org.kind().unwrap_or(OrgKind::Provider),
        org_state: org.state_code.clone(),
        role,
    };
    let principal = Principal {
        person_id: None,
        is_admin: false,
        grants: vec![grant],
    };
    let actor = Actor {
        person_id: None,
        token_id: Some(token.id),
    };
    Ok(Guard::new(
        state.store.clone(),
        principal,
        actor,
        "api",
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong horse battery".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
    }

    #[test]
    fn tokens_are_long_and_hashes_are_stable() {
        assert_eq!(random_token().len(), 64);
        assert_ne!(random_token(), random_token());
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
