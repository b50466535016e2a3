//! Sign-in, sessions, CSRF and security headers.

use crate::harness::{Db, PASSWORD, location, spawn, spawn_with};
use crate::on_both;

on_both!(
    sign_in_starts_a_session_and_sign_out_ends_it,
    wrong_password_is_refused_without_saying_which_part,
    anonymous_callers_are_sent_to_sign_in,
    pages_carry_security_headers,
    forms_without_the_csrf_token_change_nothing,
    idle_and_old_sessions_end,
);

async fn sign_in(app: &crate::harness::TestApp, email: &str, password: &str) -> reqwest::Response {
    let client = app.anonymous().client;
    let form = client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .unwrap();
    let cookie = form
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let html = form.text().await.unwrap();
    let csrf = csrf_in(&html);
    let cookie_pair = cookie.split(';').next().unwrap().to_owned();
    client
        .post(format!("{}/signin", app.base))
        .header("cookie", cookie_pair)
        .form(&[("email", email), ("password", password), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap()
}

async fn sign_in_starts_a_session_and_sign_out_ends_it(db: Db) {
    let app = spawn(db).await;
    let response = sign_in(&app, "ADMIN.A@test.example", PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let set_cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("tandem_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    let token = session.split(';').next().unwrap().to_owned();

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let home = client
        .get(format!("{}/", app.base))
        .header("cookie", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(html.contains("Ada Admin"));
    let csrf = csrf_in(&html);

    let out = client
        .post(format!("{}/signout", app.base))
        .header("cookie", &token)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let after = client
        .get(format!("{}/", app.base))
        .header("cookie", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 303, "the old session no longer works");
    assert_eq!(location(&after), "/signin");

    // Signing in again from a browser that holds a session ends that session.
    let old_token = tandem_web::auth::random_token();
    app.store
        .create_session(
            &tandem_web::auth::sha256_hex(&old_token),
            app.world.admin_a,
            "csrf",
        )
        .await
        .unwrap();
    let old_cookie = format!("tandem_session={old_token}");
    let form = client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .unwrap();
    let pre = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = csrf_in(&form.text().await.unwrap());
    let again = client
        .post(format!("{}/signin", app.base))
        .header("cookie", format!("{pre}; {old_cookie}"))
        .form(&[
            ("email", "admin.a@test.example"),
            ("password", PASSWORD),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 303);
    let earlier = client
        .get(format!("{}/", app.base))
        .header("cookie", &old_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(earlier.status(), 303, "the earlier session ended");
}

async fn wrong_password_is_refused_without_saying_which_part(db: Db) {
    let app = spawn(db).await;
    for (email, password) in [
        ("admin.a@test.example", "not the password"),
        ("nobody@test.example", PASSWORD),
    ] {
        let response = sign_in(&app, email, password).await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains("The e-mail address or password is not right"));
        assert!(html.contains("error-summary"));
    }
    let empty = sign_in(&app, "", "").await;
    let html = empty.text().await.unwrap();
    assert!(html.contains("Enter your e-mail address") && html.contains("Enter your password"));
}

async fn anonymous_callers_are_sent_to_sign_in(db: Db) {
    let app = spawn(db).await;
    let anonymous = app.anonymous();
    for path in [
        "/",
        "/orgs",
        "/people",
        "/people.csv",
        "/admin/tokens",
        &format!("/orgs/{}", app.world.school_a1),
    ] {
        let response = anonymous.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(location(&response), "/signin");
    }
    let (status, problem) = anonymous.json("/api/v1/people").await;
    assert_eq!(status, 401);
    assert_eq!(problem["status"], 401);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .contains("unauthenticated")
    );
    let token = app.as_token(app.world.district_a, false).await.0;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "authorization",
        "Bearer tdm_not_a_real_token".parse().unwrap(),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    assert_eq!(
        client
            .get(format!("{}/api/v1/me", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // A token is for the API, not for pages.
    assert_eq!(token.get("/people").await.status(), 303);
}

async fn pages_carry_security_headers(db: Db) {
    let app = spawn(db).await;
    let admin = app.as_person(app.world.admin_a).await;
    let response = admin.get(&format!("/people/{}", app.world.mentor_a1)).await;
    assert_eq!(response.status(), 200);
    let h = response.headers();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert!(h.get("referrer-policy").is_some());
    assert_eq!(h.get("cache-control").unwrap(), "no-store");
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS without TLS"
    );
    let health = app.anonymous().text("/healthz").await;
    assert_eq!(health, (200, "ok".to_owned()));
}

async fn forms_without_the_csrf_token_change_nothing(db: Db) {
    let app = spawn(db).await;
    let root = app.as_person(app.world.root).await;
    let fields = [
        ("kind", "district"),
        ("name", "Forged District"),
        ("state_code", "MI"),
    ];
    let forged = root
        .client
        .post(format!("{}/orgs", app.base))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    let mut with_wrong = fields.to_vec();
    with_wrong.push(("_csrf", "0000"));
    let wrong = root
        .client
        .post(format!("{}/orgs", app.base))
        .form(&with_wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 400);
    let cross_site = root
        .client
        .post(format!("{}/orgs", app.base))
        .header("origin", "https://evil.example")
        .form(&[
            ("_csrf", root.csrf.as_str()),
            ("kind", "district"),
            ("name", "Forged District"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let (_, html) = root.text("/orgs?q=Forged").await;
    assert!(!html.contains("Forged District"));
    // The same form with the token works.
    let ok = root.post_form("/orgs", &fields).await;
    assert_eq!(ok.status(), 303);
}

async fn idle_and_old_sessions_end(db: Db) {
    let idle = tandem_web::Config {
        idle_timeout_secs: 1,
        ..tandem_web::Config::default()
    };
    let app = spawn_with(db, idle).await;
    let caller = app.as_person(app.world.admin_a).await;
    assert_eq!(caller.get("/").await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(caller.get("/").await.status(), 303, "idle session ended");

    let old = tandem_web::Config {
        absolute_timeout_secs: 1,
        ..tandem_web::Config::default()
    };
    let app = spawn_with(db, old).await;
    let caller = app.as_person(app.world.admin_a).await;
    assert_eq!(caller.get("/").await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        caller.get("/").await.status(),
        303,
        "session past its absolute lifetime ended"
    );
}

/// The CSRF token of the first form on a page.
fn csrf_in(html: &str) -> String {
    let after = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .expect("a form with a CSRF token");
    after.split('"').next().unwrap_or_default().to_owned()
}
