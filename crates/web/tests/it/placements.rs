//! Placements: a term from hosting to a confirmed placement, each step allowed for the people
//! it belongs to and refused to everyone else, with bad input refused whole.

use std::time::Duration;

use tandem_domain::input::{OrgDraft, ProgramDraft};
use tandem_domain::partnerships::{PartnershipDraft, PartnershipStatus, Sections};
use tandem_domain::placements::{MentorDraft, Preferred};
use tandem_domain::{GradeBand, LicensureArea, OrgKind, Pathway};
use tandem_store::Page;
use tandem_web::guard::{Started, TermTask};

use crate::harness::{Caller, Db, TestApp, location, spawn};
use crate::on_both;

on_both!(
    a_term_goes_from_hosting_to_a_confirmed_placement,
    one_time_links_answer_once,
    candidates_import_all_or_nothing,
    observers_calibrate_against_the_reference,
    a_long_run_goes_on_after_its_page_and_shows_its_step,
    assigning_supervisors_goes_on_after_its_page,
    training_completions_import_all_or_nothing,
    the_api_answers_hosting_reads_results_locks_and_approves,
    the_api_reads_training_and_calibration_and_records_completions,
    the_api_adds_a_term_its_mentors_and_candidates,
    hosting_answers_import_all_or_nothing,
    mentor_profiles_import_all_or_nothing,
    a_module_is_offered_by_a_party_the_page_can_list,
);

