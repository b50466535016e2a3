//! A partnership's people, meetings and action items. Parties' staff read them; those who work
//! in the partnership record them; an action item's owner may also mark it done.

use tandem_domain::FieldErrors;
use tandem_domain::meetings::{ActionDraft, ActionStatus, MeetingDraft, MeetingKind};
use tandem_store::meetings::{ActionItem, Attendee, Meeting, Member};

use super::{Guard, PartnershipView, Result, allow};

/// The roles whose holders' names the parties of a partnership see of each other.
const PARTNER_STAFF: &[tandem_domain::Role] = &[
    tandem_domain::Role::Admin,
    tandem_domain::Role::PartnershipLead,
    tandem_domain::Role::Coordinator,
    tandem_domain::Role::Principal,
    tandem_domain::Role::DataLead,
];
use crate::error::AppError;

/// Someone of a party the caller can see: who may attend, own an action or be named a member.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyPerson {
    pub person_id: i64,
    pub org_id: i64,
    pub label: String,
}

impl Guard {
    /// People of the partnership's parties the caller may name (attendees, owners, members):
    /// every party's staff — administrators, leads, coordinators, principals, data leads: a
    /// partner's name and organization only — and anyone of a party the caller already sees.
    pub async fn party_people(&self, view: &PartnershipView) -> Result<Vec<PartyPerson>> {
        let party = |org: i64| view.parties.iter().find(|p| p.org_id == org);
        let label = |name: &str, org: i64| {
            format!(
                "{name} ({})",
                party(org).map_or("", |p| p.org_name.as_str())
            )
        };
        let staff_roles: Vec<&str> = PARTNER_STAFF.iter().map(|r| r.code()).collect();
        let mut people: Vec<PartyPerson> = self
            .store
            .party_staff(&view.party_ids(), &staff_roles)
            .await?
            .into_iter()
            .map(|s| PartyPerson {
                label: label(&s.person_name, s.org_id),
                person_id: s.person_id,
                org_id: s.org_id,
            })
            .collect();
        for p in &view.parties {
            let filter = tandem_store::people::PeopleFilter {
                org_id: Some(p.org_id),
                ..Default::default()
            };
            let (found, _) = self
                .people(&filter, tandem_store::Page::new(None, Some(200)))
                .await?;
            for person in found {
                if !people
                    .iter()
                    .any(|known| known.person_id == person.id && known.org_id == p.org_id)
                {
                    people.push(PartyPerson {
                        label: label(&person.name, p.org_id),
                        person_id: person.id,
                        org_id: p.org_id,
                    });
                }
            }
        }
        people.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(people)
    }

    /// Checks that every id is someone of the partnership's parties the caller sees.
    async fn check_party_people(
        &self,
        view: &PartnershipView,
        field: &str,
        ids: &[i64],
    ) -> Result<()> {
        let known = self.party_people(view).await?;
        if ids
            .iter()
            .all(|id| known.iter().any(|p| p.person_id == *id))
        {
            Ok(())
        } else {
            Err(FieldErrors::single(field, "Select people of the partnership from the list").into())
        }
    }

    pub async fn members(&self, view: &PartnershipView) -> Result<Vec<Member>> {
        Ok(self.store.members(view.partnership.id).await?)
    }

    /// Names someone of a party in the partnership, with their role in it.
    pub async fn set_member(&self, id: i64, person_id: i64, role: &str) -> Result<()> {
        let view = self.working_partnership(id).await?;
        let people = self.party_people(&view).await?;
        let Some(person) = people.iter().find(|p| p.person_id == person_id) else {
            return Err(FieldErrors::single("person_id", "Select a person from the list").into());
        };
        Ok(self
            .store
            .set_member(id, person_id, person.org_id, role)
            .await?)
    }

    pub async fn remove_member(&self, id: i64, person_id: i64, org_id: i64) -> Result<()> {
        self.working_partnership(id).await?;
        Ok(self.store.remove_member(id, person_id, org_id).await?)
    }

    pub async fn meetings(&self, view: &PartnershipView) -> Result<Vec<Meeting>> {
        Ok(self.store.meetings(view.partnership.id).await?)
    }

