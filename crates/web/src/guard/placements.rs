//! Placements. A term is read by the partnership's readers and run by those who work in it;
//! a school's hosting is answered by its principal or its district (or through a one-time
//! link); placements in a district's schools are approved by that district; a mentor answers
//! their own placements (or through a one-time link); a candidate sees and states their own.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use tandem_domain::placements::{
    self, CandidateDraft, CompletionRow, DistrictRule, EligibilityRules, HostingDraft,
    HostingFields, HostingLine, MentorDraft, MentorFacts, MentorRow, ModuleDraft, PlacementStatus,
    Preferred, RunCandidate, RunInputs, RunMentor, RunSchool, RunSummary, TermDraft,
};
use tandem_domain::{FieldErrors, OrgKind, OrgRef, Role};
use tandem_matching::caseloads;
use tandem_matching::geo::distance_km;
use tandem_store::placements::{
    Candidate, Completion, Decline, DistrictPlacements, HostingRow, Mentor, Module, NewCandidate,
    Placement, Run, RunChange, RunRow, SchoolOutcome, SupervisorBase, Term,
};
use tandem_store::{Page, Store};

use super::{Guard, PartnershipView, Result, allow, notify};
use crate::auth::{random_token, sha256_hex};
use crate::error::AppError;

/// A term the caller may read, with its partnership and the districts whose schools host.
pub struct TermView {
    pub view: PartnershipView,
    pub term: Term,
    pub districts: Vec<i64>,
}

/// A mentor with what Tandem judged of their eligibility.
pub struct MentorStatus {
    pub mentor: Mentor,
    /// Why not eligible; empty when eligible.
    pub not_eligible: Vec<String>,
    pub trained_on: Option<String>,
}

/// What the caller may do with a placement.
pub struct PlacementView {
    pub placement: Placement,
    pub can_work: bool,
    pub can_approve: bool,
    pub is_mentor: bool,
}

/// What a term's page starts and then follows while it works: at a state's size, seconds or
/// minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermTask {
    /// A match run.
    Match,
    /// Assigning supervisors to the confirmed placements.
    Supervisors,
}

impl TermTask {
    fn busy(self) -> (&'static str, &'static str) {
        match self {
            TermTask::Match => (
                "run",
                "A run of this term is under way: wait for it to finish",
            ),
            TermTask::Supervisors => (
                "supervisors",
                "Supervisors are being assigned for this term: wait for that to finish",
            ),
        }
    }
}

type TaskKey = (String, i64, TermTask);

/// Tasks under way, by database, term and kind, with the step each is at, and the failure of a
/// task that outlived its request. A task belongs to the process that started it (one server's
/// memory).
static RUNNING: LazyLock<Mutex<HashMap<TaskKey, RunProgress>>> = LazyLock::new(Default::default);

fn running() -> std::sync::MutexGuard<'static, HashMap<TaskKey, RunProgress>> {
    RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Where a term's task is, for its page.
#[derive(Debug, Clone)]
pub struct RunProgress {
    pub started: Instant,
    pub step: &'static str,
    /// Why the task failed, when it failed after its page had answered.
    pub failed: Option<String>,
}

impl RunProgress {
    pub fn seconds(&self) -> u64 {
        self.started.elapsed().as_secs()
    }
}

fn task_step(store: &Store, term_id: i64, task: TermTask, step: &'static str) {
    if let Some(progress) = running().get_mut(&task_key(store, term_id, task)) {
        progress.step = step;
    }
}

fn run_step(store: &Store, term_id: i64, step: &'static str) {
    task_step(store, term_id, TermTask::Match, step);
}

fn task_key(store: &Store, term_id: i64, task: TermTask) -> TaskKey {
    (store.database().to_owned(), term_id, task)
}

/// What starting a task came to within the wait.
pub enum Started<T> {
    Done(T),
    /// Still working: the term page shows its step.
    Running,
}

/// How many schools near their home a candidate chooses among.
pub const NEAR_SCHOOLS: usize = 100;

/// How many of a run's changes from the run before its page lists.
pub const CHANGES_SHOWN: i64 = 200;

pub struct RunView {
    pub run: Run,
    pub rows: Vec<RunRow>,
    /// How many results the run has.
    pub total: i64,
    /// The first changes from the run before, and how many there are; none for a first run.
    pub changes: Option<(Vec<RunChange>, i64)>,
}

/// What a candidate picks preferences and conflicts from.
pub struct CandidateChoices {
    pub schools: Vec<HostingRow>,
    /// (id, name) of the partnership's districts.
    pub districts: Vec<(i64, String)>,
}

/// Placements waiting on the caller, for their home page.
#[derive(Default)]
pub struct Waiting {
    /// Terms waiting for a school's hosting answer: (term, name, school, name).
    pub hosting: Vec<(i64, String, i64, String)>,
    pub district: Vec<Placement>,
    pub mentor: Vec<Placement>,
    pub mine: Vec<Placement>,
}

