//! Self-assessments: each party of a partnership rates it on its own against a framework;
//! parties' staff read every party's ratings side by side.

use tandem_domain::FieldErrors;
use tandem_domain::depth::{AssessmentFields, ComparedCriterion, Framework, Rating, compare, mean};
use tandem_store::assessments::{Assessment, StoredFramework};

use super::{Guard, PartnershipView, Result};
use crate::error::AppError;

/// One party's assessments against a framework, oldest first, with each one's mean level.
pub struct PartyHistory {
    pub org_id: i64,
    pub org_name: String,
    pub rounds: Vec<(Assessment, Vec<Rating>, Option<f64>)>,
}

impl PartyHistory {
    pub fn latest(&self) -> Option<&(Assessment, Vec<Rating>, Option<f64>)> {
        self.rounds.last()
    }
}

/// A framework, each party's history against it, and the latest ratings side by side.
pub struct Comparison {
    pub stored: StoredFramework,
    pub framework: Framework,
    pub parties: Vec<PartyHistory>,
    pub rows: Vec<ComparedCriterion>,
}

impl Guard {
    pub async fn frameworks(&self) -> Result<Vec<StoredFramework>> {
        Ok(self.store.frameworks().await?)
    }

    pub async fn framework(&self, id: i64) -> Result<(StoredFramework, Framework)> {
        let stored = self.store.stored_framework(id).await?;
        let framework = stored.framework()?;
        Ok((stored, framework))
    }

    pub async fn comparison(
        &self,
        view: &PartnershipView,
        framework_id: i64,
    ) -> Result<Comparison> {
        let (stored, framework) = self.framework(framework_id).await?;
        let assessments = self
            .store
            .assessments(view.partnership.id, framework_id)
            .await?;
        let ratings = self.store.ratings(view.partnership.id).await?;
        let parties: Vec<PartyHistory> = view
            .parties
            .iter()
            .map(|party| PartyHistory {
                org_id: party.org_id,
                org_name: party.org_name.clone(),
                rounds: assessments
                    .iter()
                    .filter(|a| a.org_id == party.org_id)
                    .map(|a| {
                        let mine: Vec<Rating> = ratings
                            .iter()
                            .filter(|r| r.assessment_id == a.id)
                            .filter(|r| framework.criteria.iter().any(|c| c.key == r.criterion))
                            .map(|r| r.rating())
                            .collect();
                        let average = mean(&mine);
                        (a.clone(), mine, average)
                    })
                    .collect(),
            })
            .collect();
        let latest: Vec<Vec<Rating>> = parties
            .iter()
            .map(|p| p.latest().map(|l| l.1.clone()).unwrap_or_default())
            .collect();
        let rows = compare(&framework, &latest);
        Ok(Comparison {
            stored,
            framework,
            parties,
            rows,
        })
    }

    /// The parties the caller may rate for in this partnership.
    pub fn rating_parties(&self, view: &PartnershipView) -> Vec<i64> {
        self.own_parties(view)
    }

    /// Records the caller's party's self-assessment; `org_id` picks the party when the caller
    /// works for more than one.
    pub async fn add_assessment(
        &self,
        id: i64,
        framework_id: i64,
        org_id: Option<i64>,
        fields: &AssessmentFields,
    ) -> Result<()> {
        let view = self.working_partnership(id).await?;
        let (_, framework) = self.framework(framework_id).await?;
        let own = self.rating_parties(&view);
        let org = match (org_id, own.as_slice()) {
            (Some(org), _) if own.contains(&org) => org,
            (None, [only]) => *only,
            (None, []) => return Err(AppError::Forbidden),
            _ => {
                return Err(FieldErrors::single("org_id", "Select the party you rate for").into());
            }
        };
        let (rated_on, ratings) = fields.parse(&framework)?;
        self.store
            .add_assessment(
                id,
                framework_id,
                org,
                rated_on,
                &ratings,
                self.principal.person_id,
            )
            .await?;
        Ok(())
    }
}
