//! The demo: every real Michigan district and school, the state agency, three providers with
//! programs, and people in every role, so a newcomer can sign in as each.

use std::path::Path;

use anyhow::{Context, Result};
use tandem_domain::cycles::{CycleDraft, Decision, PlanDraft, StudyDraft};
use tandem_domain::depth::Rating;
use tandem_domain::input::{OrgDraft, ProgramDraft};
use tandem_domain::meetings::{ActionDraft, ActionSource, ActionStatus, MeetingDraft, MeetingKind};
use tandem_domain::partnerships::{
    AgreementDraft, FeedbackCategory, FeedbackDraft, FeedbackStatus, GoalDraft, GoalMetric,
    PartnershipDraft, PartnershipStatus, Sections,
};
use tandem_domain::{GradeBand, LicensureArea, OrgKind, Pathway, Role};
use tandem_store::Page;
use tandem_store::Store;
use tandem_store::orgs::OrgFilter;

/// Every demo account's password.
pub const PASSWORD: &str = "tandem-demo-2026";
const ADMIN: &str = "admin@tandem.example";

/// Builds the demo data unless it is there already; returns (role, e-mail) of each sign-in.
pub async fn build(store: &Store, nces_file: &Path) -> Result<Vec<(&'static str, &'static str)>> {
    let sign_ins = vec![
        ("Administrator", ADMIN),
        ("Coordinator", "coordinator@wayne.example"),
        ("Partnership lead", "lead@detroitk12.example"),
        ("District admin", "admin@detroitk12.example"),
        ("Principal", "principal@detroitk12.example"),
        ("Mentor teacher", "mentor@detroitk12.example"),
        ("Program supervisor", "supervisor@wayne.example"),
        ("Candidate", "candidate@wayne.example"),
        ("Data lead", "data@detroitk12.example"),
        ("State reviewer", "reviewer@michigan.example"),
        ("Provider lead", "lead@wayne.example"),
    ];
    if store.person_by_email(ADMIN).await?.is_some() {
        tracing::info!("reusing the demo database");
        return Ok(sign_ins);
    }
    let summary = import_directory(store, nces_file).await?;
    tracing::info!(
        schools = summary.schools,
        districts = summary.districts,
        "imported Michigan"
    );

    let hash = tandem_web::auth::hash_password(PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let state = org(
        store,
        OrgKind::StateAgency,
        "Michigan Department of Education",
        "Lansing",
        "48933",
    )
    .await?;
    let wayne = org(
        store,
        OrgKind::Provider,
        "Wayne State University College of Education",
        "Detroit",
        "48202",
    )
    .await?;
    let msu = org(
        store,
        OrgKind::Provider,
        "Michigan State University College of Education",
        "East Lansing",
        "48824",
    )
    .await?;
    let gvsu = org(
        store,
        OrgKind::Provider,
        "Grand Valley State University College of Education",
        "Allendale",
        "49401",
    )
    .await?;
    for (provider, name, areas, band, pathway) in [
        (
            wayne,
            "Elementary Education (BA)",
            vec![LicensureArea::Elementary],
            GradeBand::Elementary,
            Pathway::Traditional,
        ),
        (
            wayne,
            "Detroit Teacher Residency (MAT)",
            vec![LicensureArea::Mathematics, LicensureArea::Science],
            GradeBand::Secondary,
            Pathway::Residency,
        ),
        (
            wayne,
            "Special Education (MEd)",
            vec![LicensureArea::SpecialEducation],
            GradeBand::AllGrades,
            Pathway::Traditional,
        ),
        (
            msu,
            "Elementary Teacher Preparation",
            vec![LicensureArea::Elementary, LicensureArea::EnglishLearners],
            GradeBand::Elementary,
            Pathway::Traditional,
        ),
        (
            msu,
            "Secondary English and Social Studies",
            vec![LicensureArea::English, LicensureArea::SocialStudies],
            GradeBand::Secondary,
            Pathway::Traditional,
        ),
        (
            gvsu,
            "Alternative Route to Certification",
            vec![
                LicensureArea::Mathematics,
                LicensureArea::Science,
                LicensureArea::CareerTechnical,
            ],
            GradeBand::Secondary,
            Pathway::Alternative,
        ),
        (
            gvsu,
            "Early Childhood Education",
            vec![LicensureArea::EarlyChildhood],
            GradeBand::EarlyChildhood,
            Pathway::Traditional,
        ),
    ] {
        store
            .create_program(&ProgramDraft {
                provider_id: provider,
                name: name.into(),
                areas,
                grade_band: band,
                pathway,
            })
            .await?;
    }

    let detroit = find(
        store,
        OrgKind::District,
        "Detroit Public Schools Community District",
    )
    .await?;
    let schools = store
        .orgs(
            &OrgFilter {
                parent_id: Some(detroit),
                kind: Some(OrgKind::School),
                ..OrgFilter::default()
            },
            Page::new(None, Some(12)),
        )
        .await?
        .0;
    let school = schools
        .first()
        .map(|s| s.id)
        .context("the Detroit district has no schools")?;

    let person = |name: &'static str, email: &'static str, org: i64, role: Role| {
        let hash = hash.clone();
        async move {
            store
                .create_person(name, Some(email), Some(&hash), false, Some((org, role)))
                .await
        }
    };
    let admin = store
        .create_person("Alex Morgan", Some(ADMIN), Some(&hash), true, None)
        .await?;
    tracing::info!(admin, "demo administrator created");
    let coordinator = person(
        "Renee Coleman",
        "coordinator@wayne.example",
        wayne,
        Role::Coordinator,
    )
    .await?;
    let detroit_lead = person(
        "Marcus Bell",
        "lead@detroitk12.example",
        detroit,
        Role::PartnershipLead,
    )
    .await?;
    person(
        "Dana Whitfield",
        "admin@detroitk12.example",
        detroit,
        Role::Admin,
    )
    .await?;
    person(
        "Angela Torres",
        "principal@detroitk12.example",
        school,
        Role::Principal,
    )
    .await?;
    person(
        "James Okafor",
        "mentor@detroitk12.example",
        school,
        Role::Mentor,
    )
    .await?;
    let supervisor = person(
        "Priya Raman",
        "supervisor@wayne.example",
        wayne,
        Role::Supervisor,
    )
    .await?;
    person(
        "Sofia Alvarez",
        "candidate@wayne.example",
        wayne,
        Role::Candidate,
    )
    .await?;
    person(
        "Kevin Tran",
        "data@detroitk12.example",
        detroit,
        Role::DataLead,
    )
    .await?;
    person(
        "Linda Greene",
        "reviewer@michigan.example",
        state,
        Role::StateReviewer,
    )
    .await?;
    let wayne_lead = person(
        "Omar Haddad",
        "lead@wayne.example",
        wayne,
        Role::PartnershipLead,
    )
    .await?;
    let msu_coordinator = person(
        "Beth Larson",
        "coordinator@msu.example",
        msu,
        Role::Coordinator,
    )
    .await?;
    person(
        "Tom Becker",
        "coordinator@gvsu.example",
        gvsu,
        Role::Coordinator,
    )
    .await?;

    // A realistic spread: mentors across Detroit schools, candidates across the providers.
    const FIRST: [&str; 12] = [
        "Aisha", "Ben", "Carmen", "Diego", "Erin", "Farah", "Grace", "Hector", "Imani", "Jon",
        "Keisha", "Luis",
    ];
    const LAST: [&str; 12] = [
        "Adams", "Brooks", "Chen", "Diaz", "Evans", "Foster", "Garcia", "Harris", "Ibrahim",
        "Jackson", "Kim", "Lopez",
    ];
    for (i, s) in schools.iter().enumerate() {
        for j in 0..2 {
            let name = format!("{} {}", FIRST[(i + j * 5) % 12], LAST[(i * 7 + j) % 12]);
            store
                .create_person(&name, None, None, false, Some((s.id, Role::Mentor)))
                .await?;
        }
    }
    for (i, provider) in [wayne, wayne, msu, gvsu]
        .iter()
        .cycle()
        .take(24)
        .enumerate()
    {
        let name = format!("{} {}", FIRST[(i * 5 + 3) % 12], LAST[(i * 11 + 2) % 12]);
        store
            .create_person(&name, None, None, false, Some((*provider, Role::Candidate)))
            .await?;
    }
    let parties = Parties {
        wayne,
        msu,
        detroit,
        wayne_lead,
        detroit_lead,
        msu_coordinator,
    };
    let residency = partnerships(store, &parties).await?;
    let second_supervisor = store
        .create_person(
            "Grace Mensah",
            None,
            None,
            false,
            Some((wayne, Role::Supervisor)),
        )
        .await?;
    // Where the supervisors set out from: Wayne State's campus, and Dearborn.
    store
        .set_supervisor_base(supervisor, "48202", 42.3572, -83.0664)
        .await?;
    store
        .set_supervisor_base(second_supervisor, "48126", 42.3223, -83.1763)
        .await?;
    crate::demo_placements::build(
        store,
        &crate::demo_placements::Ids {
            residency,
            wayne,
            detroit,
            coordinator,
            supervisor,
            principal_school: school,
            schools: schools.iter().map(|s| s.id).collect(),
        },
    )
    .await?;
    Ok(sign_ins)
}

struct Parties {
    wayne: i64,
    msu: i64,
    detroit: i64,
    wayne_lead: i64,
    detroit_lead: i64,
    msu_coordinator: i64,
}

const DAY: i64 = 86_400;

/// Two partnerships at different depths: Wayne State and Detroit, a year in, with an agreement
/// in force, a change awaiting Detroit's approval and feedback acted upon; MSU and Lansing,
/// exploring, with a first draft.
async fn partnerships(store: &Store, p: &Parties) -> Result<i64> {
    let dearborn = find(store, OrgKind::District, "Dearborn City School District").await?;
    let lansing = find(store, OrgKind::District, "Lansing Public School District").await?;
    let date = |text: &str| {
        time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok()
    };
    let residency = store
        .create_partnership(
            &PartnershipDraft {
                name: "Wayne State – Detroit Teacher Residency Partnership".into(),
                provider_id: p.wayne,
                district_ids: vec![p.detroit, dearborn],
                status: PartnershipStatus::Active,
                starts_on: date("2025-08-01"),
                review_on: date("2027-01-15"),
            },
            Some(p.wayne_lead),
            &Sections::template().to_json(),
        )
        .await?;
    store
        .set_liaison(residency, p.detroit, Some(p.wayne_lead))
        .await?;
    let versions = store.agreement_versions(residency).await?;
    let first = versions.first().map(|v| v.id).context("no first version")?;
    for org in [p.wayne, p.detroit, dearborn] {
        store.approve(first, org, Some(p.detroit_lead)).await?;
    }
    let mut sections = Sections::template();
    sections.0.insert(
        "data".into(),
        format!(
            "{}\nAdded: observation scores go to the district's data lead each term, by school.",
            sections.get("data")
        ),
    );
    store
        .add_agreement_version(
            residency,
            &AgreementDraft {
                based_on: Some(1),
                sections,
                note: "Observation scores shared each term".into(),
            },
            Some(p.wayne_lead),
        )
        .await?;
    let versions = store.agreement_versions(residency).await?;
    let second = versions
        .first()
        .map(|v| v.id)
        .context("no second version")?;
    store.approve(second, p.wayne, Some(p.wayne_lead)).await?;

    let fractions = store
        .raise_feedback(
            residency,
            p.detroit,
            &FeedbackDraft {
                to_org_id: p.wayne,
                category: FeedbackCategory::Preparation,
                summary: "Candidates struggle to teach fractions in grades 3–5".into(),
                evidence: "Principals at four elementary schools reported it; 9 of 14 fall observations scored 'developing' on math content.".into(),
            },
            Some(p.detroit_lead),
        )
        .await?;
    for (from, to, note) in [
        (FeedbackStatus::Raised, FeedbackStatus::Acknowledged, ""),
        (
            FeedbackStatus::Acknowledged,
            FeedbackStatus::Planned,
            "A fractions unit in Methods II, co-taught with a Detroit math coach.",
        ),
        (
            FeedbackStatus::Planned,
            FeedbackStatus::Acted,
            "Unit taught this spring; observation scores on math content rose.",
        ),
    ] {
        store
            .respond_to_feedback(fractions, from, to, note, Some(p.wayne_lead))
            .await?;
    }
    let mentors = store
        .raise_feedback(
            residency,
            p.wayne,
            &FeedbackDraft {
                to_org_id: p.detroit,
                category: FeedbackCategory::Mentoring,
                summary: "Mentors at two schools were not available for weekly co-planning".into(),
                evidence: "Supervisor logs for October: 5 of 8 planned sessions cancelled.".into(),
            },
            Some(p.wayne_lead),
        )
        .await?;
    store
        .respond_to_feedback(
            mentors,
            FeedbackStatus::Raised,
            FeedbackStatus::Acknowledged,
            "Principals asked to protect the planning period.",
            Some(p.detroit_lead),
        )
        .await?;
    // Spread the history over the past year, as it happened.
    for sql in [
        format!(
            "UPDATE partnerships SET created_at = created_at - {} WHERE id = {residency}",
            300 * DAY
        ),
        format!(
            "UPDATE agreement_versions SET created_at = created_at - {} WHERE id = {first}",
            290 * DAY
        ),
        format!(
            "UPDATE agreement_approvals SET approved_at = approved_at - {} WHERE version_id = {first}",
            270 * DAY
        ),
        format!(
            "UPDATE agreement_versions SET created_at = created_at - {} WHERE id = {second}",
            20 * DAY
        ),
        format!(
            "UPDATE feedback_items SET raised_at = raised_at - {} WHERE id = {fractions}",
            200 * DAY
        ),
        format!(
            "UPDATE feedback_steps SET at = at - {} WHERE item_id = {fractions} AND status = 'raised'",
            200 * DAY
        ),
        format!(
            "UPDATE feedback_steps SET at = at - {} WHERE item_id = {fractions} AND status = 'acknowledged'",
            196 * DAY
        ),
        format!(
            "UPDATE feedback_steps SET at = at - {} WHERE item_id = {fractions} AND status = 'planned'",
            180 * DAY
        ),
        format!(
            "UPDATE feedback_steps SET at = at - {} WHERE item_id = {fractions} AND status = 'acted'",
            60 * DAY
        ),
        format!(
            "UPDATE feedback_items SET raised_at = raised_at - {} WHERE id = {mentors}",
            30 * DAY
        ),
        format!(
            "UPDATE feedback_steps SET at = at - {} WHERE item_id = {mentors} AND status = 'raised'",
            30 * DAY
        ),
        format!(
            "UPDATE feedback_steps SET at = at - {} WHERE item_id = {mentors} AND status = 'acknowledged'",
            27 * DAY
        ),
    ] {
        store.execute_raw(&sql).await?;
    }

    let trained = store
        .create_goal(
            residency,
            &GoalDraft {
                title: "Every residency mentor trained before the school year".into(),
                metric: GoalMetric::Manual,
                measure: "mentors who completed the residency mentor course".into(),
                unit: "mentors".into(),
                baseline: Some(18.0),
                target: 60.0,
                due_on: date("2027-08-15"),
                owner_id: Some(p.detroit_lead),
            },
        )
        .await?;
    for (value, on) in [
        (26.0, "2026-01-20"),
        (41.0, "2026-06-10"),
        (47.0, "2026-10-05"),
    ] {
        if let Some(on) = date(on) {
            store
                .add_progress(
                    trained,
                    value,
                    on,
                    "From the course roster",
                    Some(p.wayne_lead),
                )
                .await?;
        }
    }
    work(store, p, residency, fractions, trained).await?;
    store
        .create_goal(
            residency,
            &GoalDraft {
                title: "Feedback is acted upon".into(),
                metric: GoalMetric::FeedbackActed,
                measure: String::new(),
                unit: String::new(),
                baseline: Some(0.0),
                target: 80.0,
                due_on: date("2027-06-30"),
                owner_id: Some(p.wayne_lead),
            },
        )
        .await?;

    let exploring = store
        .create_partnership(
            &PartnershipDraft {
                name: "MSU – Lansing Elementary Partnership".into(),
                provider_id: p.msu,
                district_ids: vec![lansing],
                status: PartnershipStatus::Exploring,
                starts_on: date("2026-09-01"),
                review_on: date("2027-05-01"),
            },
            Some(p.msu_coordinator),
            &Sections::template().to_json(),
        )
        .await?;
    // Exploring: one first self-assessment, by the provider alone.
    let depth = framework(store, "partnership-depth").await?;
    rate(
        store,
        exploring,
        depth,
        p.msu,
        "2026-10-01",
        &[1, 1, 1, 1, 1, 1, 1, 1],
        p.msu_coordinator,
    )
    .await?;
    Ok(residency)
}

fn day(text: &str) -> Result<time::Date> {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .with_context(|| format!("bad demo date {text}"))
}

async fn framework(store: &Store, slug: &str) -> Result<i64> {
    store
        .frameworks()
        .await?
        .into_iter()
        .find(|f| f.slug == slug)
        .map(|f| f.id)
        .with_context(|| format!("framework {slug} is not loaded"))
}

/// One party's ratings, in the framework's criteria order, with evidence where it is needed.
#[allow(clippy::too_many_arguments)]
async fn rate(
    store: &Store,
    partnership: i64,
    framework_id: i64,
    org: i64,
    on: &str,
    levels: &[u8],
    person: i64,
) -> Result<()> {
    let framework = store.stored_framework(framework_id).await?.framework()?;
    let ratings: Vec<Rating> = framework
        .criteria
        .iter()
        .zip(levels)
        .map(|(c, level)| Rating {
            criterion: c.key.clone(),
            level: *level,
            evidence: if *level > 2 {
                format!("Minutes and records for '{}' this year", c.title)
            } else {
                String::new()
            },
            comment: String::new(),
        })
        .collect();
    store
        .add_assessment(
            partnership,
            framework_id,
            org,
            day(on)?,
            &ratings,
            Some(person),
        )
        .await?;
    Ok(())
}

/// The residency's working life: people named in it, two meetings (one a data day), action
/// items (one overdue), an improvement cycle born of the fractions feedback, two rounds of
/// self-assessment by both the provider and Detroit, and the toolkit items it uses.
async fn work(
    store: &Store,
    p: &Parties,
    residency: i64,
    fractions: i64,
    trained: i64,
) -> Result<()> {
    store
        .set_member(residency, p.wayne_lead, p.wayne, "Residency director")
        .await?;
    store
        .set_member(residency, p.detroit_lead, p.detroit, "Placement lead")
        .await?;
    let agenda = |slug: &str| {
        tandem_domain::toolkit::builtin()
            .ok()
            .and_then(|items| items.into_iter().find(|i| i.slug == slug))
            .map(|i| i.body.trim().to_owned())
            .unwrap_or_default()
    };
    let fall = store
        .create_meeting(
            residency,
            &MeetingDraft {
                title: "Fall term meeting".into(),
                kind: MeetingKind::Regular,
                held_on: day("2026-09-18")?,
                location: "Detroit Public Schools, Fisher Building, room 1204".into(),
                agenda: agenda("agenda-term-meeting"),
                notes: "Fractions unit results reviewed; mentors' planning time is the open problem.".into(),
                decisions: "Keep the co-taught fractions unit.\nPrincipals protect one planning period a week.".into(),
                attendee_ids: vec![p.wayne_lead, p.detroit_lead],
            },
            None,
            Some(p.wayne_lead),
        )
        .await?;
    let snapshot = r#"{"district_partners":2,"feedback_items":2,"open_feedback":2,"feedback_acted_share":50.0,"median_response_days":3.0}"#;
    store
        .create_meeting(
            residency,
            &MeetingDraft {
                title: "Spring data day".into(),
                kind: MeetingKind::DataDay,
                held_on: day("2026-04-24")?,
                location: "Wayne State, College of Education".into(),
                agenda: agenda("agenda-data-day"),
                notes:
                    "Math-content observation scores up from 2.4 to 2.9 after the fractions unit."
                        .into(),
                decisions: "Run the fractions unit again, adapted for grade 3.".into(),
                attendee_ids: vec![p.wayne_lead, p.detroit_lead],
            },
            Some(snapshot.into()),
            Some(p.detroit_lead),
        )
        .await?;
    let cycle = store
        .create_cycle(
            residency,
            &CycleDraft {
                title: "Co-taught fractions unit".into(),
                aim: "Raise residents' math-content observation scores in grades 3–5 from 2.4 to 3.0 by June 2027.".into(),
                goal_ids: vec![trained],
            },
            Some(p.wayne_lead),
        )
        .await?;
    store
        .start_round(
            cycle,
            1,
            &PlanDraft {
                change:
                    "A four-week fractions unit in Methods II, co-taught with a Detroit math coach."
                        .into(),
                measures: "Math-content score on the shared rubric, two observations per resident."
                    .into(),
                predictions: "Mean score rises from 2.4 to at least 2.8.".into(),
                starts_on: day("2026-01-12")?,
            },
        )
        .await?;
    let rounds = store.rounds(residency).await?;
    let first = rounds.first().map(|r| r.id).context("no first round")?;
    store
        .study_round(
            first,
            &StudyDraft {
                done: "Unit taught to 14 residents; the coach co-taught 6 of 8 sessions.".into(),
                study: "Mean rose to 2.9 (28 observations); grade 3 residents gained least.".into(),
                decision: Some(Decision::Adapt),
                decided_on: Some(day("2026-04-24")?),
            },
        )
        .await?;
    store
        .start_round(
            cycle,
            2,
            &PlanDraft {
                change: "Add two grade-3 lessons planned with mentors.".into(),
                measures: "Math-content score, grade 3 residents.".into(),
                predictions: "Grade 3 residents reach 2.9 like the others.".into(),
                starts_on: day("2026-09-08")?,
            },
        )
        .await?;
    let action = |title: &str, owner: i64, due: &str, source: ActionSource| {
        let title = title.to_owned();
        let due = day(due);
        async move {
            Ok::<_, anyhow::Error>(
                store
                    .create_action(
                        residency,
                        &ActionDraft {
                            title,
                            owner_id: Some(owner),
                            due_on: Some(due?),
                            source,
                        },
                        Some(p.wayne_lead),
                    )
                    .await?,
            )
        }
    };
    let done = action(
        "Schedule the math coach for the fractions unit",
        p.wayne_lead,
        "2026-01-05",
        ActionSource {
            feedback_id: Some(fractions),
            ..ActionSource::default()
        },
    )
    .await?;
    store.set_action_status(done, ActionStatus::Done).await?;
    action(
        "Send principals the protected planning-period schedule",
        p.detroit_lead,
        "2026-10-02",
        ActionSource {
            meeting_id: Some(fall),
            ..ActionSource::default()
        },
    )
    .await?;
    action(
        "Share grade-3 observation scores by school",
        p.wayne_lead,
        "2026-11-06",
        ActionSource {
            cycle_id: Some(cycle),
            ..ActionSource::default()
        },
    )
    .await?;
    action(
        "Draft the spring data-day agenda",
        p.wayne_lead,
        "2027-03-20",
        ActionSource {
            meeting_id: Some(fall),
            ..ActionSource::default()
        },
    )
    .await?;

    let depth = framework(store, "partnership-depth").await?;
    rate(
        store,
        residency,
        depth,
        p.wayne,
        "2025-11-01",
        &[2, 2, 1, 2, 1, 1, 1, 1],
        p.wayne_lead,
    )
    .await?;
    rate(
        store,
        residency,
        depth,
        p.detroit,
        "2025-11-03",
        &[2, 1, 1, 1, 1, 1, 1, 1],
        p.detroit_lead,
    )
    .await?;
    rate(
        store,
        residency,
        depth,
        p.wayne,
        "2026-10-20",
        &[3, 3, 2, 3, 3, 2, 2, 1],
        p.wayne_lead,
    )
    .await?;
    rate(
        store,
        residency,
        depth,
        p.detroit,
        "2026-10-22",
        &[3, 2, 2, 3, 2, 2, 1, 1],
        p.detroit_lead,
    )
    .await?;
    for slug in [
        "agenda-term-meeting",
        "agenda-data-day",
        "data-sharing",
        "questions-partnerships",
    ] {
        let item = store
            .toolkit(&tandem_domain::Scope::default())
            .await?
            .into_iter()
            .find(|i| i.slug.as_deref() == Some(slug))
            .with_context(|| format!("toolkit item {slug} is missing"))?;
        store.attach_tool(residency, item.id).await?;
    }
    Ok(())
}

/// Imports the NCES directory a demo is built on.
pub async fn import_directory(
    store: &Store,
    nces_file: &Path,
) -> Result<tandem_store::nces::ImportSummary> {
    let file = std::fs::File::open(nces_file)
        .with_context(|| format!("could not open {} (pass --nces-file)", nces_file.display()))?;
    store
        .import_schools(
            &nces_file.display().to_string(),
            std::io::BufReader::new(file),
            |_| {},
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn org(store: &Store, kind: OrgKind, name: &str, city: &str, zip: &str) -> Result<i64> {
    let draft = OrgDraft {
        kind,
        name: name.into(),
        parent_id: None,
        state_code: Some("MI".into()),
        street: None,
        city: Some(city.into()),
        zip: Some(zip.into()),
        phone: None,
    };
    Ok(store.create_org(&draft).await?)
}

async fn find(store: &Store, kind: OrgKind, name: &str) -> Result<i64> {
    let filter = OrgFilter {
        q: Some(name.into()),
        kind: Some(kind),
        ..OrgFilter::default()
    };
    let (orgs, _) = store.orgs(&filter, Page::new(None, Some(1))).await?;
    orgs.first()
        .map(|o| o.id)
        .with_context(|| format!("{name} is not in the NCES file"))
}
