//! People and their memberships (person × organization × role).

use tandem_domain::input::MembershipDraft;
use tandem_domain::{Grant, OrgKind, OrgRef, Role, Scope};

use crate::sql::{Sql, Value, contains_pattern, found, insert_rows, page_of};
use crate::{Page, Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub is_admin: i64,
    pub disabled: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Person {
    pub fn is_admin(&self) -> bool {
        self.is_admin != 0
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Membership {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub org_parent_id: Option<i64>,
    pub org_state: Option<String>,
    pub role: String,
    pub created_at: i64,
}

impl Membership {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }

    pub fn org(&self) -> OrgRef {
        OrgRef {
            id: self.org_id,
            parent_id: self.org_parent_id,
            state_code: self.org_state.clone(),
        }
    }
}

/// Who is looking at a list of people or memberships: themselves and the scope they read.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub person_id: Option<i64>,
    pub scope: &'a Scope,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeopleFilter {
    /// Words in the name or e-mail.
    pub q: Option<String>,
    /// Only members of this organization.
    pub org_id: Option<i64>,
    pub role: Option<Role>,
}

const PERSON: &str = "SELECT p.id, p.name, p.email, p.is_admin, p.disabled, p.created_at, p.updated_at FROM people p";
const MEMBERSHIP: &str = "SELECT m.id, m.person_id, p.name AS person_name, m.org_id, o.name AS org_name, \
     o.kind AS org_kind, o.parent_id AS org_parent_id, o.state_code AS org_state, m.role, m.created_at \
     FROM memberships m JOIN people p ON p.id = m.person_id JOIN organizations o ON o.id = m.org_id";
const EMAIL_TAKEN: &str = "Someone already uses this e-mail address";
const ALREADY_MEMBER: &str = "This person already has this role in this organization";

impl PeopleFilter {
    fn apply(&self, sql: &mut Sql, viewer: Viewer<'_>) {
        sql.push(" WHERE (p.id = ")
            .bind(viewer.person_id.unwrap_or(0));
        sql.push(" OR EXISTS (SELECT 1 FROM memberships vm JOIN organizations vo ON vo.id = vm.org_id WHERE vm.person_id = p.id AND ");
        sql.scope(viewer.scope, "vo.id", "vo.parent_id", "vo.state_code")
            .push("))");
        if let Some(q) = self.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            sql.push(" AND (lower(p.name) LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\'");
            sql.push(" OR p.email LIKE ")
                .bind(&pattern)
                .push(" ESCAPE '\\')");
        }
        if self.org_id.is_some() || self.role.is_some() {
            // Only roles the viewer may see count, so a filter cannot reveal roles held elsewhere.
            sql.push(" AND EXISTS (SELECT 1 FROM memberships fm JOIN organizations fo ON fo.id = fm.org_id WHERE fm.person_id = p.id AND (fm.person_id = ");
            sql.bind(viewer.person_id.unwrap_or(0)).push(" OR ");
            sql.scope(viewer.scope, "fo.id", "fo.parent_id", "fo.state_code")
                .push(")");
            if let Some(org) = self.org_id {
                sql.push(" AND fm.org_id = ").bind(org);
            }
            if let Some(role) = self.role {
                sql.push(" AND fm.role = ").bind(role.code());
            }
            sql.push(")");
        }
    }
}

