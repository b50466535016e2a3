//! Partnerships: who sees them, the agreement's approval by every party, and feedback tracked
//! until it is acted upon — each allowed for the parties and refused to everyone else.

use crate::harness::{Caller, Db, location, spawn};
use crate::on_both;

on_both!(
    a_partnership_is_seen_only_by_its_parties,
    the_agreement_is_in_force_only_when_every_party_approved,
    feedback_is_tracked_until_acted_upon,
    bad_partnership_input_changes_nothing,
    goals_are_measured_by_hand_or_from_tandems_data,
);

/// Starts a partnership of provider P with district A; returns its id.
async fn start(lead: &Caller, provider: i64, district: i64) -> i64 {
    let response = lead
        .post_form(
            "/partnerships",
            &[
                ("name", "Pine–Alder residency"),
                ("provider_id", &provider.to_string()),
                ("district_ids", &district.to_string()),
                ("status", "active"),
                ("starts_on", "2026-08-01"),
                ("review_on", "2027-06-30"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let to = location(&response);
    to.trim_start_matches("/partnerships/")
        .trim_end_matches("?saved=1")
        .parse()
        .unwrap()
}

async fn a_partnership_is_seen_only_by_its_parties(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let page = format!("/partnerships/{id}");
    for (person, status) in [
        (w.lead_p, 200),
        (w.lead_a, 200),
        (w.reviewer_mi, 200),
        (w.admin_b, 404),
        (w.coord_q, 404),
        (w.mentor_a1, 404),
    ] {
        let caller = app.as_person(person).await;
        assert_eq!(caller.get(&page).await.status(), status, "person {person}");
    }
    let lead_a = app.as_person(w.lead_a).await;
    let admin_b = app.as_person(w.admin_b).await;
    let (_, mine) = lead_a.json("/api/v1/partnerships").await;
    assert_eq!(mine["total"], 1);
    let (_, theirs) = admin_b.json("/api/v1/partnerships").await;
    assert_eq!(theirs["total"], 0);
    let (status, _) = admin_b.json(&format!("/api/v1/partnerships/{id}")).await;
    assert_eq!(status, 404);
    let (_, csv) = lead_a.text("/partnerships.csv").await;
    assert!(csv.contains("Pine–Alder residency"));
    let (_, csv) = admin_b.text("/partnerships.csv").await;
    assert!(!csv.contains("Pine–Alder residency"));
    // Only those who work in it change it; a reviewer reads and changes nothing.
    let reviewer = app.as_person(w.reviewer_mi).await;
    assert_eq!(reviewer.get(&format!("{page}/edit")).await.status(), 403);
    let renamed = reviewer
        .post_form(
            &page,
            &[
                ("name", "Taken over"),
                ("provider_id", &w.provider_p.to_string()),
                ("district_ids", &w.district_a.to_string()),
                ("status", "ended"),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 403);
    // A district without a lead cannot start one for a provider it does not speak for.
    let coord_q = app.as_person(w.coord_q).await;
    let refused = coord_q
        .post_form(
            "/partnerships",
            &[
                ("name", "Unasked"),
                ("provider_id", &w.provider_p.to_string()),
                ("district_ids", &w.district_b.to_string()),
                ("status", "exploring"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);
}

async fn the_agreement_is_in_force_only_when_every_party_approved(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let lead_a = app.as_person(w.lead_a).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let approve = format!("/partnerships/{id}/agreement/approve");
    let in_force = |versions: &serde_json::Value| -> Vec<i64> {
        versions
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["in_force"] == true)
            .map(|v| v["number"].as_i64().unwrap())
            .collect()
    };
    let agreement = format!("/api/v1/partnerships/{id}/agreement");

    assert_eq!(
        lead_p
            .post_form(&approve, &[("version", "1")])
            .await
            .status(),
        303
    );
    let (_, versions) = lead_p.json(&agreement).await;
    assert!(in_force(&versions).is_empty(), "one party is not enough");
    // Twice for the same party: refused, nothing added.
    let twice = lead_p.post_form(&approve, &[("version", "1")]).await;
    assert_eq!(twice.status(), 422);
    assert!(
        twice
            .text()
            .await
            .unwrap()
            .contains("already approved version 1")
    );
    // A coordinator works in the partnership but does not speak for the provider.
    let coord_p = app.as_person(w.coord_p).await;
    assert_eq!(
        coord_p
            .post_form(&approve, &[("version", "1")])
            .await
            .status(),
        403
    );
    // Someone of another district cannot even see it.
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(
        admin_b
            .post_form(&approve, &[("version", "1")])
            .await
            .status(),
        404
    );

    assert_eq!(
        lead_a
            .post_form(&approve, &[("version", "1")])
            .await
            .status(),
        303
    );
    let (_, versions) = lead_a.json(&agreement).await;
    assert_eq!(in_force(&versions), vec![1]);
    assert_eq!(versions[0]["approvals"].as_array().unwrap().len(), 2);

    // A change is a new version; version 1 stays in force until both approve version 2.
    let (_, form) = lead_a
        .text(&format!("/partnerships/{id}/agreement/edit"))
        .await;
    assert!(form.contains("Save as a new version"));
    let mut fields: Vec<(&str, String)> = ["vision", "goals", "roles", "data", "term"]
        .iter()
        .map(|k| (*k, versions[0]["sections"][k].as_str().unwrap().to_owned()))
        .collect();
    fields[2]
        .1
        .push_str("\nDistrict: releases mentors for two training days a year.");
    fields.push(("note", "Mentor release days".into()));
    fields.push(("based_on", "1".into()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = lead_a
        .post_form(&format!("/partnerships/{id}/agreement"), &borrowed)
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        location(&saved),
        format!("/partnerships/{id}/agreement/versions/2")
    );
    let (_, page) = lead_a.text(&location(&saved)).await;
    assert!(
        page.contains("Added: </span>District: releases mentors"),
        "{page}"
    );
    assert!(page.contains("Version 1 stays in force"));
    // The same edit again, from version 1, would undo version 2 silently: refused.
    let stale = lead_a
        .post_form(&format!("/partnerships/{id}/agreement"), &borrowed)
        .await;
    assert_eq!(stale.status(), 422);
    assert!(stale.text().await.unwrap().contains("newer version"));
    // Approving the replaced version is refused; the new one needs both parties again.
    let old = lead_p.post_form(&approve, &[("version", "1")]).await;
    assert_eq!(old.status(), 422);
    let (_, versions) = lead_a.json(&agreement).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(in_force(&versions), vec![1]);
    lead_p.post_form(&approve, &[("version", "2")]).await;
    lead_a.post_form(&approve, &[("version", "2")]).await;
    let (_, versions) = lead_a.json(&agreement).await;
    assert_eq!(in_force(&versions), vec![2]);
    let (status, print) = lead_p
        .text(&format!("/partnerships/{id}/agreement/versions/2?print=1"))
        .await;
    assert_eq!(status, 200);
    assert!(print.contains("In force"));
}

async fn feedback_is_tracked_until_acted_upon(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let lead_a = app.as_person(w.lead_a).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let raised = lead_a
        .post_form(
            &format!("/partnerships/{id}/feedback"),
            &[
                ("to_org_id", &w.provider_p.to_string()),
                ("category", "preparation"),
                ("summary", "Candidates struggle to teach fractions"),
                ("evidence", "Four of six fall observations in grade 4"),
            ],
        )
        .await;
    assert_eq!(raised.status(), 303);
    let item = location(&raised);
    let step = |status: &'static str, note: &'static str| [("status", status), ("note", note)];
    assert_eq!(
        lead_p
            .post_form(&item, &step("acknowledged", ""))
            .await
            .status(),
        303
    );
    // The raising party does not answer its own item; it may only close it.
    let answered = lead_a.post_form(&item, &step("planned", "We will")).await;
    assert_eq!(answered.status(), 422);
    // A planned action must be described.
    assert_eq!(
        lead_p.post_form(&item, &step("planned", "")).await.status(),
        422
    );
    assert_eq!(
        lead_p
            .post_form(
                &item,
                &step("planned", "Add a fractions module to methods II")
            )
            .await
            .status(),
        303
    );
    assert_eq!(
        lead_p
            .post_form(&item, &step("acted", "Module taught in spring"))
            .await
            .status(),
        303
    );
    // Steps only move forward.
    assert_eq!(
        lead_p
            .post_form(&item, &step("acknowledged", ""))
            .await
            .status(),
        422
    );
    // Another district sees nothing and answers nothing.
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(admin_b.get(&item).await.status(), 404);
    assert_eq!(
        admin_b.post_form(&item, &step("closed", "")).await.status(),
        404
    );
    assert_eq!(
        lead_a
            .post_form(&item, &step("closed", "Thank you"))
            .await
            .status(),
        303
    );
    let item_id: i64 = item.trim_start_matches("/feedback/").parse().unwrap();
    let (_, detail) = lead_a.json(&format!("/api/v1/feedback/{item_id}")).await;
    let steps: Vec<&str> = detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec!["raised", "acknowledged", "planned", "acted", "closed"]
    );
    let (_, page) = lead_a.text(&format!("/partnerships/{id}")).await;
    assert!(page.contains("100%"), "acted-upon share");
    // The API raises feedback with a token of the provider.
    let (token, _) = app.as_token(w.provider_p, true).await;
    let created = token
        .post_json(
            &format!("/api/v1/partnerships/{id}/feedback"),
            serde_json::json!({"to_org_id": w.district_a.to_string(), "category": "mentoring",
                "summary": "Mentors at two schools were not available"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let (other, _) = app.as_token(w.district_b, true).await;
    let refused = other
        .post_json(
            &format!("/api/v1/partnerships/{id}/feedback"),
            serde_json::json!({"to_org_id": w.district_a.to_string(), "category": "mentoring",
                "summary": "Not ours to say"}),
        )
        .await;
    assert_eq!(refused.status(), 404);
    let (_, csv) = lead_a.text("/feedback.csv").await;
    assert!(csv.contains("Mentors at two schools"));
}

async fn bad_partnership_input_changes_nothing(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let response = lead_p
        .post_form(
            "/partnerships",
            &[
                ("name", "Backwards"),
                ("provider_id", &w.provider_p.to_string()),
                ("district_ids", &w.school_a1.to_string()),
                ("status", "active"),
                ("starts_on", "2027-08-01"),
                ("review_on", "2027-06-30"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("The review date must be after the start date"));
    let response = lead_p
        .post_form(
            "/partnerships",
            &[
                ("name", "A school is not a district"),
                ("provider_id", &w.provider_p.to_string()),
                ("district_ids", &w.school_a1.to_string()),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Select districts from the list")
    );
    let (_, list) = lead_p.json("/api/v1/partnerships").await;
    assert_eq!(list["total"], 0);
    // A feedback step without a status, on an item that does not exist: not found, not a 500.
    assert_eq!(
        lead_p
            .post_form("/feedback/999", &[("status", "")])
            .await
            .status(),
        404
    );
}

async fn goals_are_measured_by_hand_or_from_tandems_data(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let goals = format!("/partnerships/{id}/goals");
    // A target without a metric: refused, nothing saved.
    let refused = lead_p
        .post_form(
            &goals,
            &[("title", "More mentors trained"), ("target", "40")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Choose what the target measures")
    );
    let saved = lead_p
        .post_form(
            &goals,
            &[
                ("title", "More mentors trained"),
                ("metric", "manual"),
                ("measure", "mentors who completed training"),
                ("unit", "people"),
                ("baseline", "12"),
                ("target", "40"),
                ("due_on", "2027-06-30"),
                ("owner_id", &w.lead_p.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let computed = lead_p
        .post_form(
            &goals,
            &[
                ("title", "Two district partners"),
                ("metric", "district_partners"),
                ("target", "2"),
            ],
        )
        .await;
    assert_eq!(computed.status(), 303);
    let (_, list) = lead_p
        .json(&format!("/api/v1/partnerships/{id}/goals"))
        .await;
    let manual = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["current"], serde_json::Value::Null);
    assert_eq!(list[1]["current"], 1.0, "computed from the parties");
    // Progress by someone who works in the partnership; a bad value changes nothing.
    let progress = format!("/goals/{manual}/progress");
    let bad = lead_p
        .post_form(
            &progress,
            &[("value", "many"), ("measured_on", "2026-12-01")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let ok = lead_p
        .post_form(&progress, &[("value", "19"), ("measured_on", "2026-12-01")])
        .await;
    assert_eq!(ok.status(), 303);
    let (_, list) = lead_p
        .json(&format!("/api/v1/partnerships/{id}/goals"))
        .await;
    assert_eq!(list[0]["current"], 19.0);
    let (_, page) = lead_p.text(&goals).await;
    assert!(page.contains("25%"), "(19 − 12) / (40 − 12)");
    // Another district neither reads nor writes them.
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(admin_b.get(&goals).await.status(), 404);
    let (status, _) = admin_b
        .json(&format!("/api/v1/partnerships/{id}/goals"))
        .await;
    assert_eq!(status, 404);
    let sneaky = admin_b
        .post_form(
            &progress,
            &[("value", "400"), ("measured_on", "2026-12-02")],
        )
        .await;
    assert_eq!(sneaky.status(), 404);
    // A reviewer reads and records nothing.
    let reviewer = app.as_person(w.reviewer_mi).await;
    assert_eq!(reviewer.get(&goals).await.status(), 200);
    let read_only = reviewer
        .post_form(
            &progress,
            &[("value", "400"), ("measured_on", "2026-12-02")],
        )
        .await;
    assert_eq!(read_only.status(), 403);
    let (_, list) = lead_p
        .json(&format!("/api/v1/partnerships/{id}/goals"))
        .await;
    assert_eq!(list[0]["current"], 19.0);
}
