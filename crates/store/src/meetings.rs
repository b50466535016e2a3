//! A partnership's people (with their roles in it), its meetings and their attendees, and action
//! items.

use tandem_domain::meetings::{ActionDraft, ActionStatus, MeetingDraft};

use crate::sql::{Sql, Value};
use crate::{Result, Store, StoreError, now};

/// Someone named in a partnership by one of its parties, with their role in it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Member {
    pub partnership_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub email: String,
    pub org_id: i64,
    pub org_name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Meeting {
    pub id: i64,
    pub partnership_id: i64,
    pub title: String,
    pub kind: String,
    pub held_on: String,
    pub location: String,
    pub agenda: String,
    pub notes: String,
    pub decisions: String,
    pub snapshot: Option<String>,
    pub created_by_name: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Attendee {
    pub meeting_id: i64,
    pub person_id: i64,
    pub person_name: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ActionItem {
    pub id: i64,
    pub partnership_id: i64,
    pub partnership_name: String,
    pub title: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub due_on: Option<String>,
    pub status: String,
    pub meeting_id: Option<i64>,
    pub feedback_id: Option<i64>,
    pub cycle_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ActionItem {
    pub fn status(&self) -> ActionStatus {
        ActionStatus::parse(&self.status).unwrap_or(ActionStatus::Open)
    }

    /// Takes the date by reference so pages can ask it too.
    pub fn overdue(&self, today: &time::Date) -> bool {
        tandem_domain::meetings::overdue(&self.status, self.due_on.as_deref(), *today)
    }
}

const MEMBERS: &str = "SELECT m.partnership_id, m.person_id, p.name AS person_name, p.email, \
     m.org_id, o.name AS org_name, m.role FROM partnership_members m \
     JOIN people p ON p.id = m.person_id JOIN organizations o ON o.id = m.org_id";

const MEETINGS: &str = "SELECT m.id, m.partnership_id, m.title, m.kind, m.held_on, m.location, \
     m.agenda, m.notes, m.decisions, m.snapshot, c.name AS created_by_name, m.created_at \
     FROM meetings m LEFT JOIN people c ON c.id = m.created_by";

const ACTIONS: &str = "SELECT a.id, a.partnership_id, p.name AS partnership_name, a.title, \
     a.owner_id, o.name AS owner_name, a.due_on, a.status, a.meeting_id, a.feedback_id, \
     a.cycle_id, a.created_at, a.updated_at FROM action_items a \
     JOIN partnerships p ON p.id = a.partnership_id LEFT JOIN people o ON o.id = a.owner_id";

/// Open items first, by due date (undated last), then the rest.
const ACTION_ORDER: &str = " ORDER BY CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, \
     a.due_on IS NULL, a.due_on, a.id";

/// Someone who holds a staff role at an organization: a partner's name and organization, no more.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PartyStaff {
    pub person_id: i64,
    pub person_name: String,
    pub org_id: i64,
}

impl Store {
    /// People with one of `roles` at one of `orgs` (direct memberships), enabled accounts only.
    pub async fn party_staff(&self, orgs: &[i64], roles: &[&str]) -> Result<Vec<PartyStaff>> {
        let mut sql = Sql::new(
            "SELECT DISTINCT p.id AS person_id, p.name AS person_name, m.org_id \
             FROM memberships m JOIN people p ON p.id = m.person_id WHERE m.org_id IN ",
        );
        sql.bind_list(orgs.iter().copied())
            .push(" AND m.role IN ")
            .bind_list(roles.iter().copied())
            .push(" AND p.disabled = 0 ORDER BY p.name, p.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn members(&self, partnership_id: i64) -> Result<Vec<Member>> {
        let mut sql = Sql::new(MEMBERS);
        sql.push(" WHERE m.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY o.name, p.name, p.id");
        sql.fetch_all(self.pool()).await
    }

    /// Names a person in the partnership for a party, or changes their role there.
    pub async fn set_member(
        &self,
        partnership_id: i64,
        person_id: i64,
        org_id: i64,
        role: &str,
    ) -> Result<()> {
        let mut sql = Sql::insert(
            "partnership_members",
            &["partnership_id", "person_id", "org_id", "role", "added_at"],
            vec![
                partnership_id.into(),
                person_id.into(),
                org_id.into(),
                role.into(),
                now().into(),
            ],
        );
        sql.push(
            " ON CONFLICT (partnership_id, person_id, org_id) DO UPDATE SET role = excluded.role",
        );
        sql.execute(self.pool()).await?;
        Ok(())
    }

    pub async fn remove_member(
        &self,
        partnership_id: i64,
        person_id: i64,
        org_id: i64,
    ) -> Result<()> {
        let mut sql = Sql::new("DELETE FROM partnership_members WHERE partnership_id = ");
        sql.bind(partnership_id)
            .push(" AND person_id = ")
            .bind(person_id)
            .push(" AND org_id = ")
            .bind(org_id);
        match sql.execute(self.pool()).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    /// A partnership's meetings, newest first.
    pub async fn meetings(&self, partnership_id: i64) -> Result<Vec<Meeting>> {
        let mut sql = Sql::new(MEETINGS);
        sql.push(" WHERE m.partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY m.held_on DESC, m.id DESC");
        sql.fetch_all(self.pool()).await
    }

    pub async fn meeting(&self, id: i64) -> Result<Meeting> {
        let mut sql = Sql::new(MEETINGS);
        sql.push(" WHERE m.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn attendees(&self, meeting_id: i64) -> Result<Vec<Attendee>> {
        let mut sql = Sql::new(
            "SELECT a.meeting_id, a.person_id, p.name AS person_name FROM meeting_attendees a \
             JOIN people p ON p.id = a.person_id WHERE a.meeting_id = ",
        );
        sql.bind(meeting_id).push(" ORDER BY p.name, p.id");
        sql.fetch_all(self.pool()).await
    }

    /// Records a meeting with its attendees; `snapshot` holds a data day's figures.
    pub async fn create_meeting(
        &self,
        partnership_id: i64,
        draft: &MeetingDraft,
        snapshot: Option<String>,
        person: Option<i64>,
    ) -> Result<i64> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::insert(
            "meetings",
            &[
                "partnership_id",
                "title",
                "kind",
                "held_on",
                "location",
                "agenda",
                "notes",
                "decisions",
                "snapshot",
                "created_by",
                "created_at",
                "updated_at",
            ],
            vec![
                partnership_id.into(),
                draft.title.as_str().into(),
                draft.kind.code().into(),
                draft.held_on.to_string().into(),
                draft.location.as_str().into(),
                draft.agenda.as_str().into(),
                draft.notes.as_str().into(),
                draft.decisions.as_str().into(),
                snapshot.into(),
                person.into(),
                now.into(),
                now.into(),
            ],
        );
        sql.push(" RETURNING id");
        let row = sql.query().fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        set_attendees(&mut tx, id, &draft.attendee_ids).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Updates the record of a meeting (its kind and snapshot stay).
    pub async fn update_meeting(&self, id: i64, draft: &MeetingDraft) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new("UPDATE meetings SET title = ");
        sql.bind(draft.title.as_str())
            .push(", held_on = ")
            .bind(draft.held_on.to_string())
            .push(", location = ")
            .bind(draft.location.as_str());
        sql.push(", agenda = ")
            .bind(draft.agenda.as_str())
            .push(", notes = ")
            .bind(draft.notes.as_str())
            .push(", decisions = ")
            .bind(draft.decisions.as_str());
        sql.push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        sql.query().execute(&mut *tx).await?;
        let mut clear = Sql::new("DELETE FROM meeting_attendees WHERE meeting_id = ");
        clear.bind(id);
        clear.query().execute(&mut *tx).await?;
        set_attendees(&mut tx, id, &draft.attendee_ids).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn action_items(&self, partnership_id: i64) -> Result<Vec<ActionItem>> {
        let mut sql = Sql::new(ACTIONS);
        sql.push(" WHERE a.partnership_id = ")
            .bind(partnership_id)
            .push(ACTION_ORDER);
        sql.fetch_all(self.pool()).await
    }

    /// Open action items a person owns, across partnerships (their home page).
    pub async fn open_actions_of(&self, person_id: i64) -> Result<Vec<ActionItem>> {
        let mut sql = Sql::new(ACTIONS);
        sql.push(" WHERE a.owner_id = ")
            .bind(person_id)
            .push(" AND a.status = 'open'")
            .push(ACTION_ORDER);
        sql.fetch_all(self.pool()).await
    }

    pub async fn action_item(&self, id: i64) -> Result<ActionItem> {
        let mut sql = Sql::new(ACTIONS);
        sql.push(" WHERE a.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn create_action(
        &self,
        partnership_id: i64,
        draft: &ActionDraft,
        person: Option<i64>,
    ) -> Result<i64> {
        let now = now();
        let mut sql = Sql::insert(
            "action_items",
            &[
                "partnership_id",
                "title",
                "owner_id",
                "due_on",
                "status",
                "meeting_id",
                "feedback_id",
                "cycle_id",
                "created_by",
                "created_at",
                "updated_at",
            ],
            vec![
                partnership_id.into(),
                draft.title.as_str().into(),
                draft.owner_id.into(),
                draft.due_on.map(|d| d.to_string()).into(),
                ActionStatus::Open.code().into(),
                draft.source.meeting_id.into(),
                draft.source.feedback_id.into(),
                draft.source.cycle_id.into(),
                person.into(),
                now.into(),
                now.into(),
            ],
        );
        sql.push(" RETURNING id");
        sql.fetch_id(self.pool()).await
    }

    pub async fn set_action_status(&self, id: i64, status: ActionStatus) -> Result<()> {
        let mut sql = Sql::new("UPDATE action_items SET status = ");
        sql.bind(status.code())
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        sql.execute(self.pool()).await?;
        Ok(())
    }
}

async fn set_attendees(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    meeting_id: i64,
    people: &[i64],
) -> Result<()> {
    for person in people {
        let sql = Sql::insert(
            "meeting_attendees",
            &["meeting_id", "person_id"],
            vec![Value::from(meeting_id), Value::from(*person)],
        );
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}