impl Store {
    pub async fn person(&self, id: i64) -> Result<Person> {
        let mut sql = Sql::new(PERSON);
        sql.push(" WHERE p.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// One page of the people `viewer` may see, by name.
    pub async fn people(
        &self,
        viewer: Viewer<'_>,
        filter: &PeopleFilter,
        page: Page,
    ) -> Result<(Vec<Person>, i64)> {
        let count = "SELECT COUNT(*) FROM people p";
        page_of(
            self.pool(),
            count,
            PERSON,
            |sql| filter.apply(sql, viewer),
            "p.name, p.id",
            page,
        )
        .await
    }

    /// The person and their password hash, for signing in.
    pub async fn person_by_email(&self, email: &str) -> Result<Option<(Person, Option<String>)>> {
        let mut sql = Sql::new("SELECT id, password_hash FROM people WHERE email = ");
        sql.bind(email);
        let Some((id, hash)) = sql
            .fetch_optional::<(i64, Option<String>)>(self.pool())
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((self.person(id).await?, hash)))
    }

    /// Gives each (name, e-mail) a membership with `role` in its organization, adding the people
    /// not known yet (found by e-mail), in one transaction; returns their ids in input order.
    pub async fn add_members(&self, members: &[NewMember]) -> Result<Vec<i64>> {
        let mut tx = self.pool().begin().await?;
        let ids = add_members(&mut tx, members).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The ids of the people with these e-mail addresses (lower case), by address.
    pub async fn people_by_emails(
        &self,
        emails: &[String],
    ) -> Result<std::collections::HashMap<String, i64>> {
        let mut found = std::collections::HashMap::new();
        for chunk in emails.chunks(900) {
            let mut sql = Sql::new("SELECT email, id FROM people WHERE email IN ");
            sql.bind_list(chunk.iter().map(String::as_str));
            let rows: Vec<(String, i64)> = sql.fetch_all(self.pool()).await?;
            found.extend(rows);
        }
        Ok(found)
    }

    /// Adds a person and, when given, their first membership, together or not at all.
    pub async fn create_person(
        &self,
        name: &str,
        email: Option<&str>,
        password_hash: Option<&str>,
        is_admin: bool,
        first: Option<(i64, Role)>,
    ) -> Result<i64> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let mut sql = Sql::new(
            "INSERT INTO people (name, email, password_hash, is_admin, disabled, created_at, updated_at) VALUES (",
        );
        sql.bind(name)
            .push(", ")
            .bind(email.map(str::to_owned))
            .push(", ");
        sql.bind(password_hash.map(str::to_owned))
            .push(", ")
            .bind(is_admin)
            .push(", 0, ");
        sql.bind(now).push(", ").bind(now).push(") RETURNING id");
        let row = sql
            .query()
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "email", EMAIL_TAKEN))?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        if let Some((org_id, role)) = first {
            membership_insert(&MembershipDraft {
                person_id: id,
                org_id,
                role,
            })
            .query()
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Changes name and e-mail, and the password hash when one is given.
    pub async fn update_person(
        &self,
        id: i64,
        name: &str,
        email: Option<&str>,
        password_hash: Option<&str>,
    ) -> Result<()> {
        let mut sql = Sql::new("UPDATE people SET name = ");
        sql.bind(name)
            .push(", email = ")
            .bind(email.map(str::to_owned));
        if let Some(hash) = password_hash {
            sql.push(", password_hash = ").bind(hash);
        }
        sql.push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        let done = sql
            .query()
            .execute(self.pool())
            .await
            .map_err(|e| StoreError::unique(e, "email", EMAIL_TAKEN))?;
        found(done)?;
        if password_hash.is_some() {
            self.end_sessions_of(id).await?;
        }
        Ok(())
    }

    /// Disables or re-enables an account; disabling ends every session of the person.
    pub async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        let mut sql = Sql::new("UPDATE people SET disabled = ");
        sql.bind(disabled)
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        found(sql.query().execute(self.pool()).await?)?;
        if disabled {
            self.end_sessions_of(id).await?;
        }
        Ok(())
    }

    /// Makes a person an installation administrator.
    pub async fn set_admin(&self, id: i64, is_admin: bool) -> Result<()> {
        let mut sql = Sql::new("UPDATE people SET is_admin = ");
        sql.bind(is_admin).push(" WHERE id = ").bind(id);
        sql.query().execute(self.pool()).await?;
        Ok(())
    }

