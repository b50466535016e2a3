//! Toolkit items (Tandem's own, kept in step with the shipped file, and organizations' own) and
//! the items each partnership uses.

use tandem_domain::Scope;
use tandem_domain::toolkit::{BuiltinTool, ToolDraft};

use crate::sql::Sql;
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ToolItem {
    pub id: i64,
    pub slug: Option<String>,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub kind: String,
    pub focus: String,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

const TOOLS: &str = "SELECT t.id, t.slug, t.org_id, o.name AS org_name, t.kind, t.focus, \
     t.title, t.body, t.updated_at FROM toolkit_items t \
     LEFT JOIN organizations o ON o.id = t.org_id";

const TOOL_ORDER: &str = " ORDER BY t.org_id IS NOT NULL, t.focus, t.kind, t.title, t.id";

impl Store {
    /// Inserts or refreshes Tandem's own items from the shipped toolkit.
    pub async fn sync_toolkit(&self, items: &[BuiltinTool]) -> Result<()> {
        let now = now();
        for item in items {
            let mut update = Sql::new("UPDATE toolkit_items SET kind = ");
            update
                .bind(item.kind.code())
                .push(", focus = ")
                .bind(item.focus.code())
                .push(", title = ")
                .bind(item.title.as_str());
            update
                .push(", body = ")
                .bind(item.body.trim())
                .push(" WHERE slug = ")
                .bind(item.slug.as_str());
            if update.execute(self.pool()).await? == 0 {
                let insert = Sql::insert(
                    "toolkit_items",
                    &[
                        "slug",
                        "kind",
                        "focus",
                        "title",
                        "body",
                        "created_at",
                        "updated_at",
                    ],
                    vec![
                        item.slug.as_str().into(),
                        item.kind.code().into(),
                        item.focus.code().into(),
                        item.title.as_str().into(),
                        item.body.trim().into(),
                        now.into(),
                        now.into(),
                    ],
                );
                insert.execute(self.pool()).await?;
            }
        }
        Ok(())
    }

    /// Tandem's items and those of organizations in `scope`.
    pub async fn toolkit(&self, scope: &Scope) -> Result<Vec<ToolItem>> {
        let mut sql = Sql::new(TOOLS);
        sql.push(" WHERE t.org_id IS NULL OR ")
            .scope(scope, "o.id", "o.parent_id", "o.state_code")
            .push(TOOL_ORDER);
        sql.fetch_all(self.pool()).await
    }

    pub async fn tool(&self, id: i64) -> Result<ToolItem> {
        let mut sql = Sql::new(TOOLS);
        sql.push(" WHERE t.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn create_tool(&self, org_id: i64, draft: &ToolDraft) -> Result<i64> {
        let now = now();
        let mut sql = Sql::insert(
            "toolkit_items",
            &[
                "org_id",
                "kind",
                "focus",
                "title",
                "body",
                "created_at",
                "updated_at",
            ],
            vec![
                org_id.into(),
                draft.kind.code().into(),
                draft.focus.code().into(),
                draft.title.as_str().into(),
                draft.body.as_str().into(),
                now.into(),
                now.into(),
            ],
        );
        sql.push(" RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    pub async fn update_tool(&self, id: i64, draft: &ToolDraft) -> Result<()> {
        let mut sql = Sql::new("UPDATE toolkit_items SET kind = ");
        sql.bind(draft.kind.code())
            .push(", focus = ")
            .bind(draft.focus.code())
            .push(", title = ")
            .bind(draft.title.as_str());
        sql.push(", body = ")
            .bind(draft.body.as_str())
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id)
            .push(" AND org_id IS NOT NULL");
        match sql.execute(self.pool()).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    /// The items a partnership uses.
    pub async fn partnership_tools(&self, partnership_id: i64) -> Result<Vec<ToolItem>> {
        let mut sql = Sql::new(TOOLS);
        sql.push(" JOIN partnership_tools pt ON pt.item_id = t.id WHERE pt.partnership_id = ")
            .bind(partnership_id)
            .push(TOOL_ORDER);
        sql.fetch_all(self.pool()).await
    }

    pub async fn attach_tool(&self, partnership_id: i64, item_id: i64) -> Result<()> {
        let sql = Sql::insert(
            "partnership_tools",
            &["partnership_id", "item_id", "attached_at"],
            vec![partnership_id.into(), item_id.into(), now().into()],
        );
        sql.execute(self.pool()).await.map_err(|e| match e {
            StoreError::Database(db) => {
                StoreError::unique(db, "item_id", "The partnership already uses this item")
            }
            other => other,
        })?;
        Ok(())
    }

    pub async fn detach_tool(&self, partnership_id: i64, item_id: i64) -> Result<()> {
        let mut sql = Sql::new("DELETE FROM partnership_tools WHERE partnership_id = ");
        sql.bind(partnership_id)
            .push(" AND item_id = ")
            .bind(item_id);
        sql.execute(self.pool()).await?;
        Ok(())
    }
}
