//! The access policy: who may read and change what, decided from a person's memberships alone.
//!
//! This module only decides; `tandem-web`'s guard enforces it on every page, API call and export,
//! and the store turns a [`Scope`] into SQL so lists never contain what the caller may not see.
//!
//! The rules, in words:
//! - The organization and program directory is public information (the NCES directory is public
//!   record): every signed-in person and every token reads it. Changing it is scoped.
//! - A membership reaches an organization's **scope**: a district reaches its schools, a state
//!   agency every organization in its state, a school or provider only itself.
//! - Staff roles (admin, coordinator, partnership lead, principal, data lead, state reviewer) read
//!   the people who belong to organizations in their scope. Everyone reads their own record.
//!   Mentors, supervisors and candidates see others only through relationships (placements,
//!   caseloads), which later capabilities add.
//! - Admins change organizations in their scope and grant any role there; coordinators add and
//!   edit people and programs and grant the mentor, supervisor and candidate roles.
//! - A partnership is seen by the staff of its parties and the state reviewers of their state;
//!   its leads, administrators and coordinators work in it; only a party's leads and
//!   administrators speak for that party (approve the agreement, answer feedback sent to it).
//! - A state reviewer only reads. An installation administrator (`is_admin`) may do everything.

use std::collections::BTreeSet;

use crate::values::{OrgKind, Role};

/// One membership, with what the policy needs to know about its organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub org_id: i64,
    pub org_kind: OrgKind,
    pub org_state: Option<String>,
    pub role: Role,
}

/// Where an organization sits, for deciding whether a scope reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRef {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub state_code: Option<String>,
}

/// A set of organizations, described the way SQL can test it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Every organization (installation administrators).
    pub everything: bool,
    /// These organizations.
    pub orgs: BTreeSet<i64>,
    /// Organizations whose parent is one of these (a district's schools).
    pub children_of: BTreeSet<i64>,
    /// Organizations in these states.
    pub states: BTreeSet<String>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        !self.everything
            && self.orgs.is_empty()
            && self.children_of.is_empty()
            && self.states.is_empty()
    }

    pub fn covers(&self, org: &OrgRef) -> bool {
        self.everything
            || self.orgs.contains(&org.id)
            || org
                .parent_id
                .is_some_and(|parent| self.children_of.contains(&parent))
            || org
                .state_code
                .as_ref()
                .is_some_and(|state| self.states.contains(state))
    }

    fn add(&mut self, grant: &Grant) {
        match (grant.org_kind, &grant.org_state) {
            (OrgKind::StateAgency, Some(state)) => {
                self.states.insert(state.clone());
            }
            (OrgKind::District, _) => {
                self.orgs.insert(grant.org_id);
                self.children_of.insert(grant.org_id);
            }
            _ => {
                self.orgs.insert(grant.org_id);
            }
        }
    }
}

/// Roles whose holders read the people of their scope.
const STAFF: &[Role] = &[
    Role::Admin,
    Role::Coordinator,
    Role::PartnershipLead,
    Role::Principal,
    Role::DataLead,
    Role::StateReviewer,
];
/// Roles whose holders add and edit people and programs.
const MANAGERS: &[Role] = &[Role::Admin, Role::Coordinator];
/// Roles whose holders work in their organization's partnerships.
const PARTNERSHIP_WORK: &[Role] = &[Role::Admin, Role::PartnershipLead, Role::Coordinator];
/// Roles whose holders speak for their organization in a partnership.
const PARTY_AUTHORITY: &[Role] = &[Role::Admin, Role::PartnershipLead];
/// Roles whose holders answer a school's hosting capacity.
const HOSTING: &[Role] = &[
    Role::Admin,
    Role::Coordinator,
    Role::PartnershipLead,
    Role::Principal,
];
/// Roles a coordinator may grant; admins grant any.
const COORDINATOR_GRANTS: &[Role] = &[Role::Mentor, Role::Supervisor, Role::Candidate];

/// Who is asking: a signed-in person or an API token, with their grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    /// The person, or `None` for an API token.
    pub person_id: Option<i64>,
    /// An installation administrator.
    pub is_admin: bool,
    pub grants: Vec<Grant>,
}

impl Principal {
    /// The organizations reached by grants of the given roles.
    pub fn scope_of(&self, roles: &[Role]) -> Scope {
        let mut scope = Scope {
            everything: self.is_admin,
            ..Scope::default()
        };
        for grant in self.grants.iter().filter(|g| roles.contains(&g.role)) {
            scope.add(grant);
        }
        scope
    }

