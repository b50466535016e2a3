//! `tandem demo --scale california`: one placement term at the size of a whole state, so every
//! placement page can be tried and timed at that size (`bench/pages`).
//!
//! The term comes from the real California directory through the same generator as
//! `tandem bench-match --scenario california` (see `tandem_matching::generate`): a mentor profile
//! for every teacher (about 267,000, 60 % eligible), every school's hosting answered (one
//! candidate per eight teachers), and 20,000 candidates of one provider's 80 programs, one at
//! each of the largest districts, with three preferred schools each. The term is matched once,
//! through the same guard a coordinator's button uses.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use tandem_domain::input::{OrgDraft, ProgramDraft};
use tandem_domain::partnerships::{PartnershipDraft, PartnershipStatus, Sections};
use tandem_domain::placements::{
    EligibilityRules, HostingDraft, MentorDraft, Preferred, RunRules, TermDraft, TermKind,
};
use tandem_domain::{GradeBand, LicensureArea, OrgKind, Pathway, Role};
use tandem_matching::Preference;
use tandem_matching::generate::{self, DirectorySchool};
use tandem_store::Store;
use tandem_store::people::NewMember;
use tandem_store::placements::NewCandidate;
use tandem_web::guard::Guard;

use crate::demo::PASSWORD;

const CANDIDATES: usize = 20_000;
const SITES: usize = 80;
const ADMIN: &str = "admin@tandem.example";
const COORDINATOR: &str = "coordinator@csu.example";
const DISTRICT: &str = "placements@lausd.example";

const FIRST: [&str; 16] = [
    "Ana", "Ben", "Carmen", "Diego", "Elena", "Farah", "Gabriel", "Hana", "Isaac", "Jasmine",
    "Kenji", "Lucia", "Marcus", "Nadia", "Omar", "Priya",
];
const LAST: [&str; 16] = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Dominguez",
    "Edwards",
    "Flores",
    "Garcia",
    "Huang",
    "Ibrahim",
    "Jackson",
    "Kim",
    "Lopez",
    "Martinez",
    "Nguyen",
    "Ortiz",
    "Patel",
];

fn name(n: usize) -> String {
    format!(
        "{} {}",
        FIRST[n % FIRST.len()],
        LAST[(n / FIRST.len()) % LAST.len()]
    )
}

/// Builds the California-scale term unless it is there already; returns the sign-ins.
pub async fn build(store: &Store, nces_file: &Path) -> Result<Vec<(&'static str, &'static str)>> {
    let sign_ins = vec![
        ("Administrator", ADMIN),
        ("Coordinator", COORDINATOR),
        ("District (Los Angeles)", DISTRICT),
    ];
    if store.person_by_email(COORDINATOR).await?.is_some() {
        tracing::info!("reusing the California-scale demo database");
        return Ok(sign_ins);
    }
    if store.person_by_email(ADMIN).await?.is_some() {
        anyhow::bail!(
            "this database holds another demo or an unfinished California build: \
             remove it (or pass another --database-url) and run again"
        );
    }
    let started = Instant::now();
    crate::demo::import_directory(store, nces_file).await?;
    let located = crate::bench::located_schools(nces_file)?;
    let org_ids = store.org_ids_by_nces().await?;
    let id_of = |nces: &str| {
        org_ids
            .get(nces)
            .copied()
            .with_context(|| format!("NCES id {nces} was not imported"))
    };
    let schools = located
        .iter()
        .map(|(s, _)| id_of(&s.nces_id))
        .collect::<Result<Vec<i64>>>()?;
    let mut districts = located
        .iter()
        .map(|(s, _)| id_of(&s.district_nces_id))
        .collect::<Result<Vec<i64>>>()?;
    let directory: Vec<DirectorySchool> = located.iter().map(|(_, d)| d.clone()).collect();
    let instance = generate::instance(&directory, CANDIDATES, SITES, 1);
    let sites = generate::provider_sites(&directory, SITES);
    tracing::info!(
        schools = schools.len(),
        mentors = instance.mentors.len(),
        candidates = instance.candidates.len(),
        "imported California and generated the term"
    );

    let provider = store
        .create_org(&OrgDraft {
            kind: OrgKind::Provider,
            name: "California State University Teacher Preparation".into(),
            parent_id: None,
            state_code: Some("CA".into()),
            street: None,
            city: Some("Long Beach".into()),
            zip: Some("90802".into()),
            phone: None,
        })
        .await?;
    let mut programs = Vec::with_capacity(sites.len());
    for &site in &sites {
        let district = &located[site].0.district_name;
        programs.push(
            store
                .create_program(&ProgramDraft {
                    provider_id: provider,
                    name: format!("Teacher Credential – {district}"),
                    areas: LicensureArea::ALL.to_vec(),
                    grade_band: GradeBand::AllGrades,
                    pathway: Pathway::Traditional,
                })
                .await?,
        );
    }
    districts.sort_unstable();
    districts.dedup();
    let partnership = store
        .create_partnership(
            &PartnershipDraft {
                name: "California Statewide Clinical Placements".into(),
                provider_id: provider,
                district_ids: districts,
                status: PartnershipStatus::Active,
                starts_on: None,
                review_on: None,
            },
            None,
            &Sections::template().to_json(),
        )
        .await?;
    store
        .set_eligibility(
            partnership,
            &EligibilityRules {
                min_years: Some(3),
                training_within_years: None,
                evidence_within_years: Some(2),
            },
        )
        .await?;
    let term = store
        .create_term(
            partnership,
            &TermDraft {
                district_lines: Vec::new(),
                name: "Fall 2027 (California scale)".into(),
                kind: TermKind::StudentTeaching,
                starts_on: time::macros::date!(2027 - 08 - 16),
                ends_on: time::macros::date!(2027 - 12 - 17),
                rules: RunRules {
                    high_needs_min: (CANDIDATES / 3) as u32,
                    ..RunRules::default()
                },
            },
        )
        .await?;
    let answers: Vec<(i64, HostingDraft)> = schools
        .iter()
        .zip(&instance.schools)
        .map(|(id, school)| {
            (
                *id,
                HostingDraft {
                    slots: school.cap,
                    areas: Vec::new(),
                    bands: Vec::new(),
                    reason: String::new(),
                    answered_by: "District placement office".into(),
                },
            )
        })
        .collect();
    store.answer_hosting_for(term, &answers).await?;
    mentors(store, term, &schools, &instance).await?;
    candidates(store, term, provider, &programs, &schools, &instance).await?;
    tracing::info!(seconds = started.elapsed().as_secs(), "records written");

    let guard = Guard::system(store.clone());
    let started = Instant::now();
    tracing::info!("matching 20,000 candidates (about a minute in a release build)");
    guard
        .run_match(term)
        .await
        .map_err(|e| anyhow::anyhow!("the California run failed: {e:?}"))?;
    tracing::info!(
        seconds = started.elapsed().as_secs(),
        "the California term is matched"
    );
    accounts(
        store,
        provider,
        located_district(&located, &sites, &org_ids),
    )
    .await?;
    Ok(sign_ins)
}

