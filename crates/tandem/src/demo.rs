//! The demo: every real Michigan district and school, the state agency, three providers with
//! programs, and people in every role, so a newcomer can sign in as each.

use std::path::Path;

use anyhow::{Context, Result};
use tandem_domain::input::{OrgDraft, ProgramDraft};
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
    ];
    if store.person_by_email(ADMIN).await?.is_some() {
        tracing::info!("reusing the demo database");
        return Ok(sign_ins);
    }
    let file = std::fs::File::open(nces_file)
        .with_context(|| format!("could not open {} (pass --nces-file)", nces_file.display()))?;
    let summary = store
        .import_schools(
            &nces_file.display().to_string(),
            std::io::BufReader::new(file),
            |_| {},
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
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
    person(
        "Renee Coleman",
        "coordinator@wayne.example",
        wayne,
        Role::Coordinator,
    )
    .await?;
    person(
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
    person(
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
    person(
        "Omar Haddad",
        "lead@wayne.example",
        wayne,
        Role::PartnershipLead,
    )
    .await?;
    person(
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
    Ok(sign_ins)
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
