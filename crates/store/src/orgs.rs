//! Organizations: state agencies, districts, schools and providers.

use tandem_domain::input::OrgDraft;
use tandem_domain::{OrgKind, OrgRef, Scope};

use crate::sql::{Sql, contains_pattern, found, page_of};
use crate::{Page, Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Org {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub nces_id: Option<String>,
    pub state_org_id: Option<String>,
    pub state_code: Option<String>,
    pub county: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    pub phone: Option<String>,
    pub low_grade: Option<String>,
    pub high_grade: Option<String>,
    pub locale: Option<String>,
    pub charter: Option<i64>,
    pub school_type: Option<String>,
    pub status: Option<String>,
    pub students: Option<i64>,
    pub teachers_fte: Option<f64>,
    pub free_lunch: Option<i64>,
    pub reduced_lunch: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub high_needs: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Org {
    pub fn kind(&self) -> Option<OrgKind> {
        OrgKind::parse(&self.kind)
    }

    pub fn reference(&self) -> OrgRef {
        OrgRef {
            id: self.id,
            parent_id: self.parent_id,
            state_code: self.state_code.clone(),
        }
    }

    pub fn is_high_needs(&self) -> Option<bool> {
        self.high_needs.map(|v| v != 0)
    }

    pub fn is_charter(&self) -> Option<bool> {
        self.charter.map(|v| v != 0)
    }

    /// "PK–05", or `None` when either end is unknown.
    pub fn grade_span(&self) -> Option<String> {
        Some(format!(
            "{}–{}",
            self.low_grade.as_deref()?,
            self.high_grade.as_deref()?
        ))
    }
}

const SELECT: &str = "SELECT o.id, o.kind, o.name, o.parent_id, p.name AS parent_name, o.nces_id, o.state_org_id, \
     o.state_code, o.county, o.street, o.city, o.zip, o.phone, o.low_grade, o.high_grade, o.locale, o.charter, \
     o.school_type, o.status, o.students, o.teachers_fte, o.free_lunch, o.reduced_lunch, o.latitude, o.longitude, \
     o.high_needs, o.created_at, o.updated_at \
     FROM organizations o LEFT JOIN organizations p ON p.id = o.parent_id";

/// What a list of organizations is narrowed to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgFilter {
    /// Words in the name, city or NCES id.
    pub q: Option<String>,
    pub kind: Option<OrgKind>,
    pub state_code: Option<String>,
    pub parent_id: Option<i64>,
    pub high_needs: Option<bool>,
}

impl OrgFilter {
    fn apply(&self, sql: &mut Sql) {
        sql.push(" WHERE 1 = 1");
        if let Some(q) = self.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            sql.push(" AND (lower(o.name) LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\'");
            sql.push(" OR lower(o.city) LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\'");
            sql.push(" OR o.nces_id = ").bind(q.trim()).push(")");
        }
        if let Some(kind) = self.kind {
            sql.push(" AND o.kind = ").bind(kind.code());
        }
        if let Some(state) = &self.state_code {
            sql.push(" AND o.state_code = ").bind(state);
        }
        if let Some(parent) = self.parent_id {
            sql.push(" AND o.parent_id = ").bind(parent);
        }
        if let Some(high_needs) = self.high_needs {
            sql.push(" AND o.high_needs = ").bind(high_needs);
        }
    }
}

impl Store {
    pub async fn org(&self, id: i64) -> Result<Org> {
        let mut sql = Sql::new(SELECT);
        sql.push(" WHERE o.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// One page of organizations matching `filter`, by name, and how many match in all.
    pub async fn orgs(&self, filter: &OrgFilter, page: Page) -> Result<(Vec<Org>, i64)> {
        let count = "SELECT COUNT(*) FROM organizations o";
        page_of(
            self.pool(),
            count,
            SELECT,
            |sql| filter.apply(sql),
            "o.name, o.id",
            page,
        )
        .await
    }

    /// Every organization of a kind, by name, as (id, name): for choosing one in a form.
    pub async fn org_choices(
        &self,
        kind: OrgKind,
        state_code: Option<&str>,
    ) -> Result<Vec<(i64, String)>> {
        let mut sql = Sql::new("SELECT id, name FROM organizations WHERE kind = ");
        sql.bind(kind.code());
        if let Some(state) = state_code {
            sql.push(" AND state_code = ").bind(state);
        }
        sql.push(" ORDER BY name, id");
        sql.fetch_all(self.pool()).await
    }

    /// The organizations a scope reaches, as (id, name) by name, for choosing one in a form.
    /// Schools are listed when reached through their own or their district's grant; a state-wide
    /// or installation-wide scope lists everything but schools (thousands of them).
    pub async fn org_choices_in(&self, scope: &Scope) -> Result<Vec<(i64, String)>> {
        let mut sql = Sql::new("SELECT o.id, o.name FROM organizations o WHERE ");
        if scope.everything {
            sql.push("o.kind <> 'school'");
        } else {
            sql.push("(o.id IN ").bind_list(scope.orgs.iter().copied());
            sql.push(" OR o.parent_id IN ")
                .bind_list(scope.children_of.iter().copied());
            sql.push(" OR (o.kind <> 'school' AND o.state_code IN ")
                .bind_list(scope.states.iter().cloned());
            sql.push("))");
        }
        sql.push(" ORDER BY o.name, o.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn create_org(&self, draft: &OrgDraft) -> Result<i64> {
        let now = now();
        let mut sql = Sql::new(
            "INSERT INTO organizations (kind, name, parent_id, state_code, street, city, zip, phone, \
             created_at, updated_at) VALUES (",
        );
        sql.bind(draft.kind.code())
            .push(", ")
            .bind(&draft.name)
            .push(", ")
            .bind(draft.parent_id);
        sql.push(", ")
            .bind(&draft.state_code)
            .push(", ")
            .bind(&draft.street)
            .push(", ")
            .bind(&draft.city);
        sql.push(", ")
            .bind(&draft.zip)
            .push(", ")
            .bind(&draft.phone);
        sql.push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    /// Changes what may be set by hand; the kind of an organization never changes.
    pub async fn update_org(&self, id: i64, draft: &OrgDraft) -> Result<()> {
        let mut sql = Sql::new("UPDATE organizations SET name = ");
        sql.bind(&draft.name)
            .push(", parent_id = ")
            .bind(draft.parent_id);
        sql.push(", state_code = ")
            .bind(&draft.state_code)
            .push(", street = ")
            .bind(&draft.street);
        sql.push(", city = ")
            .bind(&draft.city)
            .push(", zip = ")
            .bind(&draft.zip);
        sql.push(", phone = ")
            .bind(&draft.phone)
            .push(", updated_at = ")
            .bind(now());
        sql.push(" WHERE id = ").bind(id);
        let done = sql.query().execute(self.pool()).await?;
        found(done)
    }
}
