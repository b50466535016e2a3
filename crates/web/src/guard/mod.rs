//! The one authorization layer. Handlers never touch the store directly: they get a [`Guard`]
//! for the caller and ask it for records. The guard asks the access policy
//! (`tandem_domain::access`) before every read and write, narrows every list to what the caller
//! may see, and writes the access log for people's records.
//!
//! Denials: a record the caller may not even see is "not found" (its existence is not revealed);
//! a visible record the caller may not change is "forbidden".

use tandem_domain::input::{MembershipDraft, OrgDraft, PersonDraft, ProgramDraft};
use tandem_domain::{FieldErrors, OrgKind, OrgRef, Principal, Role};
use tandem_store::audit::{AccessEntry, Actor};
use tandem_store::auth::ApiToken;
use tandem_store::imports::ImportJob;
use tandem_store::orgs::{Org, OrgFilter};
use tandem_store::people::{Membership, PeopleFilter, Person, Viewer};
use tandem_store::programs::{Program, ProgramFilter};
use tandem_store::{Page, Store};

use crate::auth::{SessionInfo, hash_password, new_api_token};
use crate::error::AppError;

mod assessments;
mod calibration;
mod cycles;
mod meetings;
mod notify;
mod partnerships;
mod placements;
mod toolkit;

pub use assessments::{Comparison, PartyHistory};
pub use calibration::{Calibration, ExerciseView, ObserverResult};
pub use cycles::Cycles;
pub use meetings::PartyPerson;
pub use partnerships::{Agreement, PartnershipView};
pub use placements::{
    CHANGES_SHOWN, CandidateChoices, Caseload, LinkSubject, MentorStatus, PlacementView,
    RunProgress, RunView, Started, TermTask, TermView, Waiting, answer_hosting_by_link,
    answer_placement_by_link, link_subject, summary_line,
};

type Result<T> = std::result::Result<T, AppError>;

#[derive(Clone)]
pub struct Guard {
    store: Store,
    pub principal: Principal,
    actor: Actor,
    /// "web" or "api", for the access log.
    channel: &'static str,
    pub session: Option<SessionInfo>,
}

