//! The toolkit: Tandem's items are for everyone; an organization's items are read by staff the
//! caller's partnership scope covers and changed by those who work in partnerships for it.

use tandem_domain::FieldErrors;
use tandem_domain::toolkit::ToolDraft;
use tandem_store::toolkit::ToolItem;

use super::{Guard, PartnershipView, Result, allow};
use crate::error::AppError;

impl Guard {
    pub async fn toolkit(&self) -> Result<Vec<ToolItem>> {
        let scope = self.principal.partnership_scope();
        Ok(self.store.toolkit(&scope).await?)
    }

    /// An item the caller may read; "not found" otherwise.
    pub async fn tool(&self, id: i64) -> Result<ToolItem> {
        let item = self.store.tool(id).await?;
        match item.org_id {
            None => Ok(item),
            Some(org) => {
                let org = self.store.org(org).await?;
                if self.principal.partnership_scope().covers(&org.reference()) {
                    Ok(item)
                } else {
                    Err(AppError::NotFound)
                }
            }
        }
    }

    pub fn can_edit_tool(&self, item: &ToolItem) -> bool {
        item.org_id
            .is_some_and(|org| self.tool_orgs_ids().contains(&org))
    }

    /// The organizations the caller works in partnerships for (directly granted).
    fn tool_orgs_ids(&self) -> Vec<i64> {
        self.principal
            .partnership_work_scope()
            .orgs
            .into_iter()
            .collect()
    }

    /// Organizations the caller may add toolkit items for.
    pub async fn tool_orgs(&self) -> Result<Vec<(i64, String)>> {
        let mut orgs = Vec::new();
        for id in self.tool_orgs_ids() {
            let org = self.store.org(id).await?;
            orgs.push((org.id, org.name));
        }
        orgs.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(orgs)
    }

    pub async fn create_tool(&self, org_id: i64, draft: &ToolDraft) -> Result<i64> {
        if !self.tool_orgs_ids().contains(&org_id) {
            return Err(
                FieldErrors::single("org_id", "Select your organization from the list").into(),
            );
        }
        Ok(self.store.create_tool(org_id, draft).await?)
    }

    pub async fn update_tool(&self, id: i64, draft: &ToolDraft) -> Result<()> {
        let item = self.tool(id).await?;
        allow(self.can_edit_tool(&item))?;
        Ok(self.store.update_tool(id, draft).await?)
    }

    pub async fn partnership_tools(&self, view: &PartnershipView) -> Result<Vec<ToolItem>> {
        Ok(self.store.partnership_tools(view.partnership.id).await?)
    }

    pub async fn attach_tool(&self, id: i64, item_id: i64) -> Result<()> {
        self.working_partnership(id).await?;
        self.tool(item_id)
            .await
            .map_err(|_| FieldErrors::single("item_id", "Select an item from the toolkit"))?;
        Ok(self.store.attach_tool(id, item_id).await?)
    }

    pub async fn detach_tool(&self, id: i64, item_id: i64) -> Result<()> {
        self.working_partnership(id).await?;
        Ok(self.store.detach_tool(id, item_id).await?)
    }
}