/// A partnership of provider P with district A, a term, and school A1 placed on the map as a
/// high-needs school; returns (partnership, term).
async fn term(app: &TestApp, coordinator: &Caller) -> (i64, i64) {
    let w = &app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let started = lead_p
        .post_form(
            "/partnerships",
            &[
                ("name", "Pine–Alder residency"),
                ("provider_id", &w.provider_p.to_string()),
                ("district_ids", &w.district_a.to_string()),
                ("status", "active"),
            ],
        )
        .await;
    let partnership: i64 = location(&started)
        .trim_start_matches("/partnerships/")
        .trim_end_matches("?saved=1")
        .parse()
        .unwrap();
    app.store
        .execute_raw(&format!(
            "UPDATE organizations SET latitude = 42.33, longitude = -83.05, zip = '48201', \
             students = 400, free_lunch = 300, reduced_lunch = 20, high_needs = 1 \
             WHERE id = {}",
            w.school_a1
        ))
        .await
        .unwrap();
    app.store
        .create_program(&ProgramDraft {
            provider_id: w.provider_p,
            name: "Elementary BA".into(),
            areas: vec![LicensureArea::Elementary],
            grade_band: GradeBand::Elementary,
            pathway: Pathway::Traditional,
        })
        .await
        .unwrap();
    let created = coordinator
        .post_form(
            &format!("/partnerships/{partnership}/terms"),
            &[
                ("name", "Fall 2027"),
                ("kind", "student_teaching"),
                ("starts_on", "2027-08-23"),
                ("ends_on", "2027-12-17"),
                ("max_travel_km", "40"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let term = location(&created)
        .trim_start_matches("/terms/")
        .parse()
        .unwrap();
    (partnership, term)
}

/// The partnership of `term`, with provider P's module "Mentor foundations" (12 hours, valid
/// 24 months); returns (partnership, module).
async fn partnership_with_module(app: &TestApp, coordinator: &Caller) -> (i64, i64) {
    let (p, _) = term(app, coordinator).await;
    let module = app
        .store
        .create_module(&tandem_domain::placements::ModuleDraft {
            org_id: app.world.provider_p,
            title: "Mentor foundations".into(),
            audience: tandem_domain::placements::Audience::Mentors,
            hours: 12.0,
            valid_months: 24,
        })
        .await
        .unwrap();
    (p, module)
}

/// The subjects of the e-mail queued for a person, newest first.
async fn inbox(app: &TestApp, person: i64) -> Vec<String> {
    let address = app.store.person(person).await.unwrap().email.unwrap();
    let mails = app.store.mail_to(&address).await.unwrap();
    mails.into_iter().map(|m| m.subject).collect()
}

async fn a_term_goes_from_hosting_to_a_confirmed_placement(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (_, t) = term(&app, &coord_p).await;
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(admin_b.get(&format!("/terms/{t}")).await.status(), 404);

    // Hosting: the school's principal answers; an incomplete answer changes nothing; a
    // mentor of another district's school cannot.
    let hosting = format!("/terms/{t}/hosting/{}", w.school_a1);
    let principal = app.as_person(w.principal_a1).await;
    let (status, home) = principal.text("/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains(&hosting),
        "the principal's home page asks for the answer"
    );
    assert_eq!(
        principal
            .post_form(&hosting, &[("hosts", "yes")])
            .await
            .status(),
        422
    );
    let mentor_b = app.as_person(w.mentor_b1).await;
    assert_eq!(
        mentor_b
            .post_form(&hosting, &[("hosts", "yes"), ("slots", "2")])
            .await
            .status(),
        404
    );
    let answered = principal
        .post_form(&hosting, &[("hosts", "yes"), ("slots", "2")])
        .await;
    assert_eq!(answered.status(), 303);

    // The mentor's profile and availability.
    let profile = coord_p
        .post_form(
            &format!("/terms/{t}/mentors"),
            &[
                ("person_id", &w.mentor_a1.to_string()),
                ("school_id", &w.school_a1.to_string()),
                ("areas", "elementary"),
                ("bands", "elementary"),
                ("years_experience", "6"),
                ("evidence_source", "Spring observation cycle"),
                ("evidence_on", "2026-05-01"),
                ("willing", "yes"),
            ],
        )
        .await;
    assert_eq!(profile.status(), 303);
    let mentor_page = location(&profile);
    let mentor: i64 = mentor_page.rsplit('/').next().unwrap().parse().unwrap();
    let not_a_mentor = coord_p
        .post_form(
            &format!("/terms/{t}/mentors"),
            &[
                ("person_id", &w.principal_a1.to_string()),
                ("school_id", &w.school_a1.to_string()),
                ("areas", "elementary"),
                ("bands", "elementary"),
                ("years_experience", "6"),
            ],
        )
        .await;
    assert_eq!(not_a_mentor.status(), 422);
    let availability = format!("/terms/{t}/mentors/{mentor}/availability");
    assert_eq!(
        coord_p
            .post_form(&availability, &[("capacity", "9")])
            .await
            .status(),
        422
    );
    assert_eq!(
        coord_p
            .post_form(&availability, &[("capacity", "1")])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin_b
            .post_form(&availability, &[("capacity", "1")])
            .await
            .status(),
        404
    );

    // A candidate: an unknown program is refused, then added once.
    let candidates = format!("/terms/{t}/candidates");
    let candidate = |program: &'static str| {
        [
            ("name", "Ana Ruiz"),
            ("email", "ana.ruiz@students.test.example"),
            ("program", program),
            ("area", "elementary"),
            ("band", "elementary"),
            ("zip", "48201"),
        ]
    };
    let unknown = coord_p.post_form(&candidates, &candidate("Cooking")).await;
    assert_eq!(unknown.status(), 422);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("is not a program of Pine University")
    );
    assert_eq!(
        coord_p
            .post_form(&candidates, &candidate("Elementary BA"))
            .await
            .status(),
        303
    );
    assert_eq!(
        coord_p
            .post_form(&candidates, &candidate("Elementary BA"))
            .await
            .status(),
        422
    );

    // Contradictory rules: a high-needs minimum above what high-needs schools can host.
    let rules = |minimum: &'static str| {
        [
            ("name", "Fall 2027"),
            ("kind", "student_teaching"),
            ("starts_on", "2027-08-23"),
            ("ends_on", "2027-12-17"),
            ("max_travel_km", "40"),
            ("high_needs_min", minimum),
        ]
    };
    assert_eq!(
        coord_p
            .post_form(&format!("/terms/{t}"), &rules("3"))
            .await
            .status(),
        303
    );
    let refused = coord_p.post_form(&format!("/terms/{t}/run"), &[]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("lower it to 1"));
    assert!(app.store.runs(t).await.unwrap().is_empty(), "no run kept");
    // District limits name the partnership's districts; a minimum above what a district's
    // schools can host is refused before solving.
    let limited = |limits: &'static str| {
        let mut fields = rules("1").to_vec();
        fields.push(("district_limits", limits));
        fields
    };
    let term_page = format!("/terms/{t}");
    for (limits, problem) in [
        (
            "Birch District, 1, 2",
            "Line 1: no district of this partnership is named Birch District",
        ),
        (
            "Alder District, 3, 2",
            "Line 1: the least is more than the most",
        ),
        ("Alder District; 3", "Line 1: write the district"),
    ] {
        let refused = coord_p.post_form(&term_page, &limited(limits)).await;
        assert_eq!(refused.status(), 422, "{limits}");
        assert!(refused.text().await.unwrap().contains(problem), "{limits}");
    }
    let saved = coord_p
        .post_form(&term_page, &limited("Alder District, 5,"))
        .await;
    assert_eq!(saved.status(), 303);
    let refused = coord_p.post_form(&format!("/terms/{t}/run"), &[]).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("The minimum for Alder District (5) is more than its schools can host")
    );
    // A first run with no room in Alder leaves Ana unplaced; the run after lists her change.
    let saved = (coord_p.post_form(&term_page, &limited("Alder District, 0, 0"))).await;
    assert_eq!(saved.status(), 303);
    let first = coord_p.post_form(&format!("/terms/{t}/run"), &[]).await;
    assert_eq!(first.status(), 303);
    // The cohort size is a whole number from 1, or blank.
    let cohort = |size: &'static str| {
        let mut fields = limited("alder district, 1, 1");
        fields.push(("cohort_max", size));
        fields
    };
    for size in ["0", "two"] {
        let refused = coord_p.post_form(&term_page, &cohort(size)).await;
        assert_eq!(refused.status(), 422, "{size}");
        assert!(
            (refused.text().await.unwrap()).contains("Enter a whole number from 1 to 1000"),
            "{size}"
        );
    }
    let mut over = cohort("2");
    over.push(("high_needs_percent", "120"));
    let refused = coord_p.post_form(&term_page, &over).await;
    assert_eq!(refused.status(), 422);
    assert!(
        (refused.text().await.unwrap())
            .contains("Enter a whole percentage from 0 to 100, or leave it blank")
    );
    let mut too_heavy = cohort("2");
    too_heavy.push(("moved", "20000"));
    let refused = coord_p.post_form(&term_page, &too_heavy).await;
    assert_eq!(refused.status(), 422);
    assert!((refused.text().await.unwrap()).contains("Enter a whole number from 0 to 10000"));
    let mut scattered = cohort("2");
    scattered.push(("cohort", "-1"));
    let refused = coord_p.post_form(&term_page, &scattered).await;
    assert_eq!(refused.status(), 422);
    assert!((refused.text().await.unwrap()).contains("Enter a whole number from 0 to 10000"));
    let mut steady = cohort("2");
    steady.push(("moved", "50"));
    steady.push(("cohort", "120"));
    let saved = (coord_p.post_form(&term_page, &steady)).await;
    assert_eq!(saved.status(), 303);
    let (_, page) = coord_p.text(&term_page).await;
    assert!(
        page.contains(r#"name="moved" type="text" value="50""#)
            && page.contains(r#"name="cohort" type="text" value="120""#),
        "the weights are kept"
    );
    assert_eq!(
        admin_b
            .post_form(&format!("/terms/{t}/run"), &[])
            .await
            .status(),
        404
    );
    let run = coord_p.post_form(&format!("/terms/{t}/run"), &[]).await;
    assert_eq!(run.status(), 303);
    let (status, results) = coord_p.text(&location(&run)).await;
    assert_eq!(status, 200);
    assert!(
        results.contains("Ana Ruiz") && results.contains("proven optimal"),
        "{results}"
    );
    assert!(
        results.contains("<dt>Alder District</dt><dd>1 placed (at least 1, at most 1)</dd>"),
        "{results}"
    );
    assert!(
        results.contains("<dt>Cohort size</dt><dd>at most 2 of a program in a school</dd>"),
        "{results}"
    );
    // The summary by district and school: the term's readers only.
    let by_school = format!("{}/schools", location(&run));
    let (status, summary) = coord_p.text(&by_school).await;
    assert_eq!(status, 200);
    assert!(
        summary.contains("1 school receives candidates.")
            && summary.contains("<td>Alder Elementary</td><td>Alder District</td>"),
        "{summary}"
    );
    let by_district = format!("{}/districts", location(&run));
    let (status, summary) = coord_p.text(&by_district).await;
    assert_eq!(status, 200);
    assert!(
        summary.contains("1 district receives candidates.")
            && summary
                .contains(r#"<td>Alder District</td><td class="num">1</td><td class="num">1</td>"#),
        "{summary}"
    );
    for page in [&by_school, &by_district] {
        assert_eq!(admin_b.get(page).await.status(), 404);
    }
    for (csv, expected) in [
        (
            format!("{by_school}.csv"),
            "school_id,school,district,high_needs",
        ),
        (format!("{}/results.csv", location(&run)), "Ana Ruiz"),
    ] {
        let (status, text) = coord_p.text(&csv).await;
        assert_eq!(status, 200);
        assert!(text.contains(expected), "{csv}: {text}");
        assert_eq!(admin_b.get(&csv).await.status(), 404, "{csv}");
    }
    let runs = app.store.runs(t).await.unwrap();
    let (changes, count) = app
        .store
        .run_changes(runs[0].id, Page::all())
        .await
        .unwrap();
    assert_eq!((count, changes[0].candidate_name.as_str()), (1, "Ana Ruiz"));
    assert_eq!(
        app.store
            .run_changes(runs[1].id, Page::all())
            .await
            .unwrap()
            .1,
        0
    );

    let (placements, _) = app.store.placements(t, Page::all()).await.unwrap();
    assert_eq!(placements.len(), 1);
    let p = placements[0].id;
    // E-mail: the district's approvers hear of the run; no one else does yet.
    assert_eq!(
        inbox(&app, w.admin_a).await,
        ["1 placements wait for your approval (Fall 2027)"]
    );
    assert!(inbox(&app, w.admin_b).await.is_empty());
    assert!(inbox(&app, w.mentor_a1).await.is_empty());
    let mentor_a = app.as_person(w.mentor_a1).await;
    let mentor_answer = format!("/placements/{p}/mentor");
    let district_answer = format!("/placements/{p}/district");
    // The mentor answers only after the district; the district is not the provider.
    assert_eq!(
        mentor_a
            .post_form(&mentor_answer, &[("answer", "accept")])
            .await
            .status(),
        422
    );
    assert_eq!(
        coord_p
            .post_form(&district_answer, &[("answer", "approve")])
            .await
            .status(),
        403
    );
    assert_eq!(
        admin_b
            .post_form(&district_answer, &[("answer", "approve")])
            .await
            .status(),
        404
    );
    let admin_a = app.as_person(w.admin_a).await;
    assert_eq!(
        admin_a
            .post_form(&district_answer, &[("answer", "decline")])
            .await
            .status(),
        422
    );
    assert_eq!(
        admin_a
            .post_form(&district_answer, &[("answer", "approve")])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin_a
            .post_form(&district_answer, &[("answer", "approve")])
            .await
            .status(),
        422
    );
    assert_eq!(
        mentor_b
            .post_form(&mentor_answer, &[("answer", "accept")])
            .await
            .status(),
        404
    );
    let no_reason = mentor_a
        .post_form(&mentor_answer, &[("answer", "decline")])
        .await;
    assert_eq!(no_reason.status(), 422, "a decline needs a reason");
    assert_eq!(app.store.placement(p).await.unwrap().status, "approved");
    // Only the term's workers lock a placement.
    let lock = format!("/placements/{p}/lock");
    assert_eq!(
        (admin_b.post_form(&lock, &[("locked", "1")]).await).status(),
        404
    );
    assert_eq!(
        (mentor_a.post_form(&lock, &[("locked", "1")]).await).status(),
        403
    );
    assert_eq!(
        (coord_p.post_form(&lock, &[("locked", "1")]).await).status(),
        303
    );
    assert_eq!(app.store.placement(p).await.unwrap().locked, 1);
    assert!(mentor_a.text("/").await.1.contains("accept or decline"));
    assert_eq!(
        inbox(&app, w.mentor_a1).await,
        ["A student teacher for you: Ana Ruiz"]
    );
    assert_eq!(
        mentor_a
            .post_form(&mentor_answer, &[("answer", "accept")])
            .await
            .status(),
        303
    );
    let twice = mentor_a
        .post_form(&mentor_answer, &[("answer", "accept")])
        .await;
    assert_eq!(twice.status(), 422, "a mentor cannot accept twice");
    let confirmed = "Placement confirmed: Ana Ruiz at Alder Elementary";
    let ana = app
        .store
        .mail_to("ana.ruiz@students.test.example")
        .await
        .unwrap();
    assert_eq!(ana.len(), 1);
    assert_eq!(ana[0].subject, confirmed);
    assert_eq!(ana[0].link, format!("/placements/{p}"));
    assert_eq!(inbox(&app, w.coord_p).await, [confirmed]);
    assert!(inbox(&app, w.coord_q).await.is_empty());

    // Exports: the partnership's readers only.
    let (status, fieldwork) = coord_p.text(&format!("/terms/{t}/fieldwork.json")).await;
    assert_eq!(status, 200);
    assert!(fieldwork.contains("\"fieldworkIdentifier\"") && fieldwork.contains("Ana Ruiz"));
    let (status, csv) = coord_p
        .text(&format!("/terms/{t}/placements.csv?status=confirmed"))
        .await;
    assert_eq!(status, 200);
    assert!(csv.contains("Ana Ruiz") && csv.contains("confirmed"));
    assert_eq!(
        admin_b
            .get(&format!("/terms/{t}/fieldwork.json"))
            .await
            .status(),
        404
    );
    assert_eq!(
        admin_b
            .get(&format!("/terms/{t}/candidates.csv"))
            .await
            .status(),
        404
    );
    // Supervisors: a base is set by ZIP code (a bad one refused next to its field), only by
    // the provider's coordinators; assigning gives the confirmed placement to the supervisor.
    let base = format!("/terms/{t}/supervisor-base");
    let supervisor = w.supervisor_p.to_string();
    let caseloads = format!("/api/v1/terms/{t}/supervisors");
    let api_base = format!("{caseloads}/{supervisor}/base");
    let (_, page) = coord_p.text(&format!("/terms/{t}")).await;
    assert!(page.contains("Where a supervisor sets out from") && page.contains("Not set"));
    let refused = coord_p
        .post_form(&base, &[("supervisor_id", &supervisor), ("zip", "99999")])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("No school in the directory has this ZIP code")
    );
    let refused = coord_p
        .post_form(&base, &[("supervisor_id", &supervisor), ("lat", "42.3")])
        .await;
    assert_eq!(refused.status(), 422, "a latitude without a longitude");
    let not_a_supervisor = w.coord_p.to_string();
    let refused = coord_p
        .post_form(
            &base,
            &[("supervisor_id", &not_a_supervisor), ("zip", "48201")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        admin_b
            .post_form(&base, &[("supervisor_id", &supervisor), ("zip", "48201")])
            .await
            .status(),
        404,
        "another organization cannot set a base"
    );
    let (status, listed) = coord_p.json(&caseloads).await;
    assert_eq!(status, 200);
    assert_eq!(
        listed[0]["lat"],
        serde_json::Value::Null,
        "nothing was saved"
    );
    let saved = coord_p
        .post_form(&base, &[("supervisor_id", &supervisor), ("zip", "48201")])
        .await;
    assert_eq!(saved.status(), 303);
    let assigned = coord_p
        .post_form(&format!("/terms/{t}/supervisors"), &[])
        .await;
    assert_eq!(assigned.status(), 303);
    let (_, listed) = coord_p.json(&caseloads).await;
    assert_eq!(listed[0]["id"], w.supervisor_p);
    assert_eq!(listed[0]["zip"], "48201");
    assert_eq!(listed[0]["placements"], 1);
    assert_eq!(
        listed[0]["km"], 0.0,
        "the base is the middle of the ZIP code's one school"
    );
    let (token_q, _) = app.as_token(w.provider_q, true).await;
    let moved = token_q
        .put_json(&api_base, serde_json::json!({"lat": 42.0, "lon": -83.0}))
        .await;
    assert_eq!(
        moved.status(),
        404,
        "another provider's program cannot move the base"
    );
    let (token_p, _) = app.as_token(w.provider_p, true).await;
    let moved = token_p
        .put_json(&api_base, serde_json::json!({"lat": 42.33, "lon": -83.15}))
        .await;
    assert_eq!(moved.status(), 200);
    let moved: serde_json::Value = moved.json().await.unwrap();
    assert_eq!(moved["zip"], "");
    assert!((moved["km"].as_f64().unwrap() - 8.2).abs() < 0.1, "{moved}");
    let bad = token_p
        .put_json(&api_base, serde_json::json!({"lat": 142.0, "lon": -83.0}))
        .await;
    assert_eq!(bad.status(), 422);
    let again = coord_p
        .post_form(&format!("/terms/{t}/supervisors"), &[("start_over", "yes")])
        .await;
    assert_eq!(again.status(), 303);
    let (_, listed) = coord_p.json(&caseloads).await;
    assert_eq!(
        listed[0]["placements"], 1,
        "starting over reassigns, not adds"
    );
    // By hand: the term's workers choose another of the provider's supervisors, or none.
    let by_hand = format!("/placements/{p}/supervisor");
    let supervisor_of = || {
        let store = app.store.clone();
        async move { store.placement(p).await.unwrap().supervisor_name }
    };
    assert_eq!(
        (admin_b.post_form(&by_hand, &[("supervisor_id", "")]).await).status(),
        404
    );
    let not_one = w.mentor_a1.to_string();
    let refused = coord_p
        .post_form(&by_hand, &[("supervisor_id", &not_one)])
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(supervisor_of().await.as_deref(), Some("Sam Supervisor"));
    assert_eq!(
        (coord_p.post_form(&by_hand, &[("supervisor_id", "")]).await).status(),
        303
    );
    assert_eq!(supervisor_of().await, None);
    assert_eq!(
        (coord_p
            .post_form(&by_hand, &[("supervisor_id", &supervisor)])
            .await)
            .status(),
        303
    );
    assert_eq!(supervisor_of().await.as_deref(), Some("Sam Supervisor"));

    // A run through the API: a small term's run is kept before the answer (201); a long one
    // would answer 202 with its progress to poll. Another provider's program cannot start one.
    let runs = format!("/api/v1/terms/{t}/runs");
    assert_eq!(
        token_q
            .post_json(&runs, serde_json::json!({}))
            .await
            .status(),
        404
    );
    let (reader, _) = app.as_token(w.provider_p, false).await;
    assert_eq!(
        reader
            .post_json(&runs, serde_json::json!({}))
            .await
            .status(),
        403
    );
    let started = token_p.post_json(&runs, serde_json::json!({})).await;
    assert_eq!(started.status(), 201);
    let run: serde_json::Value = started.json().await.unwrap();
    assert!(run["number"].as_i64().unwrap() >= 2, "{run}");
    let (status, progress) = token_p
        .json(&format!("/api/v1/terms/{t}/run-progress"))
        .await;
    assert_eq!((status, progress["status"].as_str()), (200, Some("idle")));
    assert_eq!(
        token_q
            .get(&format!("/api/v1/terms/{t}/run-progress"))
            .await
            .status(),
        404
    );

    // The mentor sees their placement, not the term; another candidate sees neither.
    assert_eq!(
        mentor_a.get(&format!("/placements/{p}")).await.status(),
        200
    );
    assert_eq!(mentor_a.get(&format!("/terms/{t}")).await.status(), 404);
    let cand_q = app.as_person(w.cand_q).await;
    assert_eq!(cand_q.get(&format!("/placements/{p}")).await.status(), 404);

    // A page of the mentor list is its slice of the whole list, whatever schools it spans
    // (two more profiles: a second mentor at Alder Elementary, one at Birch Middle).
    let profile = |person_id, school_id| MentorDraft {
        person_id,
        school_id,
        areas: vec![LicensureArea::Mathematics],
        bands: vec![GradeBand::Middle],
        years_experience: 4,
        evidence_source: String::new(),
        evidence_on: None,
        willing: true,
    };
    let more = [
        profile(w.principal_a1, w.school_a1),
        profile(w.mentor_b1, w.school_b1),
    ];
    app.store.save_mentors(&more).await.unwrap();
    let districts = [w.district_a, w.district_b];
    let (all, total) = (app.store.term_mentors(t, &districts, false, Page::all()))
        .await
        .unwrap();
    assert_eq!((total, all.len()), (3, 3));
    for size in 1..=3 {
        for number in 1..=(4 / size) {
            let page = Page::new(Some(number), Some(size));
            let (rows, count) = (app.store.term_mentors(t, &districts, false, page))
                .await
                .unwrap();
            let expected: Vec<i64> = (all.iter())
                .skip(page.offset() as usize)
                .take(size as usize)
                .map(|m| m.id)
                .collect();
            let got: Vec<i64> = rows.iter().map(|m| m.id).collect();
            assert_eq!((got, count), (expected, total), "page {number} of {size}");
        }
    }
}

async fn one_time_links_answer_once(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (_, t) = term(&app, &coord_p).await;
    let make = format!("/terms/{t}/hosting/{}/link", w.school_a1);
    // The principal answers, but links are for the partnership's workers to send.
    let principal = app.as_person(w.principal_a1).await;
    assert_eq!(principal.post_form(&make, &[]).await.status(), 404);
    let (status, page) = {
        let response = coord_p.post_form(&make, &[]).await;
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 200);
    let start = page.find("/links/").expect("the link is shown once");
    let link: String = page[start..].chars().take_while(|c| *c != '<').collect();
    let anonymous = app.anonymous();
    let (status, form) = anonymous.text(&link).await;
    assert_eq!(status, 200);
    assert!(form.contains("Alder Elementary"));
    let nameless = anonymous
        .post_form(&link, &[("hosts", "no"), ("reason", "New principal")])
        .await;
    assert_eq!(nameless.status(), 422);
    let answer = [
        ("hosts", "no"),
        ("reason", "New principal"),
        ("answered_by", "Kim Lee, principal"),
    ];
    assert_eq!(anonymous.post_form(&link, &answer).await.status(), 200);
    assert_eq!(
        anonymous.post_form(&link, &answer).await.status(),
        400,
        "used once"
    );
    assert_eq!(
        anonymous.get("/links/not-a-real-secret").await.status(),
        404
    );
    let tv_rows = app
        .store
        .hosting(t, &[w.district_a], true, Page::all())
        .await
        .unwrap()
        .0;
    assert_eq!(
        tv_rows[0].answered_by.as_deref(),
        Some("Kim Lee, principal")
    );
}

/// Owned form fields as `post_form` takes them.
fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn candidates_import_all_or_nothing(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (p, t) = term(&app, &coord_p).await;
    let upload = |caller: Caller, text: String| async move {
        let path = format!("/terms/{t}/candidates/import");
        caller.upload(&path, "cohort.csv", text).await
    };
    let bad = "name,email,program,area,band,zip\n\
               Ana Ruiz,ana@students.test.example,Elementary BA,elementary,elementary,48201\n\
               Bo Li,bo@students.test.example,Elementary BA,elementary,elementary,99999\n";
    let refused = upload(coord_p.clone(), bad.to_owned()).await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(text.contains("cohort.csv line 3, zip"), "{text}");
    assert_eq!(
        app.store.candidates(t, Page::all()).await.unwrap().1,
        0,
        "nothing written"
    );
    // A preference may name a district of the partnership (any of its schools), not another.
    let row = |district: i64| {
        format!(
            "name,email,program,area,band,zip,preferences\n\
             Ana Ruiz,ana@students.test.example,Elementary BA,elementary,elementary,48201,d{district}\n\
             Bo Li,bo@students.test.example,elementary ba,elementary,elementary,48201,\n"
        )
    };
    let refused = upload(coord_p.clone(), row(w.district_b)).await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("cohort.csv line 2, preferences")
            && text.contains(&format!(
                "&#39;d{}&#39; names no school or district of the partnership",
                w.district_b
            )),
        "{text}"
    );
    let good = row(w.district_a);
    // Another district's administrator cannot import into this term.
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(upload(admin_b, good.clone()).await.status(), 404);
    assert_eq!(upload(coord_p.clone(), good.clone()).await.status(), 303);
    let (candidates, count) = app.store.candidates(t, Page::all()).await.unwrap();
    assert_eq!(count, 2);
    let ana = candidates.iter().find(|c| c.name == "Ana Ruiz").unwrap();
    assert_eq!(
        ana.preferred(),
        [Preferred::District {
            district: w.district_a
        }]
    );
    // Ana ranks her own choices: the district first, then one of its schools. Bo may not.
    let ana_page = format!("/candidates/{}", ana.id);
    let ana_p = app.as_person(ana.person_id).await;
    let (status, page) = ana_p.text(&ana_page).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(
            r#"<option value="d{}" selected>Any school of Alder District</option>"#,
            w.district_a
        )),
        "{page}"
    );
    // A district of the partnership with no school in reach of her home is not offered.
    let mut draft = tandem_domain::partnerships::PartnershipDraft {
        name: "Pine–Alder residency".into(),
        provider_id: w.provider_p,
        district_ids: vec![w.district_a, w.district_c],
        status: PartnershipStatus::Active,
        starts_on: None,
        review_on: None,
    };
    app.store.update_partnership(p, &draft).await.unwrap();
    let (_, page) = ana_p.text(&ana_page).await;
    assert!(
        page.contains("Any school of Alder District") && !page.contains("Cedar Unified"),
        "{page}"
    );
    draft.district_ids = vec![w.district_a];
    app.store.update_partnership(p, &draft).await.unwrap();
    let district = format!("d{}", w.district_a);
    let school = w.school_a1.to_string();
    let own = |first: &str| {
        vec![
            ("zip", "48201".to_owned()),
            ("preference_1", first.to_owned()),
            ("preference_2", school.clone()),
            ("accommodations", "Step-free access".to_owned()),
        ]
    };
    let elsewhere = format!("d{}", w.district_b);
    let refused = ana_p
        .post_form(&ana_page, &borrowed(&own(&elsewhere)))
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        (refused.text().await.unwrap()).contains("Select schools or districts of the partnership")
    );
    let bo = candidates.iter().find(|c| c.name == "Bo Li").unwrap();
    let bo_p = app.as_person(bo.person_id).await;
    assert_eq!(
        bo_p.post_form(&ana_page, &borrowed(&own(&district)))
            .await
            .status(),
        404
    );
    let saved = ana_p.post_form(&ana_page, &borrowed(&own(&district))).await;
    assert_eq!(saved.status(), 303);
    let ana = app.store.candidate(ana.id).await.unwrap();
    assert_eq!(
        (ana.preferred(), ana.accommodations.as_str()),
        (
            vec![
                Preferred::District {
                    district: w.district_a
                },
                Preferred::School(w.school_a1)
            ],
            "Step-free access"
        )
    );
    let again = upload(coord_p, good).await;
    assert_eq!(again.status(), 422, "a duplicate candidate is refused");
    assert_eq!(app.store.candidates(t, Page::all()).await.unwrap().1, 2);
}

