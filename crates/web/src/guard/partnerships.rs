//! Partnerships: parties' staff read; leads, admins and coordinators work in them; a party's
//! leads and admins speak for it.

use tandem_domain::FieldErrors;
use tandem_domain::OrgKind;
use tandem_domain::OrgRef;
use tandem_domain::partnerships::{
    AgreementDraft, FeedbackDraft, FeedbackStatus, Figures, GoalDraft, GoalMetric,
    PartnershipDraft, ProgressFields, ResponseFields,
};
use tandem_store::Page;
use tandem_store::partnerships::{
    AgreementVersion, Approval, FeedbackItem, FeedbackStep, Goal, Partnership, PartnershipFilter,
    Party, Progress,
};

use super::{Guard, Result, allow};
use crate::error::AppError;

// A private field, not `#[non_exhaustive]`: that would still let the rest of this crate build one.
#[allow(clippy::manual_non_exhaustive)]
pub struct PartnershipView {
    pub partnership: Partnership,
    pub parties: Vec<Party>,
    /// May draft the agreement, raise feedback, change the partnership.
    pub can_work: bool,
    /// The parties the caller speaks for (approves for, answers feedback sent to).
    pub acting_for: Vec<i64>,
    /// Only the guard makes views, so a view in hand proves the caller may read it.
    _checked: (),
}

impl PartnershipView {
    pub fn party_ids(&self) -> Vec<i64> {
        self.parties.iter().map(|p| p.org_id).collect()
    }
}

/// A partnership's agreement: every version (newest first) and every approval.
pub struct Agreement {
    pub versions: Vec<AgreementVersion>,
    pub approvals: Vec<Approval>,
}

impl Agreement {
    pub fn approvals_of(&self, version_id: i64) -> Vec<&Approval> {
        self.approvals
            .iter()
            .filter(|a| a.version_id == version_id)
            .collect()
    }

    /// The newest version every party has approved.
    pub fn in_force(&self, parties: &[i64]) -> Option<&AgreementVersion> {
        self.versions.iter().find(|v| {
            let approved: Vec<i64> = self.approvals_of(v.id).iter().map(|a| a.org_id).collect();
            tandem_domain::partnerships::in_force(parties, &approved)
        })
    }
}

impl Guard {
    pub async fn partnerships(
        &self,
        filter: &PartnershipFilter,
        page: Page,
    ) -> Result<(Vec<Partnership>, i64)> {
        let scope = self.principal.partnership_scope();
        Ok(self.store.partnerships(&scope, filter, page).await?)
    }

    /// A partnership the caller may read; "not found" otherwise.
    pub async fn partnership(&self, id: i64) -> Result<PartnershipView> {
        let partnership = self.store.partnership(id).await?;
        let parties = self.store.parties(id).await?;
        let refs: Vec<_> = parties.iter().map(Party::reference).collect();
        if !self.principal.can_read_partnership(&refs) {
            return Err(AppError::NotFound);
        }
        Ok(PartnershipView {
            can_work: self.principal.can_work_in_partnership(&refs),
            acting_for: parties
                .iter()
                .filter(|p| self.principal.can_act_for(&p.reference()))
                .map(|p| p.org_id)
                .collect(),
            partnership,
            parties,
            _checked: (),
        })
    }

    pub(super) async fn working_partnership(&self, id: i64) -> Result<PartnershipView> {
        let view = self.partnership(id).await?;
        allow(view.can_work)?;
        Ok(view)
    }

    /// Whether the caller works in partnerships at all (and so may start one).
    pub fn can_start_partnerships(&self) -> bool {
        !self.principal.partnership_work_scope().is_empty()
    }