/// Days a one-time link stays valid.
const LINK_DAYS: i64 = 21;

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn day(text: &str) -> Option<time::Date> {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// The latest mentor training of a person that has not expired.
fn trained_on(completions: &[Completion], person: i64, today: time::Date) -> Option<time::Date> {
    completions
        .iter()
        .filter(|c| c.person_id == person && c.audience == placements::Audience::Mentors.code())
        .filter_map(|c| Some((day(&c.completed_on)?, c.valid_months)))
        .filter(|(on, months)| placements::expires_on(*on, *months as u32) >= today)
        .map(|(on, _)| on)
        .max()
}

/// Judges each mentor against the partnership's rules.
fn judge(
    mentors: Vec<Mentor>,
    rules: &EligibilityRules,
    completions: &[Completion],
) -> Vec<MentorStatus> {
    let today = today();
    mentors
        .into_iter()
        .map(|mentor| {
            let trained = trained_on(completions, mentor.person_id, today);
            let facts = MentorFacts {
                years_experience: mentor.years_experience as u32,
                evidence_on: mentor.evidence_on.as_deref().and_then(day),
                trained_on: trained,
                willing: mentor.willing == 1,
            };
            MentorStatus {
                not_eligible: rules.why_not(&facts, today),
                trained_on: trained.map(|d| d.to_string()),
                mentor,
            }
        })
        .collect()
}

impl Guard {
    // ---- terms ----

    pub async fn terms(&self, view: &PartnershipView) -> Result<Vec<Term>> {
        Ok(self.store.terms(view.partnership.id).await?)
    }

    pub async fn term(&self, id: i64) -> Result<TermView> {
        let term = self.store.term(id).await?;
        let view = self.partnership(term.partnership_id).await?;
        Ok(term_view(view, term))
    }

    async fn working_term(&self, id: i64) -> Result<TermView> {
        let tv = self.term(id).await?;
        allow(tv.view.can_work)?;
        Ok(tv)
    }

    pub async fn create_term(&self, partnership_id: i64, draft: &TermDraft) -> Result<i64> {
        let view = self.working_partnership(partnership_id).await?;
        let draft = with_districts(&view.parties, draft)?;
        Ok(self.store.create_term(partnership_id, &draft).await?)
    }

    pub async fn update_term(&self, id: i64, draft: &TermDraft) -> Result<()> {
        let tv = self.working_term(id).await?;
        let draft = with_districts(&tv.view.parties, draft)?;
        Ok(self.store.update_term(id, &draft).await?)
    }

    pub async fn eligibility(&self, view: &PartnershipView) -> Result<EligibilityRules> {
        Ok(self.store.eligibility(view.partnership.id).await?)
    }

    pub async fn set_eligibility(
        &self,
        partnership_id: i64,
        rules: &EligibilityRules,
    ) -> Result<()> {
        self.working_partnership(partnership_id).await?;
        Ok(self.store.set_eligibility(partnership_id, rules).await?)
    }

    // ---- hosting ----

    pub async fn hosting(
        &self,
        tv: &TermView,
        only_answered: bool,
        page: Page,
    ) -> Result<(Vec<HostingRow>, i64)> {
        Ok(self
            .store
            .hosting(tv.term.id, &tv.districts, only_answered, page)
            .await?)
    }

    /// A school of the term's districts, checked.
    async fn term_school(&self, tv: &TermView, school_id: i64) -> Result<OrgRef> {
        let school = self.store.org(school_id).await?;
        if school.kind() != Some(OrgKind::School)
            || !school.parent_id.is_some_and(|d| tv.districts.contains(&d))
        {
            return Err(AppError::NotFound);
        }
        Ok(school.reference())
    }

    /// Whether the caller may answer for schools of this term (to show the forms).
    pub fn can_answer_hosting(&self, tv: &TermView, school: &HostingRow) -> bool {
        tv.view.can_work
            || self.principal.can_answer_hosting(&OrgRef {
                id: school.school_id,
                parent_id: school.district_id,
                state_code: None,
            })
    }

    /// One school's hosting for a term: for the partnership's workers and for those who answer
    /// for the school (its principal), who may not otherwise read the partnership. Also says
    /// whether the caller may make one-time links (the partnership's workers).
    pub async fn hosting_school(
        &self,
        term_id: i64,
        school_id: i64,
    ) -> Result<(Term, HostingRow, bool)> {
        let term = self.store.term(term_id).await?;
        let parties = self.store.parties(term.partnership_id).await?;
        let districts = district_ids(&parties);
        let school = self.store.org(school_id).await?;
        if school.kind() != Some(OrgKind::School)
            || !school.parent_id.is_some_and(|d| districts.contains(&d))
        {
            return Err(AppError::NotFound);
        }
        let refs: Vec<OrgRef> = parties.iter().map(|p| p.reference()).collect();
        let can_work = self.principal.can_work_in_partnership(&refs);
        if !(can_work || self.principal.can_answer_hosting(&school.reference())) {
            return Err(AppError::NotFound);
        }
        let row = self.store.hosting_row(term_id, school_id).await?;
        Ok((term, row, can_work))
    }

    pub async fn answer_hosting(
        &self,
        term_id: i64,
        school_id: i64,
        fields: &HostingFields,
    ) -> Result<()> {
        self.hosting_school(term_id, school_id).await?;
        let name = self
            .me()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "API".to_owned());
        let draft = fields.parse(Some(&name))?;
        Ok(self
            .store
            .answer_hosting(term_id, school_id, &draft)
            .await?)
    }

    /// Many schools' answers from a CSV, all or none: each a school of the term's districts
    /// the caller answers for (the partnership's workers, or the school's own staff and
    /// district). Returns how many.
    pub async fn import_hosting(
        &self,
        term_id: i64,
        rows: &[(u64, HostingLine)],
        file: &str,
    ) -> Result<usize> {
        let tv = self.term(term_id).await?;
        let schools = self.term_schools(&tv).await?;
        let name = self.actor_name();
        let mut problems = FieldErrors::default();
        let mut answers = Vec::with_capacity(rows.len());
        for (line, HostingLine { school: key, draft }) in rows {
            let at = format!("{file} line {line}, school");
            match schools.find(key) {
                None => problems.add(
                    "file",
                    format!("{at}: '{key}' is not a school of the partnership's districts"),
                ),
                Some(row) if !self.can_answer_hosting(&tv, row) => problems.add(
                    "file",
                    format!("{at}: you do not answer for {}", row.school_name),
                ),
                Some(row) => answers.push((
                    row.school_id,
                    HostingDraft {
                        answered_by: name.clone(),
                        ..draft.clone()
                    },
                )),
            }
        }
        if !problems.is_empty() {
            return Err(problems.into());
        }
        self.store.answer_hosting_for(term_id, &answers).await?;
        Ok(answers.len())
    }

    /// The term's schools with their hosting, found by the key a CSV names them by.
    async fn term_schools(&self, tv: &TermView) -> Result<TermSchools> {
        let (rows, _) = (self.store)
            .hosting(tv.term.id, &tv.districts, false, Page::all())
            .await?;
        let at: HashMap<i64, usize> = (rows.iter().enumerate())
            .map(|(i, row)| (row.school_id, i))
            .collect();
        let mut by_key = HashMap::new();
        for (id, nces) in self.store.school_keys(&tv.districts).await? {
            if let Some(&i) = at.get(&id) {
                by_key.insert(id.to_string(), i);
                by_key.extend(nces.map(|nces| (nces, i)));
            }
        }
        Ok(TermSchools { rows, by_key })
    }

    /// Mentor profiles (and this term's capacities) from a CSV, all or none: each a teacher
    /// with the mentor role at a school of the term's districts whose mentors the caller keeps.
    /// Returns how many.
    pub async fn import_mentors(
        &self,
        term_id: i64,
        rows: &[(u64, MentorRow)],
        file: &str,
    ) -> Result<usize> {
        let tv = self.term(term_id).await?;
        let schools = self.term_schools(&tv).await?;
        let emails: Vec<String> = rows.iter().map(|(_, row)| row.email.clone()).collect();
        let people = self.store.people_by_emails(&emails).await?;
        let known: Vec<i64> = people.values().copied().collect();
        let mentors = self.store.holding_role(&known, Role::Mentor).await?;
        let mut problems = FieldErrors::default();
        let mut profiles = Vec::with_capacity(rows.len());
        for (line, row) in rows {
            let at = |field: &str| format!("{file} line {line}, {field}");
            let Some(school) = schools.find(&row.school) else {
                let problem = "is not a school of the partnership's districts";
                problems.add(
                    "file",
                    format!("{}: '{}' {problem}", at("school"), row.school),
                );
                continue;
            };
            if !self.can_answer_hosting(&tv, school) {
                let problem = format!("you do not keep the mentors of {}", school.school_name);
                problems.add("file", format!("{}: {problem}", at("school")));
                continue;
            }
            let Some(&person) = people.get(&row.email) else {
                let problem = "no one has this e-mail: add the teacher first";
                problems.add("file", format!("{}: {problem}", at("email")));
                continue;
            };
            if !mentors.contains(&(person, school.school_id)) {
                let problem = format!("{} is not a mentor at {}", row.email, school.school_name);
                problems.add("file", format!("{}: {problem}", at("email")));
                continue;
            }
            let draft = MentorDraft {
                person_id: person,
                school_id: school.school_id,
                ..row.draft.clone()
            };
            profiles.push((draft, row.capacity));
        }
        if !problems.is_empty() {
            return Err(problems.into());
        }
        Ok(self.store.import_mentors(term_id, &profiles).await?.len())
    }

    /// Hosting answers waiting on the caller (a principal's school): (term, name, school, name).
    pub async fn hosting_to_answer(&self) -> Result<Vec<(i64, String, i64, String)>> {
        let schools: Vec<i64> = self
            .principal
            .grants
            .iter()
            .filter(|g| g.org_kind == OrgKind::School && g.role == Role::Principal)
            .map(|g| g.org_id)
            .collect();
        Ok(self.store.unanswered_hosting(&schools).await?)
    }

    /// A one-time link for a school to answer without an account: the secret, shown once.
    pub async fn hosting_link(&self, term_id: i64, school_id: i64) -> Result<String> {
        let tv = self.working_term(term_id).await?;
        self.term_school(&tv, school_id).await?;
        let secret = random_token();
        self.store
            .create_link(
                &sha256_hex(&secret),
                "hosting",
                term_id,
                school_id,
                LINK_DAYS,
            )
            .await?;
        Ok(secret)
    }

    // ---- mentors ----

    /// The term's mentors (a page), each judged against the partnership's eligibility rules.
    pub async fn term_mentors(
        &self,
        tv: &TermView,
        available: bool,
        page: Page,
    ) -> Result<(Vec<MentorStatus>, i64)> {
        let (mentors, total) = self
            .store
            .term_mentors(tv.term.id, &tv.districts, available, page)
            .await?;
        let rules = self.store.eligibility(tv.view.partnership.id).await?;
        let people: Vec<i64> = mentors.iter().map(|m| m.person_id).collect();
        let completions = self.store.completions(&people).await?;
        Ok((judge(mentors, &rules, &completions), total))
    }

    /// One mentor of the term, judged; the mentor themself may read it too.
    pub async fn term_mentor(
        &self,
        term_id: i64,
        mentor_id: i64,
    ) -> Result<(TermView, MentorStatus, Vec<Completion>)> {
        let term = self.store.term(term_id).await?;
        let mentor = self.store.mentor(mentor_id, Some(term_id)).await?;
        let view = self.partnership(term.partnership_id).await;
        let tv = match view {
            Ok(view) => term_view(view, term),
            Err(_) => return Err(AppError::NotFound),
        };
        if !mentor
            .district_id
            .is_some_and(|d| tv.districts.contains(&d))
        {
            return Err(AppError::NotFound);
        }
        let rules = self.store.eligibility(tv.view.partnership.id).await?;
        let completions = self.store.completions(&[mentor.person_id]).await?;
        let status = judge(vec![mentor], &rules, &completions).remove(0);
        Ok((tv, status, completions))
    }

    /// Whether the caller keeps mentor profiles at this school.
    fn manages_mentors_at(&self, tv: &TermView, school: &OrgRef) -> bool {
        tv.view.can_work || self.principal.can_answer_hosting(school)
    }

    /// Saves a teacher's mentor profile: the teacher must hold the mentor role at the school.
    pub async fn save_mentor(&self, term_id: i64, draft: &MentorDraft) -> Result<i64> {
        let tv = self.term(term_id).await?;
        let school = self.term_school(&tv, draft.school_id).await.map_err(|_| {
            FieldErrors::single(
                "school_id",
                "Select a school of the partnership's districts",
            )
        })?;
        allow(self.manages_mentors_at(&tv, &school))?;
        let roles = self.store.memberships_of(draft.person_id).await?;
        if !roles
            .iter()
            .any(|m| m.org_id == draft.school_id && m.role == Role::Mentor.code())
        {
            return Err(FieldErrors::single(
                "person_id",
                "Select a teacher with the mentor role at this school",
            )
            .into());
        }
        Ok(self.store.save_mentor(draft).await?)
    }

    /// Teachers with the mentor role in the term's schools, for the profile form.
    pub async fn mentor_teachers(&self, tv: &TermView) -> Result<Vec<(i64, String, i64, String)>> {
        Ok(self
            .store
            .people_with_role_in(&tv.districts, Role::Mentor)
            .await?)
    }

    pub async fn set_availability(
        &self,
        term_id: i64,
        mentor_id: i64,
        capacity: u32,
    ) -> Result<()> {
        let tv = self.term(term_id).await?;
        let mentor = self.store.mentor(mentor_id, None).await?;
        if !mentor
            .district_id
            .is_some_and(|d| tv.districts.contains(&d))
        {
            return Err(AppError::NotFound);
        }
        let school = OrgRef {
            id: mentor.school_id,
            parent_id: mentor.district_id,
            state_code: None,
        };
        let is_self = self.principal.person_id == Some(mentor.person_id);
        allow(is_self || self.manages_mentors_at(&tv, &school))?;
        Ok(self
            .store
            .set_availability(term_id, mentor_id, capacity)
            .await?)
    }

    /// The caller's own mentor profile, if they have one.
    pub async fn my_mentor_profile(&self) -> Result<Option<Mentor>> {
        match self.principal.person_id {
            Some(person) => Ok(self.store.mentor_of_person(person).await?),
            None => Ok(None),
        }
    }

    // ---- training ----

    /// The parties' training modules.
    pub async fn modules(&self, view: &PartnershipView) -> Result<Vec<Module>> {
        Ok(self.store.modules(&view.party_ids()).await?)
    }

    pub async fn create_module(&self, partnership_id: i64, draft: &ModuleDraft) -> Result<i64> {
        let view = self.working_partnership(partnership_id).await?;
        if !view.party_ids().contains(&draft.org_id) {
            return Err(
                FieldErrors::single("org_id", "Select one of the partnership's parties").into(),
            );
        }
        Ok(self.store.create_module(draft).await?)
    }

    /// The parties the page offers as a module's provider: every party of a small
    /// partnership; of a state's (a thousand districts), those the caller works for.
    pub fn module_offerers<'v>(
        &self,
        view: &'v PartnershipView,
    ) -> Vec<&'v tandem_store::partnerships::Party> {
        const EVERY_PARTY_UP_TO: usize = 20;
        let all = view.parties.iter();
        let own: Vec<_> = (all.clone())
            .filter(|p| (self.principal).can_work_in_partnership(&[p.reference()]))
            .collect();
        if view.parties.len() <= EVERY_PARTY_UP_TO || own.is_empty() {
            all.collect()
        } else {
            own
        }
    }

    /// A module of one of the partnership's parties.
    async fn module(&self, partnership_id: i64, module_id: i64) -> Result<PartnershipView> {
        let view = self.partnership(partnership_id).await?;
        let module = self.store.module(module_id).await?;
        if !view.party_ids().contains(&module.org_id) {
            return Err(AppError::NotFound);
        }
        Ok(view)
    }

    /// Those of `people` the partnership's training records may name.
    async fn trainees_among(&self, view: &PartnershipView, people: &[i64]) -> Result<Vec<i64>> {
        Ok(self
            .store
            .trainees_among(people, &districts_of(view), view.partnership.provider_id)
            .await?)
    }

    /// People who can be recorded as trained, for the form (the first by name): mentors of the
    /// districts' schools and the provider's supervisors.
    pub async fn trainees(&self, view: &PartnershipView) -> Result<Vec<(i64, String)>> {
        let districts = districts_of(view);
        let mut people: Vec<(i64, String)> = self
            .store
            .people_with_role_in(&districts, Role::Mentor)
            .await?
            .into_iter()
            .map(|(id, name, _, school)| (id, format!("{name} (mentor, {school})")))
            .collect();
        for (id, name) in self
            .store
            .people_with_role_at(view.partnership.provider_id, Role::Supervisor)
            .await?
        {
            people.push((id, format!("{name} (supervisor)")));
        }
        Ok(people)
    }

    /// Completions from a CSV, all or nothing: each row names a module of the partnership (by
    /// title) and one of its trainees (by e-mail); a problem names the file, line and field.
    pub async fn import_completions(
        &self,
        partnership_id: i64,
        rows: &[(u64, CompletionRow)],
        file: &str,
    ) -> Result<usize> {
        let view = self.working_partnership(partnership_id).await?;
        let modules = self.modules(&view).await?;
        let emails: Vec<String> = rows.iter().map(|(_, r)| r.email.clone()).collect();
        let people = self.store.people_by_emails(&emails).await?;
        let known: Vec<i64> = people.values().copied().collect();
        let trainees: std::collections::HashSet<i64> = self
            .trainees_among(&view, &known)
            .await?
            .into_iter()
            .collect();
        let mut errors = FieldErrors::default();
        let mut records = Vec::with_capacity(rows.len());
        for (line, row) in rows {
            let module = modules
                .iter()
                .find(|m| m.title.trim().eq_ignore_ascii_case(&row.module));
            let person = people.get(&row.email).filter(|p| trainees.contains(p));
            if module.is_none() {
                errors.add(
                    "file",
                    format!(
                        "{file} line {line}, module: the partnership has no module called \"{}\"",
                        row.module
                    ),
                );
            }
            if person.is_none() {
                errors.add(
                    "file",
                    format!(
                        "{file} line {line}, email: {} is not a mentor or supervisor of this partnership",
                        row.email
                    ),
                );
            }
            if let (Some(module), Some(person)) = (module, person) {
                records.push((module.id, *person, row.completed_on.to_string()));
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        self.store.add_completions(&records).await?;
        Ok(records.len())
    }

    pub async fn record_completions(
        &self,
        partnership_id: i64,
        module_id: i64,
        people: &[i64],
        on: time::Date,
    ) -> Result<()> {
        let view = self.module(partnership_id, module_id).await?;
        allow(view.can_work)?;
        let allowed = self.trainees_among(&view, people).await?;
        if !people.iter().all(|p| allowed.contains(p)) {
            return Err(FieldErrors::single(
                "person_ids",
                "Select mentors and supervisors of this partnership",
            )
            .into());
        }
        Ok(self
            .store
            .record_completions(module_id, people, &on.to_string())
            .await?)
    }

    /// Completions of the partnership's modules by its trainees.
    pub async fn completions_of(&self, view: &PartnershipView) -> Result<Vec<Completion>> {
        let modules: Vec<i64> = self.modules(view).await?.iter().map(|m| m.id).collect();
        let mut completions = self.store.module_completions(&modules).await?;
        let people: Vec<i64> = completions.iter().map(|c| c.person_id).collect();
        let allowed: std::collections::HashSet<i64> = self
            .trainees_among(view, &people)
            .await?
            .into_iter()
            .collect();
        completions.retain(|c| allowed.contains(&c.person_id));
        Ok(completions)
    }

    /// The caller's own training that has expired or expires within 60 days (the newest
    /// completion of each module), for their home page.
    pub async fn my_expiring_training(&self) -> Result<Vec<Completion>> {
        let Some(me) = self.principal.person_id else {
            return Ok(Vec::new());
        };
        let mut newest: Vec<Completion> = Vec::new();
        for c in self.store.completions(&[me]).await? {
            match newest.iter_mut().find(|n| n.module_id == c.module_id) {
                Some(n) if n.completed_on < c.completed_on => *n = c,
                Some(_) => {}
                None => newest.push(c),
            }
        }
        newest.retain(crate::pages::placements::expiring);
        Ok(newest)
    }

    /// The term's provider's programs, for the candidate form.
    pub async fn provider_programs(&self, tv: &TermView) -> Result<Vec<(i64, String)>> {
        Ok(self
            .store
            .provider_programs(tv.view.partnership.provider_id)
            .await?)
    }

    // ---- candidates ----

    /// Candidates of the term; their accommodations only to the provider's staff.
    pub async fn candidates(&self, tv: &TermView, page: Page) -> Result<(Vec<Candidate>, i64)> {
        let (mut list, total) = self.store.candidates(tv.term.id, page).await?;
        if !self.sees_accommodations(tv) {
            for c in &mut list {
                c.accommodations.clear();
            }
        }
        Ok((list, total))
    }

    fn sees_accommodations(&self, tv: &TermView) -> bool {
        self.principal.is_admin
            || self.principal.people_scope().covers(&OrgRef {
                id: tv.view.partnership.provider_id,
                parent_id: None,
                state_code: None,
            })
    }

    /// Adds candidates (a form's one or a CSV's many), all or none: programs of the provider,
    /// schools of the districts, a home the school data can place. Returns their ids.
    pub async fn add_candidates(
        &self,
        term_id: i64,
        drafts: &[(u64, CandidateDraft)],
        file: Option<&str>,
    ) -> Result<Vec<i64>> {
        let tv = self.working_term(term_id).await?;
        let provider = self.store.org(tv.view.partnership.provider_id).await?;
        allow(
            self.principal
                .can_grant(&provider.reference(), Role::Candidate),
        )?;
        let programs = self.store.provider_programs(provider.id).await?;
        let schools = self.store.school_keys(&tv.districts).await?;
        let districts = self.store.district_keys(&tv.districts).await?;
        let (existing, _) = self.store.candidates(term_id, Page::all()).await?;
        let mut rows = Vec::with_capacity(drafts.len());
        let mut problems = FieldErrors::default();
        let at = |line: u64, field: &str| match file {
            Some(name) => (format!("{name} line {line}, {field}: "), "file".to_owned()),
            None => (String::new(), field.to_owned()),
        };
        for (line, d) in drafts {
            let mut problem = |field: &str, message: String| {
                let (prefix, key) = at(*line, field);
                problems.add(&key, format!("{prefix}{message}"));
            };
            let program = programs.iter().find(|(id, name)| {
                id.to_string() == d.program || name.eq_ignore_ascii_case(&d.program)
            });
            if program.is_none() {
                problem(
                    "program",
                    format!("'{}' is not a program of {}", d.program, provider.name),
                );
            }
            if existing
                .iter()
                .any(|c| c.email.as_deref() == Some(d.email.as_str()))
            {
                problem(
                    "email",
                    format!("{} is already a candidate in this term", d.email),
                );
            }
            let preferences = preferred_by_key(&schools, &districts, &d.preferences)
                .unwrap_or_else(|k| {
                    let message = format!("'{k}' names no school or district of the partnership");
                    problem("preferences", message);
                    Vec::new()
                });
            let conflicts = schools_by_key(&schools, &d.conflicts).unwrap_or_else(|k| {
                let message = format!("'{k}' is not a school of the partnership's districts");
                problem("conflicts", message);
                Vec::new()
            });
            let (zip, lat, lon) = match self.home_point(&d.home).await? {
                Some(point) => point,
                None => {
                    problem(
                        "zip",
                        "no school has this ZIP code; give the home's latitude and longitude instead".to_owned(),
                    );
                    (String::new(), 0.0, 0.0)
                }
            };
            rows.push(NewCandidate {
                name: d.name.clone(),
                email: d.email.clone(),
                program_id: program.map_or(0, |p| p.0),
                provider_id: provider.id,
                area: d.area.code().to_owned(),
                band: d.band.code().to_owned(),
                zip,
                lat,
                lon,
                preferences,
                conflicts,
                accommodations: d.accommodations.clone(),
            });
        }
        if !problems.is_empty() {
            return Err(problems.into());
        }
        Ok(self.store.add_candidates(term_id, &rows).await?)
    }

    /// Where a home is: given, or the middle of the schools with its ZIP code (`None` when no
    /// school has it).
    async fn home_point(&self, home: &placements::Home) -> Result<Option<(String, f64, f64)>> {
        Ok(match home {
            placements::Home::At { zip, lat, lon } => Some((zip.clone(), *lat, *lon)),
            placements::Home::Zip(zip) => self
                .store
                .zip_point(zip)
                .await?
                .map(|(lat, lon)| (zip.clone(), lat, lon)),
        })
    }

    /// The caller's own candidacies.
    pub async fn my_candidacies(&self) -> Result<Vec<Candidate>> {
        match self.principal.person_id {
            Some(person) => Ok(self.store.candidacies_of(person).await?),
            None => Ok(Vec::new()),
        }
    }

    /// A candidate's own record: the candidate, or the term's readers.
    pub async fn candidate(&self, id: i64) -> Result<(Candidate, bool)> {
        let candidate = self.store.candidate(id).await?;
        let is_self = self.principal.person_id == Some(candidate.person_id);
        if !is_self {
            let tv = self.term(candidate.term_id).await?;
            let mut candidate = candidate;
            if !self.sees_accommodations(&tv) {
                candidate.accommodations.clear();
            }
            return Ok((candidate, false));
        }
        Ok((candidate, true))
    }

    /// The candidate states their home, preferences, conflicts and accommodations.
    pub async fn update_my_candidacy(&self, id: i64, draft: &CandidateDraft) -> Result<()> {
        let (candidate, is_self) = self.candidate(id).await?;
        allow(is_self)?;
        let term = self.store.term(candidate.term_id).await?;
        let parties = self.store.parties(term.partnership_id).await?;
        let district_list = district_ids(&parties);
        let schools = self.store.school_keys(&district_list).await?;
        let districts = self.store.district_keys(&district_list).await?;
        let mut errors = FieldErrors::default();
        let preferences = preferred_by_key(&schools, &districts, &draft.preferences)
            .unwrap_or_else(|_| {
                errors.add(
                    "preferences",
                    "Select schools or districts of the partnership",
                );
                Vec::new()
            });
        let conflicts = schools_by_key(&schools, &draft.conflicts).unwrap_or_else(|_| {
            errors.add("conflicts", "Select schools of the partnership's districts");
            Vec::new()
        });
        let (zip, lat, lon) = match self.home_point(&draft.home).await? {
            Some(point) => point,
            None => {
                errors.add(
                    "zip",
                    "No school has this ZIP code; give your home's latitude and longitude instead",
                );
                (String::new(), 0.0, 0.0)
            }
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let row = NewCandidate {
            name: candidate.name.clone(),
            email: candidate.email.clone().unwrap_or_default(),
            program_id: candidate.program_id,
            provider_id: candidate.provider_id,
            area: candidate.area.clone(),
            band: candidate.band.clone(),
            zip,
            lat,
            lon,
            preferences,
            conflicts,
            accommodations: draft.accommodations.clone(),
        };
        Ok(self.store.update_candidate(id, &row).await?)
    }

    /// The schools a candidate chooses from: those hosting this term within its travel limit
    /// of their home, nearest first (at most [`NEAR_SCHOOLS`]), and any they chose before;
    /// and the partnership's districts with a school in reach, or chosen before.
    pub async fn candidate_choices(&self, candidate: &Candidate) -> Result<CandidateChoices> {
        let term = self.store.term(candidate.term_id).await?;
        let parties = self.store.parties(term.partnership_id).await?;
        let districts = district_ids(&parties);
        let km = term.rules().max_travel_km;
        let home = (candidate.lat, candidate.lon);
        let rows = self
            .store
            .hosting_near(term.id, &districts, home, km)
            .await?;
        let mut near: Vec<(f64, HostingRow)> = rows
            .into_iter()
            .filter_map(|r| {
                let d = placements::distance_km(home.0, home.1, r.latitude?, r.longitude?);
                (d <= km).then_some((d, r))
            })
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.school_id.cmp(&b.1.school_id)));
        // Districts with a school in reach: a state partnership has a thousand.
        let mut reach: Vec<i64> = (near.iter()).filter_map(|n| n.1.district_id).collect();
        reach.extend(candidate.preferred().into_iter().filter_map(|p| match p {
            Preferred::District { district } => Some(district),
            Preferred::School(_) => None,
        }));
        reach.sort_unstable();
        reach.dedup();
        near.truncate(NEAR_SCHOOLS);
        for id in (candidate.preferred().into_iter())
            .filter_map(Preferred::school)
            .chain(candidate.conflict_ids())
        {
            if !near.iter().any(|n| n.1.school_id == id)
                && let Ok(row) = self.store.hosting_row(term.id, id).await
            {
                near.push((f64::MAX, row));
            }
        }
        let mut districts: Vec<(i64, String)> = (parties.into_iter())
            .filter(|p| p.org_kind == OrgKind::District.code())
            .filter(|p| reach.binary_search(&p.org_id).is_ok())
            .map(|p| (p.org_id, p.org_name))
            .collect();
        districts.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(CandidateChoices {
            schools: near.into_iter().map(|(_, row)| row).collect(),
            districts,
        })
    }

    // ---- match runs ----

    /// Everything the engine needs for the term, as it stands now.
    async fn run_inputs(&self, tv: &TermView) -> Result<RunInputs> {
        let term_id = tv.term.id;
        let (candidates, _) = self.store.candidates(term_id, Page::all()).await?;
        let (hosting, _) = self
            .store
            .hosting(term_id, &tv.districts, true, Page::all())
            .await?;
        let (mentors, _) = self.term_mentors(tv, true, Page::all()).await?;
        let (live, _) = self.store.placements(term_id, Page::all()).await?;
        let previous: HashMap<i64, i64> = (live.iter())
            .map(|p| (p.candidate_id, p.school_id))
            .collect();
        let kept: Vec<&Placement> = live
            .iter()
            .filter(|p| p.locked == 1 || p.status() != PlacementStatus::Proposed)
            .collect();
        let declines = self.store.declines(term_id).await?;
        let mut kept_at: HashMap<i64, u32> = HashMap::new();
        for p in &kept {
            *kept_at.entry(p.school_id).or_default() += 1;
        }
        let run_schools = hosting
            .iter()
            .filter_map(|h| {
                Some(RunSchool {
                    id: h.school_id,
                    name: h.school_name.clone(),
                    district_id: h.district_id.unwrap_or(0),
                    lat: h.latitude?,
                    lon: h.longitude?,
                    cap: (h.slots.unwrap_or(0) as u32)
                        .max(kept_at.get(&h.school_id).copied().unwrap_or(0)),
                    high_needs: h.is_high_needs(),
                })
            })
            .collect::<Vec<_>>();
        let host_of: HashMap<i64, &HostingRow> = hosting.iter().map(|h| (h.school_id, h)).collect();
        let run_mentors = mentors
            .iter()
            .filter_map(|s| {
                let m = &s.mentor;
                let host = host_of.get(&m.school_id)?;
                let mut areas = m.areas();
                let host_areas =
                    tandem_domain::values::areas_from_codes(host.areas.as_deref().unwrap_or(""));
                if !host_areas.is_empty() {
                    areas.retain(|a| host_areas.contains(a));
                }
                let mut bands = placements::bands_from_codes(&m.bands);
                let host_bands = placements::bands_from_codes(host.bands.as_deref().unwrap_or(""));
                if !host_bands.is_empty() {
                    bands.retain(|b| host_bands.contains(b));
                }
                let recent = m
                    .evidence_on
                    .as_deref()
                    .and_then(day)
                    .is_some_and(|d| d >= today() - time::Duration::days(2 * 365));
                Some(RunMentor {
                    id: m.id,
                    name: m.name.clone(),
                    school_id: m.school_id,
                    areas,
                    bands,
                    capacity: m.capacity.unwrap_or(0) as u32,
                    eligible: s.not_eligible.is_empty(),
                    quality: placements::quality(m.years_experience as u32, recent),
                })
            })
            .collect();
        let run_candidates = candidates
            .iter()
            .map(|c| {
                // A district's decline closes the school to the candidate; a mentor's, only
                // that mentor.
                let declined = declines.iter().filter(|d| d.candidate_id == c.id);
                let mut conflicts = c.conflict_ids();
                let mut declined_by_mentors = Vec::new();
                for d in declined {
                    if d.by_party == "mentor" {
                        declined_by_mentors.push(d.mentor_id);
                    } else {
                        conflicts.push(d.school_id);
                    }
                }
                RunCandidate {
                    id: c.id,
                    name: c.name.clone(),
                    area: tandem_domain::LicensureArea::parse(&c.area)
                        .unwrap_or(tandem_domain::LicensureArea::Elementary),
                    band: tandem_domain::GradeBand::parse(&c.band)
                        .unwrap_or(tandem_domain::GradeBand::Elementary),
                    lat: c.lat,
                    lon: c.lon,
                    preferences: c.preferred(),
                    conflicts,
                    declined_by_mentors,
                    program_id: c.program_id,
                    previous_school: previous.get(&c.id).copied(),
                }
            })
            .collect();
        Ok(RunInputs {
            rules: tv.term.rules(),
            candidates: run_candidates,
            mentors: run_mentors,
            schools: run_schools,
            locks: kept.iter().map(|p| (p.candidate_id, p.mentor_id)).collect(),
        })
    }

    /// Runs the engine for the term and keeps the run; contradictory rules come back as a
    /// problem with the rules, and nothing is kept.
    pub async fn run_match(&self, term_id: i64) -> Result<i64> {
        let tv = self.working_term(term_id).await?;
        run_step(
            &self.store,
            term_id,
            "reading the term's candidates, schools and mentors",
        );
        let inputs = self.run_inputs(&tv).await?;
        if inputs.candidates.is_empty() {
            return Err(FieldErrors::single(
                "run",
                "The term has no candidates yet: add or import them first",
            )
            .into());
        }
        run_step(&self.store, term_id, "finding the best placements");
        let solved = tokio::task::spawn_blocking(move || {
            let outcome = placements::run(&inputs);
            (inputs, outcome)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let (inputs, outcome) = solved;
        let (results, summary) =
            outcome.map_err(|message| FieldErrors::single("high_needs_min", message))?;
        run_step(&self.store, term_id, "keeping the results");
        let json = serde_json::to_string(&inputs).map_err(|e| AppError::Internal(e.to_string()))?;
        let run = self
            .store
            .save_run(term_id, &json, &summary, &results, self.principal.person_id)
            .await?;
        notify::run_proposed(&self.store, term_id, run).await;
        Ok(run)
    }

    /// Starts a run in the background and waits up to `wait` for it: a small term's run is
    /// kept (or refused, with the rule to change) before the page answers; a state's run goes
    /// on while its term page shows the step it is at.
    pub async fn start_run(&self, term_id: i64, wait: Duration) -> Result<Started<i64>> {
        self.working_term(term_id).await?;
        let guard = self.clone();
        let work = async move { guard.run_match(term_id).await };
        self.start_task(term_id, TermTask::Match, wait, work).await
    }

    /// Assigns supervisors (see `assign_supervisors`) in the background, as `start_run` runs
    /// a match.
    pub async fn start_assigning(
        &self,
        term_id: i64,
        start_over: bool,
        wait: Duration,
    ) -> Result<Started<usize>> {
        self.working_term(term_id).await?;
        let guard = self.clone();
        let work = async move { guard.assign_supervisors(term_id, start_over).await };
        self.start_task(term_id, TermTask::Supervisors, wait, work)
            .await
    }

    /// Runs `work` for a term in the background, one of each kind at a time, and waits up to
    /// `wait` for it; after that, the term page follows it.
    async fn start_task<T: Send + 'static>(
        &self,
        term_id: i64,
        task: TermTask,
        wait: Duration,
        work: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<Started<T>> {
        let key = task_key(&self.store, term_id, task);
        {
            let mut running = running();
            if running.get(&key).is_some_and(|p| p.failed.is_none()) {
                let (field, message) = task.busy();
                return Err(FieldErrors::single(field, message).into());
            }
            running.insert(
                key.clone(),
                RunProgress {
                    started: Instant::now(),
                    step: "starting",
                    failed: None,
                },
            );
        }
        let task_key = key.clone();
        let (sender, receiver) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let outcome = work.await;
            match &outcome {
                Ok(_) => {
                    running().remove(&task_key);
                }
                Err(error) => {
                    if let Some(progress) = running().get_mut(&task_key) {
                        progress.failed = Some(match error {
                            AppError::Invalid(errors) => errors.to_string(),
                            other => {
                                tracing::error!(term_id, ?task, error = ?other, "a term's task failed");
                                "it stopped on an error; the server log has the details".to_owned()
                            }
                        });
                    }
                }
            }
            let _ = sender.send(outcome);
        });
        if wait.is_zero() {
            // Not waiting at all: even a task that ends at once is reported by its term page.
            return Ok(Started::Running);
        }
        match tokio::time::timeout(wait, receiver).await {
            Ok(Ok(outcome)) => {
                // Answered in time: the page shows the outcome, so the term page need not.
                running().remove(&key);
                outcome.map(Started::Done)
            }
            Ok(Err(_)) => Err(AppError::Internal(
                "the task ended without an answer".into(),
            )),
            Err(_) => Ok(Started::Running),
        }
    }

    /// The term's task of this kind under way (or its failure), if any.
    pub fn task_progress(&self, tv: &TermView, task: TermTask) -> Option<RunProgress> {
        running()
            .get(&task_key(&self.store, tv.term.id, task))
            .cloned()
    }

    pub async fn runs(&self, tv: &TermView) -> Result<Vec<Run>> {
        Ok(self.store.runs(tv.term.id).await?)
    }

    /// A run, a page of its results, and the changes from the run before it (the first
    /// [`CHANGES_SHOWN`], with how many there are).
    pub async fn run_view(&self, tv: &TermView, run_id: i64, page: Page) -> Result<RunView> {
        let runs = self.store.runs(tv.term.id).await?;
        let position = runs
            .iter()
            .position(|r| r.id == run_id)
            .ok_or(AppError::NotFound)?;
        let (rows, total) = self.store.run_rows(run_id, page).await?;
        // The first run has nothing to differ from.
        let changes = if position + 1 < runs.len() {
            let first = Page::new(None, Some(CHANGES_SHOWN));
            Some(self.store.run_changes(run_id, first).await?)
        } else {
            None
        };
        Ok(RunView {
            run: runs[position].clone(),
            rows,
            total,
            changes,
        })
    }

    /// A page of a run's placements summed by school, and how many schools: the term's
    /// readers.
    pub async fn run_schools(
        &self,
        tv: &TermView,
        run_id: i64,
        page: Page,
    ) -> Result<(Run, Vec<SchoolOutcome>, i64)> {
        let run = self.run(tv, run_id).await?;
        let (schools, total) = self.store.run_schools(run_id, page).await?;
        Ok((run, schools, total))
    }

    /// The same by district.
    pub async fn run_districts(
        &self,
        tv: &TermView,
        run_id: i64,
        page: Page,
    ) -> Result<(Run, Vec<DistrictPlacements>, i64)> {
        let run = self.run(tv, run_id).await?;
        let (districts, total) = self.store.run_districts(run_id, page).await?;
        Ok((run, districts, total))
    }

    /// The inputs a run was given (JSON), for explaining it later.
    pub async fn run_inputs_json(&self, tv: &TermView, run_id: i64) -> Result<String> {
        self.run(tv, run_id).await?;
        Ok(self.store.run_inputs(run_id).await?)
    }

    /// One run of the term.
    pub async fn run(&self, tv: &TermView, run_id: i64) -> Result<Run> {
        let run = self.store.run(run_id).await?;
        if run.term_id != tv.term.id {
            return Err(AppError::NotFound);
        }
        Ok(run)
    }

    /// A run's unplaced candidates: (name, why).
    pub async fn unplaced(&self, tv: &TermView, run_id: i64) -> Result<Vec<(String, String)>> {
        self.run(tv, run_id).await?;
        Ok(self.store.unplaced(run_id).await?)
    }

    // ---- placements ----

    pub async fn placements(&self, tv: &TermView, page: Page) -> Result<(Vec<Placement>, i64)> {
        Ok(self.store.placements(tv.term.id, page).await?)
    }

    pub async fn declines(&self, tv: &TermView) -> Result<Vec<Decline>> {
        Ok(self.store.declines(tv.term.id).await?)
    }

    /// A placement: the partnership's readers, its mentor and its candidate see it.
    pub async fn placement(&self, id: i64) -> Result<PlacementView> {
        let placement = self.store.placement(id).await?;
        let me = self.principal.person_id;
        let is_mentor = me.is_some() && me == Some(placement.mentor_person_id);
        let is_candidate = me.is_some() && me == Some(placement.candidate_person_id);
        let term = self.store.term(placement.term_id).await?;
        let (can_work, readable) = match self.partnership(term.partnership_id).await {
            Ok(view) => (view.can_work, true),
            Err(AppError::NotFound) => (false, false),
            Err(other) => return Err(other),
        };
        if !(readable || is_mentor || is_candidate) {
            return Err(AppError::NotFound);
        }
        let can_approve = placement.district_id.is_some_and(|d| {
            self.principal.can_approve_for(&OrgRef {
                id: d,
                parent_id: None,
                state_code: None,
            })
        });
        Ok(PlacementView {
            placement,
            can_work,
            can_approve,
            is_mentor,
        })
    }

    pub async fn set_locked(&self, id: i64, locked: bool) -> Result<i64> {
        let pv = self.placement(id).await?;
        allow(pv.can_work)?;
        self.store.set_locked(id, locked).await?;
        Ok(pv.placement.term_id)
    }

    fn actor_name(&self) -> String {
        self.me()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "API".to_owned())
    }

    /// The district approves a proposed placement, or declines it with a reason.
    pub async fn district_answer(
        &self,
        id: i64,
        approve: bool,
        reason: Option<&str>,
    ) -> Result<i64> {
        let pv = self.placement(id).await?;
        allow(pv.can_approve)?;
        let term = pv.placement.term_id;
        let done = match reason {
            _ if approve => {
                self.store
                    .advance_placement(id, PlacementStatus::Proposed, PlacementStatus::Approved)
                    .await?
            }
            Some(reason) => {
                self.store
                    .decline_placement(
                        &pv.placement,
                        PlacementStatus::Proposed,
                        "district",
                        reason,
                        &self.actor_name(),
                    )
                    .await?
            }
            None => {
                return Err(FieldErrors::single(
                    "reason",
                    "Say why, so the coordinator knows what to change",
                )
                .into());
            }
        };
        if !done {
            return Err(FieldErrors::single(
                "reason",
                "This placement is no longer waiting for the district: it was answered already",
            )
            .into());
        }
        match reason {
            _ if approve => notify::approved(&self.store, &pv.placement).await,
            Some(reason) => {
                let by = pv
                    .placement
                    .district_name
                    .as_deref()
                    .unwrap_or("The district");
                notify::declined(&self.store, &pv.placement, by, reason).await;
            }
            None => {}
        }
        Ok(term)
    }

    /// The mentor accepts an approved placement (it is then confirmed), or declines it.
    pub async fn mentor_answer(&self, id: i64, accept: bool, reason: Option<&str>) -> Result<i64> {
        let pv = self.placement(id).await?;
        allow(pv.is_mentor)?;
        answer_as_mentor(
            &self.store,
            &pv.placement,
            accept,
            reason,
            &self.actor_name(),
        )
        .await?;
        Ok(pv.placement.term_id)
    }

    /// A one-time link for the mentor to answer without signing in: the secret, shown once.
    pub async fn placement_link(&self, id: i64) -> Result<String> {
        let pv = self.placement(id).await?;
        allow(pv.can_work || pv.can_approve)?;
        let secret = random_token();
        self.store
            .create_link(
                &sha256_hex(&secret),
                "placement",
                pv.placement.term_id,
                id,
                LINK_DAYS,
            )
            .await?;
        Ok(secret)
    }

    /// Placements waiting on the caller: as a district, as a mentor, and their own.
    pub async fn waiting(&self) -> Result<Waiting> {
        let Some(me) = self.principal.person_id else {
            return Ok(Waiting::default());
        };
        let districts: Vec<i64> = self
            .principal
            .grants
            .iter()
            .filter(|g| g.org_kind == OrgKind::District)
            .filter(|g| {
                self.principal.can_approve_for(&OrgRef {
                    id: g.org_id,
                    parent_id: None,
                    state_code: None,
                })
            })
            .map(|g| g.org_id)
            .collect();
        let district = self
            .store
            .placements_where(&districts, Some(PlacementStatus::Proposed), None, None)
            .await?;
        let mentor = self
            .store
            .placements_where(&[], Some(PlacementStatus::Approved), Some(me), None)
            .await?;
        let mine = self
            .store
            .placements_where(&[], None, None, Some(me))
            .await?;
        Ok(Waiting {
            hosting: self.hosting_to_answer().await?,
            district,
            mentor,
            mine,
        })
    }

    /// Assigns the provider's supervisors to the term's confirmed placements that have none:
    /// caseloads within one of each other (counting what each already carries this term) and,
    /// among those, the least travel from each supervisor's base to the schools. Starting
    /// over, every confirmed placement is assigned afresh. (Pages start it in the background:
    /// `start_assigning`.)
    pub async fn assign_supervisors(&self, term_id: i64, start_over: bool) -> Result<usize> {
        let step = |step| task_step(&self.store, term_id, TermTask::Supervisors, step);
        step("reading the confirmed placements and the supervisors' bases");
        let tv = self.working_term(term_id).await?;
        let supervisors = self.supervisors(&tv).await?;
        if supervisors.is_empty() {
            return Err(FieldErrors::single("supervisors", "The provider has no program supervisors: add people with the supervisor role first").into());
        }
        let (mut placements, _) = self.store.placements(term_id, Page::all()).await?;
        if start_over {
            for p in (placements.iter_mut())
                .filter(|p| p.status() == PlacementStatus::Confirmed && p.supervisor_id.is_some())
            {
                p.supervisor_id = None;
            }
        }
        let mut open: Vec<&Placement> = (placements.iter())
            .filter(|p| p.status() == PlacementStatus::Confirmed && p.supervisor_id.is_none())
            .collect();
        open.sort_by_key(|p| (p.school_id, p.id));
        // Each school with its placements to supervise, in order (`open` is sorted by school).
        let mut schools: Vec<(i64, u32)> = Vec::new();
        for p in &open {
            match schools.last_mut() {
                Some((school, visits)) if *school == p.school_id => *visits += 1,
                _ => schools.push((p.school_id, 1)),
            }
        }
        let ids: Vec<i64> = schools.iter().map(|s| s.0).collect();
        let points: HashMap<i64, (f64, f64)> = (self.store.school_points(&ids).await?)
            .into_iter()
            .filter_map(|(id, lat, lon)| Some((id, (lat?, lon?))))
            .collect();
        let mut load: HashMap<i64, u32> = HashMap::new();
        for s in placements.iter().filter_map(|p| p.supervisor_id) {
            *load.entry(s).or_insert(0) += 1;
        }
        let people: Vec<caseloads::Supervisor> = (supervisors.iter())
            .map(|s| caseloads::Supervisor {
                load: load.get(&s.id).copied().unwrap_or(0),
                base: s.base(),
            })
            .collect();
        let sites: Vec<caseloads::Site> = (schools.iter())
            .map(|&(school, visits)| {
                // A school the directory has no place for costs the same to everyone.
                let (lat, lon) = points.get(&school).copied().unwrap_or((f64::NAN, f64::NAN));
                caseloads::Site { lat, lon, visits }
            })
            .collect();
        step("finding even caseloads with the least travel");
        // (Seconds at a state's size: off the threads that answer requests.)
        let assigned = tokio::task::spawn_blocking(move || caseloads::assign(&people, &sites))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut visits = open.iter();
        let mut given = Vec::new();
        for counts in &assigned {
            for &(v, n) in counts {
                given.extend(
                    visits
                        .by_ref()
                        .take(n as usize)
                        .map(|p| (p.id, supervisors[v].id)),
                );
            }
        }
        step("keeping the assignments");
        self.store.set_supervisors(&given).await?;
        Ok(given.len())
    }

    pub async fn supervisors(&self, tv: &TermView) -> Result<Vec<SupervisorBase>> {
        Ok(self
            .store
            .supervisors_at(tv.view.partnership.provider_id)
            .await?)
    }

    /// The provider's supervisors with their caseloads this term and the travel those take
    /// from their bases (to each school once per placement).
    pub async fn caseloads(&self, tv: &TermView) -> Result<Vec<Caseload>> {
        allow(tv.view.can_work)?;
        let supervised = self.store.supervised_schools(tv.term.id).await?;
        Ok((self.supervisors(tv).await?.into_iter())
            .map(|supervisor| {
                let mut caseload = Caseload {
                    placements: 0,
                    km: supervisor.base().map(|_| 0.0),
                    supervisor,
                };
                let from = caseload.supervisor.base();
                for (_, lat, lon, n) in supervised.iter().filter(|r| r.0 == caseload.supervisor.id)
                {
                    caseload.placements += *n;
                    if let (Some(km), Some((blat, blon)), Some(lat), Some(lon)) =
                        (&mut caseload.km, from, lat, lon)
                    {
                        *km += distance_km(blat, blon, *lat, *lon) * *n as f64;
                    }
                }
                caseload
            })
            .collect())
    }

    /// Sets where a supervisor of the term's provider sets out from.
    pub async fn set_supervisor_base(
        &self,
        term_id: i64,
        supervisor: i64,
        home: &placements::Home,
    ) -> Result<()> {
        let tv = self.working_term(term_id).await?;
        if !self
            .supervisors(&tv)
            .await?
            .iter()
            .any(|s| s.id == supervisor)
        {
            return Err(FieldErrors::single(
                "supervisor_id",
                "Select a supervisor of the provider",
            )
            .into());
        }
        let Some((zip, lat, lon)) = self.home_point(home).await? else {
            return Err(FieldErrors::single(
                "zip",
                "No school in the directory has this ZIP code: enter latitude and longitude instead",
            )
            .into());
        };
        self.store
            .set_supervisor_base(supervisor, &zip, lat, lon)
            .await?;
        Ok(())
    }

    pub async fn set_supervisor(&self, placement_id: i64, supervisor: Option<i64>) -> Result<i64> {
        let pv = self.placement(placement_id).await?;
        allow(pv.can_work)?;
        let tv = self.term(pv.placement.term_id).await?;
        if let Some(s) = supervisor
            && !self.supervisors(&tv).await?.iter().any(|x| x.id == s)
        {
            return Err(FieldErrors::single(
                "supervisor_id",
                "Select a supervisor of the provider",
            )
            .into());
        }
        self.store.set_supervisor(placement_id, supervisor).await?;
        Ok(tv.term.id)
    }
}

