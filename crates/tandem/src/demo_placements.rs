//! The demo's placements, in the Wayne State – Detroit residency partnership: eligibility rules,
//! training, mentor profiles, a fall term already matched and confirmed, and a winter term
//! ready to match (hosting answered but for the demo principal's school, mentors available,
//! candidates with preferences). The runs go through the same guard a coordinator uses.

use anyhow::{Context, Result};
use tandem_domain::placements::{
    Audience, EligibilityRules, HostingDraft, MentorDraft, ModuleDraft, PlacementStatus, Preferred,
    RunRules, TermDraft, TermKind,
};
use tandem_domain::{GradeBand, LicensureArea, Role};
use tandem_store::Page;
use tandem_store::Store;
use tandem_store::placements::NewCandidate;
use tandem_web::guard::Guard;

pub struct Ids {
    pub residency: i64,
    pub wayne: i64,
    pub detroit: i64,
    pub coordinator: i64,
    pub supervisor: i64,
    /// The demo principal's school: left unanswered in the winter term.
    pub principal_school: i64,
    pub schools: Vec<i64>,
}

fn day(text: &str) -> Result<time::Date> {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .with_context(|| format!("bad demo date {text}"))
}

/// What each mentor teaches, in turn.
const SUBJECTS: [(LicensureArea, GradeBand); 5] = [
    (LicensureArea::Elementary, GradeBand::Elementary),
    (LicensureArea::Mathematics, GradeBand::Secondary),
    (LicensureArea::Elementary, GradeBand::Elementary),
    (LicensureArea::Science, GradeBand::Secondary),
    (LicensureArea::SpecialEducation, GradeBand::Elementary),
];

const FIRST: [&str; 10] = [
    "Maya", "Noah", "Olivia", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Uma", "Victor",
];
const LAST: [&str; 8] = [
    "Nguyen", "Okoro", "Patel", "Reyes", "Silva", "Turner", "Walker", "Young",
];