async fn observers_calibrate_against_the_reference(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    // Mentors of the partnership's districts' schools are its observers.
    let (partnership, _) = term(&app, &coord_p).await;
    let set = coord_p
        .post_form(
            &format!("/partnerships/{partnership}/calibration"),
            &[
                ("title", "Fractions lesson"),
                ("levels", "4"),
                ("rows", "Goal: 3\nQuestioning: 2\nFeedback: 4"),
            ],
        )
        .await;
    assert_eq!(set.status(), 303);
    let exercise = location(&set);
    let mentor_a = app.as_person(w.mentor_a1).await;
    assert!(
        mentor_a.text("/").await.1.contains(&exercise),
        "on the mentor's home page"
    );
    let mentor_b = app.as_person(w.mentor_b1).await;
    assert_eq!(mentor_b.get(&exercise).await.status(), 404);
    let partial = mentor_a.post_form(&exercise, &[("score_0", "3")]).await;
    assert_eq!(partial.status(), 422, "every row must be scored");
    let scores = [("score_0", "3"), ("score_1", "3"), ("score_2", "4")];
    assert_eq!(mentor_a.post_form(&exercise, &scores).await.status(), 303);
    assert_eq!(
        mentor_a.post_form(&exercise, &scores).await.status(),
        422,
        "once"
    );
    let (status, mine) = mentor_a.text(&exercise).await;
    assert_eq!(status, 200);
    assert!(mine.contains("67%"), "two of three rows exact: {mine}");
    let (status, report) = coord_p
        .text(&format!("/partnerships/{partnership}/calibration"))
        .await;
    assert_eq!(status, 200);
    assert!(
        report.contains("Mia Mentor") || report.contains("67%"),
        "{report}"
    );
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(
        admin_b
            .get(&format!("/partnerships/{partnership}/calibration"))
            .await
            .status(),
        404
    );
}

