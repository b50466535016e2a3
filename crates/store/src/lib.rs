//! Tandem's persistence. One [`Store`] over SQLite (the embedded default) or PostgreSQL, chosen by
//! the database URL at start-up.
//!
//! Both backends run the same SQL through sqlx's `Any` driver, so they cannot drift apart in
//! behaviour. To make that possible the schema keeps to types both read alike: 64-bit integers
//! (ids, counts, Unix-second times, 0/1 flags), doubles and text. Each backend has its own
//! migrations, which differ only in how they spell those types.

mod sql;

pub mod assessments;
pub mod audit;
pub mod auth;
pub mod calibration;
pub mod cycles;
pub mod imports;
pub mod meetings;
pub mod nces;
pub mod orgs;
pub mod outbox;
pub mod partnerships;
pub mod people;
pub mod placements;
pub mod programs;
pub mod toolkit;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use sql::Page;

/// The default database: a SQLite file under `./tandem-data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tandem-data/tandem.db";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; `field` names the input that caused it.
    #[error("{field}: {message}")]
    Conflict {
        field: &'static str,
        message: &'static str,
    },
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Stored data no longer reads as what it should be.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Turns a unique-constraint violation into a conflict on `field`; other errors pass through.
    pub(crate) fn unique(
        error: sqlx::Error,
        field: &'static str,
        message: &'static str,
    ) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict { field, message }
            }
            _ => StoreError::Database(error),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The URL it was opened with, which names the database.
    url: std::sync::Arc<str>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects to `url`, creating a SQLite file (and its folder) when it does not exist yet.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; a writer waits up to 5 s.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool,
            backend,
            url: url.into(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Which database this is (its URL), for bookkeeping kept in memory per database.
    pub fn database(&self) -> &str {
        &self.url
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        self.sync_shipped().await
    }

    /// Brings what Tandem ships as data (the toolkit, the self-assessment frameworks) up to date.
    async fn sync_shipped(&self) -> Result<()> {
        let toolkit = tandem_domain::toolkit::builtin().map_err(StoreError::Corrupt)?;
        self.sync_toolkit(&toolkit).await?;
        for (file, text) in tandem_domain::depth::BUILTIN {
            let framework = tandem_domain::depth::Framework::parse(text)
                .map_err(|e| StoreError::Corrupt(format!("{file}: {e}")))?;
            self.load_framework(&framework, text, None).await?;
        }
        Ok(())
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Runs one statement without parameters: for administration tasks such as creating a
    /// PostgreSQL schema for a test, never with input from outside.
    pub async fn execute_raw(&self, sql: &str) -> Result<()> {
        sqlx::query(sql).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Writes a consistent copy of a SQLite database to `target` while others keep using it.
    /// (PostgreSQL is backed up with its own tools; see `tandem backup`.)
    pub async fn backup_sqlite(&self, target: &Path) -> Result<()> {
        let target = target.to_string_lossy().replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{target}'"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `PRAGMA integrity_check` on SQLite; PostgreSQL always answers `ok`.
    pub async fn integrity_check(&self) -> Result<String> {
        if self.backend == Backend::Postgres {
            return Ok("ok".to_owned());
        }
        let row: (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.0)
    }
}

/// Makes sure the folder of a SQLite file exists and asks sqlx to create the file.
fn sqlite_url(url: &str) -> Result<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path == ":memory:" {
        return Ok("sqlite::memory:".to_owned());
    }
    {
        if let Some(dir) = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)?;
        }
    }
    let query = if query.contains("mode=") {
        query.to_owned()
    } else {
        format!("mode=rwc&{query}")
    };
    Ok(format!("sqlite://{path}?{}", query.trim_end_matches('&')))
}

/// The present time in Unix seconds. Stored times are all made from this one clock.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_urls_get_create_mode() {
        assert_eq!(
            super::sqlite_url("sqlite::memory:").unwrap(),
            "sqlite::memory:"
        );
        assert_eq!(
            super::sqlite_url("sqlite://x.db?mode=ro").unwrap(),
            "sqlite://x.db?mode=ro"
        );
    }
}
