//! The work of a partnership — meetings and action items, improvement cycles, self-assessment,
//! the toolkit — each allowed for its parties and refused to everyone else, with bad input
//! refused whole.

use crate::harness::{Caller, Db, location, spawn};
use crate::on_both;

on_both!(
    meetings_and_action_items_belong_to_the_parties,
    improvement_cycles_run_round_after_round,
    each_party_rates_the_partnership_on_its_own,
    toolkit_items_are_their_organizations_own,
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
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    location(&response)
        .trim_start_matches("/partnerships/")
        .trim_end_matches("?saved=1")
        .parse()
        .unwrap()
}

fn id_after(response: &reqwest::Response, prefix: &str) -> i64 {
    location(response)
        .trim_start_matches(prefix)
        .parse()
        .unwrap()
}

async fn meetings_and_action_items_belong_to_the_parties(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let lead_a = app.as_person(w.lead_a).await;
    let admin_b = app.as_person(w.admin_b).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let meetings = format!("/partnerships/{id}/meetings");

    // Bad input changes nothing: no date, an attendee from outside the partnership.
    let undated = lead_p
        .post_form(&meetings, &[("title", "Fall"), ("kind", "regular")])
        .await;
    assert_eq!(undated.status(), 422);
    assert!(
        undated
            .text()
            .await
            .unwrap()
            .contains("Enter the date of the meeting")
    );
    let outsider = lead_p
        .post_form(
            &meetings,
            &[
                ("title", "Fall"),
                ("kind", "regular"),
                ("held_on", "2026-09-18"),
                ("attendee_ids", &w.admin_b.to_string()),
            ],
        )
        .await;
    assert_eq!(outsider.status(), 422);
    let (_, listed) = lead_p
        .json(&format!("/api/v1/partnerships/{id}/meetings"))
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 0);

    let saved = lead_p
        .post_form(
            &meetings,
            &[
                ("title", "Spring data day"),
                ("kind", "data_day"),
                ("held_on", "2026-04-24"),
                ("attendee_ids", &w.lead_a.to_string()),
                ("agenda", "1. The figures"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let meeting = id_after(&saved, "/meetings/");
    let (_, listed) = lead_a
        .json(&format!("/api/v1/partnerships/{id}/meetings"))
        .await;
    assert_eq!(
        listed[0]["snapshot"]["district_partners"], 1,
        "a data day keeps its figures"
    );
    assert_eq!(
        lead_a.get(&format!("/meetings/{meeting}")).await.status(),
        200
    );
    assert_eq!(
        admin_b.get(&format!("/meetings/{meeting}")).await.status(),
        404
    );
    let (status, _) = admin_b
        .json(&format!("/api/v1/partnerships/{id}/meetings"))
        .await;
    assert_eq!(status, 404);

    // An action item from the meeting, owned by the district lead, already past its date.
    let actions = format!("/partnerships/{id}/actions");
    let item = [
        ("title", "Send principals the schedule"),
        ("owner_id", &w.lead_a.to_string()),
        ("due_on", "2026-01-05"),
        ("meeting_id", &meeting.to_string()),
    ];
    assert_eq!(admin_b.post_form(&actions, &item).await.status(), 404);
    // The district's data lead reads the partnership but does not work in it.
    let data_lead = app.as_person(w.data_a).await;
    assert_eq!(data_lead.post_form(&actions, &item).await.status(), 403);
    let foreign_owner = lead_p
        .post_form(
            &actions,
            &[
                ("title", "Someone else's"),
                ("owner_id", &w.admin_b.to_string()),
            ],
        )
        .await;
    assert_eq!(foreign_owner.status(), 422);
    // Every record it comes from must be found, not only the first named (was a 500).
    let mut unknown_feedback = item.to_vec();
    unknown_feedback.push(("feedback_id", "700"));
    let refused = lead_p.post_form(&actions, &unknown_feedback).await;
    assert_eq!(refused.status(), 404);
    assert_eq!(lead_p.post_form(&actions, &item).await.status(), 303);
    let (_, home) = lead_a.text("/").await;
    assert!(home.contains("Send principals the schedule") && home.contains("Overdue"));
    let (_, theirs) = admin_b.text("/").await;
    assert!(!theirs.contains("Send principals the schedule"));
    let (_, listed) = lead_a
        .json(&format!("/api/v1/partnerships/{id}/actions"))
        .await;
    assert_eq!(listed[0]["overdue"], true);
    let action = listed[0]["id"].as_i64().unwrap();

    // The owner closes it; someone of another organization cannot.
    let status = format!("/actions/{action}/status");
    assert_eq!(
        admin_b
            .post_form(&status, &[("status", "done")])
            .await
            .status(),
        404
    );
    assert_eq!(
        lead_a
            .post_form(&status, &[("status", "done")])
            .await
            .status(),
        303
    );
    let (_, listed) = lead_p
        .json(&format!("/api/v1/partnerships/{id}/actions"))
        .await;
    assert_eq!(listed[0]["status"], "done");
    assert_eq!(listed[0]["overdue"], false);
    let (_, csv) = lead_p.text(&format!("{actions}.csv")).await;
    assert!(csv.contains("Send principals the schedule"));

    // Through the API: a write token of a party adds one; another organization's cannot.
    let (token_p, _) = app.as_token(w.provider_p, true).await;
    let created = token_p
        .post_json(
            &format!("/api/v1/partnerships/{id}/actions"),
            serde_json::json!({"title": "Share the scores", "due_on": "2027-01-31"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let (token_b, _) = app.as_token(w.district_b, true).await;
    let refused = token_b
        .post_json(
            &format!("/api/v1/partnerships/{id}/actions"),
            serde_json::json!({"title": "Sneaky"}),
        )
        .await;
    assert_eq!(refused.status(), 404);
}

async fn improvement_cycles_run_round_after_round(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let admin_b = app.as_person(w.admin_b).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let cycles = format!("/partnerships/{id}/cycles");
    let no_aim = lead_p.post_form(&cycles, &[("title", "Fractions")]).await;
    assert_eq!(no_aim.status(), 422);
    // A goal of another partnership cannot be linked.
    let other = start(&lead_p, w.provider_p, w.district_a).await;
    let goal = lead_p
        .post_form(
            &format!("/partnerships/{other}/goals"),
            &[
                ("title", "Elsewhere"),
                ("metric", "open_feedback"),
                ("target", "0"),
            ],
        )
        .await;
    assert_eq!(goal.status(), 303);
    let (_, goals) = lead_p
        .json(&format!("/api/v1/partnerships/{other}/goals"))
        .await;
    let foreign_goal = goals[0]["id"].as_i64().unwrap().to_string();
    let linked = lead_p
        .post_form(
            &cycles,
            &[
                ("title", "Fractions"),
                ("aim", "Scores to 3.0"),
                ("goal_ids", &foreign_goal),
            ],
        )
        .await;
    assert_eq!(linked.status(), 422);
    assert_eq!(
        admin_b
            .post_form(&cycles, &[("title", "Fractions"), ("aim", "Scores to 3.0")])
            .await
            .status(),
        404
    );
    let started = lead_p
        .post_form(&cycles, &[("title", "Fractions"), ("aim", "Scores to 3.0")])
        .await;
    assert_eq!(started.status(), 303);
    let cycle = id_after(&started, "/cycles/");
    let plan = [
        ("change", "Co-taught unit"),
        ("measures", "Rubric scores"),
        ("predictions", "2.4 to 2.8"),
        ("starts_on", "2026-01-12"),
    ];
    let rounds = format!("/cycles/{cycle}/rounds");
    let study = format!("/cycles/{cycle}/study");
    assert_eq!(admin_b.post_form(&rounds, &plan).await.status(), 404);
    assert_eq!(lead_p.post_form(&rounds, &plan).await.status(), 303);
    let again = lead_p.post_form(&rounds, &plan).await;
    assert_eq!(again.status(), 422, "one round at a time");
    let hasty = lead_p
        .post_form(
            &study,
            &[("decision", "adapt"), ("decided_on", "2026-04-01")],
        )
        .await;
    assert_eq!(hasty.status(), 422);
    assert!(
        hasty
            .text()
            .await
            .unwrap()
            .contains("Before deciding, say what was done")
    );
    let decided = lead_p
        .post_form(
            &study,
            &[
                ("done", "Taught"),
                ("study", "Rose to 2.9"),
                ("decision", "adapt"),
                ("decided_on", "2026-04-01"),
            ],
        )
        .await;
    assert_eq!(decided.status(), 303);
    assert_eq!(lead_p.post_form(&rounds, &plan).await.status(), 303);
    let (_, listed) = lead_p
        .json(&format!("/api/v1/partnerships/{id}/cycles"))
        .await;
    let rounds = listed[0]["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[0]["decision"], "adapt");
    assert!(rounds[1]["decision"].is_null());
    assert_eq!(admin_b.get(&format!("/cycles/{cycle}")).await.status(), 404);
    let reviewer = app.as_person(w.reviewer_mi).await;
    assert_eq!(
        reviewer.get(&format!("/cycles/{cycle}")).await.status(),
        200
    );
}

async fn post(caller: &Caller, path: &str, fields: Vec<(String, String)>) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    caller.post_form(path, &pairs).await
}

/// Every criterion of the depth framework at `level`, with evidence unless `evidence` is false.
fn ratings(framework: &serde_json::Value, level: &str, evidence: bool) -> Vec<(String, String)> {
    let mut fields = vec![("rated_on".to_owned(), "2026-11-20".to_owned())];
    for c in framework["criteria"].as_array().unwrap() {
        let key = c["key"].as_str().unwrap();
        fields.push((format!("level.{key}"), level.to_owned()));
        if evidence {
            fields.push((format!("evidence.{key}"), "Minutes".to_owned()));
        }
    }
    fields
}

async fn each_party_rates_the_partnership_on_its_own(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let lead_a = app.as_person(w.lead_a).await;
    let admin_b = app.as_person(w.admin_b).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let (_, frameworks) = lead_p.json("/api/v1/frameworks").await;
    let shipped: Vec<&str> = frameworks
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["framework"]["slug"].as_str().unwrap())
        .collect();
    assert!(shipped.contains(&"partnership-depth") && shipped.contains(&"ma-partnership-criteria"));
    let depth = frameworks
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["framework"]["slug"] == "partnership-depth")
        .unwrap();
    let fw = depth["id"].as_i64().unwrap();
    let form = format!("/partnerships/{id}/assessments/{fw}/new");
    // A high level without evidence: refused whole.
    let bare = post(&lead_p, &form, ratings(&depth["framework"], "4", false)).await;
    assert_eq!(bare.status(), 422);
    let comparison = format!("/api/v1/partnerships/{id}/assessments/{fw}");
    let (_, before) = lead_p.json(&comparison).await;
    assert_eq!(before["assessments"].as_array().unwrap().len(), 0);
    // Other organizations and readers cannot rate.
    assert_eq!(
        post(&admin_b, &form, ratings(&depth["framework"], "2", true))
            .await
            .status(),
        404
    );
    let reviewer = app.as_person(w.reviewer_mi).await;
    assert_eq!(
        post(&reviewer, &form, ratings(&depth["framework"], "2", true))
            .await
            .status(),
        403
    );
    assert_eq!(
        post(&lead_p, &form, ratings(&depth["framework"], "3", true))
            .await
            .status(),
        303
    );
    assert_eq!(
        post(&lead_a, &form, ratings(&depth["framework"], "2", true))
            .await
            .status(),
        303
    );
    let (_, after) = reviewer.json(&comparison).await;
    let assessments = after["assessments"].as_array().unwrap();
    assert_eq!(assessments.len(), 2);
    assert!(
        after["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["disagree"] == true)
    );
    let parties: Vec<i64> = after["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap())
        .collect();
    assert_eq!(parties, vec![w.provider_p, w.district_a]);
    let (status, _) = admin_b.json(&comparison).await;
    assert_eq!(status, 404);
    let (_, page) = lead_a
        .text(&format!("/partnerships/{id}/assessments/{fw}"))
        .await;
    assert!(page.contains("The parties differ"));
    let (_, csv) = lead_a
        .text(&format!("/partnerships/{id}/assessments/{fw}/ratings.csv"))
        .await;
    assert_eq!(csv.lines().count(), 1 + 2 * 8);
}

async fn toolkit_items_are_their_organizations_own(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let lead_p = app.as_person(w.lead_p).await;
    let lead_a = app.as_person(w.lead_a).await;
    let admin_b = app.as_person(w.admin_b).await;
    let id = start(&lead_p, w.provider_p, w.district_a).await;
    let (_, shipped) = admin_b.json("/api/v1/toolkit").await;
    assert!(
        shipped
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["slug"] == "agenda-term-meeting"),
        "Tandem's own items are for everyone"
    );
    let fields = [
        ("org_id", w.district_a.to_string()),
        ("kind", "questions".to_owned()),
        ("focus", "sites".to_owned()),
        ("title", "Questions for hosting schools".to_owned()),
        ("body", "- Which grades next fall?".to_owned()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // For an organization the caller does not work for: refused.
    let mut foreign = pairs.clone();
    foreign[0].1 = "999999";
    assert_eq!(lead_a.post_form("/toolkit", &foreign).await.status(), 422);
    let empty = lead_a.post_form("/toolkit", &[("org_id", "")]).await;
    assert_eq!(empty.status(), 422);
    let saved = lead_a.post_form("/toolkit", &pairs).await;
    assert_eq!(saved.status(), 303);
    let item = id_after(&saved, "/toolkit/");
    assert_eq!(lead_a.get(&format!("/toolkit/{item}")).await.status(), 200);
    assert_eq!(admin_b.get(&format!("/toolkit/{item}")).await.status(), 404);
    let (_, theirs) = admin_b.json("/api/v1/toolkit").await;
    assert!(!theirs.to_string().contains("Questions for hosting schools"));
    // Only its organization edits it.
    assert_eq!(
        admin_b
            .post_form(&format!("/toolkit/{item}"), &pairs[1..])
            .await
            .status(),
        404
    );
    // Attached to the partnership, its parties see it there.
    let attach = [
        ("partnership_id", id.to_string()),
        ("item_id", item.to_string()),
    ];
    let attach: Vec<(&str, &str)> = attach.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        admin_b.post_form("/toolkit/attach", &attach).await.status(),
        404
    );
    assert_eq!(
        lead_a.post_form("/toolkit/attach", &attach).await.status(),
        303
    );
    let (_, page) = lead_p.text(&format!("/partnerships/{id}")).await;
    assert!(page.contains("Questions for hosting schools"));
}