pub async fn build(store: &Store, ids: &Ids) -> Result<()> {
    store
        .set_eligibility(
            ids.residency,
            &EligibilityRules {
                min_years: Some(3),
                training_within_years: Some(2),
                evidence_within_years: Some(2),
            },
        )
        .await?;
    let foundations = store
        .create_module(&ModuleDraft {
            org_id: ids.wayne,
            title: "Mentor teacher foundations".into(),
            audience: Audience::Mentors,
            hours: 12.0,
            valid_months: 24,
        })
        .await?;
    store
        .create_module(&ModuleDraft {
            org_id: ids.detroit,
            title: "Coaching cycles for mentors".into(),
            audience: Audience::Mentors,
            hours: 6.0,
            valid_months: 36,
        })
        .await?;
    let calibration = store
        .create_module(&ModuleDraft {
            org_id: ids.wayne,
            title: "Observation rubric calibration".into(),
            audience: Audience::Supervisors,
            hours: 4.0,
            valid_months: 12,
        })
        .await?;
    store
        .record_completions(calibration, &[ids.supervisor], "2026-08-10")
        .await?;

    // Every mentor of the Detroit schools gets a profile; a few miss a rule, so the pages
    // show why.
    let teachers = store
        .people_with_role_in(&[ids.detroit], Role::Mentor)
        .await?;
    let mut mentors = Vec::new();
    let mut trained = Vec::new();
    for (i, (person, name, school, _)) in teachers.iter().enumerate() {
        // At the demo principal's school only the demo mentor teaches elementary, so the demo
        // candidate who asks for that school is proposed to him.
        let (area, band) = match (*school == ids.principal_school, name.as_str()) {
            (true, "James Okafor") => (LicensureArea::Elementary, GradeBand::Elementary),
            (true, _) => (LicensureArea::Mathematics, GradeBand::Secondary),
            _ => SUBJECTS[i % SUBJECTS.len()],
        };
        let years = if name == "James Okafor" {
            9
        } else {
            [8, 5, 12, 2, 6, 4, 15, 3][i % 8]
        };
        let evidence = if i % 7 == 6 && name != "James Okafor" {
            "2023-05-20"
        } else {
            "2026-05-20"
        };
        let mentor = store
            .save_mentor(&MentorDraft {
                person_id: *person,
                school_id: *school,
                areas: vec![area],
                bands: vec![band],
                years_experience: years,
                evidence_source: "Spring observation cycle (district evaluation)".into(),
                evidence_on: Some(day(evidence)?),
                willing: name == "James Okafor" || i % 11 != 10,
            })
            .await?;
        if name == "James Okafor" || i % 9 != 8 {
            trained.push(*person);
        }
        mentors.push(mentor);
    }
    store
        .record_completions(foundations, &trained, "2025-06-15")
        .await?;

    let programs = store.provider_programs(ids.wayne).await?;
    let program = |name: &str| programs.iter().find(|p| p.1 == name).map(|p| p.0);
    let elementary = program("Elementary Education (BA)").context("no elementary program")?;
    let residency = program("Detroit Teacher Residency (MAT)").context("no residency program")?;
    let special = program("Special Education (MEd)").context("no special education program")?;
    let mut places = Vec::new();
    for id in &ids.schools {
        let org = store.org(*id).await?;
        if let (Some(lat), Some(lon)) = (org.latitude, org.longitude) {
            places.push((*id, lat, lon, org.zip.clone().unwrap_or_default()));
        }
    }
    anyhow::ensure!(
        !places.is_empty(),
        "the demo's Detroit schools have no coordinates in the NCES file"
    );
    let coordinator = Guard::for_person(store.clone(), ids.coordinator)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let candidate = |n: usize, term: &str| {
        let (area, band, program_id) = match n % 5 {
            1 => ("mathematics", "secondary", residency),
            3 => ("science", "secondary", residency),
            4 => ("special_education", "elementary", special),
            _ => ("elementary", "elementary", elementary),
        };
        let (school, lat, lon, zip) = places[(n * 7) % places.len()].clone();
        let first = FIRST[n % FIRST.len()];
        let last = LAST[(n * 3 + term.len()) % LAST.len()];
        NewCandidate {
            name: format!("{first} {last}"),
            email: format!(
                "{}.{}.{term}{n}@students.wayne.example",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            program_id,
            provider_id: ids.wayne,
            area: area.into(),
            band: band.into(),
            zip,
            lat: lat + 0.01 * ((n % 3) as f64 - 1.0),
            lon: lon + 0.012 * ((n % 4) as f64 - 1.5),
            // Some would take any school of the city's district.
            preferences: vec![if n % 6 == 5 {
                Preferred::District {
                    district: ids.detroit,
                }
            } else {
                Preferred::School(school)
            }],
            conflicts: Vec::new(),
            accommodations: String::new(),
        }
    };

    // Fall 2026: matched, approved by Detroit, accepted by the mentors, supervisors assigned.
    let fall = term(
        store,
        ids,
        "Fall 2026 student teaching",
        "2026-08-24",
        "2026-12-18",
    )
    .await?;
    host(store, ids, fall, None).await?;
    for mentor in &mentors {
        store.set_availability(fall, *mentor, 1).await?;
    }
    let fall_candidates: Vec<NewCandidate> = (0..8).map(|n| candidate(n, "f")).collect();
    store.add_candidates(fall, &fall_candidates).await?;
    coordinator
        .run_match(fall)
        .await
        .map_err(|e| anyhow::anyhow!("demo fall run: {e:?}"))?;
    let (placed, _) = store.placements(fall, Page::all()).await?;
    for p in &placed {
        store
            .advance_placement(p.id, PlacementStatus::Proposed, PlacementStatus::Approved)
            .await?;
        store
            .advance_placement(p.id, PlacementStatus::Approved, PlacementStatus::Confirmed)
            .await?;
    }
    coordinator
        .assign_supervisors(fall, false)
        .await
        .map_err(|e| anyhow::anyhow!("demo supervisors: {e:?}"))?;

    // Winter 2027: ready to match once the demo principal answers for her school.
    let winter = term(
        store,
        ids,
        "Winter 2027 student teaching",
        "2027-01-11",
        "2027-04-30",
    )
    .await?;
    host(store, ids, winter, Some(ids.principal_school)).await?;
    for mentor in &mentors {
        store.set_availability(winter, *mentor, 1).await?;
    }
    let mut winter_candidates: Vec<NewCandidate> = (0..18).map(|n| candidate(n, "w")).collect();
    let principal_school = places
        .iter()
        .find(|p| p.0 == ids.principal_school)
        .cloned()
        .context("the principal's school has no coordinates")?;
    winter_candidates.push(NewCandidate {
        name: "Sofia Alvarez".into(),
        email: "candidate@wayne.example".into(),
        program_id: elementary,
        provider_id: ids.wayne,
        area: "elementary".into(),
        band: "elementary".into(),
        zip: principal_school.3.clone(),
        lat: principal_school.1 + 0.01,
        lon: principal_school.2 - 0.01,
        preferences: vec![Preferred::School(ids.principal_school)],
        conflicts: Vec::new(),
        accommodations: "Needs a placement reachable by bus (no car).".into(),
    });
    store.add_candidates(winter, &winter_candidates).await?;
    // A calibration exercise: the supervisor and two mentors have scored it; the demo
    // mentor has not yet.
    let exercise = store
        .create_exercise(
            ids.residency,
            &tandem_domain::calibration::ExerciseDraft {
                title: "Grade 4 fractions lesson (exemplar video)".into(),
                lesson: "Twenty minutes of a Detroit grade 4 lesson on equivalent fractions, on the shared drive.".into(),
                levels: 4,
                rows: vec![
                    ("Clear learning goal".into(), 3),
                    ("Checks for understanding".into(), 2),
                    ("Student discourse".into(), 3),
                    ("Feedback to students".into(), 2),
                    ("Use of representations".into(), 4),
                ],
            },
        )
        .await?;
    store
        .score_exercise(exercise, ids.supervisor, &[3, 2, 3, 3, 4])
        .await?;
    for (person, scores) in teachers
        .iter()
        .filter(|t| t.1 != "James Okafor")
        .map(|t| t.0)
        .zip([[3, 3, 2, 2, 4], [4, 3, 3, 2, 3]])
    {
        store.score_exercise(exercise, person, &scores).await?;
    }
    tracing::info!(fall, winter, "demo placement terms built");
    Ok(())
}

async fn term(store: &Store, ids: &Ids, name: &str, starts: &str, ends: &str) -> Result<i64> {
    Ok(store
        .create_term(
            ids.residency,
            &TermDraft {
                district_lines: Vec::new(),
                name: name.into(),
                kind: TermKind::StudentTeaching,
                starts_on: day(starts)?,
                ends_on: day(ends)?,
                rules: RunRules {
                    high_needs_min: 4,
                    ..RunRules::default()
                },
            },
        )
        .await?)
}

/// Every demo school answers, two of them "not this term"; `skip` is left unanswered.
async fn host(store: &Store, ids: &Ids, term: i64, skip: Option<i64>) -> Result<()> {
    for (i, school) in ids.schools.iter().enumerate() {
        if Some(*school) == skip {
            continue;
        }
        let cannot = i % 6 == 5;
        store
            .answer_hosting(
                term,
                *school,
                &HostingDraft {
                    slots: if cannot { 0 } else { 2 },
                    areas: Vec::new(),
                    bands: Vec::new(),
                    reason: if cannot {
                        "New principal this year; we will host again next year.".into()
                    } else {
                        String::new()
                    },
                    answered_by: "Demo school office".into(),
                },
            )
            .await?;
    }
    Ok(())
}