    pub async fn meeting(&self, id: i64) -> Result<(PartnershipView, Meeting, Vec<Attendee>)> {
        let meeting = self.store.meeting(id).await?;
        let view = self.partnership(meeting.partnership_id).await?;
        let attendees = self.store.attendees(id).await?;
        Ok((view, meeting, attendees))
    }

    /// Records a meeting; a data day keeps the partnership's figures as they stand now.
    pub async fn create_meeting(&self, id: i64, draft: &MeetingDraft) -> Result<i64> {
        let view = self.working_partnership(id).await?;
        self.check_party_people(&view, "attendee_ids", &draft.attendee_ids)
            .await?;
        let snapshot = if draft.kind == MeetingKind::DataDay {
            let items = self.feedback_of(&view).await?;
            let figures = self.figures(&view, &items).await?;
            Some(serde_json::to_string(&figures).map_err(|e| AppError::Internal(e.to_string()))?)
        } else {
            None
        };
        Ok(self
            .store
            .create_meeting(id, draft, snapshot, self.principal.person_id)
            .await?)
    }

    pub async fn update_meeting(&self, meeting_id: i64, draft: &MeetingDraft) -> Result<i64> {
        let meeting = self.store.meeting(meeting_id).await?;
        let view = self.working_partnership(meeting.partnership_id).await?;
        self.check_party_people(&view, "attendee_ids", &draft.attendee_ids)
            .await?;
        self.store.update_meeting(meeting_id, draft).await?;
        Ok(meeting.partnership_id)
    }

    pub async fn action_items(&self, view: &PartnershipView) -> Result<Vec<ActionItem>> {
        Ok(self.store.action_items(view.partnership.id).await?)
    }

    /// The caller's own open action items, in partnerships they can still read.
    pub async fn my_actions(&self) -> Result<Vec<ActionItem>> {
        let Some(me) = self.principal.person_id else {
            return Ok(Vec::new());
        };
        let items = self.store.open_actions_of(me).await?;
        let mut readable = std::collections::BTreeMap::new();
        for item in &items {
            if let std::collections::btree_map::Entry::Vacant(slot) =
                readable.entry(item.partnership_id)
            {
                slot.insert(match self.partnership(item.partnership_id).await {
                    Ok(_) => true,
                    Err(AppError::NotFound) => false,
                    Err(other) => return Err(other),
                });
            }
        }
        Ok(items
            .into_iter()
            .filter(|i| readable.get(&i.partnership_id) == Some(&true))
            .collect())
    }

    /// Adds an action item; its owner and what it comes from belong to the same partnership.
    pub async fn create_action(&self, id: i64, draft: &ActionDraft) -> Result<i64> {
        let view = self.working_partnership(id).await?;
        if let Some(owner) = draft.owner_id {
            self.check_party_people(&view, "owner_id", &[owner]).await?;
        }
        // Every record it comes from, not only the first named: an unknown one is not found.
        let source = draft.source;
        let mut partnerships = Vec::new();
        if let Some(m) = source.meeting_id {
            partnerships.push(self.store.meeting(m).await?.partnership_id);
        }
        if let Some(f) = source.feedback_id {
            partnerships.push(self.store.feedback_item(f).await?.partnership_id);
        }
        if let Some(c) = source.cycle_id {
            partnerships.push(self.store.cycle(c).await?.partnership_id);
        }
        if partnerships.iter().any(|p| *p != id) {
            return Err(AppError::NotFound);
        }
        Ok(self
            .store
            .create_action(id, draft, self.principal.person_id)
            .await?)
    }

    /// An action item of a partnership the caller reads, with that partnership.
    pub async fn action_item(&self, item_id: i64) -> Result<(PartnershipView, ActionItem)> {
        let item = self.store.action_item(item_id).await?;
        let view = self.partnership(item.partnership_id).await?;
        Ok((view, item))
    }

    /// Marks an action item done, dropped or open again: those who work in the partnership, or
    /// the item's owner.
    pub async fn set_action_status(&self, item_id: i64, status: ActionStatus) -> Result<i64> {
        let (view, item) = self.action_item(item_id).await?;
        let owner = item.owner_id.is_some() && item.owner_id == self.principal.person_id;
        allow(view.can_work || owner)?;
        self.store.set_action_status(item_id, status).await?;
        Ok(item.partnership_id)
    }
}
