//! The access and disclosure log (FERPA 34 CFR 99.32): who read or changed whose record, when,
//! and through which channel. Entries are kept as long as the record.

use crate::sql::{Sql, page_of};
use crate::{Page, Result, Store, now};

/// Who acted: a person or an API token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actor {
    pub person_id: Option<i64>,
    pub token_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccessEntry {
    pub id: i64,
    pub at: i64,
    pub actor_person_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_token_id: Option<i64>,
    pub action: String,
    pub subject_person_id: i64,
    pub subject_name: Option<String>,
    pub channel: String,
}

impl Store {
    /// Records that `actor` did `action` ("read", "create", "update", "export") to each subject.
    pub async fn log_access(
        &self,
        actor: Actor,
        action: &str,
        channel: &str,
        subjects: &[i64],
    ) -> Result<()> {
        let at = now();
        // Batches keep a large export to a few statements.
        for chunk in subjects.chunks(400) {
            let mut sql = Sql::new(
                "INSERT INTO access_log (at, actor_person_id, actor_token_id, action, subject_person_id, channel) VALUES ",
            );
            for (i, subject) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.push("(")
                    .bind(at)
                    .push(", ")
                    .bind(actor.person_id)
                    .push(", ")
                    .bind(actor.token_id);
                sql.push(", ")
                    .bind(action)
                    .push(", ")
                    .bind(*subject)
                    .push(", ")
                    .bind(channel)
                    .push(")");
            }
            sql.query().execute(self.pool()).await?;
        }
        Ok(())
    }

    /// The log, newest first, optionally about one person.
    pub async fn access_log(
        &self,
        subject: Option<i64>,
        page: Page,
    ) -> Result<(Vec<AccessEntry>, i64)> {
        let filter = |sql: &mut Sql| {
            if let Some(subject) = subject {
                sql.push(" WHERE a.subject_person_id = ").bind(subject);
            }
        };
        let select = "SELECT a.id, a.at, a.actor_person_id, ap.name AS actor_name, a.actor_token_id, a.action, \
             a.subject_person_id, sp.name AS subject_name, a.channel FROM access_log a \
             LEFT JOIN people ap ON ap.id = a.actor_person_id LEFT JOIN people sp ON sp.id = a.subject_person_id";
        page_of(
            self.pool(),
            "SELECT COUNT(*) FROM access_log a",
            select,
            filter,
            "a.id DESC",
            page,
        )
        .await
    }
}