    /// A person's grants: what the access policy decides from.
    pub async fn grants(&self, person_id: i64) -> Result<Vec<Grant>> {
        Ok(self
            .memberships_of(person_id)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(Grant {
                    org_id: m.org_id,
                    org_kind: OrgKind::parse(&m.org_kind)?,
                    org_state: m.org_state.clone(),
                    role: m.role()?,
                })
            })
            .collect())
    }

    /// Every membership of one person (unfiltered: the caller decides what to show).
    pub async fn memberships_of(&self, person_id: i64) -> Result<Vec<Membership>> {
        let mut sql = Sql::new(MEMBERSHIP);
        sql.push(" WHERE m.person_id = ")
            .bind(person_id)
            .push(" ORDER BY o.name, m.role");
        sql.fetch_all(self.pool()).await
    }

    pub async fn membership(&self, id: i64) -> Result<Membership> {
        let mut sql = Sql::new(MEMBERSHIP);
        sql.push(" WHERE m.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// One page of memberships `viewer` may see, optionally of one organization or person.
    pub async fn memberships(
        &self,
        viewer: Viewer<'_>,
        org_id: Option<i64>,
        person_id: Option<i64>,
        page: Page,
    ) -> Result<(Vec<Membership>, i64)> {
        let filter = |sql: &mut Sql| {
            sql.push(" WHERE (m.person_id = ")
                .bind(viewer.person_id.unwrap_or(0))
                .push(" OR ");
            sql.scope(viewer.scope, "o.id", "o.parent_id", "o.state_code")
                .push(")");
            if let Some(org) = org_id {
                sql.push(" AND m.org_id = ").bind(org);
            }
            if let Some(person) = person_id {
                sql.push(" AND m.person_id = ").bind(person);
            }
        };
        let count = "SELECT COUNT(*) FROM memberships m JOIN organizations o ON o.id = m.org_id";
        page_of(
            self.pool(),
            count,
            MEMBERSHIP,
            filter,
            "o.name, p.name, m.role, m.id",
            page,
        )
        .await
    }

    pub async fn add_membership(&self, draft: &MembershipDraft) -> Result<i64> {
        let mut sql = membership_insert(draft);
        sql.push(" RETURNING id");
        let row = sql
            .query()
            .fetch_one(self.pool())
            .await
            .map_err(|e| StoreError::unique(e, "role", ALREADY_MEMBER))?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }

    pub async fn remove_membership(&self, id: i64) -> Result<()> {
        let mut sql = Sql::new("DELETE FROM memberships WHERE id = ");
        sql.bind(id);
        let done = sql.query().execute(self.pool()).await?;
        found(done)
    }
}

fn membership_insert(draft: &MembershipDraft) -> Sql {
    let mut sql =
        Sql::new("INSERT INTO memberships (person_id, org_id, role, created_at) VALUES (");
    sql.bind(draft.person_id)
        .push(", ")
        .bind(draft.org_id)
        .push(", ")
        .bind(draft.role.code());
    sql.push(", ").bind(now()).push(")");
    sql
}

/// A person to be given a role in an organization, by e-mail.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    pub name: String,
    pub email: String,
    pub org_id: i64,
    pub role: Role,
}

/// [`Store::add_members`] inside the caller's transaction, for writes that add people with
/// other records at once.
pub(crate) async fn add_members(
    tx: &mut sqlx::AnyConnection,
    members: &[NewMember],
) -> Result<Vec<i64>> {
    let now = now();
    insert_rows(
        tx,
        "people",
        &[
            "name",
            "email",
            "is_admin",
            "disabled",
            "created_at",
            "updated_at",
        ],
        members
            .iter()
            .map(|m| -> Vec<Value> {
                vec![
                    m.name.as_str().into(),
                    m.email.as_str().into(),
                    false.into(),
                    false.into(),
                    now.into(),
                    now.into(),
                ]
            })
            .collect(),
        " ON CONFLICT (email) DO NOTHING",
    )
    .await?;
    let mut by_email = std::collections::HashMap::with_capacity(members.len());
    for chunk in members.chunks(900) {
        let mut sql = Sql::new("SELECT email, id FROM people WHERE email IN ");
        sql.bind_list(chunk.iter().map(|m| m.email.as_str()));
        for row in sql.query().fetch_all(&mut *tx).await? {
            let email: String = sqlx::Row::try_get(&row, 0)?;
            by_email.insert(email, sqlx::Row::try_get::<i64, _>(&row, 1)?);
        }
    }
    let ids = members
        .iter()
        .map(|m| {
            by_email
                .get(&m.email)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(format!("no person for {}", m.email)))
        })
        .collect::<Result<Vec<i64>>>()?;
    insert_rows(
        tx,
        "memberships",
        &["person_id", "org_id", "role", "created_at"],
        members
            .iter()
            .zip(&ids)
            .map(|(m, id)| -> Vec<Value> {
                vec![
                    (*id).into(),
                    m.org_id.into(),
                    m.role.code().into(),
                    now.into(),
                ]
            })
            .collect(),
        " ON CONFLICT (person_id, org_id, role) DO NOTHING",
    )
    .await?;
    Ok(ids)
}
