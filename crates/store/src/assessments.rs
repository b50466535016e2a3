//! Self-assessment frameworks (stored as the text they were loaded from) and each party's
//! assessments of a partnership against them.

use tandem_domain::depth::{Framework, Rating};

use crate::sql::{Sql, Value};
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredFramework {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub org_id: Option<i64>,
}

impl StoredFramework {
    /// The framework itself; stored text was checked when it was loaded.
    pub fn framework(&self) -> Result<Framework> {
        Framework::parse(&self.body).map_err(StoreError::Corrupt)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Assessment {
    pub id: i64,
    pub partnership_id: i64,
    pub framework_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub rated_on: String,
    pub person_name: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredRating {
    pub assessment_id: i64,
    pub criterion: String,
    pub level: i64,
    pub evidence: String,
    pub comment: String,
}

impl StoredRating {
    pub fn rating(&self) -> Rating {
        Rating {
            criterion: self.criterion.clone(),
            level: u8::try_from(self.level).unwrap_or_default(),
            evidence: self.evidence.clone(),
            comment: self.comment.clone(),
        }
    }
}

const FRAMEWORKS: &str = "SELECT id, slug, title, body, org_id FROM frameworks";

const ASSESSMENTS: &str = "SELECT a.id, a.partnership_id, a.framework_id, a.org_id, \
     o.name AS org_name, a.rated_on, p.name AS person_name, a.created_at FROM assessments a \
     JOIN organizations o ON o.id = a.org_id LEFT JOIN people p ON p.id = a.person_id";

impl Store {
    pub async fn frameworks(&self) -> Result<Vec<StoredFramework>> {
        Sql::new(&format!("{FRAMEWORKS} ORDER BY title, id"))
            .fetch_all(self.pool())
            .await
    }

    pub async fn stored_framework(&self, id: i64) -> Result<StoredFramework> {
        let mut sql = Sql::new(FRAMEWORKS);
        sql.push(" WHERE id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Loads a framework, or replaces the one with the same slug (its past assessments keep
    /// their ratings; criteria no longer in the framework are no longer shown).
    pub async fn load_framework(
        &self,
        framework: &Framework,
        text: &str,
        org_id: Option<i64>,
    ) -> Result<i64> {
        let now = now();
        let mut find = Sql::new("SELECT id FROM frameworks WHERE slug = ");
        find.bind(framework.slug.as_str());
        let existing = find.query().fetch_optional(self.pool()).await?;
        if let Some(row) = existing {
            let id: i64 = sqlx::Row::try_get(&row, 0)?;
            let mut sql = Sql::new("UPDATE frameworks SET title = ");
            sql.bind(framework.title.as_str())
                .push(", body = ")
                .bind(text)
                .push(", updated_at = ")
                .bind(now)
                .push(" WHERE id = ")
                .bind(id);
            sql.execute(self.pool()).await?;
            return Ok(id);
        }
        let mut sql = Sql::insert(
            "frameworks",
            &[
                "slug",
                "title",
                "body",
                "org_id",
                "created_at",
                "updated_at",
            ],
            vec![
                framework.slug.as_str().into(),
                framework.title.as_str().into(),
                text.into(),
                org_id.into(),
                now.into(),
                now.into(),
            ],
        );
        sql.push(" RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    /// Assessments of a partnership against a framework, oldest first.
    pub async fn assessments(
        &self,
        partnership_id: i64,
        framework_id: i64,
    ) -> Result<Vec<Assessment>> {
        let mut sql = Sql::new(ASSESSMENTS);
        sql.push(" WHERE a.partnership_id = ")
            .bind(partnership_id)
            .push(" AND a.framework_id = ")
            .bind(framework_id)
            .push(" ORDER BY a.rated_on, a.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn all_assessments(&self, partnership_id: i64) -> Result<Vec<Assessment>> {
        let mut sql = Sql::new(ASSESSMENTS);
        sql.push(" WHERE a.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY a.rated_on, a.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn ratings(&self, partnership_id: i64) -> Result<Vec<StoredRating>> {
        let mut sql = Sql::new(
            "SELECT r.assessment_id, r.criterion, r.level, r.evidence, r.comment \
             FROM assessment_ratings r JOIN assessments a ON a.id = r.assessment_id \
             WHERE a.partnership_id = ",
        );
        sql.bind(partnership_id)
            .push(" ORDER BY r.assessment_id, r.criterion");
        sql.fetch_all(self.pool()).await
    }

    /// Records one party's completed assessment, all ratings or none.
    pub async fn add_assessment(
        &self,
        partnership_id: i64,
        framework_id: i64,
        org_id: i64,
        rated_on: time::Date,
        ratings: &[Rating],
        person: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::insert(
            "assessments",
            &[
                "partnership_id",
                "framework_id",
                "org_id",
                "rated_on",
                "person_id",
                "created_at",
            ],
            vec![
                partnership_id.into(),
                framework_id.into(),
                org_id.into(),
                rated_on.to_string().into(),
                person.into(),
                now().into(),
            ],
        );
        sql.push(" RETURNING id");
        let row = sql.query().fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        for rating in ratings {
            let sql = Sql::insert(
                "assessment_ratings",
                &["assessment_id", "criterion", "level", "evidence", "comment"],
                vec![
                    Value::from(id),
                    rating.criterion.as_str().into(),
                    i64::from(rating.level).into(),
                    rating.evidence.as_str().into(),
                    rating.comment.as_str().into(),
                ],
            );
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}
