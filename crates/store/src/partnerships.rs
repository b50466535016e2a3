//! Partnerships, their parties, agreement versions with approvals, and feedback with its steps.

use tandem_domain::partnerships::{
    AgreementDraft, FeedbackDraft, FeedbackStatus, Figures, GoalDraft, GoalMetric,
    PartnershipDraft, PartnershipStatus,
};
use tandem_domain::{OrgRef, Scope};

use crate::sql::{Sql, contains_pattern, found, page_of};
use crate::{Page, Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Partnership {
    pub id: i64,
    pub name: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub status: String,
    pub starts_on: Option<String>,
    pub review_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Partnership {
    pub fn status(&self) -> Option<PartnershipStatus> {
        PartnershipStatus::parse(&self.status)
    }
}

/// An organization taking part, with the provider's liaison to it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Party {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub parent_id: Option<i64>,
    pub state_code: Option<String>,
    pub liaison_id: Option<i64>,
    pub liaison_name: Option<String>,
}

impl Party {
    pub fn reference(&self) -> OrgRef {
        OrgRef {
            id: self.org_id,
            parent_id: self.parent_id,
            state_code: self.state_code.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AgreementVersion {
    pub id: i64,
    pub partnership_id: i64,
    pub number: i64,
    pub sections: String,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Approval {
    pub version_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub approved_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackItem {
    pub id: i64,
    pub partnership_id: i64,
    pub from_org_id: i64,
    pub from_name: String,
    pub to_org_id: i64,
    pub to_name: String,
    pub category: String,
    pub summary: String,
    pub evidence: String,
    pub status: String,
    pub raised_by: Option<i64>,
    pub raised_by_name: Option<String>,
    pub raised_at: i64,
    pub updated_at: i64,
}

impl FeedbackItem {
    pub fn status(&self) -> FeedbackStatus {
        FeedbackStatus::parse(&self.status).unwrap_or(FeedbackStatus::Raised)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackStep {
    pub id: i64,
    pub item_id: i64,
    pub status: String,
    pub note: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub at: i64,
}

const SELECT: &str = "SELECT p.id, p.name, p.provider_id, o.name AS provider_name, p.status, \
     p.starts_on, p.review_on, p.created_at, p.updated_at \
     FROM partnerships p JOIN organizations o ON o.id = p.provider_id";

const FEEDBACK: &str = "SELECT f.id, f.partnership_id, f.from_org_id, a.name AS from_name, \
     f.to_org_id, b.name AS to_name, f.category, f.summary, f.evidence, f.status, f.raised_by, \
     r.name AS raised_by_name, f.raised_at, f.updated_at \
     FROM feedback_items f JOIN organizations a ON a.id = f.from_org_id \
     JOIN organizations b ON b.id = f.to_org_id LEFT JOIN people r ON r.id = f.raised_by";

const STEPS: &str = "SELECT s.id, s.item_id, s.status, s.note, s.person_id, \
     p.name AS person_name, s.at FROM feedback_steps s LEFT JOIN people p ON p.id = s.person_id";

const VERSIONS: &str = "SELECT v.id, v.partnership_id, v.number, v.sections, v.note, v.created_by, \
     c.name AS created_by_name, v.created_at \
     FROM agreement_versions v LEFT JOIN people c ON c.id = v.created_by";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnershipFilter {
    pub q: Option<String>,
    pub status: Option<PartnershipStatus>,
}

impl PartnershipFilter {
    /// Narrows to partnerships with a party in `scope` and to the filter's terms.
    fn apply(&self, scope: &Scope, sql: &mut Sql) {
        sql.push(
            " WHERE EXISTS (SELECT 1 FROM partnership_parties pp \
             JOIN organizations po ON po.id = pp.org_id WHERE pp.partnership_id = p.id AND ",
        )
        .scope(scope, "po.id", "po.parent_id", "po.state_code")
        .push(")");
        if let Some(q) = self.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            sql.push(" AND (lower(p.name) LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\' OR lower(o.name) LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\')");
        }
        if let Some(status) = self.status {
            sql.push(" AND p.status = ").bind(status.code());
        }
    }
}

fn date_text(date: Option<time::Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

impl Store {
    pub async fn partnership(&self, id: i64) -> Result<Partnership> {
        let mut sql = Sql::new(SELECT);
        sql.push(" WHERE p.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Partnerships with a party in `scope`.
    pub async fn partnerships(
        &self,
        scope: &Scope,
        filter: &PartnershipFilter,
        page: Page,
    ) -> Result<(Vec<Partnership>, i64)> {
        let count =
            "SELECT COUNT(*) FROM partnerships p JOIN organizations o ON o.id = p.provider_id";
        page_of(
            self.pool(),
            count,
            SELECT,
            |sql| filter.apply(scope, sql),
            "p.name, p.id",
            page,
        )
        .await
    }

    /// The parties of a partnership: the provider first, then the districts by name.
    pub async fn parties(&self, partnership_id: i64) -> Result<Vec<Party>> {
        let mut sql = Sql::new(
            "SELECT pp.org_id, o.name AS org_name, o.kind AS org_kind, o.parent_id, o.state_code, \
             pp.liaison_id, l.name AS liaison_name \
             FROM partnership_parties pp JOIN organizations o ON o.id = pp.org_id \
             LEFT JOIN people l ON l.id = pp.liaison_id WHERE pp.partnership_id = ",
        );
        sql.bind(partnership_id)
            .push(" ORDER BY CASE WHEN o.kind = 'provider' THEN 0 ELSE 1 END, o.name, o.id");
        sql.fetch_all(self.pool()).await
    }

    /// Creates a partnership with its provider and districts as parties, and a first draft of
    /// the agreement from the template.
    pub async fn create_partnership(
        &self,
        draft: &PartnershipDraft,
        creator: Option<i64>,
        sections: &str,
    ) -> Result<i64> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new(
            "INSERT INTO partnerships (name, provider_id, status, starts_on, review_on, created_at, updated_at) VALUES (",
        );
        sql.bind(&draft.name)
            .push(", ")
            .bind(draft.provider_id)
            .push(", ")
            .bind(draft.status.code());
        sql.push(", ")
            .bind(date_text(draft.starts_on))
            .push(", ")
            .bind(date_text(draft.review_on));
        sql.push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") RETURNING id");
        let row = sql.query().fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        for org in std::iter::once(draft.provider_id).chain(draft.district_ids.iter().copied()) {
            let mut sql =
                Sql::new("INSERT INTO partnership_parties (partnership_id, org_id) VALUES (");
            sql.bind(id).push(", ").bind(org).push(")");
            sql.query().execute(&mut *tx).await?;
        }
        let mut sql = Sql::new(
            "INSERT INTO agreement_versions (partnership_id, number, sections, note, created_by, created_at) VALUES (",
        );
        sql.bind(id)
            .push(", 1, ")
            .bind(sections)
            .push(", 'Started from the template', ");
        sql.bind(creator).push(", ").bind(now).push(")");
        sql.query().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a partnership's facts and district parties (the provider stays).
    pub async fn update_partnership(&self, id: i64, draft: &PartnershipDraft) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new("UPDATE partnerships SET name = ");
        sql.bind(&draft.name)
            .push(", status = ")
            .bind(draft.status.code());
        sql.push(", starts_on = ")
            .bind(date_text(draft.starts_on))
            .push(", review_on = ")
            .bind(date_text(draft.review_on));
        sql.push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        found(sql.query().execute(&mut *tx).await?)?;
        let mut sql = Sql::new("DELETE FROM partnership_parties WHERE partnership_id = ");
        sql.bind(id)
            .push(" AND org_id <> ")
            .bind(draft.provider_id)
            .push(" AND org_id NOT IN ")
            .bind_list(draft.district_ids.iter().copied());
        sql.query().execute(&mut *tx).await?;
        for &org in &draft.district_ids {
            let mut sql =
                Sql::new("INSERT INTO partnership_parties (partnership_id, org_id) SELECT ");
            sql.bind(id).push(", ").bind(org).push(
                " WHERE NOT EXISTS (SELECT 1 FROM partnership_parties WHERE partnership_id = ",
            );
            sql.bind(id).push(" AND org_id = ").bind(org).push(")");
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_liaison(
        &self,
        partnership_id: i64,
        org_id: i64,
        person_id: Option<i64>,
    ) -> Result<()> {
        let mut sql = Sql::new("UPDATE partnership_parties SET liaison_id = ");
        sql.bind(person_id)
            .push(" WHERE partnership_id = ")
            .bind(partnership_id)
            .push(" AND org_id = ")
            .bind(org_id);
        found(sql.query().execute(self.pool()).await?)
    }

    /// Every version of a partnership's agreement, newest first.
    pub async fn agreement_versions(&self, partnership_id: i64) -> Result<Vec<AgreementVersion>> {
        let mut sql = Sql::new(VERSIONS);
        sql.push(" WHERE v.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY v.number DESC");
        sql.fetch_all(self.pool()).await
    }

    /// Saves a new version. `draft.based_on` must be the latest version: an editor who started
    /// from an older one would silently undo someone else's change.
    pub async fn add_agreement_version(
        &self,
        partnership_id: i64,
        draft: &AgreementDraft,
        person: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new(
            "SELECT COALESCE(MAX(number), 0) FROM agreement_versions WHERE partnership_id = ",
        );
        sql.bind(partnership_id);
        let row = sql.query().fetch_one(&mut *tx).await?;
        let latest: i64 = sqlx::Row::try_get(&row, 0)?;
        if draft.based_on.unwrap_or(0) != latest {
            return Err(StoreError::Conflict {
                field: "based_on",
                message: "Someone saved a newer version while you were editing: open the latest version and make your change there",
            });
        }
        let mut sql = Sql::new(
            "INSERT INTO agreement_versions (partnership_id, number, sections, note, created_by, created_at) VALUES (",
        );
        sql.bind(partnership_id)
            .push(", ")
            .bind(latest + 1)
            .push(", ")
            .bind(draft.sections.to_json());
        sql.push(", ")
            .bind(&draft.note)
            .push(", ")
            .bind(person)
            .push(", ")
            .bind(now())
            .push(")");
        sql.query().execute(&mut *tx).await.map_err(|e| {
            StoreError::unique(
                e,
                "based_on",
                "Someone saved a newer version at the same moment: open the latest version and make your change there",
            )
        })?;
        tx.commit().await?;
        Ok(latest + 1)
    }

    /// Approvals of every version of a partnership's agreement.
    pub async fn approvals(&self, partnership_id: i64) -> Result<Vec<Approval>> {
        let mut sql = Sql::new(
            "SELECT a.version_id, a.org_id, o.name AS org_name, a.person_id, p.name AS person_name, \
             a.approved_at FROM agreement_approvals a JOIN agreement_versions v ON v.id = a.version_id \
             JOIN organizations o ON o.id = a.org_id LEFT JOIN people p ON p.id = a.person_id \
             WHERE v.partnership_id = ",
        );
        sql.bind(partnership_id)
            .push(" ORDER BY a.approved_at, o.name");
        sql.fetch_all(self.pool()).await
    }

    pub async fn approve(&self, version_id: i64, org_id: i64, person: Option<i64>) -> Result<()> {
        let mut sql = Sql::new(
            "INSERT INTO agreement_approvals (version_id, org_id, person_id, approved_at) VALUES (",
        );
        sql.bind(version_id)
            .push(", ")
            .bind(org_id)
            .push(", ")
            .bind(person)
            .push(", ")
            .bind(now())
            .push(")");
        sql.query().execute(self.pool()).await.map_err(|e| {
            StoreError::unique(
                e,
                "org_id",
                "Your organization has already approved this version",
            )
        })?;
        Ok(())
    }

    /// Feedback items of the partnerships with a party in `scope`, newest first.
    pub async fn feedback_items(&self, scope: &Scope) -> Result<Vec<FeedbackItem>> {
        let mut sql = Sql::new(FEEDBACK);
        sql.push(
            " WHERE EXISTS (SELECT 1 FROM partnership_parties pp \
             JOIN organizations po ON po.id = pp.org_id WHERE pp.partnership_id = f.partnership_id AND ",
        )
        .scope(scope, "po.id", "po.parent_id", "po.state_code")
        .push(") ORDER BY f.raised_at DESC, f.id DESC");
        sql.fetch_all(self.pool()).await
    }

    /// Feedback items of one partnership, newest first.
    pub async fn partnership_feedback(&self, partnership_id: i64) -> Result<Vec<FeedbackItem>> {
        let mut sql = Sql::new(FEEDBACK);
        sql.push(" WHERE f.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY f.raised_at DESC, f.id DESC");
        sql.fetch_all(self.pool()).await
    }

    pub async fn feedback_item(&self, id: i64) -> Result<FeedbackItem> {
        let mut sql = Sql::new(FEEDBACK);
        sql.push(" WHERE f.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn feedback_steps(&self, item_id: i64) -> Result<Vec<FeedbackStep>> {
        let mut sql = Sql::new(STEPS);
        sql.push(" WHERE s.item_id = ")
            .bind(item_id)
            .push(" ORDER BY s.at, s.id");
        sql.fetch_all(self.pool()).await
    }

    /// Steps of every feedback item of a partnership (for response times).
    pub async fn partnership_feedback_steps(
        &self,
        partnership_id: i64,
    ) -> Result<Vec<FeedbackStep>> {
        let mut sql = Sql::new(STEPS);
        sql.push(" JOIN feedback_items f ON f.id = s.item_id WHERE f.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY s.at, s.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn raise_feedback(
        &self,
        partnership_id: i64,
        from_org_id: i64,
        draft: &FeedbackDraft,
        person: Option<i64>,
    ) -> Result<i64> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new(
            "INSERT INTO feedback_items (partnership_id, from_org_id, to_org_id, category, summary, evidence, status, raised_by, raised_at, updated_at) VALUES (",
        );
        sql.bind(partnership_id)
            .push(", ")
            .bind(from_org_id)
            .push(", ")
            .bind(draft.to_org_id);
        sql.push(", ")
            .bind(draft.category.code())
            .push(", ")
            .bind(&draft.summary)
            .push(", ")
            .bind(&draft.evidence);
        sql.push(", 'raised', ")
            .bind(person)
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") RETURNING id");
        let row = sql.query().fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        add_step(&mut tx, id, FeedbackStatus::Raised, "", person, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves an item from `from` to `to`; refused if someone moved it meanwhile.
    pub async fn respond_to_feedback(
        &self,
        item_id: i64,
        from: FeedbackStatus,
        to: FeedbackStatus,
        note: &str,
        person: Option<i64>,
    ) -> Result<()> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new("UPDATE feedback_items SET status = ");
        sql.bind(to.code())
            .push(", updated_at = ")
            .bind(now)
            .push(" WHERE id = ")
            .bind(item_id);
        sql.push(" AND status = ").bind(from.code());
        let done = sql.query().execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                field: "status",
                message: "Someone else answered this item meanwhile: reload it to see its step",
            });
        }
        add_step(&mut tx, item_id, to, note, person, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn add_step(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    item_id: i64,
    status: FeedbackStatus,
    note: &str,
    person: Option<i64>,
    at: i64,
) -> Result<()> {
    let mut sql =
        Sql::new("INSERT INTO feedback_steps (item_id, status, note, person_id, at) VALUES (");
    sql.bind(item_id)
        .push(", ")
        .bind(status.code())
        .push(", ")
        .bind(note)
        .push(", ");
    sql.bind(person).push(", ").bind(at).push(")");
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Goal {
    pub id: i64,
    pub partnership_id: i64,
    pub title: String,
    pub metric: String,
    pub measure: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    pub due_on: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub created_at: i64,
}

impl Goal {
    pub fn metric(&self) -> GoalMetric {
        GoalMetric::parse(&self.metric).unwrap_or(GoalMetric::Manual)
    }

    /// Where the goal stands: its latest measurement (with the date measured), or its value
    /// computed from Tandem's data (no date: it is current).
    pub fn current(
        &self,
        progress: &[Progress],
        figures: &Figures,
    ) -> Option<(f64, Option<String>)> {
        match self.metric() {
            GoalMetric::Manual => progress
                .iter()
                .rfind(|p| p.goal_id == self.id)
                .map(|p| (p.value, Some(p.measured_on.clone()))),
            metric => figures.value(metric).map(|v| (v, None)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Progress {
    pub id: i64,
    pub goal_id: i64,
    pub value: f64,
    pub measured_on: String,
    pub note: String,
    pub person_name: Option<String>,
    pub created_at: i64,
}

const GOALS: &str = "SELECT g.id, g.partnership_id, g.title, g.metric, g.measure, g.unit, g.baseline, \
     g.target, g.due_on, g.owner_id, o.name AS owner_name, g.created_at \
     FROM goals g LEFT JOIN people o ON o.id = g.owner_id";

impl Store {
    pub async fn goals(&self, partnership_id: i64) -> Result<Vec<Goal>> {
        let mut sql = Sql::new(GOALS);
        sql.push(" WHERE g.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY g.due_on IS NULL, g.due_on, g.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn goal(&self, id: i64) -> Result<Goal> {
        let mut sql = Sql::new(GOALS);
        sql.push(" WHERE g.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn create_goal(&self, partnership_id: i64, draft: &GoalDraft) -> Result<i64> {
        let now = now();
        let mut sql = Sql::new(
            "INSERT INTO goals (partnership_id, title, metric, measure, unit, baseline, target, due_on, owner_id, created_at, updated_at) VALUES (",
        );
        sql.bind(partnership_id)
            .push(", ")
            .bind(&draft.title)
            .push(", ")
            .bind(draft.metric.code());
        sql.push(", ")
            .bind(&draft.measure)
            .push(", ")
            .bind(&draft.unit)
            .push(", ")
            .bind(draft.baseline);
        sql.push(", ")
            .bind(Some(draft.target))
            .push(", ")
            .bind(date_text(draft.due_on))
            .push(", ")
            .bind(draft.owner_id);
        sql.push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    /// Progress recorded on every goal of a partnership, oldest first.
    pub async fn progress(&self, partnership_id: i64) -> Result<Vec<Progress>> {
        let mut sql = Sql::new(
            "SELECT p.id, p.goal_id, p.value, p.measured_on, p.note, w.name AS person_name, p.created_at \
             FROM goal_progress p JOIN goals g ON g.id = p.goal_id \
             LEFT JOIN people w ON w.id = p.person_id WHERE g.partnership_id = ",
        );
        sql.bind(partnership_id)
            .push(" ORDER BY p.measured_on, p.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn add_progress(
        &self,
        goal_id: i64,
        value: f64,
        measured_on: time::Date,
        note: &str,
        person: Option<i64>,
    ) -> Result<()> {
        let mut sql = Sql::new(
            "INSERT INTO goal_progress (goal_id, value, measured_on, note, person_id, created_at) VALUES (",
        );
        sql.bind(goal_id)
            .push(", ")
            .bind(Some(value))
            .push(", ")
            .bind(measured_on.to_string());
        sql.push(", ")
            .bind(note)
            .push(", ")
            .bind(person)
            .push(", ")
            .bind(now())
            .push(")");
        sql.query().execute(self.pool()).await?;
        Ok(())
    }
}
