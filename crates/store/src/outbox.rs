//! E-mail waiting to be sent. Messages are written by the guard when something starts waiting on
//! a person and delivered by the web crate's mail task; a failed delivery is tried again a few
//! times, then kept with its error.

use tandem_domain::Role;

use crate::sql::{Sql, Value, insert_rows};
use crate::{Result, Store, now};

/// After this many failed deliveries a message is no longer tried.
pub const MAX_ATTEMPTS: i64 = 5;

/// A message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
    /// The page the message is about, as a path.
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Queued {
    pub id: i64,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub attempts: i64,
}

impl Store {
    /// Queues messages for the mail task, in one transaction.
    pub async fn enqueue_mail(&self, mails: &[Mail]) -> Result<()> {
        if mails.is_empty() {
            return Ok(());
        }
        let now = now();
        let mut tx = self.pool().begin().await?;
        insert_rows(
            &mut tx,
            "outbox",
            &[
                "to_address",
                "to_name",
                "subject",
                "body",
                "link",
                "created_at",
                "attempts",
            ],
            mails
                .iter()
                .map(|m| -> Vec<Value> {
                    vec![
                        m.to_address.as_str().into(),
                        m.to_name.as_str().into(),
                        m.subject.as_str().into(),
                        m.body.as_str().into(),
                        m.link.as_str().into(),
                        now.into(),
                        0i64.into(),
                    ]
                })
                .collect(),
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The oldest messages still to be sent.
    pub async fn unsent_mail(&self, limit: i64) -> Result<Vec<Queued>> {
        let mut sql = Sql::new(
            "SELECT id, to_address, to_name, subject, body, link, attempts FROM outbox \
             WHERE sent_at IS NULL AND attempts < ",
        );
        sql.bind(MAX_ATTEMPTS)
            .push(" ORDER BY id LIMIT ")
            .bind(limit);
        sql.fetch_all(self.pool()).await
    }

    pub async fn mail_sent(&self, id: i64) -> Result<()> {
        let mut sql = Sql::new("UPDATE outbox SET sent_at = ");
        sql.bind(now())
            .push(", attempts = attempts + 1 WHERE id = ")
            .bind(id);
        sql.execute(self.pool()).await?;
        Ok(())
    }

    pub async fn mail_failed(&self, id: i64, error: &str) -> Result<()> {
        let mut sql = Sql::new("UPDATE outbox SET attempts = attempts + 1, last_error = ");
        sql.bind(error).push(" WHERE id = ").bind(id);
        sql.execute(self.pool()).await?;
        Ok(())
    }

    /// The people holding any of `roles` in these organizations who have an e-mail address:
    /// (organization, name, address).
    pub async fn addresses(
        &self,
        org_ids: &[i64],
        roles: &[Role],
    ) -> Result<Vec<(i64, String, String)>> {
        let mut sql = Sql::new(
            "SELECT ms.org_id, p.name, p.email FROM memberships ms \
             JOIN people p ON p.id = ms.person_id \
             WHERE p.disabled = 0 AND p.email IS NOT NULL AND ms.org_id IN ",
        );
        sql.bind_list(org_ids.iter().copied())
            .push(" AND ms.role IN ")
            .bind_list(roles.iter().map(|r| r.code()))
            .push(" ORDER BY ms.org_id, p.name, p.id");
        sql.fetch_all(self.pool()).await
    }

    /// Every queued message to `address`, newest first (what a person was sent).
    pub async fn mail_to(&self, address: &str) -> Result<Vec<Queued>> {
        let mut sql = Sql::new(
            "SELECT id, to_address, to_name, subject, body, link, attempts FROM outbox \
             WHERE to_address = ",
        );
        sql.bind(address).push(" ORDER BY id DESC");
        sql.fetch_all(self.pool()).await
    }
}
