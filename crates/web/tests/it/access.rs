//! Authorization in pairs: the related caller is allowed, the unrelated one is refused, through
//! pages, the JSON API and CSV exports; lists never include what the caller may not see.

use serde_json::json;

use crate::harness::{Db, spawn};
use crate::on_both;

on_both!(
    people_are_visible_only_within_scope,
    state_reviewer_reads_the_state_and_changes_nothing,
    organizations_are_changed_only_by_their_admins,
    people_are_added_only_where_the_caller_manages,
    roles_are_granted_only_within_scope,
    programs_are_managed_by_their_provider,
    tokens_act_only_for_their_organization,
    the_access_log_records_reads_changes_and_exports,
    disabling_an_account_ends_its_sessions,
    nobody_takes_over_a_person_they_could_not_have_appointed,
    organizations_stay_in_their_state,
    filters_do_not_reveal_roles_held_elsewhere,
);

fn ids(page: &serde_json::Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn people_are_visible_only_within_scope(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let admin_a = app.as_person(w.admin_a).await;
    // HTML: related → 200, unrelated → 404.
    assert_eq!(
        admin_a
            .get(&format!("/people/{}", w.mentor_a1))
            .await
            .status(),
        200
    );
    assert_eq!(
        admin_a
            .get(&format!("/people/{}", w.mentor_b1))
            .await
            .status(),
        404
    );
    assert_eq!(
        admin_a.get(&format!("/people/{}", w.cand_p)).await.status(),
        404
    );
    // JSON: the same.
    assert_eq!(
        admin_a
            .json(&format!("/api/v1/people/{}", w.mentor_a1))
            .await
            .0,
        200
    );
    assert_eq!(
        admin_a
            .json(&format!("/api/v1/people/{}", w.mentor_b1))
            .await
            .0,
        404
    );
    // Lists: A's people (the district and its school), never B's.
    let (_, page) = admin_a.json("/api/v1/people?per_page=500").await;
    let seen = ids(&page);
    for id in [w.admin_a, w.lead_a, w.principal_a1, w.mentor_a1, w.data_a] {
        assert!(seen.contains(&id), "{id} missing from {seen:?}");
    }
    for id in [w.admin_b, w.mentor_b1, w.cand_p, w.mentor_c1, w.root] {
        assert!(!seen.contains(&id), "{id} leaked into {seen:?}");
    }
    let (_, html) = admin_a.text("/people").await;
    assert!(html.contains("Mina Mentor") && !html.contains("Milo Mentor"));
    // CSV: the same.
    let (status, csv) = admin_a.text("/people.csv").await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("Mina Mentor")
            && !csv.contains("Milo Mentor")
            && !csv.contains("Cara Candidate")
    );
    // Memberships follow the same scope.
    let (_, memberships) = admin_a.json("/api/v1/memberships?per_page=500").await;
    let people: Vec<i64> = memberships["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_i64().unwrap())
        .collect();
    assert!(people.contains(&w.mentor_a1) && !people.contains(&w.mentor_b1));
    let (_, csv) = admin_a.text("/memberships.csv").await;
    assert!(csv.contains("Mina Mentor") && !csv.contains("Milo Mentor"));

    // A mentor sees only themselves.
    let mentor = app.as_person(w.mentor_a1).await;
    assert_eq!(
        mentor
            .get(&format!("/people/{}", w.mentor_a1))
            .await
            .status(),
        200
    );
    assert_eq!(
        mentor
            .get(&format!("/people/{}", w.principal_a1))
            .await
            .status(),
        404
    );
    let (_, page) = mentor.json("/api/v1/people").await;
    assert_eq!(ids(&page), vec![w.mentor_a1]);

    // A provider coordinator sees its candidates, not the other provider's.
    let coord = app.as_person(w.coord_p).await;
    assert_eq!(
        coord.get(&format!("/people/{}", w.cand_p)).await.status(),
        200
    );
    assert_eq!(
        coord.get(&format!("/people/{}", w.cand_q)).await.status(),
        404
    );
}

async fn state_reviewer_reads_the_state_and_changes_nothing(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let reviewer = app.as_person(w.reviewer_mi).await;
    for id in [w.mentor_a1, w.mentor_b1, w.cand_p] {
        assert_eq!(
            reviewer.get(&format!("/people/{id}")).await.status(),
            200,
            "{id}"
        );
    }
    assert_eq!(
        reviewer
            .get(&format!("/people/{}", w.mentor_c1))
            .await
            .status(),
        404,
        "another state"
    );
    let (_, page) = reviewer.json("/api/v1/people?per_page=500").await;
    assert!(!ids(&page).contains(&w.mentor_c1));
    // Read-only: every change is refused and nothing changes.
    assert_eq!(
        reviewer
            .get(&format!("/orgs/{}/edit", w.school_a1))
            .await
            .status(),
        403
    );
    let edit = reviewer
        .post_form(
            &format!("/orgs/{}", w.school_a1),
            &[
                ("kind", "school"),
                ("name", "Renamed"),
                ("parent_id", &w.district_a.to_string()),
            ],
        )
        .await;
    assert_eq!(edit.status(), 403);
    let person = reviewer
        .post_form(&format!("/people/{}", w.mentor_a1), &[("name", "Renamed")])
        .await;
    assert_eq!(person.status(), 403);
    let grant = reviewer
        .post_form(
            "/memberships",
            &[
                ("person_id", &w.mentor_a1.to_string()),
                ("org_id", &w.school_b1.to_string()),
                ("role", "mentor"),
            ],
        )
        .await;
    assert_eq!(grant.status(), 403);
    let (_, org) = reviewer
        .json(&format!("/api/v1/organizations/{}", w.school_a1))
        .await;
    assert_eq!(org["name"], "Alder Elementary");
}

async fn organizations_are_changed_only_by_their_admins(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let admin_a = app.as_person(w.admin_a).await;
    let district = w.district_a.to_string();
    // Allowed: A's school.
    assert_eq!(
        admin_a
            .get(&format!("/orgs/{}/edit", w.school_a1))
            .await
            .status(),
        200
    );
    let ok = admin_a
        .post_form(
            &format!("/orgs/{}", w.school_a1),
            &[
                ("kind", "school"),
                ("name", "Alder Elementary School"),
                ("parent_id", &district),
                ("zip", "48201"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    let (_, org) = admin_a
        .json(&format!("/api/v1/organizations/{}", w.school_a1))
        .await;
    assert_eq!(org["name"], "Alder Elementary School");
    // Refused: B's school, by page and by API.
    assert_eq!(
        admin_a
            .get(&format!("/orgs/{}/edit", w.school_b1))
            .await
            .status(),
        403
    );
    let refused = admin_a
        .post_form(
            &format!("/orgs/{}", w.school_b1),
            &[
                ("kind", "school"),
                ("name", "Taken Over"),
                ("parent_id", &w.district_b.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let (token, _) = app.as_token(w.district_a, true).await;
    let api = token
        .put_json(
            &format!("/api/v1/organizations/{}", w.school_b1),
            json!({"kind": "school", "name": "Taken Over", "parent_id": w.district_b}),
        )
        .await;
    assert_eq!(api.status(), 403);
    let (_, org) = admin_a
        .json(&format!("/api/v1/organizations/{}", w.school_b1))
        .await;
    assert_eq!(org["name"], "Birch Middle", "nothing changed");
    // A district admin adds schools to their own district only.
    let own = admin_a
        .post_form(
            "/orgs",
            &[
                ("kind", "school"),
                ("name", "Alder High"),
                ("parent_id", &district),
            ],
        )
        .await;
    assert_eq!(own.status(), 303);
    let other = admin_a
        .post_form(
            "/orgs",
            &[
                ("kind", "school"),
                ("name", "Birch High"),
                ("parent_id", &w.district_b.to_string()),
            ],
        )
        .await;
    assert_eq!(other.status(), 403);
    // A school takes its district's state.
    let (_, page) = admin_a.json("/api/v1/organizations?q=Alder%20High").await;
    assert_eq!(page["items"][0]["state_code"], "MI");
    // A mentor changes no organization.
    let mentor = app.as_person(w.mentor_a1).await;
    assert_eq!(
        mentor
            .get(&format!("/orgs/{}/edit", w.school_a1))
            .await
            .status(),
        403
    );
    assert_eq!(mentor.get("/orgs/new").await.status(), 403);
}

async fn people_are_added_only_where_the_caller_manages(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord = app.as_person(w.coord_p).await;
    let p = w.provider_p.to_string();
    let ok = coord
        .post_form(
            "/people",
            &[
                ("name", "New Candidate"),
                ("email", "new@test.example"),
                ("org_id", &p),
                ("role", "candidate"),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    let into_q = coord
        .post_form(
            "/people",
            &[
                ("name", "Stray"),
                ("org_id", &w.provider_q.to_string()),
                ("role", "candidate"),
            ],
        )
        .await;
    assert_eq!(into_q.status(), 403);
    let as_admin = coord
        .post_form(
            "/people",
            &[("name", "Climber"), ("org_id", &p), ("role", "admin")],
        )
        .await;
    assert_eq!(as_admin.status(), 403, "coordinators do not make admins");
    let (_, page) = coord.json("/api/v1/people?q=Stray").await;
    assert_eq!(page["total"], 0);
    // Editing: own candidate yes, another provider's no (not even visible).
    assert_eq!(
        coord
            .post_form(
                &format!("/people/{}", w.cand_p),
                &[
                    ("name", "Cara C. Candidate"),
                    ("email", "cand.p@test.example")
                ]
            )
            .await
            .status(),
        303
    );
    assert_eq!(
        coord
            .post_form(&format!("/people/{}", w.cand_q), &[("name", "Hijacked")])
            .await
            .status(),
        404
    );
    // Everyone may edit their own name.
    let mentor = app.as_person(w.mentor_a1).await;
    assert_eq!(
        mentor
            .post_form(
                &format!("/people/{}", w.mentor_a1),
                &[
                    ("name", "Mina M. Mentor"),
                    ("email", "mentor.a1@test.example")
                ]
            )
            .await
            .status(),
        303
    );
    assert_eq!(mentor.get("/people/new").await.status(), 403);
}

async fn roles_are_granted_only_within_scope(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let admin_a = app.as_person(w.admin_a).await;
    let grant = |org: i64, role: &'static str| {
        let admin_a = admin_a.clone();
        let person = w.lead_a.to_string();
        async move {
            admin_a
                .post_form(
                    "/memberships",
                    &[
                        ("person_id", &person),
                        ("org_id", &org.to_string()),
                        ("role", role),
                    ],
                )
                .await
                .status()
        }
    };
    // The organizations offered are those in scope: a district admin sees its schools.
    let (_, form) = admin_a.text("/people/new").await;
    assert!(form.contains(">Alder Elementary<") && !form.contains("Birch Middle"));
    let (_, form) = app
        .as_person(w.root)
        .await
        .text(&format!("/people/new?org={}", w.school_b1))
        .await;
    assert!(
        form.contains(">Birch Middle<"),
        "coming from a school's page offers that school"
    );
    assert_eq!(grant(w.school_a1, "mentor").await, 303);
    assert_eq!(grant(w.school_b1, "mentor").await, 403);
    assert_eq!(
        grant(w.school_a1, "mentor").await,
        422,
        "the same role twice"
    );
    // Removing: a membership in A yes; one in B is not even visible.
    let (_, mine) = admin_a
        .json(&format!("/api/v1/memberships?person_id={}", w.mentor_a1))
        .await;
    let id = mine["items"][0]["id"].as_i64().unwrap();
    let admin_b = app.as_person(w.admin_b).await;
    let (_, theirs) = admin_b
        .json(&format!("/api/v1/memberships?person_id={}", w.mentor_b1))
        .await;
    let other = theirs["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        admin_a
            .json(&format!("/api/v1/memberships/{other}"))
            .await
            .0,
        404
    );
    assert_eq!(
        admin_a
            .post_form(&format!("/memberships/{other}/delete"), &[])
            .await
            .status(),
        404
    );
    assert_eq!(
        admin_a
            .post_form(&format!("/memberships/{id}/delete"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin_b
            .json(&format!("/api/v1/memberships/{other}"))
            .await
            .0,
        200,
        "B's role is untouched"
    );
}

async fn programs_are_managed_by_their_provider(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let coord = app.as_person(w.coord_p).await;
    let fields = |provider: i64, name: &'static str| {
        vec![
            ("provider_id", provider.to_string()),
            ("name", name.to_owned()),
            ("areas", "elementary".to_owned()),
            ("areas", "special_education".to_owned()),
            ("grade_band", "elementary".to_owned()),
            ("pathway", "residency".to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let coord = coord.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            coord.post_form("/programs", &pairs).await
        }
    };
    let created = post(fields(w.provider_p, "Urban Residency")).await;
    assert_eq!(created.status(), 303);
    let path = crate::harness::location(&created);
    let id: i64 = path
        .trim_start_matches("/programs/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        post(fields(w.provider_q, "Poached Program")).await.status(),
        403
    );
    assert_eq!(
        post(fields(w.provider_p, "Urban Residency")).await.status(),
        422,
        "duplicate name"
    );
    let (_, program) = coord.json(&format!("/api/v1/programs/{id}")).await;
    assert_eq!(program["areas"], json!(["elementary", "special_education"]));
    assert_eq!(program["pathway"], "residency");
    // Another provider's coordinator may read it but not change it.
    let other = app.as_person(w.coord_q).await;
    assert_eq!(other.get(&format!("/programs/{id}")).await.status(), 200);
    assert_eq!(
        other.get(&format!("/programs/{id}/edit")).await.status(),
        403
    );
    let (_, csv) = other.text("/programs.csv").await;
    assert!(csv.contains("Urban Residency") && csv.contains("elementary;special_education"));
}

async fn tokens_act_only_for_their_organization(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let admin_a = app.as_person(w.admin_a).await;
    // An admin creates a token for their organization on the page; the secret is shown once.
    let created = admin_a
        .post_form(
            "/admin/tokens",
            &[
                ("name", "SIS sync"),
                ("org_id", &w.district_a.to_string()),
                ("access", "write"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let html = created.text().await.unwrap();
    let secret = html
        .split("<code class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("tdm_"));
    let for_b = admin_a
        .post_form(
            "/admin/tokens",
            &[
                ("name", "Sneaky"),
                ("org_id", &w.district_b.to_string()),
                ("access", "read"),
            ],
        )
        .await;
    assert_eq!(for_b.status(), 403);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {secret}").parse().unwrap());
    let token = crate::harness::Caller {
        client: reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap(),
        base: app.base.clone(),
        csrf: String::new(),
    };
    let (_, page) = token.json("/api/v1/people?per_page=500").await;
    assert!(ids(&page).contains(&w.mentor_a1) && !ids(&page).contains(&w.mentor_b1));
    let in_a = token
        .post_json(
            "/api/v1/people",
            json!({"name": "Synced Mentor", "org_id": w.school_a1, "role": "mentor"}),
        )
        .await;
    assert_eq!(in_a.status(), 201);
    let in_b = token
        .post_json(
            "/api/v1/people",
            json!({"name": "Synced Elsewhere", "org_id": w.school_b1, "role": "mentor"}),
        )
        .await;
    assert_eq!(in_b.status(), 403);
    // A read-only token reads but never writes.
    let (reader, reader_id) = app.as_token(w.district_a, false).await;
    assert_eq!(reader.json("/api/v1/people").await.0, 200);
    let write = reader
        .post_json(
            "/api/v1/people",
            json!({"name": "X", "org_id": w.school_a1, "role": "mentor"}),
        )
        .await;
    assert_eq!(write.status(), 403);
    // B's admin cannot revoke A's token; A's admin can, and then it stops working.
    let admin_b = app.as_person(w.admin_b).await;
    assert_eq!(
        admin_b
            .post_form(&format!("/admin/tokens/{reader_id}/revoke"), &[])
            .await
            .status(),
        404
    );
    assert_eq!(reader.json("/api/v1/people").await.0, 200);
    assert_eq!(
        admin_a
            .post_form(&format!("/admin/tokens/{reader_id}/revoke"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(reader.json("/api/v1/people").await.0, 401);
    // Mentors manage no tokens.
    assert_eq!(
        app.as_person(w.mentor_a1)
            .await
            .get("/admin/tokens")
            .await
            .status(),
        403
    );
    // A browser session cannot write through the API (no CSRF exposure there).
    let by_cookie = admin_a
        .post_json(
            "/api/v1/people",
            json!({"name": "Y", "org_id": w.school_a1, "role": "mentor"}),
        )
        .await;
    assert_eq!(by_cookie.status(), 400);
}

async fn the_access_log_records_reads_changes_and_exports(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let admin_a = app.as_person(w.admin_a).await;
    admin_a.get(&format!("/people/{}", w.mentor_a1)).await;
    admin_a.get("/people.csv").await;
    admin_a
        .post_form(
            &format!("/people/{}", w.mentor_a1),
            &[("name", "Mina Mentor"), ("email", "mentor.a1@test.example")],
        )
        .await;
    let (entries, _) = app
        .store
        .access_log(Some(w.mentor_a1), tandem_store::Page::all())
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"read") && actions.contains(&"export") && actions.contains(&"update"),
        "{actions:?}"
    );
    assert!(entries.iter().all(|e| e.actor_person_id == Some(w.admin_a)));
    // A refused read is not a disclosure.
    admin_a.get(&format!("/people/{}", w.mentor_b1)).await;
    let (entries, _) = app
        .store
        .access_log(Some(w.mentor_b1), tandem_store::Page::all())
        .await
        .unwrap();
    assert!(entries.is_empty());
    // Only installation administrators read the log.
    assert_eq!(admin_a.get("/admin/access-log").await.status(), 403);
    let root = app.as_person(w.root).await;
    let (status, html) = root
        .text(&format!("/admin/access-log?person={}", w.mentor_a1))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Ada Admin") && html.contains("export"));
}

async fn disabling_an_account_ends_its_sessions(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let mentor = app.as_person(w.mentor_a1).await;
    assert_eq!(mentor.get("/").await.status(), 200);
    assert_eq!(
        mentor
            .post_form(&format!("/people/{}/disable", w.principal_a1), &[])
            .await
            .status(),
        404
    );
    let admin_a = app.as_person(w.admin_a).await;
    assert_eq!(
        admin_a
            .post_form(&format!("/people/{}/disable", w.mentor_b1), &[])
            .await
            .status(),
        404
    );
    assert_eq!(
        admin_a
            .post_form(&format!("/people/{}/disable", w.admin_a), &[])
            .await
            .status(),
        403
    );
    assert_eq!(
        admin_a
            .post_form(&format!("/people/{}/disable", w.mentor_a1), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        mentor.get("/").await.status(),
        303,
        "the disabled person is signed out"
    );
    let again = app.as_person(w.mentor_a1).await;
    assert_eq!(
        again.get("/").await.status(),
        303,
        "and cannot hold a session"
    );
    assert_eq!(
        admin_a
            .post_form(&format!("/people/{}/enable", w.mentor_a1), &[])
            .await
            .status(),
        303
    );
    assert_eq!(again.get("/").await.status(), 200);
}

async fn nobody_takes_over_a_person_they_could_not_have_appointed(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let store = &app.store;
    let hash = Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo");
    let pine_admin = store
        .create_person(
            "Pine Admin",
            Some("admin.p@test.example"),
            hash,
            false,
            Some((w.provider_p, tandem_domain::Role::Admin)),
        )
        .await
        .unwrap();
    // A coordinator sees the provider's admin but cannot change their e-mail or password.
    let coord = app.as_person(w.coord_p).await;
    assert_eq!(
        coord.get(&format!("/people/{pine_admin}")).await.status(),
        200
    );
    let takeover = coord
        .post_form(
            &format!("/people/{pine_admin}"),
            &[
                ("name", "Pine Admin"),
                ("email", "mine@evil.example"),
                ("password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(takeover.status(), 403);
    let (token, _) = app.as_token(w.provider_p, true).await;
    let api = token
        .put_json(
            &format!("/api/v1/people/{pine_admin}"),
            json!({"name": "Pine Admin", "email": "mine@evil.example"}),
        )
        .await;
    assert_eq!(api.status(), 403);
    assert_eq!(
        coord
            .post_form(&format!("/people/{pine_admin}/disable"), &[])
            .await
            .status(),
        403
    );
    // Holding a second role does not reach a person through the first one: the principal, also
    // made a coordinator at Pine, cannot give the school's mentor a role (and so own them).
    store
        .add_membership(&tandem_domain::input::MembershipDraft {
            person_id: w.principal_a1,
            org_id: w.provider_p,
            role: tandem_domain::Role::Coordinator,
        })
        .await
        .unwrap();
    let principal = app.as_person(w.principal_a1).await;
    let grant = principal
        .post_form(
            "/memberships",
            &[
                ("person_id", &w.mentor_a1.to_string()),
                ("org_id", &w.provider_p.to_string()),
                ("role", "candidate"),
            ],
        )
        .await;
    assert_eq!(grant.status(), 403);
    // A coordinator still changes their own candidates.
    let own = coord
        .post_form(
            &format!("/people/{}", w.cand_p),
            &[("name", "Cara Candidate"), ("email", "cand.p@test.example")],
        )
        .await;
    assert_eq!(own.status(), 303);
}

async fn organizations_stay_in_their_state(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    let admin_a = app.as_person(w.admin_a).await;
    let moved = admin_a
        .post_form(
            &format!("/orgs/{}", w.district_a),
            &[
                ("kind", "district"),
                ("name", "Alder District"),
                ("state_code", "CA"),
            ],
        )
        .await;
    assert_eq!(moved.status(), 422);
    let (_, org) = admin_a
        .json(&format!("/api/v1/organizations/{}", w.district_a))
        .await;
    assert_eq!(org["state_code"], "MI");
    // A Michigan state administrator adds schools to Michigan districts, not Californian ones.
    let state_admin = app
        .store
        .create_person(
            "Stacy State",
            Some("state.admin@test.example"),
            None,
            false,
            Some((w.state_mi, tandem_domain::Role::Admin)),
        )
        .await
        .unwrap();
    let state_admin = app.as_person(state_admin).await;
    let here = state_admin
        .post_form(
            "/orgs",
            &[
                ("kind", "school"),
                ("name", "Birch Annex"),
                ("parent_id", &w.district_b.to_string()),
            ],
        )
        .await;
    assert_eq!(here.status(), 303);
    let there = state_admin
        .post_form(
            "/orgs",
            &[
                ("kind", "school"),
                ("name", "Cedar Annex"),
                ("parent_id", &w.district_c.to_string()),
                ("state_code", "MI"),
            ],
        )
        .await;
    assert_eq!(there.status(), 403);
    // A school takes its district's state even when the form names another.
    let root = app.as_person(w.root).await;
    root.post_form(
        "/orgs",
        &[
            ("kind", "school"),
            ("name", "Cedar Middle"),
            ("parent_id", &w.district_c.to_string()),
            ("state_code", "MI"),
        ],
    )
    .await;
    let (_, page) = root.json("/api/v1/organizations?q=Cedar%20Middle").await;
    assert_eq!(page["items"][0]["state_code"], "CA");
}

async fn filters_do_not_reveal_roles_held_elsewhere(db: Db) {
    let app = spawn(db).await;
    let w = app.world;
    // The school's mentor is also a candidate at Pine University, which district A cannot see.
    app.store
        .add_membership(&tandem_domain::input::MembershipDraft {
            person_id: w.mentor_a1,
            org_id: w.provider_p,
            role: tandem_domain::Role::Candidate,
        })
        .await
        .unwrap();
    let admin_a = app.as_person(w.admin_a).await;
    let (_, page) = admin_a
        .json(&format!(
            "/api/v1/people?org_id={}&role=candidate",
            w.provider_p
        ))
        .await;
    assert_eq!(page["total"], 0, "{page}");
    let coord = app.as_person(w.coord_p).await;
    let (_, page) = coord
        .json(&format!(
            "/api/v1/people?org_id={}&role=candidate",
            w.provider_p
        ))
        .await;
    assert!(
        ids(&page).contains(&w.mentor_a1),
        "Pine's coordinator sees Pine's candidates"
    );
}
