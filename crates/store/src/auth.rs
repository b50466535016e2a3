//! Server-side sessions and API tokens. Only SHA-256 hashes of their secrets are stored, so a copy
//! of the database does not let anyone sign in.

use tandem_domain::Scope;

use crate::sql::Sql;
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Session {
    pub person_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub name: String,
    pub can_write: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const TOKEN: &str = "SELECT t.id, t.org_id, o.name AS org_name, t.name, t.can_write, t.created_by, t.created_at, \
     t.last_used_at, t.revoked_at FROM api_tokens t JOIN organizations o ON o.id = t.org_id";

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        person_id: i64,
        csrf_token: &str,
    ) -> Result<()> {
        let now = now();
        let mut sql = Sql::new(
            "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, last_seen_at) VALUES (",
        );
        sql.bind(token_hash)
            .push(", ")
            .bind(person_id)
            .push(", ")
            .bind(csrf_token);
        sql.push(", ").bind(now).push(", ").bind(now).push(")");
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// The session of an enabled person.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let mut sql = Sql::new(
            "SELECT s.person_id, s.csrf_token, s.created_at, s.last_seen_at FROM sessions s \
             JOIN people p ON p.id = s.person_id WHERE p.disabled = 0 AND s.token_hash = ",
        );
        sql.bind(token_hash);
        sql.fetch_optional(self.pool()).await
    }

    /// Records activity, at most once a minute so reads stay reads.
    pub async fn touch_session(&self, token_hash: &str, at: i64) -> Result<()> {
        let mut sql = Sql::new("UPDATE sessions SET last_seen_at = ");
        sql.bind(at)
            .push(" WHERE token_hash = ")
            .bind(token_hash)
            .push(" AND last_seen_at < ")
            .bind(at - 60);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        let mut sql = Sql::new("DELETE FROM sessions WHERE token_hash = ");
        sql.bind(token_hash).query().execute(self.pool()).await?;
        Ok(())
    }

    /// Signs a person out everywhere (password change, account disabled).
    pub async fn end_sessions_of(&self, person_id: i64) -> Result<()> {
        let mut sql = Sql::new("DELETE FROM sessions WHERE person_id = ");
        sql.bind(person_id).query().execute(self.pool()).await?;
        Ok(())
    }

    /// Removes sessions idle since `idle_before` or started before `started_before`.
    pub async fn purge_sessions(&self, idle_before: i64, started_before: i64) -> Result<u64> {
        let mut sql = Sql::new("DELETE FROM sessions WHERE last_seen_at < ");
        sql.bind(idle_before)
            .push(" OR created_at < ")
            .bind(started_before);
        Ok(sql.query().execute(self.pool()).await?.rows_affected())
    }

    pub async fn create_token(
        &self,
        org_id: i64,
        name: &str,
        token_hash: &str,
        can_write: bool,
        created_by: Option<i64>,
    ) -> Result<i64> {
        let mut sql = Sql::new(
            "INSERT INTO api_tokens (org_id, name, token_hash, can_write, created_by, created_at) VALUES (",
        );
        sql.bind(org_id)
            .push(", ")
            .bind(name)
            .push(", ")
            .bind(token_hash)
            .push(", ")
            .bind(can_write);
        sql.push(", ")
            .bind(created_by)
            .push(", ")
            .bind(now())
            .push(") RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    /// A token that has not been revoked, and marks it used.
    pub async fn live_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let mut sql = Sql::new(TOKEN);
        sql.push(" WHERE t.revoked_at IS NULL AND t.token_hash = ")
            .bind(token_hash);
        let token: Option<ApiToken> = sql.fetch_optional(self.pool()).await?;
        if let Some(token) = &token {
            let now = now();
            if token.last_used_at.is_none_or(|at| at < now - 60) {
                let mut touch = Sql::new("UPDATE api_tokens SET last_used_at = ");
                touch
                    .bind(now)
                    .push(" WHERE id = ")
                    .bind(token.id)
                    .query()
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(token)
    }

    pub async fn api_token(&self, id: i64) -> Result<ApiToken> {
        let mut sql = Sql::new(TOKEN);
        sql.push(" WHERE t.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Tokens of the organizations in `scope`, newest first.
    pub async fn api_tokens(&self, scope: &Scope) -> Result<Vec<ApiToken>> {
        let mut sql = Sql::new(TOKEN);
        sql.push(" WHERE ")
            .scope(scope, "o.id", "o.parent_id", "o.state_code");
        sql.push(" ORDER BY t.created_at DESC, t.id DESC");
        sql.fetch_all(self.pool()).await
    }

    pub async fn revoke_token(&self, id: i64) -> Result<()> {
        let mut sql = Sql::new("UPDATE api_tokens SET revoked_at = ");
        sql.bind(now())
            .push(" WHERE revoked_at IS NULL AND id = ")
            .bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }
}