/// A supervisor's caseload in a term, and the kilometres from their base to it (`None` when
/// they have no base).
#[derive(Debug, Clone)]
pub struct Caseload {
    pub supervisor: SupervisorBase,
    pub placements: i64,
    pub km: Option<f64>,
}

fn districts_of(view: &PartnershipView) -> Vec<i64> {
    district_ids(&view.parties)
}

/// The draft with its district limits named by the partnership's districts.
fn with_districts(
    parties: &[tandem_store::partnerships::Party],
    draft: &TermDraft,
) -> Result<TermDraft> {
    let mut draft = draft.clone();
    draft.rules.districts = Vec::new();
    for line in &draft.district_lines {
        let district = parties
            .iter()
            .filter(|p| p.org_kind == OrgKind::District.code())
            .find(|p| p.org_name.trim().eq_ignore_ascii_case(&line.name))
            .ok_or_else(|| {
                FieldErrors::single(
                    "district_limits",
                    format!(
                        "Line {}: no district of this partnership is named {}",
                        line.line, line.name
                    ),
                )
            })?;
        draft.rules.districts.push(DistrictRule {
            district_id: district.org_id,
            name: district.org_name.clone(),
            min: line.min,
            max: line.max,
        });
    }
    Ok(draft)
}

fn district_ids(parties: &[tandem_store::partnerships::Party]) -> Vec<i64> {
    parties
        .iter()
        .filter(|p| p.org_kind == OrgKind::District.code())
        .map(|p| p.org_id)
        .collect()
}

