//! A small query builder that numbers its placeholders `$1, $2, …`, which both SQLite and
//! PostgreSQL accept. (sqlx's `QueryBuilder<Any>` writes `?`, which PostgreSQL rejects.)

use std::fmt::Write;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, FromRow};
use tandem_domain::Scope;

use crate::Result;

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(Some(v.into()))
    }
}
impl From<Option<bool>> for Value {
    fn from(v: Option<bool>) -> Self {
        Value::Int(v.map(i64::from))
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_owned()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        Value::Text(v.clone())
    }
}

/// SQL text with its bound values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        let _ = write!(self.text, "${}", self.values.len());
        self
    }

    /// An INSERT of one row into `table`, with one placeholder per value.
    pub fn insert(table: &str, columns: &[&str], values: Vec<Value>) -> Sql {
        let mut sql = Sql::new(&format!(
            "INSERT INTO {table} ({}) VALUES ",
            columns.join(", ")
        ));
        sql.bind_list(values);
        sql
    }

    pub async fn execute(&self, pool: &AnyPool) -> Result<u64> {
        Ok(self.query().execute(pool).await?.rows_affected())
    }

    /// Appends `(v1, v2, …)` for an `IN` test; `(NULL)` when empty, which matches nothing.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.push("(");
        let mut first = true;
        for value in values {
            if !first {
                self.push(", ");
            }
            first = false;
            self.bind(value);
        }
        if first {
            self.push("NULL");
        }
        self.push(")")
    }

    /// Appends a condition that is true when the organization in the given columns is in `scope`.
    pub fn scope(&mut self, scope: &Scope, id: &str, parent: &str, state: &str) -> &mut Self {
        if scope.everything {
            return self.push("1 = 1");
        }
        self.push("(")
            .push(id)
            .push(" IN ")
            .bind_list(scope.orgs.iter().copied());
        self.push(" OR ")
            .push(parent)
            .push(" IN ")
            .bind_list(scope.children_of.iter().copied());
        self.push(" OR ")
            .push(state)
            .push(" IN ")
            .bind_list(scope.states.iter().cloned());
        self.push(")")
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for value in &self.values {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::Real(Some(v)) => query.bind(*v),
                // sqlx 0.8's Any driver sends a NULL f64 to PostgreSQL as float4 (and a NULL f32
                // as float8), so a cached statement would then reject real f64 values. A NULL
                // f32 is declared float8, matching the column.
                Value::Real(None) => query.bind(None::<f32>),
                // PostgreSQL cannot hold a NUL in text; inputs are validated, but a NUL in a
                // search would otherwise be a server error there and not on SQLite.
                Value::Text(v) => query.bind(v.as_ref().map(|t| t.replace('\0', ""))),
            };
        }
        query
    }

    pub async fn fetch_all<T>(&self, pool: &AnyPool) -> Result<Vec<T>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let rows = self.query().fetch_all(pool).await?;
        Ok(rows.iter().map(T::from_row).collect::<Result<_, _>>()?)
    }

    pub async fn fetch_optional<T>(&self, pool: &AnyPool) -> Result<Option<T>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let row = self.query().fetch_optional(pool).await?;
        Ok(row.as_ref().map(T::from_row).transpose()?)
    }

    /// Runs an `INSERT … RETURNING id` and gives the id.
    pub async fn fetch_id(&self, pool: &AnyPool) -> Result<i64> {
        self.fetch_i64(pool).await
    }

    pub async fn count(&self, pool: &AnyPool) -> Result<i64> {
        self.fetch_i64(pool).await
    }

    /// The first column of the only row, as an integer.
    async fn fetch_i64(&self, pool: &AnyPool) -> Result<i64> {
        let row = self.query().fetch_one(pool).await?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }
}

/// The most bound parameters (`$1, $2, …`) one statement carries: SQLite's historical limit,
/// which every build of it accepts (PostgreSQL allows far more).
const MAX_BINDS: usize = 999;

/// Inserts `rows` into `table` with as few multi-row statements as the bound-parameter limit allows,
/// inside the caller's transaction. (Rows come collected: an iterator's closure held across
/// the awaits would make the callers' futures lose `Send`.) `tail` ends each statement (`ON CONFLICT …`, `RETURNING …`);
/// every returned row is given back.
pub(crate) async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    tail: &str,
) -> Result<Vec<AnyRow>> {
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let per_statement = (MAX_BINDS / columns.len().max(1)).max(1);
    let mut returned = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = Sql::new(&head);
        for (i, row) in rows.by_ref().take(per_statement).enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind_list(row);
        }
        sql.push(tail);
        returned.extend(sql.query().fetch_all(&mut *conn).await?);
    }
    Ok(returned)
}

/// One page of rows and how many there are in all: `count` and `select` are narrowed by the same
/// `filter`, then the rows are put in `order` and sliced.
pub(crate) async fn page_of<T>(
    pool: &AnyPool,
    count: &str,
    select: &str,
    filter: impl Fn(&mut Sql),
    order: &str,
    page: Page,
) -> Result<(Vec<T>, i64)>
where
    T: for<'r> FromRow<'r, AnyRow>,
{
    let mut counting = Sql::new(count);
    filter(&mut counting);
    let total = counting.count(pool).await?;
    let mut sql = Sql::new(select);
    filter(&mut sql);
    sql.push(" ORDER BY ").push(order);
    page.apply(&mut sql);
    Ok((sql.fetch_all(pool).await?, total))
}

/// Which slice of a list to show: `number` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    pub const DEFAULT_SIZE: i64 = 50;
    pub const MAX_SIZE: i64 = 500;

    pub fn new(number: Option<i64>, size: Option<i64>) -> Page {
        Page {
            number: number.unwrap_or(1).max(1),
            size: size.unwrap_or(Self::DEFAULT_SIZE).clamp(1, Self::MAX_SIZE),
        }
    }

    /// Everything, for exports.
    pub fn all() -> Page {
        Page {
            number: 1,
            size: i64::MAX / 2,
        }
    }

    pub fn offset(&self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }

    pub(crate) fn apply(&self, sql: &mut Sql) {
        sql.push(" LIMIT ")
            .bind(self.size)
            .push(" OFFSET ")
            .bind(self.offset());
    }
}

/// "Not found" when a change by id touched no row.
pub(crate) fn found(done: sqlx::any::AnyQueryResult) -> Result<()> {
    if done.rows_affected() == 0 {
        Err(crate::StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// `%text%` for a case-insensitive `LIKE`, with the wildcards in `text` escaped.
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.bind(1).push(" AND b IN ").bind_list(["x", "y"]);
        assert_eq!(sql.text, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
        let mut empty = Sql::new("x IN ");
        empty.bind_list(Vec::<i64>::new());
        assert_eq!(empty.text, "x IN (NULL)");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern(" 100%_A "), "%100\\%\\_a%");
    }
}