/// A run that outlives the wait goes on in the background, and a failure is shown on the term
/// page after (the page is not left refreshing).
async fn a_long_run_goes_on_after_its_page_and_shows_its_step(db: Db) {
    let app = spawn(db).await;
    let coord_p = app.as_person(app.world.coord_p).await;
    let (_, t) = term(&app, &coord_p).await;
    let guard = tandem_web::guard::Guard::system(app.store.clone());
    let started = guard.start_run(t, Duration::ZERO).await.unwrap();
    assert!(matches!(started, Started::Running));
    let tv = guard.term(t).await.unwrap();
    let mut failed = None;
    for _ in 0..100 {
        failed = guard
            .task_progress(&tv, TermTask::Match)
            .and_then(|p| p.failed);
        if failed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let failed = failed.expect("the run ends");
    assert!(failed.contains("no candidates yet"), "{failed}");
    let (_, page) = coord_p.text(&format!("/terms/{t}")).await;
    assert!(page.contains("The last run was not kept"), "{page}");
    assert!(!page.contains("http-equiv=\"refresh\""));
}

/// Assigning supervisors goes on in the background as a run does: it ends without leaving
/// the page refreshing, and a failure (here: the provider has no supervisors any more) is shown
/// by the supervisors on the term page. Another organization cannot start it.
async fn assigning_supervisors_goes_on_after_its_page(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (_, t) = term(&app, &coord_p).await;
    let admin_b = app.as_person(w.admin_b).await;
    let refused = (admin_b.post_form(&format!("/terms/{t}/supervisors"), &[])).await;
    assert_eq!(refused.status(), 404);
    let guard = tandem_web::guard::Guard::system(app.store.clone());
    let tv = guard.term(t).await.unwrap();
    let progress = || guard.task_progress(&tv, TermTask::Supervisors);
    let started = guard.start_assigning(t, false, Duration::ZERO).await;
    assert!(matches!(started.unwrap(), Started::Running));
    for _ in 0..100 {
        if progress().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(progress().is_none(), "done, and nothing left to show");
    let (_, page) = coord_p.text(&format!("/terms/{t}")).await;
    assert!(!page.contains("Supervisors are being assigned"));
    assert!(!page.contains("http-equiv=\"refresh\""));

    app.store
        .execute_raw(&format!(
            "DELETE FROM memberships WHERE person_id = {}",
            w.supervisor_p
        ))
        .await
        .unwrap();
    guard
        .start_assigning(t, false, Duration::ZERO)
        .await
        .unwrap();
    let mut failed = None;
    for _ in 0..100 {
        failed = progress().and_then(|p| p.failed);
        if failed.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(failed.expect("it ends").contains("no program supervisors"));
    let (_, page) = coord_p.text(&format!("/terms/{t}")).await;
    assert!(page.contains("The supervisors were not assigned"), "{page}");
    assert!(!page.contains("http-equiv=\"refresh\""));
}

/// A completions CSV names people by e-mail and modules by title; a row naming someone who is
/// not the partnership's mentor or supervisor, or an unknown module, refuses the whole file.
async fn training_completions_import_all_or_nothing(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (p, module) = partnership_with_module(&app, &coord_p).await;
    let email = |id: i64| {
        let store = app.store.clone();
        async move { store.person(id).await.unwrap().email.unwrap() }
    };
    let (mentor_a, mentor_b, supervisor) = (
        email(w.mentor_a1).await,
        email(w.mentor_b1).await,
        email(w.supervisor_p).await,
    );
    let upload = |caller: Caller, text: String| async move {
        caller
            .upload(
                &format!("/partnerships/{p}/training/import"),
                "completions.csv",
                text,
            )
            .await
    };
    let recorded = || {
        let store = app.store.clone();
        async move { store.module_completions(&[module]).await.unwrap().len() }
    };
    let bad = format!(
        "email,module,completed_on\n{mentor_a},Cooking,2026-09-01\n{mentor_b},Mentor foundations,2026-09-01\n"
    );
    let refused = upload(coord_p.clone(), bad).await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(text.contains("completions.csv line 2, module"), "{text}");
    assert!(text.contains("completions.csv line 3, email"), "{text}");
    assert_eq!(recorded().await, 0, "nothing written");
    let future = format!("email,module,completed_on\n{mentor_a},Mentor foundations,2999-01-01\n");
    let refused = upload(coord_p.clone(), future).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("line 2, completed_on")
    );

    let good = format!(
        "email,module,completed_on\n{mentor_a},mentor foundations,2026-09-01\n{supervisor},Mentor foundations,2026-08-15\n"
    );
    let coord_q = app.as_person(w.coord_q).await;
    assert_eq!(upload(coord_q, good.clone()).await.status(), 404);
    assert_eq!(recorded().await, 0);
    assert_eq!(upload(coord_p, good).await.status(), 303);
    assert_eq!(recorded().await, 2);
    // Terms and modules as CSV: the partnership's readers only.
    let coord_q = app.as_person(w.coord_q).await;
    for (csv, expected) in [
        (
            format!("/partnerships/{p}/terms.csv"),
            ",Fall 2027,student_teaching,2027-08-23,",
        ),
        (
            format!("/partnerships/{p}/training/modules.csv"),
            ",Mentor foundations,mentors,12,24,",
        ),
    ] {
        let (status, text) = app.as_person(w.lead_p).await.text(&csv).await;
        assert_eq!(status, 200);
        assert!(text.contains(expected), "{csv}: {text}");
        assert_eq!(coord_q.get(&csv).await.status(), 404, "{csv}");
    }
    // The completions come a page at a time.
    let lead_p = app.as_person(w.lead_p).await;
    let (_, first) = lead_p.text(&format!("/partnerships/{p}/training")).await;
    assert!(
        first.contains("2 in all · page 1 of 1") && first.contains("<td>2026-09-01</td>"),
        "{first}"
    );
    let (status, beyond) = lead_p
        .text(&format!("/partnerships/{p}/training?page=2"))
        .await;
    assert_eq!(status, 200);
    assert!(!beyond.contains("<td>2026-09-01</td>"), "{beyond}");
    // The record form offers the people a search finds, not every trainee at once.
    let coord_p = app.as_person(w.coord_p).await;
    let training = format!("/partnerships/{p}/training");
    let (_, found) = coord_p.text(&format!("{training}?who=MINA")).await;
    assert!(
        found.contains(">Mina Mentor (mentor,") && found.contains("1 person found."),
        "{found}"
    );
    let (_, none) = coord_p.text(&format!("{training}?who=nobody")).await;
    assert!(
        !none.contains(">Mina Mentor (mentor,") && none.contains("0 people found."),
        "{none}"
    );
}

/// A school hosting one candidate, with one mentor and one candidate, run once through the API
/// by provider P's token; returns (partnership, term, run).
async fn one_run(app: &TestApp, coord_p: &Caller, token_p: &Caller) -> (i64, i64, i64) {
    let w = app.world;
    let (partnership, t) = term(app, coord_p).await;
    let principal = app.as_person(w.principal_a1).await;
    let hosting = format!("/terms/{t}/hosting/{}", w.school_a1);
    let answered = (principal.post_form(&hosting, &[("hosts", "yes"), ("slots", "2")])).await;
    assert_eq!(answered.status(), 303);
    let profile = coord_p
        .post_form(
            &format!("/terms/{t}/mentors"),
            &[
                ("person_id", &w.mentor_a1.to_string()),
                ("school_id", &w.school_a1.to_string()),
                ("areas", "elementary"),
                ("bands", "elementary"),
                ("years_experience", "6"),
                ("willing", "yes"),
            ],
        )
        .await;
    assert_eq!(profile.status(), 303);
    let mentor = location(&profile).rsplit('/').next().unwrap().to_owned();
    let availability = format!("/terms/{t}/mentors/{mentor}/availability");
    assert_eq!(
        (coord_p.post_form(&availability, &[("capacity", "1")]).await).status(),
        303
    );
    let added = coord_p
        .post_form(
            &format!("/terms/{t}/candidates"),
            &[
                ("name", "Ana Ruiz"),
                ("email", "ana.ruiz@students.test.example"),
                ("program", "Elementary BA"),
                ("area", "elementary"),
                ("band", "elementary"),
                ("zip", "48201"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let started =
        (token_p.post_json(&format!("/api/v1/terms/{t}/runs"), serde_json::json!({}))).await;
    assert_eq!(started.status(), 201);
    let run: serde_json::Value = started.json().await.unwrap();
    (partnership, t, run["id"].as_i64().unwrap())
}

async fn the_api_answers_hosting_reads_results_locks_and_approves(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (token_p, _) = app.as_token(w.provider_p, true).await;
    let (token_a, _) = app.as_token(w.district_a, true).await;
    let (token_b, _) = app.as_token(w.district_b, true).await;
    let (_, t, run) = one_run(&app, &coord_p, &token_p).await;

    // Hosting: the school's district answers; half an answer changes nothing; another
    // district cannot.
    let hosting = format!("/api/v1/terms/{t}/hosting/{}", w.school_a1);
    let half = token_a
        .put_json(&hosting, serde_json::json!({"hosts": true}))
        .await;
    assert_eq!(half.status(), 422);
    let other = serde_json::json!({"hosts": true, "slots": 3, "areas": ["elementary"]});
    assert_eq!(
        token_b.put_json(&hosting, other.clone()).await.status(),
        404
    );
    let answered = token_a.put_json(&hosting, other).await;
    assert_eq!(answered.status(), 200);
    let answer: serde_json::Value = answered.json().await.unwrap();
    assert_eq!(
        (answer["slots"].as_i64(), answer["answered"].as_bool()),
        (Some(3), Some(true))
    );

    // The run's results: the term's readers only.
    let results = format!("/api/v1/terms/{t}/runs/{run}/results");
    let (status, rows) = token_p.json(&results).await;
    assert_eq!(status, 200);
    assert_eq!(
        (rows[0]["candidate"].as_str(), rows[0]["mentor"].as_str()),
        (Some("Ana Ruiz"), Some("Mina Mentor")),
        "{rows}"
    );
    assert_eq!(token_b.get(&results).await.status(), 404);

    // Lock, then the district approves; a decline needs a reason; another district cannot.
    let (placements, _) = app.store.placements(t, Page::all()).await.unwrap();
    let p = placements[0].id;
    let lock = format!("/api/v1/placements/{p}/lock");
    assert_eq!(
        (token_b
            .put_json(&lock, serde_json::json!({"locked": true}))
            .await)
            .status(),
        404
    );
    let locked = token_p
        .put_json(&lock, serde_json::json!({"locked": true}))
        .await;
    assert_eq!(locked.status(), 200);
    let locked: serde_json::Value = locked.json().await.unwrap();
    assert_eq!(locked["locked"].as_bool(), Some(true));
    let district = format!("/api/v1/placements/{p}/district");
    let no_reason = token_a
        .post_json(&district, serde_json::json!({"yes": false}))
        .await;
    assert_eq!(no_reason.status(), 422);
    assert_eq!(
        app.store.placement(p).await.unwrap().status,
        "proposed",
        "nothing changed"
    );
    assert_eq!(
        (token_b
            .post_json(&district, serde_json::json!({"yes": true}))
            .await)
            .status(),
        404
    );
    assert_eq!(
        (token_p
            .post_json(&district, serde_json::json!({"yes": true}))
            .await)
            .status(),
        403,
        "the provider does not approve for the district"
    );
    let approved = token_a
        .post_json(&district, serde_json::json!({"yes": true}))
        .await;
    assert_eq!(approved.status(), 200);
    let approved: serde_json::Value = approved.json().await.unwrap();
    assert_eq!(approved["status"].as_str(), Some("approved"));
    let (status, one) = token_p.json(&format!("/api/v1/placements/{p}")).await;
    assert_eq!((status, one["status"].as_str()), (200, Some("approved")));
}

async fn the_api_reads_training_and_calibration_and_records_completions(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (p, module) = partnership_with_module(&app, &coord_p).await;
    let (token_p, _) = app.as_token(w.provider_p, true).await;
    let (token_b, _) = app.as_token(w.district_b, true).await;
    let completions = format!("/api/v1/partnerships/{p}/training/completions");
    let record = |people: Vec<i64>, on: &str| serde_json::json!({"module_id": module, "person_ids": people, "completed_on": on});
    // A bad date, and a mentor of a district outside the partnership: refused, nothing saved.
    for bad in [
        record(vec![w.mentor_a1], "2026-13-01"),
        record(vec![w.mentor_b1], "2026-09-01"),
    ] {
        assert_eq!(token_p.post_json(&completions, bad).await.status(), 422);
    }
    assert_eq!(
        (token_b
            .post_json(&completions, record(vec![w.mentor_a1], "2026-09-01"))
            .await)
            .status(),
        404
    );
    assert!(
        app.store
            .module_completions(&[module])
            .await
            .unwrap()
            .is_empty()
    );
    let recorded = token_p
        .post_json(&completions, record(vec![w.mentor_a1], "2026-09-01"))
        .await;
    assert_eq!(recorded.status(), 200);
    let training: serde_json::Value = recorded.json().await.unwrap();
    assert_eq!(
        training["modules"][0]["title"].as_str(),
        Some("Mentor foundations")
    );
    assert_eq!(
        (
            training["completions"][0]["person"].as_str(),
            training["completions"][0]["expires_on"].as_str()
        ),
        (Some("Mina Mentor"), Some("2028-09-01"))
    );
    assert_eq!(
        token_b
            .get(&format!("/api/v1/partnerships/{p}/training"))
            .await
            .status(),
        404
    );

    // The home page asks the mentor to renew training that has run out: only the newest
    // completion of a module counts.
    let mentor_a = app.as_person(w.mentor_a1).await;
    let renew = |home: &str| home.contains("Training to renew");
    assert!(!renew(&mentor_a.text("/").await.1));
    let old = token_p
        .post_json(&completions, record(vec![w.mentor_a1], "2020-01-06"))
        .await;
    assert_eq!(old.status(), 200);
    assert!(!renew(&mentor_a.text("/").await.1), "renewed since");
    let safety = app
        .store
        .create_module(&tandem_domain::placements::ModuleDraft {
            org_id: w.provider_p,
            title: "Safeguarding".into(),
            audience: tandem_domain::placements::Audience::Mentors,
            hours: 2.0,
            valid_months: 12,
        })
        .await
        .unwrap();
    let lapsed = serde_json::json!({
        "module_id": safety, "person_ids": [w.mentor_a1], "completed_on": "2020-01-06"
    });
    assert_eq!(token_p.post_json(&completions, lapsed).await.status(), 200);
    let (_, home) = mentor_a.text("/").await;
    assert!(
        renew(&home) && home.contains("Safeguarding: completed 2020-01-06, valid until 2021-01-06"),
        "{home}"
    );

    // Calibration: an observer's agreement with the reference, and everyone's.
    let set = coord_p
        .post_form(
            &format!("/partnerships/{p}/calibration"),
            &[
                ("title", "Fractions lesson"),
                ("levels", "4"),
                ("rows", "Goal: 3\nQuestioning: 2\nFeedback: 4"),
            ],
        )
        .await;
    assert_eq!(set.status(), 303);
    let exercise = location(&set);
    let mentor_a = app.as_person(w.mentor_a1).await;
    let scored = mentor_a
        .post_form(
            &exercise,
            &[("score_0", "3"), ("score_1", "3"), ("score_2", "4")],
        )
        .await;
    assert_eq!(scored.status(), 303);
    let (status, csv) = coord_p
        .text(&format!("/partnerships/{p}/calibration.csv"))
        .await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("Fractions lesson,Mina Mentor,3,0.6667,1.0000,"),
        "{csv}"
    );
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(
        (admin_b
            .get(&format!("/partnerships/{p}/calibration.csv"))
            .await)
            .status(),
        404
    );
    let calibration = format!("/api/v1/partnerships/{p}/calibration");
    let (status, body) = token_p.json(&calibration).await;
    assert_eq!(status, 200);
    assert_eq!(body["exercises"][0]["levels"].as_i64(), Some(4), "{body}");
    let observer = &body["observers"][0];
    assert_eq!(observer["observer"].as_str(), Some("Mina Mentor"));
    let exact = observer["agreement"]["exact"].as_f64().unwrap();
    assert!((exact - 2.0 / 3.0).abs() < 1e-9, "{body}");
    assert_eq!(body["overall"]["rows"].as_u64(), Some(3));
    assert_eq!(token_b.get(&calibration).await.status(), 404);
}

async fn the_api_adds_a_term_its_mentors_and_candidates(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (p, _) = term(&app, &coord_p).await;
    let (token_p, _) = app.as_token(w.provider_p, true).await;
    let (token_b, _) = app.as_token(w.district_b, true).await;
    let terms = format!("/api/v1/partnerships/{p}/terms");
    let spring = |ends_on: &str| {
        serde_json::json!({
            "name": "Spring 2028", "kind": "student_teaching",
            "starts_on": "2028-01-10", "ends_on": ends_on
        })
    };
    let backwards = token_p.post_json(&terms, spring("2027-12-01")).await;
    assert_eq!(backwards.status(), 422);
    assert_eq!(
        token_b
            .post_json(&terms, spring("2028-05-01"))
            .await
            .status(),
        404
    );
    let created = token_p.post_json(&terms, spring("2028-05-01")).await;
    assert_eq!(created.status(), 201);
    let term: serde_json::Value = created.json().await.unwrap();
    let t = term["id"].as_i64().unwrap();
    assert_eq!(
        (
            term["name"].as_str(),
            term["rules"]["max_travel_km"].as_f64()
        ),
        (Some("Spring 2028"), Some(40.0)),
        "{term}"
    );
    // The partnership's terms, listed; the term's rules, replaced (checked as the form checks).
    let (status, listed) = token_p.json(&terms).await;
    assert_eq!(status, 200);
    assert!(
        (listed.as_array().unwrap().iter()).any(|x| x["id"].as_i64() == Some(t)),
        "{listed}"
    );
    assert_eq!(token_b.get(&terms).await.status(), 404);
    let this_term = format!("/api/v1/terms/{t}");
    let mut tighter = spring("2028-05-01");
    tighter["rules"] = term["rules"].clone();
    tighter["rules"]["max_travel_km"] = serde_json::json!(25.0);
    assert_eq!(
        (token_b.put_json(&this_term, tighter.clone()).await).status(),
        404
    );
    let (reader_p, _) = app.as_token(w.provider_p, false).await;
    assert_eq!(
        (reader_p.put_json(&this_term, tighter.clone()).await).status(),
        403
    );
    tighter["ends_on"] = serde_json::json!("2027-12-01");
    assert_eq!(
        (token_p.put_json(&this_term, tighter.clone()).await).status(),
        422
    );
    let (_, unchanged) = token_p.json(&this_term).await;
    assert_eq!(unchanged["rules"], term["rules"], "nothing saved");
    tighter["ends_on"] = serde_json::json!("2028-05-01");
    let updated = token_p.put_json(&this_term, tighter).await;
    assert_eq!(updated.status(), 200);
    let (_, read) = token_p.json(&this_term).await;
    assert_eq!(
        (
            read["rules"]["max_travel_km"].as_f64(),
            read["ends_on"].as_str()
        ),
        (Some(25.0), Some("2028-05-01")),
        "{read}"
    );

    // A mentor profile with this term's capacity: a teacher with the mentor role only.
    let mentors = format!("/api/v1/terms/{t}/mentors");
    let profile = |person: i64| {
        serde_json::json!({
            "person_id": person, "school_id": w.school_a1, "areas": ["elementary"],
            "bands": ["elementary"], "years_experience": 6, "willing": true, "capacity": 1
        })
    };
    assert_eq!(
        token_p
            .post_json(&mentors, profile(w.principal_a1))
            .await
            .status(),
        422
    );
    assert_eq!(
        token_b
            .post_json(&mentors, profile(w.mentor_a1))
            .await
            .status(),
        404
    );
    let mut too_many = profile(w.mentor_a1);
    too_many["capacity"] = serde_json::json!(9);
    assert_eq!(token_p.post_json(&mentors, too_many).await.status(), 422);
    let saved = token_p.post_json(&mentors, profile(w.mentor_a1)).await;
    assert_eq!(saved.status(), 201);
    let mentor: serde_json::Value = saved.json().await.unwrap();
    assert_eq!(
        (mentor["name"].as_str(), mentor["capacity"].as_i64()),
        (Some("Mina Mentor"), Some(1)),
        "{mentor}"
    );

    // A candidate, ranking a district: an unknown program or a second time is refused.
    let candidates = format!("/api/v1/terms/{t}/candidates");
    let ana = |program: &str| {
        serde_json::json!({
            "name": "Ana Ruiz", "email": "ana.ruiz@students.test.example", "program": program,
            "area": "elementary", "band": "elementary", "zip": "48201",
            "preferences": [format!("d{}", w.district_a)]
        })
    };
    assert_eq!(
        token_p
            .post_json(&candidates, ana("Cooking"))
            .await
            .status(),
        422
    );
    assert_eq!(
        token_b
            .post_json(&candidates, ana("Elementary BA"))
            .await
            .status(),
        404
    );
    let added = token_p.post_json(&candidates, ana("Elementary BA")).await;
    assert_eq!(added.status(), 201);
    let candidate: serde_json::Value = added.json().await.unwrap();
    assert_eq!(
        candidate["preferences"],
        serde_json::json!([{"district": w.district_a}]),
        "{candidate}"
    );
    assert_eq!(
        token_p
            .post_json(&candidates, ana("Elementary BA"))
            .await
            .status(),
        422,
        "once"
    );
    assert_eq!(app.store.candidates(t, Page::all()).await.unwrap().1, 1);
}

async fn hosting_answers_import_all_or_nothing(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (_, t) = term(&app, &coord_p).await;
    let upload = |caller: Caller, text: String| async move {
        let path = format!("/terms/{t}/hosting/import");
        caller.upload(&path, "hosting.csv", text).await
    };
    let answered = || {
        let store = app.store.clone();
        async move { store.hosting_row(t, w.school_a1).await.unwrap().slots }
    };
    let header = "school,hosts,slots,areas,bands,reason";
    let (a1, b1) = (w.school_a1, w.school_b1);
    // Another district's school, a no without a reason, a school twice: each named by line,
    // nothing saved.
    let bad = format!("{header}\n{a1},yes,2,elementary,elementary,\n{b1},yes,1,,,\n{a1},no,,,,\n");
    let refused = upload(coord_p.clone(), bad).await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(text.contains("hosting.csv line 4, reason"), "{text}");
    assert!(text.contains("hosting.csv line 4, school"), "{text}");
    let elsewhere = format!("{header}\n{a1},yes,2,elementary,elementary,\n{b1},yes,1,,,\n");
    let refused = upload(coord_p.clone(), elsewhere).await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains(&format!(
            "hosting.csv line 3, school: &#39;{b1}&#39; is not a school of the partnership"
        )),
        "{text}"
    );
    assert_eq!(answered().await, None, "nothing saved");
    let good = format!("{header}\n{a1},Yes,3,elementary;mathematics,elementary,\n");
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(upload(admin_b, good.clone()).await.status(), 404);
    let saved = upload(coord_p.clone(), good).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), format!("/terms/{t}/hosting?saved=1"));
    let row = app.store.hosting_row(t, a1).await.unwrap();
    assert_eq!(
        (row.slots, row.answered_by.as_deref()),
        (Some(3), Some("Pat Coordinator"))
    );
    let (_, page) = coord_p.text(&location(&saved)).await;
    assert!(page.contains("Saved 1 answer(s)."), "{page}");
}

async fn mentor_profiles_import_all_or_nothing(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (_, t) = term(&app, &coord_p).await;
    let upload = |caller: Caller, text: String| async move {
        let path = format!("/terms/{t}/mentors/import");
        caller.upload(&path, "mentors.csv", text).await
    };
    let profiles = || {
        let store = app.store.clone();
        async move {
            let (rows, _) = (store.term_mentors(t, &[w.district_a], false, Page::all()))
                .await
                .unwrap();
            rows.into_iter()
                .map(|m| (m.name, m.capacity))
                .collect::<Vec<_>>()
        }
    };
    let header = "email,school,areas,bands,years_experience,willing,capacity";
    let a1 = w.school_a1;
    let mina = format!("mentor.a1@test.example,{a1},elementary;mathematics,elementary,6,yes,1");
    // A principal (not a mentor), an unknown e-mail, a capacity out of range: each named by
    // line, nothing saved.
    let bad = format!(
        "{header}\n{mina}\nprincipal.a1@test.example,{a1},elementary,elementary,9,yes,\n\
         nobody@test.example,{a1},elementary,elementary,3,yes,\n"
    );
    let refused = upload(coord_p.clone(), bad).await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("mentors.csv line 3, email: principal.a1@test.example is not a mentor")
            && text.contains("mentors.csv line 4, email: no one has this e-mail"),
        "{text}"
    );
    let too_many = format!("{header}\nmentor.a1@test.example,{a1},elementary,elementary,6,yes,9\n");
    let refused = upload(coord_p.clone(), too_many).await;
    assert_eq!(refused.status(), 422);
    assert!((refused.text().await.unwrap()).contains("mentors.csv line 2, capacity"));
    assert!(profiles().await.is_empty(), "nothing saved");
    let good = format!("{header}\n{mina}\n");
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(upload(admin_b, good.clone()).await.status(), 404);
    let saved = upload(coord_p.clone(), good).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(profiles().await, [("Mina Mentor".to_owned(), Some(1))]);
    let (_, page) = coord_p.text(&location(&saved)).await;
    assert!(page.contains("Saved 1 mentor profile(s)."), "{page}");
}