/// Preferences named by key: a school (as `schools_by_key` finds it) or else a district, by
/// NCES id or as `d` and its Tandem id, among `districts` (id, NCES id). The first key that
/// names neither is the error.
fn preferred_by_key(
    schools: &[(i64, Option<String>)],
    districts: &[(i64, Option<String>)],
    keys: &[String],
) -> std::result::Result<Vec<Preferred>, String> {
    keys.iter()
        .map(|key| {
            if let Ok([school]) = schools_by_key(schools, std::slice::from_ref(key)).as_deref() {
                return Ok(Preferred::School(*school));
            }
            let tandem_id = key.strip_prefix('d').and_then(|id| id.parse::<i64>().ok());
            districts
                .iter()
                .find(|(id, nces)| tandem_id == Some(*id) || nces.as_deref() == Some(key.as_str()))
                .map(|(id, _)| Preferred::District { district: *id })
                .ok_or_else(|| key.clone())
        })
        .collect()
}

/// A term's schools by the keys a CSV may name them by: Tandem id or NCES id. (A file names
/// thousands of schools at state scale: looked up, not searched.)
struct TermSchools {
    rows: Vec<HostingRow>,
    by_key: HashMap<String, usize>,
}

impl TermSchools {
    fn find(&self, key: &str) -> Option<&HostingRow> {
        self.by_key.get(key).map(|&i| &self.rows[i])
    }
}

