//! The directory through pages and API: create, see it listed, search, filter, paginate, export,
//! and bad input that saves nothing.

use serde_json::json;

use crate::harness::{Db, location, spawn};
use crate::on_both;

on_both!(
    an_organization_created_on_the_page_is_listed,
    validation_errors_are_shown_next_to_fields_and_nothing_is_saved,
    the_api_rejects_bad_input_with_problem_bodies,
    lists_search_filter_and_paginate,
    csv_exports_neutralize_formulas,
);

async fn an_organization_created_on_the_page_is_listed(db: Db) {
    let app = spawn(db).await;
    let root = app.as_person(app.world.root).await;
    let response = root
        .post_form(
            "/orgs",
            &[
                ("kind", "provider"),
                ("name", "Lakeshore Teacher Residency"),
                ("state_code", "mi"),
                ("city", "Muskegon"),
                ("zip", "49440"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let path = location(&response);
    assert!(path.starts_with("/orgs/") && path.ends_with("?saved=1"));
    let (status, html) = root.text(&path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Lakeshore Teacher Residency") && html.contains("Saved."));
    let (_, list) = root.text("/orgs?q=lakeshore").await;
    assert!(list.contains("Lakeshore Teacher Residency"));
    let (_, page) = root.json("/api/v1/organizations?q=Lakeshore").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["kind"], "provider");
    assert_eq!(page["items"][0]["state_code"], "MI");
}

async fn validation_errors_are_shown_next_to_fields_and_nothing_is_saved(db: Db) {
    let app = spawn(db).await;
    let root = app.as_person(app.world.root).await;
    let (_, before) = root.json("/api/v1/organizations").await;
    let response = root
        .post_form("/orgs", &[("kind", "school"), ("name", ""), ("zip", "12")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(html.contains("href=\"#name\"") && html.contains("Enter a name"));
    assert!(html.contains("Select the district this school belongs to"));
    assert!(html.contains("Enter a ZIP code like 48201"));
    assert!(html.contains("aria-invalid=\"true\""));
    let (_, after) = root.json("/api/v1/organizations").await;
    assert_eq!(before["total"], after["total"]);

    // A person with a taken e-mail address: the message is on the e-mail field.
    let response = root
        .post_form(
            "/people",
            &[
                ("name", "Twin"),
                ("email", "ADMIN.A@test.example"),
                ("org_id", &app.world.district_a.to_string()),
                ("role", "mentor"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Someone already uses this e-mail address")
    );
    let (_, page) = root.json("/api/v1/people?q=Twin").await;
    assert_eq!(page["total"], 0);

    // A common password is refused.
    let response = root
        .post_form(
            "/people",
            &[
                ("name", "Weak"),
                ("email", "weak@test.example"),
                ("password", "password1"),
                ("org_id", &app.world.district_a.to_string()),
                ("role", "mentor"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("too common"));
}

async fn the_api_rejects_bad_input_with_problem_bodies(db: Db) {
    let app = spawn(db).await;
    let (token, _) = app.as_token(app.world.district_a, true).await;
    let response = token
        .post_json(
            "/api/v1/people",
            json!({"name": "", "email": "nope", "org_id": app.world.school_a1, "role": "wizard"}),
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"name") && fields.contains(&"email") && fields.contains(&"role"),
        "{problem}"
    );
    for (path, body) in [
        ("/api/v1/people", "{not json"),
        ("/api/v1/people", r#"{"name": 5}"#),
        ("/api/v1/organizations", r#"{"kind": "district"}"#),
    ] {
        let response = token
            .client
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{path} {body} → {status}");
        let problem: serde_json::Value = response.json().await.unwrap();
        assert!(problem["title"].is_string());
    }
    for path in [
        "/api/v1/people/abc",
        "/api/v1/organizations/99999999",
        "/api/v1/organizations?kind=castle",
        "/api/v1/people?page=abc",
        "/api/v1/nothing",
    ] {
        let (status, problem) = token.json(path).await;
        assert!((400..500).contains(&status), "{path} → {status}");
        assert!(problem["type"].is_string(), "{path}");
    }
    let (_, page) = token.json("/api/v1/people?q=nope").await;
    assert_eq!(page["total"], 0, "nothing saved");
    // Control characters are refused in input and harmless in searches, on both backends.
    let nul = token
        .post_json(
            "/api/v1/people",
            json!({"name": "Nul\0Person", "org_id": app.world.school_a1, "role": "mentor"}),
        )
        .await;
    assert_eq!(nul.status(), 422);
    let street = token.post_json("/api/v1/people", json!({"name": "Ok", "email": "a\0@x.org", "org_id": app.world.school_a1, "role": "mentor"})).await;
    assert_eq!(street.status(), 422);
    for path in [
        "/api/v1/organizations?q=%00",
        "/api/v1/organizations?state_code=%00M",
        "/api/v1/people?q=a%00b",
    ] {
        assert_eq!(token.json(path).await.0, 200, "{path}");
    }
}

async fn lists_search_filter_and_paginate(db: Db) {
    let app = spawn(db).await;
    let root = app.as_person(app.world.root).await;
    for i in 0..60 {
        root.post_form(
            "/orgs",
            &[
                ("kind", "school"),
                ("name", &format!("Maple School {i:02}")),
                ("parent_id", &app.world.district_a.to_string()),
            ],
        )
        .await;
    }
    let (_, first) = root.json("/api/v1/organizations?q=maple&per_page=25").await;
    assert_eq!(first["total"], 60);
    assert_eq!(first["items"].as_array().unwrap().len(), 25);
    let (_, last) = root
        .json("/api/v1/organizations?q=maple&per_page=25&page=3")
        .await;
    assert_eq!(last["items"].as_array().unwrap().len(), 10);
    assert_eq!(last["items"][9]["name"], "Maple School 59");
    let (_, html) = root.text("/orgs?q=maple&kind=school").await;
    assert!(html.contains("60 in all") && html.contains("page 1 of 2"));
    assert!(
        html.contains("/orgs?q=maple&#38;kind=school&#38;page=2"),
        "the next link keeps the filters"
    );
    let (_, html) = root.text("/orgs?q=maple&page=2").await;
    assert!(html.contains("Maple School 59") && !html.contains("Maple School 00"));
    let (_, schools) = root
        .json(&format!(
            "/api/v1/organizations?parent_id={}&per_page=500",
            app.world.district_a
        ))
        .await;
    assert_eq!(schools["total"], 61);
    let (_, mi) = root
        .json("/api/v1/organizations?kind=district&state_code=mi")
        .await;
    assert_eq!(mi["total"], 2);
    // Wildcards in a search are literal.
    let (_, none) = root.json("/api/v1/organizations?q=%25").await;
    assert_eq!(none["total"], 0);
    // A malformed page number in a page is "page 1", not an error; a malformed id is not found.
    assert_eq!(root.get("/orgs?page=zzz").await.status(), 200);
    let (status, html) = root.text("/orgs/abc").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
}

async fn csv_exports_neutralize_formulas(db: Db) {
    let app = spawn(db).await;
    let root = app.as_person(app.world.root).await;
    let response = root
        .post_form(
            "/people",
            &[
                ("name", "=HYPERLINK(\"http://evil\")"),
                ("org_id", &app.world.district_a.to_string()),
                ("role", "mentor"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = root.get("/people.csv").await;
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("id,name,email"));
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{csv}"
    );
    let (_, orgs) = root.text("/orgs.csv?kind=district").await;
    assert_eq!(orgs.lines().count(), 4, "header and three districts");
}
