//! Programs of preparation providers.

use tandem_domain::input::ProgramDraft;
use tandem_domain::values::{areas_from_codes, areas_to_codes};
use tandem_domain::{GradeBand, LicensureArea, Pathway};

use crate::sql::{Sql, contains_pattern, found, page_of};
use crate::{Page, Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Program {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub provider_state: Option<String>,
    pub name: String,
    pub areas: String,
    pub grade_band: String,
    pub pathway: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Program {
    pub fn areas(&self) -> Vec<LicensureArea> {
        areas_from_codes(&self.areas)
    }

    pub fn grade_band(&self) -> Option<GradeBand> {
        GradeBand::parse(&self.grade_band)
    }

    pub fn pathway(&self) -> Option<Pathway> {
        Pathway::parse(&self.pathway)
    }
}

const SELECT: &str = "SELECT g.id, g.provider_id, o.name AS provider_name, o.state_code AS provider_state, g.name, \
     g.areas, g.grade_band, g.pathway, g.created_at, g.updated_at \
     FROM programs g JOIN organizations o ON o.id = g.provider_id";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgramFilter {
    pub q: Option<String>,
    pub provider_id: Option<i64>,
    pub pathway: Option<Pathway>,
    pub area: Option<LicensureArea>,
}

impl ProgramFilter {
    fn apply(&self, sql: &mut Sql) {
        sql.push(" WHERE 1 = 1");
        if let Some(q) = self.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            sql.push(" AND (lower(g.name) LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\'");
            sql.push(" OR lower(o.name) LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\')");
        }
        if let Some(provider) = self.provider_id {
            sql.push(" AND g.provider_id = ").bind(provider);
        }
        if let Some(pathway) = self.pathway {
            sql.push(" AND g.pathway = ").bind(pathway.code());
        }
        if let Some(area) = self.area {
            sql.push(" AND (',' || g.areas || ',') LIKE ")
                .bind(format!("%,{},%", area.code()));
        }
    }
}

const DUPLICATE: &str = "This provider already has a program with this name";

impl Store {
    pub async fn program(&self, id: i64) -> Result<Program> {
        let mut sql = Sql::new(SELECT);
        sql.push(" WHERE g.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn programs(
        &self,
        filter: &ProgramFilter,
        page: Page,
    ) -> Result<(Vec<Program>, i64)> {
        let count = "SELECT COUNT(*) FROM programs g JOIN organizations o ON o.id = g.provider_id";
        page_of(
            self.pool(),
            count,
            SELECT,
            |sql| filter.apply(sql),
            "o.name, g.name, g.id",
            page,
        )
        .await
    }

    pub async fn create_program(&self, draft: &ProgramDraft) -> Result<i64> {
        let now = now();
        let mut sql = Sql::new(
            "INSERT INTO programs (provider_id, name, areas, grade_band, pathway, created_at, updated_at) VALUES (",
        );
        sql.bind(draft.provider_id)
            .push(", ")
            .bind(&draft.name)
            .push(", ")
            .bind(areas_to_codes(&draft.areas));
        sql.push(", ")
            .bind(draft.grade_band.code())
            .push(", ")
            .bind(draft.pathway.code());
        sql.push(", ")
            .bind(now)
            .push(", ")
            .bind(now)
            .push(") RETURNING id");
        let row = sql
            .query()
            .fetch_one(self.pool())
            .await
            .map_err(|e| StoreError::unique(e, "name", DUPLICATE))?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }

    /// Changes a program; it stays with its provider.
    pub async fn update_program(&self, id: i64, draft: &ProgramDraft) -> Result<()> {
        let mut sql = Sql::new("UPDATE programs SET name = ");
        sql.bind(&draft.name)
            .push(", areas = ")
            .bind(areas_to_codes(&draft.areas));
        sql.push(", grade_band = ")
            .bind(draft.grade_band.code())
            .push(", pathway = ")
            .bind(draft.pathway.code());
        sql.push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        let done = sql
            .query()
            .execute(self.pool())
            .await
            .map_err(|e| StoreError::unique(e, "name", DUPLICATE))?;
        found(done)
    }
}