/// Schools named by Tandem id or NCES id, among `schools` (id, NCES id); the first name that is
/// not among them is the error.
fn schools_by_key(
    schools: &[(i64, Option<String>)],
    keys: &[String],
) -> std::result::Result<Vec<i64>, String> {
    keys.iter()
        .map(|key| {
            schools
                .iter()
                .find(|(id, nces)| id.to_string() == *key || nces.as_deref() == Some(key.as_str()))
                .map(|(id, _)| *id)
                .ok_or_else(|| key.clone())
        })
        .collect()
}

fn term_view(view: PartnershipView, term: Term) -> TermView {
    TermView {
        districts: districts_of(&view),
        view,
        term,
    }
}

async fn answer_as_mentor(
    store: &Store,
    placement: &Placement,
    accept: bool,
    reason: Option<&str>,
    by: &str,
) -> Result<()> {
    let waiting = "This placement is not waiting for the mentor: it was answered already, or the district has not approved it yet";
    let done = if accept {
        store
            .advance_placement(
                placement.id,
                PlacementStatus::Approved,
                PlacementStatus::Confirmed,
            )
            .await?
    } else {
        let Some(reason) = reason else {
            return Err(FieldErrors::single(
                "reason",
                "Say why, so the coordinator knows what to change",
            )
            .into());
        };
        store
            .decline_placement(placement, PlacementStatus::Approved, "mentor", reason, by)
            .await?
    };
    if !done {
        return Err(FieldErrors::single("reason", waiting).into());
    }
    match reason {
        _ if accept => notify::confirmed(store, placement).await,
        Some(reason) => {
            let by = format!("The mentor, {},", placement.mentor_name);
            notify::declined(store, placement, &by, reason).await;
        }
        None => {}
    }
    Ok(())
}