    /// Providers and districts to choose from when starting a partnership.
    pub async fn partnership_founders(&self) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>)> {
        if !self.can_start_partnerships() {
            return Ok((Vec::new(), Vec::new()));
        }
        let providers = self.store.org_choices(OrgKind::Provider, None).await?;
        let districts = self.store.org_choices(OrgKind::District, None).await?;
        Ok((providers, districts))
    }

    /// Checks the organizations a partnership names: a provider and districts.
    async fn check_parties(&self, draft: &PartnershipDraft) -> Result<Vec<OrgRef>> {
        let mut errors = FieldErrors::default();
        let mut refs = Vec::new();
        match self.store.org(draft.provider_id).await {
            Ok(org) if org.kind() == Some(OrgKind::Provider) => refs.push(org.reference()),
            Ok(_) | Err(tandem_store::StoreError::NotFound) => {
                errors.add("provider_id", "Select a preparation provider from the list")
            }
            Err(other) => return Err(other.into()),
        }
        for &district in &draft.district_ids {
            match self.store.org(district).await {
                Ok(org) if org.kind() == Some(OrgKind::District) => refs.push(org.reference()),
                Ok(_) | Err(tandem_store::StoreError::NotFound) => {
                    errors.add("district_ids", "Select districts from the list")
                }
                Err(other) => return Err(other.into()),
            }
        }
        errors.finish(|| refs).map_err(AppError::from)
    }

    /// Starts a partnership: the caller must speak for its provider or one of its districts.
    pub async fn create_partnership(&self, draft: &PartnershipDraft) -> Result<i64> {
        let refs = self.check_parties(draft).await?;
        allow(refs.iter().any(|r| self.principal.can_act_for(r)))?;
        let template = tandem_domain::partnerships::Sections::template().to_json();
        Ok(self
            .store
            .create_partnership(draft, self.principal.person_id, &template)
            .await?)
    }

    /// Changes a partnership's facts and districts; its provider stays.
    pub async fn update_partnership(&self, id: i64, draft: &PartnershipDraft) -> Result<()> {
        let view = self.working_partnership(id).await?;
        let draft = PartnershipDraft {
            provider_id: view.partnership.provider_id,
            ..draft.clone()
        };
        self.check_parties(&draft).await?;
        Ok(self.store.update_partnership(id, &draft).await?)
    }

    /// Names the provider's liaison to one district party: someone the caller can see.
    pub async fn set_liaison(&self, id: i64, org_id: i64, person_id: Option<i64>) -> Result<()> {
        let view = self.working_partnership(id).await?;
        if !view.parties.iter().any(|p| p.org_id == org_id) {
            return Err(AppError::NotFound);
        }
        if let Some(person) = person_id {
            self.visible_person(person)
                .await
                .map_err(|_| FieldErrors::single("liaison_id", "Select a person from the list"))?;
        }
        Ok(self.store.set_liaison(id, org_id, person_id).await?)
    }

    pub async fn agreement(&self, id: i64) -> Result<(PartnershipView, Agreement)> {
        let view = self.partnership(id).await?;
        let agreement = Agreement {
            versions: self.store.agreement_versions(id).await?,
            approvals: self.store.approvals(id).await?,
        };
        Ok((view, agreement))
    }

    /// Saves an edit as a new version (versions never change in place).
    pub async fn save_agreement(&self, id: i64, draft: &AgreementDraft) -> Result<i64> {
        self.working_partnership(id).await?;
        Ok(self
            .store
            .add_agreement_version(id, draft, self.principal.person_id)
            .await?)
    }

    /// Approves version `number` for every party the caller speaks for that has not yet.
    pub async fn approve_agreement(&self, id: i64, number: i64) -> Result<()> {
        let (view, agreement) = self.agreement(id).await?;
        allow(!view.acting_for.is_empty())?;
        let latest = agreement.versions.first().ok_or(AppError::NotFound)?;
        let version = agreement
            .versions
            .iter()
            .find(|v| v.number == number)
            .ok_or(AppError::NotFound)?;
        if version.number != latest.number {
            return Err(FieldErrors::single(
                "version",
                format!(
                    "Version {number} has been replaced by version {}: read and approve that one",
                    latest.number
                ),
            )
            .into());
        }
        let approved: Vec<i64> = agreement
            .approvals_of(version.id)
            .iter()
            .map(|a| a.org_id)
            .collect();
        let pending: Vec<i64> = view
            .acting_for
            .iter()
            .copied()
            .filter(|org| !approved.contains(org))
            .collect();
        if pending.is_empty() {
            return Err(FieldErrors::single(
                "version",
                format!("Your organization has already approved version {number}"),
            )
            .into());
        }
        for org in pending {
            self.store
                .approve(version.id, org, self.principal.person_id)
                .await?;
        }
        Ok(())
    }

    /// Feedback of every partnership the caller reads.
    pub async fn feedback_items(&self) -> Result<Vec<FeedbackItem>> {
        let scope = self.principal.partnership_scope();
        Ok(self.store.feedback_items(&scope).await?)
    }

    /// Feedback of a partnership the caller reads.
    pub async fn feedback_of(&self, view: &PartnershipView) -> Result<Vec<FeedbackItem>> {
        Ok(self.store.partnership_feedback(view.partnership.id).await?)
    }

    /// A partnership's figures from Tandem's own data (computed goals, data days), given its
    /// feedback items.
    pub async fn figures(&self, view: &PartnershipView, items: &[FeedbackItem]) -> Result<Figures> {
        let steps = self
            .store
            .partnership_feedback_steps(view.partnership.id)
            .await?;
        Ok(tandem_domain::partnerships::figures(
            view.parties.len().saturating_sub(1) as u32,
            &items
                .iter()
                .map(|i| {
                    let first = steps
                        .iter()
                        .find(|s| s.item_id == i.id && s.status != FeedbackStatus::Raised.code())
                        .map(|s| s.at);
                    let acted = steps
                        .iter()
                        .any(|s| s.item_id == i.id && s.status == FeedbackStatus::Acted.code());
                    (
                        i.raised_at,
                        first,
                        acted,
                        i.status() != FeedbackStatus::Closed,
                    )
                })
                .collect::<Vec<_>>(),
        ))
    }

    pub async fn goals(
        &self,
        id: i64,
    ) -> Result<(PartnershipView, Vec<Goal>, Vec<Progress>, Figures)> {
        let view = self.partnership(id).await?;
        let goals = self.store.goals(id).await?;
        let progress = self.store.progress(id).await?;
        let items = self.feedback_of(&view).await?;
        let figures = self.figures(&view, &items).await?;
        Ok((view, goals, progress, figures))
    }

    /// People the caller sees in the partnership's parties: who may own a goal.
    pub async fn partnership_people(&self, view: &PartnershipView) -> Result<Vec<(i64, String)>> {
        let mut seen = std::collections::HashSet::new();
        Ok(self
            .party_people(view)
            .await?
            .into_iter()
            .filter(|p| seen.insert(p.person_id))
            .map(|p| (p.person_id, p.label))
            .collect())
    }

    pub async fn create_goal(&self, id: i64, draft: &GoalDraft) -> Result<i64> {
        let view = self.working_partnership(id).await?;
        if let Some(owner) = draft.owner_id
            && !self
                .partnership_people(&view)
                .await?
                .iter()
                .any(|p| p.0 == owner)
        {
            return Err(FieldErrors::single("owner_id", "Select the owner from the list").into());
        }
        Ok(self.store.create_goal(id, draft).await?)
    }

    /// The partnership a goal belongs to, if the caller may read it.
    pub async fn goal_partnership(&self, goal_id: i64) -> Result<i64> {
        let goal = self.store.goal(goal_id).await?;
        self.partnership(goal.partnership_id).await?;
        Ok(goal.partnership_id)
    }

    /// Records progress on a hand-entered goal.
    pub async fn add_progress(&self, goal_id: i64, fields: &ProgressFields) -> Result<i64> {
        let goal = self.store.goal(goal_id).await?;
        self.working_partnership(goal.partnership_id).await?;
        if goal.metric() != GoalMetric::Manual {
            return Err(FieldErrors::single(
                "value",
                "This goal is computed from Tandem's data; there is nothing to enter",
            )
            .into());
        }
        let (value, on, note) = fields.parse()?;
        self.store
            .add_progress(goal_id, value, on, &note, self.principal.person_id)
            .await?;
        Ok(goal.partnership_id)
    }

    /// Every step of a partnership's feedback (for response times).
    pub async fn feedback_steps_of(&self, partnership_id: i64) -> Result<Vec<FeedbackStep>> {
        self.partnership(partnership_id).await?;
        Ok(self
            .store
            .partnership_feedback_steps(partnership_id)
            .await?)
    }

    pub async fn feedback_item(
        &self,
        id: i64,
    ) -> Result<(PartnershipView, FeedbackItem, Vec<FeedbackStep>)> {
        let item = self.store.feedback_item(id).await?;
        let view = self.partnership(item.partnership_id).await?;
        let steps = self.store.feedback_steps(id).await?;
        Ok((view, item, steps))
    }

    /// The parties the caller works for in this partnership (feedback comes from one of them).
    pub(super) fn own_parties(&self, view: &PartnershipView) -> Vec<i64> {
        view.parties
            .iter()
            .filter(|p| {
                self.principal
                    .can_work_in_partnership(std::slice::from_ref(&p.reference()))
            })
            .map(|p| p.org_id)
            .collect()
    }

    /// Raises feedback from the caller's party to another party.
    pub async fn raise_feedback(&self, id: i64, draft: &FeedbackDraft) -> Result<i64> {
        let view = self.working_partnership(id).await?;
        let own = self.own_parties(&view);
        let Some(&from) = own.iter().find(|o| **o != draft.to_org_id) else {
            return Err(FieldErrors::single(
                "to_org_id",
                "Feedback goes to another party of the partnership",
            )
            .into());
        };
        if !view.parties.iter().any(|p| p.org_id == draft.to_org_id)
            || own.contains(&draft.to_org_id)
        {
            return Err(FieldErrors::single(
                "to_org_id",
                "Select another party of the partnership",
            )
            .into());
        }
        Ok(self
            .store
            .raise_feedback(id, from, draft, self.principal.person_id)
            .await?)
    }

    /// Whether the caller answers this item (its receiving party) or may only close it (the
    /// raising party).
    pub fn feedback_role(&self, view: &PartnershipView, item: &FeedbackItem) -> (bool, bool) {
        let own = self.own_parties(view);
        (
            own.contains(&item.to_org_id),
            own.contains(&item.from_org_id),
        )
    }

    /// Moves a feedback item to its next step: the receiving party answers; either may close.
    pub async fn respond_to_feedback(&self, id: i64, fields: &ResponseFields) -> Result<()> {
        let (view, item, _) = self.feedback_item(id).await?;
        let (answers, raised) = self.feedback_role(&view, &item);
        allow(answers || raised)?;
        let (status, note) = fields.parse(item.status())?;
        if !answers && status != FeedbackStatus::Closed {
            return Err(FieldErrors::single(
                "status",
                format!(
                    "Only {} can answer this item; you may close it",
                    item.to_name
                ),
            )
            .into());
        }
        Ok(self
            .store
            .respond_to_feedback(id, item.status(), status, &note, self.principal.person_id)
            .await?)
    }
}