    /// Whose people records this principal may read (besides their own).
    pub fn people_scope(&self) -> Scope {
        self.scope_of(STAFF)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Reads a person who belongs to `orgs` (or is the principal).
    pub fn can_read_person(&self, person_id: i64, orgs: &[OrgRef]) -> bool {
        self.person_id == Some(person_id)
            || self.is_admin
            || orgs.iter().any(|o| self.people_scope().covers(o))
    }

    /// Changes a person (name, e-mail, password, account) who holds `roles`. Everyone may change
    /// their own record; otherwise the principal must be able to grant every role the person
    /// holds — so a coordinator never takes over an administrator, and nobody reaches a person
    /// through one shared organization while they hold roles elsewhere.
    pub fn can_edit_person(
        &self,
        person_id: i64,
        roles: &[(OrgRef, Role)],
        person_is_admin: bool,
    ) -> bool {
        self.person_id == Some(person_id) || self.can_manage_person(roles, person_is_admin)
    }

    /// Manages someone else: the same rule without the "themselves" case (disabling).
    pub fn can_manage_person(&self, roles: &[(OrgRef, Role)], person_is_admin: bool) -> bool {
        if self.is_admin {
            return true;
        }
        !person_is_admin
            && !roles.is_empty()
            && roles.iter().all(|(org, role)| self.can_grant(org, *role))
    }

    /// Adds a new person: they must be placed in an organization the principal manages.
    pub fn can_add_person_to(&self, org: &OrgRef, role: Role) -> bool {
        self.can_grant(org, role)
    }

    pub fn can_grant(&self, org: &OrgRef, role: Role) -> bool {
        self.is_admin
            || self.scope_of(&[Role::Admin]).covers(org)
            || (COORDINATOR_GRANTS.contains(&role)
                && self.scope_of(&[Role::Coordinator]).covers(org))
    }

    pub fn can_edit_org(&self, org: &OrgRef) -> bool {
        self.is_admin || self.scope_of(&[Role::Admin]).covers(org)
    }

    /// Creates an organization: a district admin adds schools to their district, a state agency
    /// admin adds organizations in their state.
    pub fn can_create_org(
        &self,
        kind: OrgKind,
        parent: Option<&OrgRef>,
        state: Option<&str>,
    ) -> bool {
        if self.is_admin {
            return true;
        }
        let scope = self.scope_of(&[Role::Admin]);
        let in_state = state.is_some_and(|s| scope.states.contains(s));
        match (kind, parent) {
            (OrgKind::School, Some(district)) => scope.covers(district),
            (OrgKind::StateAgency, _) => false,
            _ => in_state,
        }
    }

    pub fn can_manage_programs(&self, provider: &OrgRef) -> bool {
        self.is_admin || self.scope_of(MANAGERS).covers(provider)
    }

    pub fn can_manage_tokens(&self, org: &OrgRef) -> bool {
        self.person_id.is_some() && self.can_edit_org(org)
    }

    /// Sees a membership: their own, or one in an organization whose people they read.
    pub fn can_see_membership(&self, person_id: i64, org: &OrgRef) -> bool {
        self.person_id == Some(person_id) || self.people_scope().covers(org)
    }

    /// Partnerships with a party here are the caller's to read.
    pub fn partnership_scope(&self) -> Scope {
        self.scope_of(STAFF)
    }

    /// Organizations whose partnerships the caller works in.
    pub fn partnership_work_scope(&self) -> Scope {
        self.scope_of(PARTNERSHIP_WORK)
    }

    /// Reads a partnership: staff of any party (a district's staff include its schools'), and
    /// state reviewers of a party's state.
    pub fn can_read_partnership(&self, parties: &[OrgRef]) -> bool {
        self.is_admin || parties.iter().any(|p| self.scope_of(STAFF).covers(p))
    }

    /// Works in a partnership (agreement drafts, feedback): leads, administrators and
    /// coordinators of any party.
    pub fn can_work_in_partnership(&self, parties: &[OrgRef]) -> bool {
        self.is_admin
            || parties
                .iter()
                .any(|p| self.scope_of(PARTNERSHIP_WORK).covers(p))
    }

    /// Speaks for one party: approves the agreement in its name, answers feedback sent to it.
    /// Only the party's own leads and administrators (or the district's, for a school).
    pub fn can_act_for(&self, party: &OrgRef) -> bool {
        self.is_admin || self.scope_of(PARTY_AUTHORITY).covers(party)
    }

    /// Answers a school's hosting for a term: its principal, or the administrators,
    /// coordinators and partnership leads whose scope reaches it (its district's).
    pub fn can_answer_hosting(&self, school: &OrgRef) -> bool {
        self.is_admin || self.scope_of(HOSTING).covers(school)
    }

    /// Approves or declines placements in a district's schools, for the district.
    pub fn can_approve_for(&self, district: &OrgRef) -> bool {
        self.is_admin || self.scope_of(PARTNERSHIP_WORK).covers(district)
    }

    /// Imports directories and reads the whole access log.
    pub fn is_installation_admin(&self) -> bool {
        self.is_admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(org_id: i64, org_kind: OrgKind, state: Option<&str>, role: Role) -> Grant {
        Grant {
            org_id,
            org_kind,
            org_state: state.map(str::to_owned),
            role,
        }
    }

    fn org(id: i64, parent_id: Option<i64>, state: &str) -> OrgRef {
        OrgRef {
            id,
            parent_id,
            state_code: Some(state.to_owned()),
        }
    }

    fn person_with(grants: Vec<Grant>) -> Principal {
        Principal {
            person_id: Some(1),
            is_admin: false,
            grants,
        }
    }

    #[test]
    fn only_a_partys_leads_speak_for_it() {
        let district = org(10, None, "MI");
        let provider = org(20, None, "MI");
        let lead = person_with(vec![grant(
            10,
            OrgKind::District,
            Some("MI"),
            Role::PartnershipLead,
        )]);
        let coordinator = person_with(vec![grant(
            20,
            OrgKind::Provider,
            Some("MI"),
            Role::Coordinator,
        )]);
        let principal = person_with(vec![grant(
            11,
            OrgKind::School,
            Some("MI"),
            Role::Principal,
        )]);
        let reviewer = person_with(vec![grant(
            1,
            OrgKind::StateAgency,
            Some("MI"),
            Role::StateReviewer,
        )]);
        let parties = [district.clone(), provider.clone()];
        assert!(lead.can_act_for(&district) && !lead.can_act_for(&provider));
        assert!(
            coordinator.can_work_in_partnership(&parties) && !coordinator.can_act_for(&provider)
        );
        assert!(
            reviewer.can_read_partnership(&parties) && !reviewer.can_work_in_partnership(&parties)
        );
        assert!(!principal.can_read_partnership(&parties));
        assert!(!lead.can_read_partnership(&[org(30, None, "MI")]));
    }

    #[test]
    fn a_district_admin_reaches_its_schools_but_not_the_neighbours() {
        let admin = person_with(vec![grant(10, OrgKind::District, Some("MI"), Role::Admin)]);
        assert!(admin.can_edit_org(&org(10, None, "MI")));
        assert!(admin.can_edit_org(&org(11, Some(10), "MI")));
        assert!(!admin.can_edit_org(&org(20, None, "MI")));
        assert!(!admin.can_edit_org(&org(21, Some(20), "MI")));
        assert!(admin.can_create_org(OrgKind::School, Some(&org(10, None, "MI")), Some("MI")));
        assert!(!admin.can_create_org(OrgKind::School, Some(&org(20, None, "MI")), Some("MI")));
        assert!(!admin.can_create_org(OrgKind::Provider, None, Some("MI")));
    }

    #[test]
    fn a_state_reviewer_reads_the_state_and_changes_nothing() {
        let reviewer = person_with(vec![grant(
            1,
            OrgKind::StateAgency,
            Some("MI"),
            Role::StateReviewer,
        )]);
        let school = org(11, Some(10), "MI");
        assert!(reviewer.can_read_person(99, std::slice::from_ref(&school)));
        assert!(!reviewer.can_read_person(99, &[org(50, None, "CA")]));
        assert!(!reviewer.can_edit_org(&school));
        assert!(!reviewer.can_edit_person(99, &[(school.clone(), Role::Mentor)], false));
        assert!(!reviewer.can_grant(&school, Role::Mentor));
        assert!(!reviewer.can_manage_programs(&school));
    }

    #[test]
    fn mentors_and_candidates_read_only_themselves() {
        let mentor = person_with(vec![grant(11, OrgKind::School, Some("MI"), Role::Mentor)]);
        let school = org(11, Some(10), "MI");
        assert!(mentor.can_read_person(1, std::slice::from_ref(&school)));
        assert!(!mentor.can_read_person(2, std::slice::from_ref(&school)));
        assert!(mentor.people_scope().is_empty());
    }

    #[test]
    fn coordinators_grant_only_field_roles() {
        let coordinator = person_with(vec![grant(
            30,
            OrgKind::Provider,
            Some("MI"),
            Role::Coordinator,
        )]);
        let provider = org(30, None, "MI");
        assert!(coordinator.can_grant(&provider, Role::Candidate));
        assert!(!coordinator.can_grant(&provider, Role::Admin));
        assert!(!coordinator.can_grant(&org(31, None, "MI"), Role::Candidate));
        assert!(coordinator.can_manage_programs(&provider));
        assert!(!coordinator.can_edit_org(&provider));
    }

    #[test]
    fn people_are_changed_only_by_who_could_grant_all_their_roles() {
        let coordinator = person_with(vec![grant(
            30,
            OrgKind::Provider,
            Some("MI"),
            Role::Coordinator,
        )]);
        let provider = org(30, None, "MI");
        let other = org(31, None, "MI");
        assert!(coordinator.can_edit_person(7, &[(provider.clone(), Role::Candidate)], false));
        assert!(
            !coordinator.can_edit_person(7, &[(provider.clone(), Role::Admin)], false),
            "no takeover of admins"
        );
        assert!(
            !coordinator.can_edit_person(
                7,
                &[(provider.clone(), Role::Candidate), (other, Role::Mentor)],
                false
            ),
            "a role elsewhere protects the person"
        );
        assert!(
            !coordinator.can_edit_person(7, &[(provider, Role::Candidate)], true),
            "installation admins"
        );
        assert!(coordinator.can_edit_person(1, &[], false), "themselves");
    }

    #[test]
    fn a_state_admin_adds_schools_only_to_districts_in_their_state() {
        let admin = person_with(vec![grant(
            1,
            OrgKind::StateAgency,
            Some("MI"),
            Role::Admin,
        )]);
        assert!(admin.can_create_org(OrgKind::School, Some(&org(10, None, "MI")), Some("MI")));
        assert!(!admin.can_create_org(OrgKind::School, Some(&org(20, None, "CA")), Some("MI")));
    }

    #[test]
    fn installation_admins_do_everything() {
        let root = Principal {
            person_id: Some(1),
            is_admin: true,
            grants: vec![],
        };
        assert!(root.people_scope().everything);
        assert!(root.can_create_org(OrgKind::StateAgency, None, Some("CA")));
        assert!(root.can_grant(&org(5, None, "FL"), Role::Admin));
    }

    #[test]
    fn tokens_never_manage_tokens() {
        let token = Principal {
            person_id: None,
            is_admin: false,
            grants: vec![grant(30, OrgKind::Provider, None, Role::Admin)],
        };
        assert!(!token.can_manage_tokens(&org(30, None, "MI")));
    }
}

#[cfg(test)]
mod placement_tests {
    use super::*;

    fn who(org_id: i64, org_kind: OrgKind, role: Role) -> Principal {
        Principal {
            person_id: Some(1),
            is_admin: false,
            grants: vec![Grant {
                org_id,
                org_kind,
                org_state: Some("MI".into()),
                role,
            }],
        }
    }

    fn school(id: i64, district: i64) -> OrgRef {
        OrgRef {
            id,
            parent_id: Some(district),
            state_code: Some("MI".into()),
        }
    }

    #[test]
    fn a_principal_answers_for_their_school_only() {
        let principal = who(10, OrgKind::School, Role::Principal);
        assert!(principal.can_answer_hosting(&school(10, 1)));
        assert!(!principal.can_answer_hosting(&school(11, 1)));
        let mentor = who(10, OrgKind::School, Role::Mentor);
        assert!(!mentor.can_answer_hosting(&school(10, 1)));
        let district = who(1, OrgKind::District, Role::Coordinator);
        assert!(district.can_answer_hosting(&school(11, 1)));
        assert!(!district.can_answer_hosting(&school(21, 2)));
    }

    #[test]
    fn only_the_district_approves_its_placements() {
        let district = OrgRef {
            id: 1,
            parent_id: None,
            state_code: Some("MI".into()),
        };
        assert!(who(1, OrgKind::District, Role::PartnershipLead).can_approve_for(&district));
        assert!(!who(1, OrgKind::District, Role::DataLead).can_approve_for(&district));
        assert!(!who(2, OrgKind::District, Role::Admin).can_approve_for(&district));
        assert!(!who(7, OrgKind::Provider, Role::Coordinator).can_approve_for(&district));
    }
}