// ---- one-time links: the secret is the authority, for one answer ----

/// What a live link opens.
pub enum LinkSubject {
    Hosting { term: Term, school: HostingRow },
    Placement(Placement),
}

async fn open_link(store: &Store, secret: &str) -> Result<(String, LinkSubject)> {
    let hash = sha256_hex(secret);
    let link = store.link(&hash).await?;
    if link.used_at.is_some() || link.expires_at < tandem_store::now() {
        return Err(AppError::BadRequest(
            "This link has been used or has expired. Ask the placement coordinator for a new one."
                .into(),
        ));
    }
    let subject = match link.purpose.as_str() {
        "hosting" => {
            let term = store.term(link.term_id).await?;
            let school = store.hosting_row(term.id, link.subject_id).await?;
            LinkSubject::Hosting { term, school }
        }
        _ => LinkSubject::Placement(store.placement(link.subject_id).await?),
    };
    Ok((hash, subject))
}

pub async fn link_subject(store: &Store, secret: &str) -> Result<LinkSubject> {
    Ok(open_link(store, secret).await?.1)
}

/// Answers hosting through a link; the link is then spent.
pub async fn answer_hosting_by_link(
    store: &Store,
    secret: &str,
    fields: &HostingFields,
) -> Result<()> {
    let (hash, subject) = open_link(store, secret).await?;
    let LinkSubject::Hosting { term, school } = subject else {
        return Err(AppError::NotFound);
    };
    let draft = fields.parse(None)?;
    if !store.use_link(&hash).await? {
        return Err(AppError::BadRequest("This link has just been used.".into()));
    }
    Ok(store
        .answer_hosting(term.id, school.school_id, &draft)
        .await?)
}

/// A mentor answers through a link; the link is spent only when the answer is taken.
pub async fn answer_placement_by_link(
    store: &Store,
    secret: &str,
    accept: bool,
    reason: Option<&str>,
) -> Result<()> {
    let (hash, subject) = open_link(store, secret).await?;
    let LinkSubject::Placement(placement) = subject else {
        return Err(AppError::NotFound);
    };
    let by = format!("{} (one-time link)", placement.mentor_name);
    answer_as_mentor(store, &placement, accept, reason, &by).await?;
    store.use_link(&hash).await?;
    Ok(())
}

/// The summary line of a run, for lists.
pub fn summary_line(summary: &RunSummary) -> String {
    format!(
        "{} of {} placed, {:.0}% in high-needs schools, {:.1} km average travel",
        summary.placed,
        summary.candidates,
        summary.high_needs_share(),
        summary.average_km
    )
}
