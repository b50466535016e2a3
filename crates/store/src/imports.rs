//! Import jobs started from the upload page: their progress lives in the database, so any server
//! of a cluster can show it.

use crate::sql::Sql;
use crate::{Page, Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ImportJob {
    pub id: i64,
    pub file_name: String,
    pub started_by: Option<i64>,
    /// running, done or failed.
    pub status: String,
    pub rows_read: i64,
    pub message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT id, file_name, started_by, status, rows_read, message, created_at, updated_at FROM imports";

impl Store {
    pub async fn start_import(&self, file_name: &str, started_by: i64) -> Result<i64> {
        let now = now();
        let mut sql = Sql::new(
            "INSERT INTO imports (file_name, started_by, status, rows_read, created_at, updated_at) VALUES (",
        );
        sql.bind(file_name)
            .push(", ")
            .bind(started_by)
            .push(", 'running', 0, ")
            .bind(now)
            .push(", ")
            .bind(now);
        sql.push(") RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    pub async fn import_progress(&self, id: i64, rows_read: i64) -> Result<()> {
        let mut sql = Sql::new("UPDATE imports SET rows_read = ");
        sql.bind(rows_read)
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// Ends a job as `done` or `failed` with the line a person reads.
    pub async fn finish_import(&self, id: i64, succeeded: bool, message: &str) -> Result<()> {
        let mut sql = Sql::new("UPDATE imports SET status = ");
        sql.bind(if succeeded { "done" } else { "failed" })
            .push(", message = ")
            .bind(message);
        sql.push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    pub async fn import_job(&self, id: i64) -> Result<ImportJob> {
        let mut sql = Sql::new(SELECT);
        sql.push(" WHERE id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn import_jobs(&self, page: Page) -> Result<Vec<ImportJob>> {
        let mut sql = Sql::new(SELECT);
        sql.push(" ORDER BY id DESC");
        page.apply(&mut sql);
        sql.fetch_all(self.pool()).await
    }
}