fn allow(allowed: bool) -> Result<()> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Guard {
    pub fn new(
        store: Store,
        principal: Principal,
        actor: Actor,
        channel: &'static str,
        session: Option<SessionInfo>,
    ) -> Guard {
        Guard {
            store,
            principal,
            actor,
            channel,
            session,
        }
    }

    /// A guard for work done on the server itself (the command line): an installation
    /// administrator's principal, logged as channel "cli".
    pub fn system(store: Store) -> Guard {
        let principal = Principal {
            person_id: None,
            is_admin: true,
            grants: Vec::new(),
        };
        Guard::new(store, principal, Actor::default(), "cli", None)
    }

    /// A guard acting as one person (the demo builder), with that person's grants.
    pub async fn for_person(store: Store, person_id: i64) -> Result<Guard> {
        let grants = store.grants(person_id).await?;
        let person = store.person(person_id).await?;
        let principal = Principal {
            person_id: Some(person_id),
            is_admin: person.is_admin(),
            grants,
        };
        let actor = Actor {
            person_id: Some(person_id),
            token_id: None,
        };
        Ok(Guard::new(store, principal, actor, "cli", None))
    }

    /// The signed-in person (`None` for an API token).
    pub fn me(&self) -> Option<&Person> {
        self.session.as_ref().map(|s| &s.person)
    }

    /// Rejects a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<()> {
        match &self.session {
            Some(session) if constant_time_eq(session.csrf_token.as_bytes(), submitted.as_bytes()) => Ok(()),
            _ => Err(AppError::BadRequest(
                "The form had expired or did not come from this site. Go back, reload the page and try again.".into(),
            )),
        }
    }

    /// API writes need a bearer token: a browser session cannot be used to write through the API,
    /// which keeps the API free of cross-site request forgery.
    pub fn check_api_write(&self) -> Result<()> {
        if self.actor.token_id.is_some() {
            Ok(())
        } else {
            Err(AppError::BadRequest("Writes through the API need a bearer token; use the pages to change records in a browser.".into()))
        }
    }

    async fn log(&self, action: &str, subjects: &[i64]) -> Result<()> {
        Ok(self
            .store
            .log_access(self.actor, action, self.channel, subjects)
            .await?)
    }

    // ---- organizations: public to read, scoped to change ----

    pub async fn org(&self, id: i64) -> Result<Org> {
        Ok(self.store.org(id).await?)
    }

    pub async fn orgs(&self, filter: &OrgFilter, page: Page) -> Result<(Vec<Org>, i64)> {
        Ok(self.store.orgs(filter, page).await?)
    }

    pub async fn org_choices(&self, kind: OrgKind) -> Result<Vec<(i64, String)>> {
        Ok(self.store.org_choices(kind, None).await?)
    }

    pub fn can_edit_org(&self, org: &Org) -> bool {
        self.principal.can_edit_org(&org.reference())
    }

    pub fn can_create_orgs(&self) -> bool {
        self.principal.is_admin || self.principal.has_role(Role::Admin)
    }

    /// Checks the parent of a new or moved school: it must be a district.
    async fn parent_of(&self, draft: &OrgDraft) -> Result<Option<Org>> {
        let Some(parent_id) = draft.parent_id else {
            return Ok(None);
        };
        match self.store.org(parent_id).await {
            Ok(parent) if parent.kind() == Some(OrgKind::District) => Ok(Some(parent)),
            Ok(_) | Err(tandem_store::StoreError::NotFound) => {
                Err(FieldErrors::single("parent_id", "Select a district from the list").into())
            }
            Err(other) => Err(other.into()),
        }
    }

    /// A school is in its district's state, whatever the form said.
    fn state_of(draft: &OrgDraft, parent: Option<&Org>) -> Option<String> {
        match parent.and_then(|p| p.state_code.clone()) {
            Some(state) => Some(state),
            None => draft.state_code.clone(),
        }
    }

    pub async fn create_org(&self, draft: &OrgDraft) -> Result<i64> {
        let parent = self.parent_of(draft).await?;
        let state = Self::state_of(draft, parent.as_ref());
        let parent_ref = parent.as_ref().map(Org::reference);
        allow(
            self.principal
                .can_create_org(draft.kind, parent_ref.as_ref(), state.as_deref()),
        )?;
        let draft = OrgDraft {
            state_code: state,
            ..draft.clone()
        };
        Ok(self.store.create_org(&draft).await?)
    }

    /// Changes an organization. Its kind never changes; moving it to another state or district
    /// needs rights over where it goes, and only installation administrators change a state
    /// (a state's scope follows its organizations' states).
    pub async fn update_org(&self, id: i64, draft: &OrgDraft) -> Result<()> {
        let org = self.store.org(id).await?;
        allow(self.can_edit_org(&org))?;
        if org.kind() != Some(draft.kind) {
            return Err(
                FieldErrors::single("kind", "The kind of an organization cannot change").into(),
            );
        }
        let parent = self.parent_of(draft).await?;
        if let Some(parent) = &parent {
            allow(self.principal.can_edit_org(&parent.reference()))?;
        }
        let draft = OrgDraft {
            state_code: Self::state_of(draft, parent.as_ref()),
            ..draft.clone()
        };
        if draft.state_code != org.state_code && !self.principal.is_admin {
            return Err(FieldErrors::single(
                "state_code",
                "Only an installation administrator can move an organization to another state",
            )
            .into());
        }
        Ok(self.store.update_org(id, &draft).await?)
    }

    // ---- programs: public to read; provider admins and coordinators change them ----

    pub async fn program(&self, id: i64) -> Result<Program> {
        Ok(self.store.program(id).await?)
    }

    pub async fn programs(
        &self,
        filter: &ProgramFilter,
        page: Page,
    ) -> Result<(Vec<Program>, i64)> {
        Ok(self.store.programs(filter, page).await?)
    }

    pub fn can_manage_program(&self, program: &Program) -> bool {
        let provider = OrgRef {
            id: program.provider_id,
            parent_id: None,
            state_code: program.provider_state.clone(),
        };
        self.principal.can_manage_programs(&provider)
    }

    /// Providers whose programs this caller manages.
    pub async fn managed_providers(&self) -> Result<Vec<(i64, String)>> {
        let mut providers = Vec::new();
        for (id, name) in self.store.org_choices(OrgKind::Provider, None).await? {
            let org = self.store.org(id).await?;
            if self.principal.can_manage_programs(&org.reference()) {
                providers.push((id, name));
            }
        }
        Ok(providers)
    }

    async fn provider(&self, id: i64) -> Result<Org> {
        match self.store.org(id).await {
            Ok(org) if org.kind() == Some(OrgKind::Provider) => Ok(org),
            Ok(_) | Err(tandem_store::StoreError::NotFound) => Err(FieldErrors::single(
                "provider_id",
                "Select a preparation provider from the list",
            )
            .into()),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn create_program(&self, draft: &ProgramDraft) -> Result<i64> {
        let provider = self.provider(draft.provider_id).await?;
        allow(self.principal.can_manage_programs(&provider.reference()))?;
        Ok(self.store.create_program(draft).await?)
    }

    pub async fn update_program(&self, id: i64, draft: &ProgramDraft) -> Result<()> {
        let program = self.store.program(id).await?;
        allow(self.can_manage_program(&program))?;
        if draft.provider_id != program.provider_id {
            return Err(FieldErrors::single(
                "provider_id",
                "A program cannot move to another provider",
            )
            .into());
        }
        Ok(self.store.update_program(id, draft).await?)
    }

    // ---- people: visible through memberships in scope; every read and change is logged ----

    fn viewer<'a>(&self, scope: &'a tandem_domain::Scope) -> Viewer<'a> {
        Viewer {
            person_id: self.principal.person_id,
            scope,
        }
    }

    /// A person as the policy sees them: their roles where they hold them, and whether they
    /// administer the installation.
    async fn standing(&self, person: &Person) -> Result<(Vec<OrgRef>, Vec<(OrgRef, Role)>)> {
        let memberships = self.store.memberships_of(person.id).await?;
        let orgs = memberships.iter().map(Membership::org).collect();
        let roles = memberships
            .iter()
            .filter_map(|m| Some((m.org(), m.role()?)))
            .collect();
        Ok((orgs, roles))
    }

    /// A person the caller may see, with their roles, or "not found".
    async fn visible_person(&self, id: i64) -> Result<(Person, Vec<(OrgRef, Role)>)> {
        let person = self.store.person(id).await?;
        let (orgs, roles) = self.standing(&person).await?;
        if !self.principal.can_read_person(id, &orgs) {
            return Err(AppError::NotFound);
        }
        Ok((person, roles))
    }

    pub async fn person(&self, id: i64) -> Result<Person> {
        let (person, _) = self.visible_person(id).await?;
        self.log("read", &[id]).await?;
        Ok(person)
    }

    pub async fn can_edit_person(&self, id: i64) -> Result<bool> {
        let (person, roles) = self.visible_person(id).await?;
        Ok(self
            .principal
            .can_edit_person(id, &roles, person.is_admin()))
    }

    pub async fn people(&self, filter: &PeopleFilter, page: Page) -> Result<(Vec<Person>, i64)> {
        let scope = self.principal.people_scope();
        Ok(self.store.people(self.viewer(&scope), filter, page).await?)
    }

    /// Every visible person matching `filter`, for a CSV export: each one is logged as disclosed.
    pub async fn export_people(&self, filter: &PeopleFilter) -> Result<Vec<Person>> {
        let (people, _) = self.people(filter, Page::all()).await?;
        self.log("export", &people.iter().map(|p| p.id).collect::<Vec<_>>())
            .await?;
        Ok(people)
    }

    pub fn can_add_people(&self) -> bool {
        self.principal.is_admin
            || self.principal.has_role(Role::Admin)
            || self.principal.has_role(Role::Coordinator)
    }

    /// Organizations where the caller may add people with some role, by name.
    pub async fn orgs_for_new_people(&self) -> Result<Vec<(i64, String)>> {
        let scope = self.principal.scope_of(&[Role::Admin, Role::Coordinator]);
        Ok(self.store.org_choices_in(&scope).await?)
    }

    /// The same, plus `wanted` (an organization the person came from) when the caller may add
    /// people there: an installation or state administrator adding someone to one school.
    pub async fn orgs_for_new_people_with(
        &self,
        wanted: Option<i64>,
    ) -> Result<Vec<(i64, String)>> {
        let mut choices = self.orgs_for_new_people().await?;
        if let Some(id) = wanted.filter(|id| !choices.iter().any(|(c, _)| c == id))
            && let Ok(org) = self.store.org(id).await
            && self
                .principal
                .can_add_person_to(&org.reference(), Role::Mentor)
        {
            choices.insert(0, (org.id, org.name));
        }
        Ok(choices)
    }

    /// Adds a person with their first membership, which must be one the caller may grant.
    pub async fn create_person(
        &self,
        draft: &PersonDraft,
        org_id: Option<i64>,
        role: Option<Role>,
    ) -> Result<i64> {
        let first = match (org_id, role) {
            (Some(org_id), Some(role)) => {
                let org = self.store.org(org_id).await.map_err(|_| {
                    AppError::Invalid(FieldErrors::single(
                        "org_id",
                        "Select an organization from the list",
                    ))
                })?;
                allow(self.principal.can_add_person_to(&org.reference(), role))?;
                Some((org_id, role))
            }
            _ if self.principal.is_admin => None,
            _ => {
                let mut errors = FieldErrors::default();
                if org_id.is_none() {
                    errors.add("org_id", "Select the organization this person belongs to");
                }
                if role.is_none() {
                    errors.add("role", "Select the person's role");
                }
                return Err(errors.into());
            }
        };
        let hash = match &draft.password {
            Some(password) => Some(hash_password(password.clone()).await?),
            None => None,
        };
        let id = self
            .store
            .create_person(
                &draft.name,
                draft.email.as_deref(),
                hash.as_deref(),
                false,
                first,
            )
            .await?;
        self.log("create", &[id]).await?;
        Ok(id)
    }

    pub async fn update_person(&self, id: i64, draft: &PersonDraft) -> Result<()> {
        let (person, roles) = self.visible_person(id).await?;
        allow(
            self.principal
                .can_edit_person(id, &roles, person.is_admin()),
        )?;
        let hash = match &draft.password {
            Some(password) => Some(hash_password(password.clone()).await?),
            None => None,
        };
        self.store
            .update_person(id, &draft.name, draft.email.as_deref(), hash.as_deref())
            .await?;
        self.log("update", &[id]).await
    }

    /// Disables or re-enables someone's account: those who manage the person, never themselves.
    pub async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        allow(self.can_disable(id).await?)?;
        self.store.set_disabled(id, disabled).await?;
        self.log("update", &[id]).await
    }

    pub async fn can_disable(&self, id: i64) -> Result<bool> {
        let (person, roles) = self.visible_person(id).await?;
        Ok(self.principal.person_id != Some(id)
            && self.principal.can_manage_person(&roles, person.is_admin()))
    }

    // ---- memberships ----

    /// Memberships the caller may see, optionally of one organization or person.
    pub async fn memberships(
        &self,
        org_id: Option<i64>,
        person_id: Option<i64>,
        page: Page,
    ) -> Result<(Vec<Membership>, i64)> {
        let scope = self.principal.people_scope();
        Ok(self
            .store
            .memberships(self.viewer(&scope), org_id, person_id, page)
            .await?)
    }

    /// Gives a role: the caller must manage the person (see `can_edit_person`) and be able to
    /// grant the role there.
    pub async fn add_membership(&self, draft: &MembershipDraft) -> Result<i64> {
        let (person, roles) = self.visible_person(draft.person_id).await.map_err(|_| {
            AppError::Invalid(FieldErrors::single(
                "person_id",
                "Select a person from the list",
            ))
        })?;
        let org = self.store.org(draft.org_id).await.map_err(|_| {
            AppError::Invalid(FieldErrors::single(
                "org_id",
                "Select an organization from the list",
            ))
        })?;
        allow(self.principal.can_manage_person(&roles, person.is_admin()))?;
        allow(self.principal.can_grant(&org.reference(), draft.role))?;
        let id = self.store.add_membership(draft).await?;
        self.log("update", &[draft.person_id]).await?;
        Ok(id)
    }

    pub async fn membership(&self, id: i64) -> Result<Membership> {
        let membership = self.store.membership(id).await?;
        if !self
            .principal
            .can_see_membership(membership.person_id, &membership.org())
        {
            return Err(AppError::NotFound);
        }
        Ok(membership)
    }

    pub async fn remove_membership(&self, id: i64) -> Result<Membership> {
        let membership = self.membership(id).await?;
        let role = membership.role().unwrap_or(Role::Admin);
        allow(self.principal.can_grant(&membership.org(), role))?;
        self.store.remove_membership(id).await?;
        self.log("update", &[membership.person_id]).await?;
        Ok(membership)
    }

    pub fn can_grant_in(&self, org: &Org, role: Role) -> bool {
        self.principal.can_grant(&org.reference(), role)
    }

    // ---- API tokens: organization admins ----

    pub fn can_manage_any_tokens(&self) -> bool {
        self.principal.person_id.is_some()
            && (self.principal.is_admin || self.principal.has_role(Role::Admin))
    }

    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        allow(self.can_manage_any_tokens())?;
        Ok(self
            .store
            .api_tokens(&self.principal.scope_of(&[Role::Admin]))
            .await?)
    }

    /// Creates a token and returns its secret, which is shown once and never stored.
    pub async fn create_token(
        &self,
        org_id: i64,
        name: &str,
        can_write: bool,
    ) -> Result<(i64, String)> {
        let org = self.store.org(org_id).await.map_err(|_| {
            AppError::Invalid(FieldErrors::single(
                "org_id",
                "Select an organization from the list",
            ))
        })?;
        allow(self.principal.can_manage_tokens(&org.reference()))?;
        let person = self.principal.person_id.ok_or(AppError::Forbidden)?;
        let (secret, hash) = new_api_token();
        let id = self
            .store
            .create_token(org_id, name, &hash, can_write, Some(person))
            .await?;
        Ok((id, secret))
    }

    pub async fn revoke_token(&self, id: i64) -> Result<()> {
        let token = self.store.api_token(id).await?;
        let org = self.store.org(token.org_id).await?;
        if !self.principal.can_manage_tokens(&org.reference()) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.revoke_token(id).await?)
    }

    // ---- installation administration ----

    pub fn is_installation_admin(&self) -> bool {
        self.principal.is_installation_admin()
    }

    pub async fn access_log(
        &self,
        subject: Option<i64>,
        page: Page,
    ) -> Result<(Vec<AccessEntry>, i64)> {
        allow(self.is_installation_admin())?;
        Ok(self.store.access_log(subject, page).await?)
    }

    /// The store itself, for work only installation administrators start (imports).
    pub fn admin_store(&self) -> Result<&Store> {
        allow(self.is_installation_admin())?;
        Ok(&self.store)
    }

    pub async fn import_job(&self, id: i64) -> Result<ImportJob> {
        allow(self.is_installation_admin())?;
        Ok(self.store.import_job(id).await?)
    }

    pub async fn import_jobs(&self) -> Result<Vec<ImportJob>> {
        allow(self.is_installation_admin())?;
        Ok(self.store.import_jobs(Page::new(Some(1), Some(10))).await?)
    }
}

/// A partnership as the caller sees it: its parties and what the caller may do there.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
