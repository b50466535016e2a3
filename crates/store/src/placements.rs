//! Placement terms, hosting answers, mentor profiles and their availability, training, the
//! candidates of a term, match runs (inputs, summary, results) and the live placements.

use tandem_domain::placements::{
    EligibilityRules, HostingDraft, MentorDraft, ModuleDraft, PlacementStatus, Preferred,
    RunResult, RunRules, RunSummary, TermDraft, TermKind, bands_to_codes,
};
use tandem_domain::values::areas_to_codes;
use tandem_domain::{LicensureArea, Role};

use crate::people::{NewMember, add_members};
use crate::sql::{Sql, Value, insert_rows, page_of};
use crate::{Page, Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Term {
    pub id: i64,
    pub partnership_id: i64,
    pub name: String,
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    pub rules: String,
}

impl Term {
    pub fn kind_label(&self) -> &'static str {
        TermKind::parse(&self.kind).map_or("", TermKind::label)
    }

    pub fn rules(&self) -> RunRules {
        RunRules::from_json(&self.rules)
    }
}

/// A school of the partnership's districts with its answer for a term (if any).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HostingRow {
    pub school_id: i64,
    pub school_name: String,
    pub district_id: Option<i64>,
    pub district_name: Option<String>,
    pub high_needs: Option<i64>,
    pub slots: Option<i64>,
    pub areas: Option<String>,
    pub bands: Option<String>,
    pub reason: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl HostingRow {
    pub fn answered(&self) -> bool {
        self.answered_at.is_some()
    }

    pub fn is_high_needs(&self) -> bool {
        self.high_needs == Some(1)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Mentor {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub school_id: i64,
    pub school_name: String,
    pub district_id: Option<i64>,
    pub high_needs: Option<i64>,
    pub areas: String,
    pub bands: String,
    pub years_experience: i64,
    pub evidence_source: String,
    pub evidence_on: Option<String>,
    pub willing: i64,
    /// Capacity for the term asked about; `None` when not available.
    pub capacity: Option<i64>,
}

impl Mentor {
    pub fn areas(&self) -> Vec<LicensureArea> {
        tandem_domain::values::areas_from_codes(&self.areas)
    }

    pub fn is_high_needs(&self) -> bool {
        self.high_needs == Some(1)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Module {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub title: String,
    pub audience: String,
    pub hours: f64,
    pub valid_months: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Completion {
    pub id: i64,
    pub module_id: i64,
    pub title: String,
    pub audience: String,
    pub valid_months: i64,
    pub person_id: i64,
    pub person_name: String,
    pub completed_on: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub term_id: i64,
    pub person_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub program_id: i64,
    pub program_name: String,
    pub provider_id: i64,
    pub area: String,
    pub band: String,
    pub zip: String,
    pub lat: f64,
    pub lon: f64,
    pub preferences: String,
    pub conflicts: String,
    pub accommodations: String,
}

impl Candidate {
    /// Schools and districts, most wanted first.
    pub fn preferred(&self) -> Vec<Preferred> {
        Preferred::list(&self.preferences)
    }

    pub fn conflict_ids(&self) -> Vec<i64> {
        id_list(&self.conflicts)
    }
}

pub fn id_list(text: &str) -> Vec<i64> {
    text.split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

pub fn id_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// A candidate resolved against the store: program, home and schools by id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCandidate {
    pub name: String,
    pub email: String,
    pub program_id: i64,
    pub provider_id: i64,
    pub area: String,
    pub band: String,
    pub zip: String,
    pub lat: f64,
    pub lon: f64,
    pub preferences: Vec<Preferred>,
    pub conflicts: Vec<i64>,
    pub accommodations: String,
}

/// One candidate's result in a run, with the names a page shows.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RunRow {
    pub candidate_id: i64,
    pub candidate_name: String,
    pub mentor_name: Option<String>,
    pub school_name: Option<String>,
    pub high_needs: Option<i64>,
    pub km: Option<f64>,
    pub locked: i64,
    pub detail: String,
}

/// A run's placements in one school.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SchoolOutcome {
    pub school_id: i64,
    pub school_name: String,
    pub district_name: Option<String>,
    pub high_needs: Option<i64>,
    pub placed: i64,
    pub locked: i64,
    pub average_km: Option<f64>,
}

/// A run's placements in one district's schools.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DistrictPlacements {
    pub district_name: Option<String>,
    pub schools: i64,
    pub placed: i64,
    pub high_needs: i64,
    pub average_km: Option<f64>,
}

/// A candidate whose placement differs from the run before: "mentor (school)" or none.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RunChange {
    pub candidate_id: i64,
    pub candidate_name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Run {
    pub id: i64,
    pub term_id: i64,
    pub number: i64,
    pub summary: String,
    pub started_by_name: Option<String>,
    pub created_at: i64,
}

impl Run {
    pub fn summary(&self) -> RunSummary {
        RunSummary::from_json(&self.summary)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Placement {
    pub id: i64,
    pub term_id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub candidate_person_id: i64,
    pub area: String,
    pub band: String,
    pub program_name: String,
    pub mentor_id: i64,
    pub mentor_name: String,
    pub mentor_person_id: i64,
    pub mentor_email: Option<String>,
    pub school_id: i64,
    pub school_name: String,
    pub school_nces_id: Option<String>,
    pub district_id: Option<i64>,
    pub district_name: Option<String>,
    pub high_needs: Option<i64>,
    pub km: f64,
    pub locked: i64,
    pub status: String,
    pub supervisor_id: Option<i64>,
    pub supervisor_name: Option<String>,
    pub run_id: Option<i64>,
    pub updated_at: i64,
}

impl Placement {
    pub fn status(&self) -> PlacementStatus {
        PlacementStatus::parse(&self.status).unwrap_or(PlacementStatus::Proposed)
    }

    pub fn is_high_needs(&self) -> bool {
        self.high_needs == Some(1)
    }
}

/// A program supervisor and where they set out from, when set.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SupervisorBase {
    pub id: i64,
    pub name: String,
    pub zip: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

impl SupervisorBase {
    pub fn base(&self) -> Option<(f64, f64)> {
        self.lat.zip(self.lon)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Decline {
    pub candidate_id: i64,
    pub candidate_name: String,
    pub mentor_id: i64,
    pub mentor_name: String,
    pub school_id: i64,
    pub school_name: String,
    pub by_party: String,
    pub reason: String,
    pub declined_by: String,
    pub declined_at: i64,
}

/// A one-time link's record.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AnswerLink {
    pub purpose: String,
    pub term_id: i64,
    pub subject_id: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

const TERMS: &str = "SELECT id, partnership_id, name, kind, starts_on, ends_on, rules FROM terms";

const MODULES: &str = "SELECT t.id, t.org_id, o.name AS org_name, t.title, t.audience, t.hours, \
     t.valid_months FROM training_modules t JOIN organizations o ON o.id = t.org_id";

const HOSTING: &str = "SELECT s.id AS school_id, s.name AS school_name, s.parent_id AS district_id, \
     d.name AS district_name, s.high_needs, h.slots, h.areas, h.bands, h.reason, h.answered_by, \
     h.answered_at, s.latitude, s.longitude FROM organizations s";

const RUNS: &str = "SELECT r.id, r.term_id, r.number, r.summary, p.name AS started_by_name, \
     r.created_at FROM match_runs r LEFT JOIN people p ON p.id = r.started_by";

const MENTOR_COLUMNS: &str = "SELECT m.id, m.person_id, p.name, p.email, m.school_id, \
     s.name AS school_name, s.parent_id AS district_id, s.high_needs, m.areas, m.bands, \
     m.years_experience, m.evidence_source, m.evidence_on, m.willing, t.capacity";

const MENTOR_FROM: &str = " FROM mentors m JOIN people p ON p.id = m.person_id \
     JOIN organizations s ON s.id = m.school_id";

const CANDIDATES: &str = "SELECT c.id, c.term_id, c.person_id, p.name, p.email, c.program_id, \
     g.name AS program_name, g.provider_id, c.area, c.band, c.zip, c.lat, c.lon, c.preferences, \
     c.conflicts, c.accommodations FROM candidates c JOIN people p ON p.id = c.person_id \
     JOIN programs g ON g.id = c.program_id";

const PLACEMENTS: &str = "SELECT pl.id, pl.term_id, pl.candidate_id, cp.name AS candidate_name, \
     c.person_id AS candidate_person_id, c.area, c.band, g.name AS program_name, pl.mentor_id, \
     mp.name AS mentor_name, m.person_id AS mentor_person_id, mp.email AS mentor_email, \
     pl.school_id, s.name AS school_name, s.nces_id AS school_nces_id, s.parent_id AS district_id, \
     d.name AS district_name, s.high_needs, pl.km, pl.locked, pl.status, pl.supervisor_id, \
     sp.name AS supervisor_name, pl.run_id, pl.updated_at \
     FROM placements pl JOIN candidates c ON c.id = pl.candidate_id \
     JOIN people cp ON cp.id = c.person_id JOIN programs g ON g.id = c.program_id \
     JOIN mentors m ON m.id = pl.mentor_id JOIN people mp ON mp.id = m.person_id \
     JOIN organizations s ON s.id = pl.school_id \
     LEFT JOIN organizations d ON d.id = s.parent_id \
     LEFT JOIN people sp ON sp.id = pl.supervisor_id";

/// The most people a form's list offers (the first by name); more are added by import.
pub const CHOICES: i64 = 300;

/// Binds `ids` as `(…)`, or a list that matches nothing when empty.
fn in_list(sql: &mut Sql, ids: &[i64]) {
    if ids.is_empty() {
        sql.push("(NULL)");
    } else {
        sql.bind_list(ids.iter().copied());
    }
}

impl Store {
    // ---- terms ----

    pub async fn terms(&self, partnership_id: i64) -> Result<Vec<Term>> {
        let mut sql = Sql::new(TERMS);
        sql.push(" WHERE partnership_id = ")
            .bind(partnership_id)
            .push(" ORDER BY starts_on DESC, id DESC");
        sql.fetch_all(self.pool()).await
    }

    pub async fn term(&self, id: i64) -> Result<Term> {
        let mut sql = Sql::new(TERMS);
        sql.push(" WHERE id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn create_term(&self, partnership_id: i64, draft: &TermDraft) -> Result<i64> {
        let now = now();
        let mut sql = Sql::insert(
            "terms",
            &[
                "partnership_id",
                "name",
                "kind",
                "starts_on",
                "ends_on",
                "rules",
                "created_at",
                "updated_at",
            ],
            vec![
                partnership_id.into(),
                draft.name.as_str().into(),
                draft.kind.code().into(),
                draft.starts_on.to_string().into(),
                draft.ends_on.to_string().into(),
                draft.rules.to_json().into(),
                now.into(),
                now.into(),
            ],
        );
        sql.push(" RETURNING id");
        let row = sql.query().fetch_one(self.pool()).await.map_err(|e| {
            StoreError::unique(
                e,
                "name",
                "This partnership already has a term of that name",
            )
        })?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }

    pub async fn update_term(&self, id: i64, draft: &TermDraft) -> Result<()> {
        let mut sql = Sql::new("UPDATE terms SET name = ");
        sql.bind(draft.name.as_str())
            .push(", kind = ")
            .bind(draft.kind.code())
            .push(", starts_on = ")
            .bind(draft.starts_on.to_string())
            .push(", ends_on = ")
            .bind(draft.ends_on.to_string())
            .push(", rules = ")
            .bind(draft.rules.to_json())
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        sql.query().execute(self.pool()).await.map_err(|e| {
            StoreError::unique(
                e,
                "name",
                "This partnership already has a term of that name",
            )
        })?;
        Ok(())
    }

    // ---- eligibility rules ----

    pub async fn eligibility(&self, partnership_id: i64) -> Result<EligibilityRules> {
        let mut sql = Sql::new(
            "SELECT min_years, training_within_years, evidence_within_years \
             FROM eligibility_rules WHERE partnership_id = ",
        );
        sql.bind(partnership_id);
        let row: Option<(Option<i64>, Option<i64>, Option<i64>)> =
            sql.fetch_optional(self.pool()).await?;
        let year = |v: Option<i64>| v.map(|v| v as u32);
        Ok(
            row.map_or(EligibilityRules::default(), |(a, b, c)| EligibilityRules {
                min_years: year(a),
                training_within_years: year(b),
                evidence_within_years: year(c),
            }),
        )
    }

    pub async fn set_eligibility(
        &self,
        partnership_id: i64,
        rules: &EligibilityRules,
    ) -> Result<()> {
        let year = |v: Option<u32>| Value::from(v.map(i64::from));
        let mut sql = Sql::insert(
            "eligibility_rules",
            &[
                "partnership_id",
                "min_years",
                "training_within_years",
                "evidence_within_years",
                "updated_at",
            ],
            vec![
                partnership_id.into(),
                year(rules.min_years),
                year(rules.training_within_years),
                year(rules.evidence_within_years),
                now().into(),
            ],
        );
        sql.push(
            " ON CONFLICT (partnership_id) DO UPDATE SET min_years = excluded.min_years, \
             training_within_years = excluded.training_within_years, \
             evidence_within_years = excluded.evidence_within_years, updated_at = excluded.updated_at",
        );
        sql.execute(self.pool()).await?;
        Ok(())
    }

    // ---- hosting ----

    /// The schools of `districts` (a page of them, or only `school` when given) with their
    /// answers for `term`.
    /// The schools of `districts` with their answers for the term (a page, by name). The
    /// page's schools are chosen on ids alone, then joined.
    pub async fn hosting(
        &self,
        term_id: i64,
        districts: &[i64],
        only_answered: bool,
        page: Page,
    ) -> Result<(Vec<HostingRow>, i64)> {
        let schools = |sql: &mut Sql| {
            sql.push(" WHERE s.kind = 'school' AND s.parent_id IN ");
            in_list(sql, districts);
            if only_answered {
                sql.push(" AND EXISTS (SELECT 1 FROM hosting a WHERE a.school_id = s.id AND a.term_id = ")
                    .bind(term_id)
                    .push(")");
            }
        };
        let mut count = Sql::new("SELECT COUNT(*) FROM organizations s");
        schools(&mut count);
        let total = count.count(self.pool()).await?;
        let mut sql = Sql::new(HOSTING);
        sql.push(" LEFT JOIN hosting h ON h.school_id = s.id AND h.term_id = ")
            .bind(term_id)
            .push(" LEFT JOIN organizations d ON d.id = s.parent_id WHERE s.id IN (SELECT s.id FROM organizations s");
        schools(&mut sql);
        sql.push(" ORDER BY s.name, s.id");
        page.apply(&mut sql);
        sql.push(") ORDER BY s.name, s.id");
        Ok((sql.fetch_all(self.pool()).await?, total))
    }

    /// Schools of `districts` that answered yes for the term, inside a box of `km` around a
    /// point (the caller measures the real distance).
    pub async fn hosting_near(
        &self,
        term_id: i64,
        districts: &[i64],
        (lat, lon): (f64, f64),
        km: f64,
    ) -> Result<Vec<HostingRow>> {
        let dlat = km / 111.0;
        let dlon = km / (111.0 * lat.to_radians().cos().abs().max(0.01));
        let mut sql = Sql::new(HOSTING);
        sql.push(" JOIN hosting h ON h.school_id = s.id AND h.slots > 0 AND h.term_id = ")
            .bind(term_id)
            .push(" LEFT JOIN organizations d ON d.id = s.parent_id WHERE s.kind = 'school' AND s.parent_id IN ");
        in_list(&mut sql, districts);
        sql.push(" AND s.latitude BETWEEN ")
            .bind(Some(lat - dlat))
            .push(" AND ")
            .bind(Some(lat + dlat))
            .push(" AND s.longitude BETWEEN ")
            .bind(Some(lon - dlon))
            .push(" AND ")
            .bind(Some(lon + dlon));
        sql.fetch_all(self.pool()).await
    }

    /// One school with its answer for `term` (if any).
    pub async fn hosting_row(&self, term_id: i64, school_id: i64) -> Result<HostingRow> {
        let mut sql = Sql::new(HOSTING);
        sql.push(" LEFT JOIN hosting h ON h.school_id = s.id AND h.term_id = ")
            .bind(term_id)
            .push(" LEFT JOIN organizations d ON d.id = s.parent_id WHERE s.id = ")
            .bind(school_id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn answer_hosting(
        &self,
        term_id: i64,
        school_id: i64,
        draft: &HostingDraft,
    ) -> Result<()> {
        self.answer_hosting_for(term_id, &[(school_id, draft.clone())])
            .await
    }

    /// Many schools' answers at once, replacing earlier ones, in one transaction.
    pub async fn answer_hosting_for(
        &self,
        term_id: i64,
        answers: &[(i64, HostingDraft)],
    ) -> Result<()> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        insert_rows(
            &mut tx,
            "hosting",
            &[
                "term_id",
                "school_id",
                "slots",
                "areas",
                "bands",
                "reason",
                "answered_by",
                "answered_at",
            ],
            answers
                .iter()
                .map(|(school_id, draft)| -> Vec<Value> {
                    vec![
                        term_id.into(),
                        (*school_id).into(),
                        i64::from(draft.slots).into(),
                        areas_to_codes(&draft.areas).into(),
                        bands_to_codes(&draft.bands).into(),
                        draft.reason.as_str().into(),
                        draft.answered_by.as_str().into(),
                        now.into(),
                    ]
                })
                .collect(),
            " ON CONFLICT (term_id, school_id) DO UPDATE SET slots = excluded.slots, \
             areas = excluded.areas, bands = excluded.bands, reason = excluded.reason, \
             answered_by = excluded.answered_by, answered_at = excluded.answered_at",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Terms still waiting for these schools' hosting answers: (term id, term name, school id,
    /// school name), for the principal's home page.
    pub async fn unanswered_hosting(
        &self,
        schools: &[i64],
    ) -> Result<Vec<(i64, String, i64, String)>> {
        let mut sql = Sql::new(
            "SELECT t.id, t.name, s.id, s.name FROM organizations s \
             JOIN partnership_parties pp ON pp.org_id = s.parent_id \
             JOIN terms t ON t.partnership_id = pp.partnership_id \
             LEFT JOIN hosting h ON h.term_id = t.id AND h.school_id = s.id \
             WHERE h.term_id IS NULL AND s.id IN ",
        );
        in_list(&mut sql, schools);
        sql.push(" ORDER BY t.starts_on, s.name LIMIT 50");
        sql.fetch_all(self.pool()).await
    }

    // ---- one-time links ----

    pub async fn create_link(
        &self,
        token_hash: &str,
        purpose: &str,
        term_id: i64,
        subject_id: i64,
        days: i64,
    ) -> Result<()> {
        let now = now();
        Sql::insert(
            "answer_links",
            &[
                "token_hash",
                "purpose",
                "term_id",
                "subject_id",
                "created_at",
                "expires_at",
            ],
            vec![
                token_hash.into(),
                purpose.into(),
                term_id.into(),
                subject_id.into(),
                now.into(),
                (now + days * 86_400).into(),
            ],
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn link(&self, token_hash: &str) -> Result<AnswerLink> {
        let mut sql = Sql::new(
            "SELECT purpose, term_id, subject_id, expires_at, used_at FROM answer_links WHERE token_hash = ",
        );
        sql.bind(token_hash);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Marks a link used; false when it already was (two answers racing).
    pub async fn use_link(&self, token_hash: &str) -> Result<bool> {
        let mut sql = Sql::new("UPDATE answer_links SET used_at = ");
        sql.bind(now())
            .push(" WHERE used_at IS NULL AND token_hash = ")
            .bind(token_hash);
        Ok(sql.execute(self.pool()).await? == 1)
    }

    // ---- mentors ----

    /// Mentors in the schools of `districts`, with their capacity for `term` (if any); only
    /// those available for the term when `available`.
    /// The mentors of schools in `districts` with their capacity for the term (a page, by
    /// school and name). At a state's size the page's ids are found walking schools in name
    /// order (no sort of every mentor), then joined; the count reads indexes only.
    pub async fn term_mentors(
        &self,
        term_id: i64,
        districts: &[i64],
        available: bool,
        page: Page,
    ) -> Result<(Vec<Mentor>, i64)> {
        // CROSS JOIN keeps SQLite looking up each mentor's term row, not scanning the term's
        // rows once per school.
        let from = |sql: &mut Sql, schools: &str, ids: &[i64]| {
            if available {
                sql.push(" CROSS JOIN mentor_terms t");
            }
            sql.push(" WHERE m.school_id = s.id AND s.kind = 'school' AND ")
                .push(schools)
                .push(" IN ");
            in_list(sql, ids);
            if available {
                sql.push(" AND t.mentor_id = m.id AND t.capacity > 0 AND t.term_id = ")
                    .bind(term_id);
            }
        };
        // Mentors per school, summed in the list's order: a page lies in the few schools it
        // spans, so a deep page never walks the mentors before it. (The first row always
        // comes, for the total.)
        let mut counts = Sql::new(
            "SELECT id, n, before, total FROM (SELECT id, n, \
             CAST(SUM(n) OVER (ORDER BY name, id ROWS UNBOUNDED PRECEDING) - n AS BIGINT) AS before, \
             CAST(SUM(n) OVER () AS BIGINT) AS total, \
             ROW_NUMBER() OVER (ORDER BY name, id) AS row \
             FROM (SELECT s.id, s.name, (SELECT COUNT(*) FROM mentors m",
        );
        if available {
            counts
                .push(
                    " CROSS JOIN mentor_terms t WHERE t.mentor_id = m.id AND t.capacity > 0 \
                     AND t.term_id = ",
                )
                .bind(term_id)
                .push(" AND");
        } else {
            counts.push(" WHERE");
        }
        counts.push(
            " m.school_id = s.id) AS n FROM organizations s \
             WHERE s.kind = 'school' AND s.parent_id IN ",
        );
        in_list(&mut counts, districts);
        let (start, size) = (page.offset(), page.size);
        let end = start.saturating_add(size);
        counts
            .push(") AS c) AS w WHERE row = 1 OR (before + n > ")
            .bind(start)
            .push(" AND before < ")
            .bind(end)
            .push(") ORDER BY row");
        let rows: Vec<(i64, i64, i64, i64)> = counts.fetch_all(self.pool()).await?;
        let total = rows.first().map_or(0, |r| r.3);
        let spanned: Vec<&(i64, i64, i64, i64)> = (rows.iter())
            .filter(|(_, n, before, _)| before + n > start && *before < end)
            .collect();
        let skip = spanned.first().map_or(0, |r| start - r.2);
        let schools: Vec<i64> = spanned.iter().map(|r| r.0).collect();
        let mut sql = Sql::new(MENTOR_COLUMNS);
        sql.push(MENTOR_FROM)
            .push(" LEFT JOIN mentor_terms t ON t.mentor_id = m.id AND t.term_id = ")
            .bind(term_id)
            .push(
                " WHERE m.id IN (SELECT m.id FROM organizations s CROSS JOIN mentors m \
                 JOIN people p ON p.id = m.person_id",
            );
        if size > Page::MAX_SIZE {
            // Everything (an export or a run's inputs): by district, not by a list of schools.
            from(&mut sql, "s.parent_id", districts);
        } else {
            from(&mut sql, "s.id", &schools);
        }
        sql.push(" ORDER BY s.name, s.id, p.name, m.id LIMIT ")
            .bind(size)
            .push(" OFFSET ")
            .bind(skip)
            .push(") ORDER BY s.name, s.id, p.name, m.id");
        Ok((sql.fetch_all(self.pool()).await?, total))
    }

    pub async fn mentor(&self, id: i64, term_id: Option<i64>) -> Result<Mentor> {
        let mut sql = Sql::new(MENTOR_COLUMNS);
        sql.push(MENTOR_FROM);
        sql.push(" LEFT JOIN mentor_terms t ON t.mentor_id = m.id AND t.term_id = ")
            .bind(term_id)
            .push(" WHERE m.id = ")
            .bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn mentor_of_person(&self, person_id: i64) -> Result<Option<Mentor>> {
        let mut sql = Sql::new(MENTOR_COLUMNS);
        sql.push(MENTOR_FROM);
        sql.push(" LEFT JOIN mentor_terms t ON t.mentor_id = m.id AND t.term_id IS NULL WHERE m.person_id = ")
            .bind(person_id);
        sql.fetch_optional(self.pool()).await
    }

    /// Creates or replaces a teacher's mentor profile; gives its id.
    pub async fn save_mentor(&self, draft: &MentorDraft) -> Result<i64> {
        let ids = self.save_mentors(std::slice::from_ref(draft)).await?;
        ids.first().copied().ok_or(StoreError::NotFound)
    }

    /// Creates or replaces many mentor profiles in one transaction; gives their ids in order.
    pub async fn save_mentors(&self, drafts: &[MentorDraft]) -> Result<Vec<i64>> {
        let mut tx = self.pool().begin().await?;
        let ids = insert_mentors(&mut tx, drafts).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Mentor profiles and, where given, their capacity this term, all in one transaction.
    pub async fn import_mentors(
        &self,
        term_id: i64,
        rows: &[(MentorDraft, Option<u32>)],
    ) -> Result<Vec<i64>> {
        let mut tx = self.pool().begin().await?;
        let drafts: Vec<MentorDraft> = rows.iter().map(|(d, _)| d.clone()).collect();
        let ids = insert_mentors(&mut tx, &drafts).await?;
        let capacities: Vec<(i64, u32)> = (ids.iter().zip(rows))
            .filter_map(|(id, (_, capacity))| capacity.map(|c| (*id, c)))
            .collect();
        insert_capacities(&mut tx, term_id, &capacities).await?;
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn set_availability(
        &self,
        term_id: i64,
        mentor_id: i64,
        capacity: u32,
    ) -> Result<()> {
        self.set_availability_for(term_id, &[(mentor_id, capacity)])
            .await
    }

    /// Many mentors' capacity for a term at once, in one transaction.
    pub async fn set_availability_for(
        &self,
        term_id: i64,
        capacities: &[(i64, u32)],
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        insert_capacities(&mut tx, term_id, capacities).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- training ----

    pub async fn modules(&self, org_ids: &[i64]) -> Result<Vec<Module>> {
        let mut sql = Sql::new(MODULES);
        sql.push(" WHERE t.org_id IN ");
        in_list(&mut sql, org_ids);
        sql.push(" ORDER BY t.title, t.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn module(&self, id: i64) -> Result<Module> {
        let mut sql = Sql::new(MODULES);
        sql.push(" WHERE t.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn create_module(&self, draft: &ModuleDraft) -> Result<i64> {
        let mut sql = Sql::insert(
            "training_modules",
            &[
                "org_id",
                "title",
                "audience",
                "hours",
                "valid_months",
                "created_at",
            ],
            vec![
                draft.org_id.into(),
                draft.title.as_str().into(),
                draft.audience.code().into(),
                Some(draft.hours).into(),
                i64::from(draft.valid_months).into(),
                now().into(),
            ],
        );
        sql.push(" RETURNING id");
        let row = sql.query().fetch_one(self.pool()).await.map_err(|e| {
            StoreError::unique(
                e,
                "title",
                "This organization already has a module of that title",
            )
        })?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }

    /// Records completions, all or none; a completion recorded before is kept once.
    pub async fn record_completions(&self, module_id: i64, people: &[i64], on: &str) -> Result<()> {
        let rows: Vec<(i64, i64, String)> = people
            .iter()
            .map(|person| (module_id, *person, on.to_owned()))
            .collect();
        self.add_completions(&rows).await
    }

    /// Completions as (module, person, YYYY-MM-DD), in one transaction; one already recorded
    /// is left as it is.
    pub async fn add_completions(&self, rows: &[(i64, i64, String)]) -> Result<()> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        insert_rows(
            &mut tx,
            "training_records",
            &["module_id", "person_id", "completed_on", "created_at"],
            rows.iter()
                .map(|(module, person, on)| -> Vec<Value> {
                    vec![
                        (*module).into(),
                        (*person).into(),
                        on.as_str().into(),
                        now.into(),
                    ]
                })
                .collect(),
            " ON CONFLICT (module_id, person_id, completed_on) DO NOTHING",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// These people's completions, newest first (asked in slices: a state's run judges a
    /// quarter of a million mentors).
    pub async fn completions(&self, people: &[i64]) -> Result<Vec<Completion>> {
        self.completions_where("r.person_id", people).await
    }

    /// Every completion of these modules, newest first.
    pub async fn module_completions(&self, modules: &[i64]) -> Result<Vec<Completion>> {
        self.completions_where("r.module_id", modules).await
    }

    async fn completions_where(&self, column: &str, ids: &[i64]) -> Result<Vec<Completion>> {
        let mut all: Vec<Completion> = Vec::new();
        for slice in ids.chunks(900) {
            let mut sql = Sql::new(
                "SELECT r.id, r.module_id, t.title, t.audience, t.valid_months, r.person_id, \
                 p.name AS person_name, r.completed_on FROM training_records r \
                 JOIN training_modules t ON t.id = r.module_id \
                 JOIN people p ON p.id = r.person_id WHERE ",
            );
            sql.push(column).push(" IN ");
            in_list(&mut sql, slice);
            all.extend(sql.fetch_all::<Completion>(self.pool()).await?);
        }
        all.sort_by(|a, b| b.completed_on.cmp(&a.completed_on).then(b.id.cmp(&a.id)));
        Ok(all)
    }

    // ---- people and places the forms choose from ----

    /// People holding `role` at schools of `districts`: (person, name, school, school name).
    pub async fn people_with_role_in(
        &self,
        districts: &[i64],
        role: Role,
    ) -> Result<Vec<(i64, String, i64, String)>> {
        // People in name order, each checked for the role: the first 2000 are found without
        // sorting a state's teachers.
        let mut sql = Sql::new(
            "SELECT p.id, p.name, s.id, s.name FROM people p CROSS JOIN memberships ms \
             JOIN organizations s ON s.id = ms.org_id \
             WHERE ms.person_id = p.id AND p.disabled = 0 AND ms.role = ",
        );
        sql.bind(role.code()).push(" AND s.parent_id IN ");
        in_list(&mut sql, districts);
        sql.push(" ORDER BY p.name, p.id LIMIT ").bind(CHOICES);
        sql.fetch_all(self.pool()).await
    }

    /// Those of `people` who are mentors at schools of `districts` or supervisors at
    /// `provider`: the people a partnership's training records may name.
    pub async fn trainees_among(
        &self,
        people: &[i64],
        districts: &[i64],
        provider: i64,
    ) -> Result<Vec<i64>> {
        let mut found = Vec::new();
        for slice in people.chunks(900) {
            let mut sql = Sql::new(
                "SELECT DISTINCT ms.person_id FROM memberships ms \
                 JOIN organizations s ON s.id = ms.org_id WHERE ms.person_id IN ",
            );
            in_list(&mut sql, slice);
            sql.push(" AND ((ms.role = ")
                .bind(Role::Mentor.code())
                .push(" AND s.parent_id IN ");
            in_list(&mut sql, districts);
            sql.push(") OR (ms.role = ")
                .bind(Role::Supervisor.code())
                .push(" AND ms.org_id = ")
                .bind(provider)
                .push("))");
            let rows: Vec<(i64,)> = sql.fetch_all(self.pool()).await?;
            found.extend(rows.into_iter().map(|r| r.0));
        }
        Ok(found)
    }

    /// Where each of `people` holds `role`: (person, organization) pairs.
    pub async fn holding_role(
        &self,
        people: &[i64],
        role: Role,
    ) -> Result<std::collections::HashSet<(i64, i64)>> {
        let mut found = std::collections::HashSet::new();
        for slice in people.chunks(900) {
            let mut sql = Sql::new("SELECT person_id, org_id FROM memberships WHERE role = ");
            sql.bind(role.code()).push(" AND person_id IN ");
            in_list(&mut sql, slice);
            let rows: Vec<(i64, i64)> = sql.fetch_all(self.pool()).await?;
            found.extend(rows);
        }
        Ok(found)
    }

    /// People holding `role` at one organization: (person, name).
    pub async fn people_with_role_at(&self, org_id: i64, role: Role) -> Result<Vec<(i64, String)>> {
        let mut sql = Sql::new(
            "SELECT p.id, p.name FROM memberships ms JOIN people p ON p.id = ms.person_id \
             WHERE p.disabled = 0 AND ms.role = ",
        );
        sql.bind(role.code())
            .push(" AND ms.org_id = ")
            .bind(org_id)
            .push(" ORDER BY p.name, p.id");
        sql.fetch_all(self.pool()).await
    }

    /// A provider's program supervisors, by name, with their bases when set.
    pub async fn supervisors_at(&self, provider_id: i64) -> Result<Vec<SupervisorBase>> {
        let mut sql = Sql::new(
            "SELECT p.id, p.name, b.zip, b.lat, b.lon FROM memberships ms \
             JOIN people p ON p.id = ms.person_id \
             LEFT JOIN supervisor_bases b ON b.person_id = p.id \
             WHERE p.disabled = 0 AND ms.role = ",
        );
        sql.bind(Role::Supervisor.code())
            .push(" AND ms.org_id = ")
            .bind(provider_id)
            .push(" ORDER BY p.name, p.id");
        sql.fetch_all(self.pool()).await
    }

    /// Sets where a supervisor sets out from.
    pub async fn set_supervisor_base(
        &self,
        person_id: i64,
        zip: &str,
        lat: f64,
        lon: f64,
    ) -> Result<()> {
        let mut sql = Sql::new("INSERT INTO supervisor_bases (person_id, zip, lat, lon) VALUES (");
        sql.bind(person_id)
            .push(", ")
            .bind(zip)
            .push(", ")
            .bind(Some(lat))
            .push(", ")
            .bind(Some(lon))
            .push(") ON CONFLICT (person_id) DO UPDATE SET zip = excluded.zip, lat = excluded.lat, lon = excluded.lon");
        sql.execute(self.pool()).await?;
        Ok(())
    }

    /// A term's supervised placements per supervisor and school, with where the school is:
    /// (supervisor, latitude, longitude, placements).
    pub async fn supervised_schools(
        &self,
        term_id: i64,
    ) -> Result<Vec<(i64, Option<f64>, Option<f64>, i64)>> {
        let mut sql = Sql::new(
            "SELECT pl.supervisor_id, o.latitude, o.longitude, COUNT(*) FROM placements pl \
             JOIN organizations o ON o.id = pl.school_id WHERE pl.supervisor_id IS NOT NULL AND pl.term_id = ",
        );
        sql.bind(term_id)
            .push(" GROUP BY pl.supervisor_id, pl.school_id, o.latitude, o.longitude ORDER BY pl.supervisor_id, pl.school_id");
        sql.fetch_all(self.pool()).await
    }

    /// Where schools are: (id, latitude, longitude).
    pub async fn school_points(&self, ids: &[i64]) -> Result<Vec<(i64, Option<f64>, Option<f64>)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new("SELECT id, latitude, longitude FROM organizations WHERE id IN ");
        in_list(&mut sql, ids);
        sql.fetch_all(self.pool()).await
    }

    /// A provider's programs: (id, name).
    pub async fn provider_programs(&self, provider_id: i64) -> Result<Vec<(i64, String)>> {
        let mut sql = Sql::new("SELECT id, name FROM programs WHERE provider_id = ");
        sql.bind(provider_id).push(" ORDER BY name");
        sql.fetch_all(self.pool()).await
    }

    // ---- candidates ----

    /// A term's candidates (a page, by name): the page's ids are sorted on names alone,
    /// then joined.
    pub async fn candidates(&self, term_id: i64, page: Page) -> Result<(Vec<Candidate>, i64)> {
        let mut count = Sql::new("SELECT COUNT(*) FROM candidates WHERE term_id = ");
        count.bind(term_id);
        let total = count.count(self.pool()).await?;
        let mut sql = Sql::new(CANDIDATES);
        sql.push(
            " WHERE c.id IN (SELECT c.id FROM candidates c JOIN people p ON p.id = c.person_id \
             WHERE c.term_id = ",
        )
        .bind(term_id)
        .push(" ORDER BY p.name, c.id");
        page.apply(&mut sql);
        sql.push(") ORDER BY p.name, c.id");
        Ok((sql.fetch_all(self.pool()).await?, total))
    }

    pub async fn candidate(&self, id: i64) -> Result<Candidate> {
        let mut sql = Sql::new(CANDIDATES);
        sql.push(" WHERE c.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn candidacies_of(&self, person_id: i64) -> Result<Vec<Candidate>> {
        let mut sql = Sql::new(CANDIDATES);
        sql.push(" WHERE c.person_id = ")
            .bind(person_id)
            .push(" ORDER BY c.id DESC");
        sql.fetch_all(self.pool()).await
    }

    /// The middle of the schools with this ZIP code: a home location without an outside service.
    pub async fn zip_point(&self, zip: &str) -> Result<Option<(f64, f64)>> {
        let mut sql = Sql::new(
            "SELECT AVG(latitude), AVG(longitude) FROM organizations \
             WHERE latitude IS NOT NULL AND substr(zip, 1, 5) = ",
        );
        sql.bind(zip.get(..5).unwrap_or(zip));
        let row: Option<(Option<f64>, Option<f64>)> = sql.fetch_optional(self.pool()).await?;
        Ok(row.and_then(|(lat, lon)| Some((lat?, lon?))))
    }

    /// Schools named by NCES id or Tandem id, among the schools of `districts`: key → id.
    pub async fn school_keys(&self, districts: &[i64]) -> Result<Vec<(i64, Option<String>)>> {
        let mut sql = Sql::new(
            "SELECT id, nces_id FROM organizations WHERE kind = 'school' AND parent_id IN ",
        );
        in_list(&mut sql, districts);
        sql.fetch_all(self.pool()).await
    }

    /// Districts among `districts` by (id, NCES id): for naming them in imports.
    pub async fn district_keys(&self, districts: &[i64]) -> Result<Vec<(i64, Option<String>)>> {
        let mut sql =
            Sql::new("SELECT id, nces_id FROM organizations WHERE kind = 'district' AND id IN ");
        in_list(&mut sql, districts);
        sql.fetch_all(self.pool()).await
    }

    /// Adds candidates to a term in one transaction: each becomes a person (found by e-mail or
    /// created) with the candidate role at their provider. A candidate already in the term is
    /// refused, and then nothing is added.
    pub async fn add_candidates(&self, term_id: i64, rows: &[NewCandidate]) -> Result<Vec<i64>> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let members: Vec<NewMember> = rows
            .iter()
            .map(|c| NewMember {
                name: c.name.clone(),
                email: c.email.clone(),
                org_id: c.provider_id,
                role: Role::Candidate,
            })
            .collect();
        let people = add_members(&mut tx, &members).await?;
        let returned = insert_rows(
            &mut tx,
            "candidates",
            &[
                "term_id",
                "person_id",
                "program_id",
                "area",
                "band",
                "zip",
                "lat",
                "lon",
                "preferences",
                "conflicts",
                "accommodations",
                "created_at",
                "updated_at",
            ],
            rows.iter()
                .zip(&people)
                .map(|(c, person)| -> Vec<Value> {
                    vec![
                        term_id.into(),
                        (*person).into(),
                        c.program_id.into(),
                        c.area.as_str().into(),
                        c.band.as_str().into(),
                        c.zip.as_str().into(),
                        Some(c.lat).into(),
                        Some(c.lon).into(),
                        Preferred::list_text(&c.preferences).into(),
                        id_text(&c.conflicts).into(),
                        c.accommodations.as_str().into(),
                        now.into(),
                        now.into(),
                    ]
                })
                .collect(),
            " RETURNING person_id, id",
        )
        .await
        .map_err(|e| match e {
            StoreError::Database(e) => {
                StoreError::unique(e, "email", "is already a candidate in this term")
            }
            other => other,
        })?;
        let ids = by_first_column(&returned)?;
        tx.commit().await?;
        people.iter().map(|p| found_in(&ids, *p)).collect()
    }

    /// What a candidate states themselves: home, preferences, conflicts, accommodations.
    pub async fn update_candidate(&self, id: i64, c: &NewCandidate) -> Result<()> {
        let mut sql = Sql::new("UPDATE candidates SET zip = ");
        sql.bind(c.zip.as_str())
            .push(", lat = ")
            .bind(Some(c.lat))
            .push(", lon = ")
            .bind(Some(c.lon))
            .push(", preferences = ")
            .bind(Preferred::list_text(&c.preferences))
            .push(", conflicts = ")
            .bind(id_text(&c.conflicts))
            .push(", accommodations = ")
            .bind(c.accommodations.as_str())
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        sql.execute(self.pool()).await?;
        Ok(())
    }

    // ---- runs ----

    pub async fn runs(&self, term_id: i64) -> Result<Vec<Run>> {
        let mut sql = Sql::new(RUNS);
        sql.push(" WHERE r.term_id = ")
            .bind(term_id)
            .push(" ORDER BY r.number DESC");
        sql.fetch_all(self.pool()).await
    }

    pub async fn run(&self, id: i64) -> Result<Run> {
        let mut sql = Sql::new(RUNS);
        sql.push(" WHERE r.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A run's unplaced candidates: (name, why).
    pub async fn unplaced(&self, run_id: i64) -> Result<Vec<(String, String)>> {
        let mut sql = Sql::new(
            "SELECT p.name, r.detail FROM run_results r JOIN candidates c ON c.id = r.candidate_id \
             JOIN people p ON p.id = c.person_id WHERE r.mentor_id IS NULL AND r.run_id = ",
        );
        sql.bind(run_id).push(" ORDER BY p.name, c.id");
        sql.fetch_all(self.pool()).await
    }

    pub async fn run_inputs(&self, run_id: i64) -> Result<String> {
        let mut sql = Sql::new("SELECT inputs FROM run_inputs WHERE run_id = ");
        sql.bind(run_id);
        let row: Option<(String,)> = sql.fetch_optional(self.pool()).await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound)
    }

    /// A page of a run's results, named, in candidate order.
    pub async fn run_rows(&self, run_id: i64, page: Page) -> Result<(Vec<RunRow>, i64)> {
        page_of(
            self.pool(),
            "SELECT COUNT(*) FROM run_results r",
            "SELECT r.candidate_id, cp.name AS candidate_name, mp.name AS mentor_name, \
             s.name AS school_name, s.high_needs, r.km, r.locked, r.detail \
             FROM run_results r JOIN candidates c ON c.id = r.candidate_id \
             JOIN people cp ON cp.id = c.person_id \
             LEFT JOIN mentors m ON m.id = r.mentor_id LEFT JOIN people mp ON mp.id = m.person_id \
             LEFT JOIN organizations s ON s.id = r.school_id",
            |sql| {
                sql.push(" WHERE r.run_id = ").bind(run_id);
            },
            "r.candidate_id",
            page,
        )
        .await
    }

    /// A run's placements gathered by school (a page, by district then school), with how many
    /// schools it places candidates in.
    pub async fn run_schools(&self, run_id: i64, page: Page) -> Result<(Vec<SchoolOutcome>, i64)> {
        let mut counting = Sql::new(
            "SELECT COUNT(DISTINCT r.school_id) FROM run_results r \
             WHERE r.mentor_id IS NOT NULL AND r.run_id = ",
        );
        counting.bind(run_id);
        let total = counting.count(self.pool()).await?;
        let mut sql = Sql::new(
            "SELECT s.id AS school_id, s.name AS school_name, d.name AS district_name, \
             s.high_needs, COUNT(*) AS placed, COUNT(CASE WHEN r.locked = 1 THEN 1 END) AS locked, \
             AVG(r.km) AS average_km \
             FROM run_results r JOIN organizations s ON s.id = r.school_id \
             LEFT JOIN organizations d ON d.id = s.parent_id \
             WHERE r.mentor_id IS NOT NULL AND r.run_id = ",
        );
        sql.bind(run_id)
            .push(" GROUP BY s.id, s.name, d.name, s.high_needs ORDER BY d.name, s.name, s.id");
        page.apply(&mut sql);
        Ok((sql.fetch_all(self.pool()).await?, total))
    }

    /// A run's placements gathered by district (a page, in name order), with how many
    /// districts it places candidates in.
    pub async fn run_districts(
        &self,
        run_id: i64,
        page: Page,
    ) -> Result<(Vec<DistrictPlacements>, i64)> {
        let mut counting = Sql::new(
            "SELECT COUNT(DISTINCT s.parent_id) FROM run_results r \
             JOIN organizations s ON s.id = r.school_id \
             WHERE r.mentor_id IS NOT NULL AND r.run_id = ",
        );
        counting.bind(run_id);
        let total = counting.count(self.pool()).await?;
        let mut sql = Sql::new(
            "SELECT d.name AS district_name, COUNT(DISTINCT s.id) AS schools, COUNT(*) AS placed, \
             COUNT(CASE WHEN s.high_needs = 1 THEN 1 END) AS high_needs, AVG(r.km) AS average_km \
             FROM run_results r JOIN organizations s ON s.id = r.school_id \
             LEFT JOIN organizations d ON d.id = s.parent_id \
             WHERE r.mentor_id IS NOT NULL AND r.run_id = ",
        );
        sql.bind(run_id)
            .push(" GROUP BY d.id, d.name ORDER BY d.name, d.id");
        page.apply(&mut sql);
        Ok((sql.fetch_all(self.pool()).await?, total))
    }

    /// The candidates whose mentor differs between two runs (a page), named, with how many.
    /// The results of a run whose mentor differs from the run before it (marked when the run
    /// was kept), with both mentors named.
    pub async fn run_changes(&self, run_id: i64, page: Page) -> Result<(Vec<RunChange>, i64)> {
        let filter = |sql: &mut Sql| {
            sql.push(" WHERE r.run_id = ")
                .bind(run_id)
                .push(" AND r.changed = 1");
        };
        page_of(
            self.pool(),
            "SELECT COUNT(*) FROM run_results r",
            "SELECT r.candidate_id, cp.name AS candidate_name, \
             (SELECT p.name || ' (' || s.name || ')' FROM mentors m \
              JOIN people p ON p.id = m.person_id JOIN organizations s ON s.id = m.school_id \
              WHERE m.id = b.mentor_id) AS before, \
             (SELECT p.name || ' (' || s.name || ')' FROM mentors m \
              JOIN people p ON p.id = m.person_id JOIN organizations s ON s.id = m.school_id \
              WHERE m.id = r.mentor_id) AS after \
             FROM run_results r JOIN candidates c ON c.id = r.candidate_id \
             JOIN people cp ON cp.id = c.person_id \
             JOIN match_runs ra ON ra.id = r.run_id \
             LEFT JOIN match_runs rb ON rb.term_id = ra.term_id AND rb.number = ra.number - 1 \
             LEFT JOIN run_results b ON b.run_id = rb.id AND b.candidate_id = r.candidate_id",
            filter,
            "r.candidate_id",
            page,
        )
        .await
    }

    /// Keeps a run and makes its result the term's proposal: placements people decided (locked,
    /// approved, confirmed) stay; the other proposals are replaced by the run's.
    pub async fn save_run(
        &self,
        term_id: i64,
        inputs: &str,
        summary: &RunSummary,
        results: &[RunResult],
        person: Option<i64>,
    ) -> Result<i64> {
        let now = now();
        let mut tx = self.pool().begin().await?;
        let mut next =
            Sql::new("SELECT COALESCE(MAX(number), 0) + 1 FROM match_runs WHERE term_id = ");
        next.bind(term_id);
        let number: i64 = sqlx::Row::try_get(&next.query().fetch_one(&mut *tx).await?, 0)?;
        let mut insert = Sql::insert(
            "match_runs",
            &["term_id", "number", "summary", "started_by", "created_at"],
            vec![
                term_id.into(),
                number.into(),
                summary.to_json().into(),
                person.into(),
                now.into(),
            ],
        );
        insert.push(" RETURNING id");
        let run: i64 = sqlx::Row::try_get(&insert.query().fetch_one(&mut *tx).await?, 0)?;
        // Each candidate's mentor in the run before, to mark what changed.
        let mut previous = Sql::new(
            "SELECT r.candidate_id, r.mentor_id FROM run_results r \
             JOIN match_runs m ON m.id = r.run_id WHERE m.term_id = ",
        );
        previous
            .bind(term_id)
            .push(" AND m.number = ")
            .bind(number - 1);
        let before = previous
            .query()
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| Ok((sqlx::Row::try_get(row, 0)?, sqlx::Row::try_get(row, 1)?)))
            .collect::<Result<std::collections::HashMap<i64, Option<i64>>>>()?;
        let changed = |r: &RunResult| {
            number > 1 && before.get(&r.candidate_id).copied().flatten() != r.mentor_id
        };
        Sql::insert(
            "run_inputs",
            &["run_id", "inputs"],
            vec![run.into(), inputs.into()],
        )
        .query()
        .execute(&mut *tx)
        .await?;
        let mut clear = Sql::new(
            "DELETE FROM placements WHERE locked = 0 AND status = 'proposed' AND term_id = ",
        );
        clear.bind(term_id);
        clear.query().execute(&mut *tx).await?;
        insert_rows(
            &mut tx,
            "run_results",
            &[
                "run_id",
                "candidate_id",
                "mentor_id",
                "school_id",
                "km",
                "detail",
                "locked",
                "changed",
            ],
            results
                .iter()
                .map(|r| -> Vec<Value> {
                    vec![
                        run.into(),
                        r.candidate_id.into(),
                        r.mentor_id.into(),
                        r.school_id.into(),
                        r.km.into(),
                        r.detail.as_str().into(),
                        r.locked.into(),
                        changed(r).into(),
                    ]
                })
                .collect(),
            "",
        )
        .await?;
        // Kept placements (locked, approved, confirmed) stay as they are.
        insert_rows(
            &mut tx,
            "placements",
            &[
                "term_id",
                "candidate_id",
                "mentor_id",
                "school_id",
                "run_id",
                "km",
                "locked",
                "status",
                "updated_at",
            ],
            results
                .iter()
                .filter_map(|r| {
                    let (Some(mentor), Some(school), Some(km)) = (r.mentor_id, r.school_id, r.km)
                    else {
                        return None;
                    };
                    Some(vec![
                        term_id.into(),
                        r.candidate_id.into(),
                        mentor.into(),
                        school.into(),
                        run.into(),
                        Some(km).into(),
                        false.into(),
                        PlacementStatus::Proposed.code().into(),
                        now.into(),
                    ])
                })
                .collect(),
            " ON CONFLICT (candidate_id) DO NOTHING",
        )
        .await?;
        tx.commit().await?;
        Ok(run)
    }

    // ---- placements ----

    /// A term's placements (a page, by school). The page's ids are found first, walking
    /// schools in name order, so a late page of a state's term does not join every row.
    pub async fn placements(&self, term_id: i64, page: Page) -> Result<(Vec<Placement>, i64)> {
        let mut count = Sql::new("SELECT COUNT(*) FROM placements WHERE term_id = ");
        count.bind(term_id);
        let total = count.count(self.pool()).await?;
        let mut sql = Sql::new(PLACEMENTS);
        sql.push(
            " WHERE pl.id IN (SELECT pl.id FROM organizations s CROSS JOIN placements pl \
             WHERE pl.school_id = s.id AND s.kind = 'school' AND pl.term_id = ",
        )
        .bind(term_id)
        .push(" ORDER BY s.name, pl.id");
        page.apply(&mut sql);
        sql.push(") ORDER BY s.name, pl.id");
        Ok((sql.fetch_all(self.pool()).await?, total))
    }

    pub async fn placement(&self, id: i64) -> Result<Placement> {
        let mut sql = Sql::new(PLACEMENTS);
        sql.push(" WHERE pl.id = ").bind(id);
        sql.fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Placements waiting on someone: in these districts' schools with this status, or with
    /// this mentor, or of this candidate.
    pub async fn placements_where(
        &self,
        districts: &[i64],
        status: Option<PlacementStatus>,
        mentor_person: Option<i64>,
        candidate_person: Option<i64>,
    ) -> Result<Vec<Placement>> {
        // Each branch is a lookup by index, so this reads only the caller's placements.
        let mut sql = Sql::new(PLACEMENTS);
        sql.push(" WHERE (pl.school_id IN (SELECT id FROM organizations WHERE parent_id IN ");
        in_list(&mut sql, districts);
        sql.push(") OR pl.mentor_id IN (SELECT id FROM mentors WHERE person_id = ")
            .bind(mentor_person)
            .push(") OR pl.candidate_id IN (SELECT id FROM candidates WHERE person_id = ")
            .bind(candidate_person)
            .push("))");
        if let Some(status) = status {
            sql.push(" AND pl.status = ").bind(status.code());
        }
        sql.push(" ORDER BY pl.updated_at DESC, pl.id LIMIT 200");
        sql.fetch_all(self.pool()).await
    }

    /// Moves a placement from `from` to `to`; false when it was not in `from` (answered twice).
    pub async fn advance_placement(
        &self,
        id: i64,
        from: PlacementStatus,
        to: PlacementStatus,
    ) -> Result<bool> {
        let mut sql = Sql::new("UPDATE placements SET status = ");
        sql.bind(to.code())
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id)
            .push(" AND status = ")
            .bind(from.code());
        Ok(sql.execute(self.pool()).await? == 1)
    }

    pub async fn set_locked(&self, id: i64, locked: bool) -> Result<()> {
        let mut sql = Sql::new("UPDATE placements SET locked = ");
        sql.bind(locked)
            .push(", updated_at = ")
            .bind(now())
            .push(" WHERE id = ")
            .bind(id);
        sql.execute(self.pool()).await?;
        Ok(())
    }

    /// Gives placements their supervisors, all or none.
    pub async fn set_supervisors(&self, assigned: &[(i64, i64)]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for &(id, supervisor) in assigned {
            let mut sql = Sql::new("UPDATE placements SET supervisor_id = ");
            sql.bind(supervisor).push(" WHERE id = ").bind(id);
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_supervisor(&self, id: i64, supervisor: Option<i64>) -> Result<()> {
        let mut sql = Sql::new("UPDATE placements SET supervisor_id = ");
        sql.bind(supervisor).push(" WHERE id = ").bind(id);
        sql.execute(self.pool()).await?;
        Ok(())
    }

    /// Declines a placement: it is removed (freeing the mentor) and the decline is kept, so the
    /// next run does not propose that school for that candidate again. False when the
    /// placement had already moved past `from`.
    pub async fn decline_placement(
        &self,
        placement: &Placement,
        from: PlacementStatus,
        by_party: &str,
        reason: &str,
        by: &str,
    ) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let mut delete = Sql::new("DELETE FROM placements WHERE id = ");
        delete
            .bind(placement.id)
            .push(" AND status = ")
            .bind(from.code());
        if delete.query().execute(&mut *tx).await?.rows_affected() != 1 {
            return Ok(false);
        }
        Sql::insert(
            "placement_declines",
            &[
                "term_id",
                "candidate_id",
                "mentor_id",
                "school_id",
                "by_party",
                "reason",
                "declined_by",
                "declined_at",
            ],
            vec![
                placement.term_id.into(),
                placement.candidate_id.into(),
                placement.mentor_id.into(),
                placement.school_id.into(),
                by_party.into(),
                reason.into(),
                by.into(),
                now().into(),
            ],
        )
        .query()
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn declines(&self, term_id: i64) -> Result<Vec<Decline>> {
        let mut sql = Sql::new(
            "SELECT d.candidate_id, cp.name AS candidate_name, d.mentor_id, mp.name AS mentor_name, d.school_id, \
             s.name AS school_name, d.by_party, d.reason, d.declined_by, d.declined_at \
             FROM placement_declines d JOIN candidates c ON c.id = d.candidate_id \
             JOIN people cp ON cp.id = c.person_id JOIN mentors m ON m.id = d.mentor_id \
             JOIN people mp ON mp.id = m.person_id JOIN organizations s ON s.id = d.school_id \
             WHERE d.term_id = ",
        );
        sql.bind(term_id)
            .push(" ORDER BY d.declined_at DESC, d.id DESC");
        sql.fetch_all(self.pool()).await
    }
}

/// Rows of (key, id) as a map, from a multi-row `INSERT … RETURNING key, id`.
fn by_first_column(rows: &[sqlx::any::AnyRow]) -> Result<std::collections::HashMap<i64, i64>> {
    rows.iter()
        .map(|row| Ok((sqlx::Row::try_get(row, 0)?, sqlx::Row::try_get(row, 1)?)))
        .collect()
}

fn found_in(ids: &std::collections::HashMap<i64, i64>, key: i64) -> Result<i64> {
    ids.get(&key)
        .copied()
        .ok_or_else(|| StoreError::Corrupt(format!("no row was written for {key}")))
}

/// Creates or replaces mentor profiles; their ids in order.
async fn insert_mentors(
    conn: &mut sqlx::AnyConnection,
    drafts: &[MentorDraft],
) -> Result<Vec<i64>> {
    let now = now();
    let returned = insert_rows(
        conn,
        "mentors",
        &[
            "person_id",
            "school_id",
            "areas",
            "bands",
            "years_experience",
            "evidence_source",
            "evidence_on",
            "willing",
            "created_at",
            "updated_at",
        ],
        drafts
            .iter()
            .map(|draft| -> Vec<Value> {
                vec![
                    draft.person_id.into(),
                    draft.school_id.into(),
                    areas_to_codes(&draft.areas).into(),
                    bands_to_codes(&draft.bands).into(),
                    i64::from(draft.years_experience).into(),
                    draft.evidence_source.as_str().into(),
                    draft.evidence_on.map(|d| d.to_string()).into(),
                    draft.willing.into(),
                    now.into(),
                    now.into(),
                ]
            })
            .collect(),
        " ON CONFLICT (person_id) DO UPDATE SET school_id = excluded.school_id, \
         areas = excluded.areas, bands = excluded.bands, \
         years_experience = excluded.years_experience, \
         evidence_source = excluded.evidence_source, evidence_on = excluded.evidence_on, \
         willing = excluded.willing, updated_at = excluded.updated_at \
         RETURNING person_id, id",
    )
    .await?;
    let ids = by_first_column(&returned)?;
    drafts.iter().map(|d| found_in(&ids, d.person_id)).collect()
}

/// Mentors' capacity for a term, replacing what was there.
async fn insert_capacities(
    conn: &mut sqlx::AnyConnection,
    term_id: i64,
    capacities: &[(i64, u32)],
) -> Result<()> {
    insert_rows(
        conn,
        "mentor_terms",
        &["term_id", "mentor_id", "capacity"],
        capacities
            .iter()
            .map(|(mentor, capacity)| -> Vec<Value> {
                vec![
                    term_id.into(),
                    (*mentor).into(),
                    i64::from(*capacity).into(),
                ]
            })
            .collect(),
        " ON CONFLICT (term_id, mentor_id) DO UPDATE SET capacity = excluded.capacity",
    )
    .await?;
    Ok(())
}