/// The district of the first (largest) provider site: Los Angeles Unified.
fn located_district(
    located: &[(tandem_domain::nces::NcesSchool, DirectorySchool)],
    sites: &[usize],
    org_ids: &std::collections::HashMap<String, i64>,
) -> Option<i64> {
    let site = located.get(*sites.first()?)?;
    org_ids.get(&site.0.district_nces_id).copied()
}

/// Every teacher of the directory as a mentor of their school, available for one candidate.
async fn mentors(
    store: &Store,
    term: i64,
    schools: &[i64],
    instance: &tandem_matching::Instance,
) -> Result<()> {
    let members: Vec<NewMember> = instance
        .mentors
        .iter()
        .enumerate()
        .map(|(n, m)| NewMember {
            name: name(n),
            email: format!("teacher{n}@k12.ca.example"),
            org_id: schools[m.school as usize],
            role: Role::Mentor,
        })
        .collect();
    let people = store.add_members(&members).await?;
    let evidence_on = time::macros::date!(2026 - 06 - 12);
    let drafts: Vec<MentorDraft> = instance
        .mentors
        .iter()
        .zip(people)
        .enumerate()
        .map(|(n, (m, person_id))| MentorDraft {
            person_id,
            school_id: schools[m.school as usize],
            areas: LicensureArea::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| m.areas.contains(*i as u8))
                .map(|(_, a)| *a)
                .collect(),
            bands: GradeBand::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| m.bands.contains(*i as u8))
                .map(|(_, b)| *b)
                .collect(),
            // The generator's ineligible teachers are the ones new to teaching.
            years_experience: if m.eligible {
                3 + (n % 25) as u32
            } else {
                (n % 3) as u32
            },
            evidence_source: "District evaluation, 2025–26".into(),
            evidence_on: Some(evidence_on),
            willing: true,
        })
        .collect();
    let ids = store.save_mentors(&drafts).await?;
    let capacities: Vec<(i64, u32)> = ids.iter().map(|id| (*id, 1)).collect();
    store.set_availability_for(term, &capacities).await?;
    Ok(())
}

async fn candidates(
    store: &Store,
    term: i64,
    provider: i64,
    programs: &[i64],
    schools: &[i64],
    instance: &tandem_matching::Instance,
) -> Result<()> {
    let rows: Vec<NewCandidate> = instance
        .candidates
        .iter()
        .enumerate()
        .map(|(k, c)| NewCandidate {
            name: name(k + 7),
            email: format!("candidate{k}@csu.example"),
            program_id: programs[c.program as usize % programs.len()],
            provider_id: provider,
            area: LicensureArea::ALL[usize::from(c.area)].code().into(),
            band: GradeBand::ALL[usize::from(c.band)].code().into(),
            zip: String::new(),
            lat: c.lat,
            lon: c.lon,
            preferences: (c.preferences.iter())
                .filter_map(|p| match *p {
                    Preference::School(s) => Some(Preferred::School(schools[s as usize])),
                    // (The generator names schools only.)
                    Preference::District(_) => None,
                })
                .collect(),
            conflicts: Vec::new(),
            accommodations: String::new(),
        })
        .collect();
    store.add_candidates(term, &rows).await?;
    Ok(())
}

/// The people a newcomer signs in as: an administrator, the provider's coordinator and the
/// Los Angeles district's placement office (who approves its schools' placements).
async fn accounts(store: &Store, provider: i64, district: Option<i64>) -> Result<()> {
    let hash = tandem_web::auth::hash_password(PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    store
        .create_person("Alex Morgan", Some(ADMIN), Some(&hash), true, None)
        .await?;
    if let Some(district) = district {
        store
            .create_person(
                "Teresa Ruiz",
                Some(DISTRICT),
                Some(&hash),
                false,
                Some((district, Role::Admin)),
            )
            .await?;
    }
    // Last: its presence marks a finished build.
    store
        .create_person(
            "Daniel Reyes",
            Some(COORDINATOR),
            Some(&hash),
            false,
            Some((provider, Role::Coordinator)),
        )
        .await?;
    Ok(())
}