/// The module form's "Offered by": every party of a small partnership; of a state-size one,
/// only those the caller works for (a thousand districts make no usable list).
async fn a_module_is_offered_by_a_party_the_page_can_list(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord_p = app.as_person(w.coord_p).await;
    let (small, _) = term(&app, &coord_p).await;
    let offered = |page: &str| {
        let select = page.split("id=\"org_id\"").nth(1).unwrap_or_default();
        select
            .split("</select>")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let (_, page) = coord_p
        .text(&format!("/partnerships/{small}/training"))
        .await;
    let select = offered(&page);
    assert!(
        select.contains("Pine University") && select.contains("Alder District"),
        "{select}"
    );

    let mut districts = Vec::new();
    for i in 0..20 {
        let draft = OrgDraft {
            kind: OrgKind::District,
            name: format!("Spruce District {i}"),
            parent_id: None,
            state_code: Some("MI".into()),
            street: None,
            city: None,
            zip: None,
            phone: None,
        };
        districts.push(app.store.create_org(&draft).await.unwrap());
    }
    let draft = PartnershipDraft {
        name: "Statewide placements".into(),
        provider_id: w.provider_p,
        district_ids: districts,
        status: PartnershipStatus::Active,
        starts_on: None,
        review_on: None,
    };
    let sections = Sections::template().to_json();
    let large = (app.store.create_partnership(&draft, None, &sections).await).unwrap();
    let (status, page) = coord_p
        .text(&format!("/partnerships/{large}/training"))
        .await;
    assert_eq!(status, 200);
    let select = offered(&page);
    assert!(
        select.contains("Pine University") && !select.contains("Spruce District"),
        "{select}"
    );
    // Another provider's coordinator reads none of it.
    let coord_q = app.as_person(w.coord_q).await;
    let denied = coord_q
        .get(&format!("/partnerships/{large}/training"))
        .await;
    assert_eq!(denied.status(), 404);
}
